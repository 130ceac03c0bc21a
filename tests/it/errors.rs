//! Messages safe to print: whatever bytes an input holds, dekking's stderr holds no control
//! character but the line ends, no line longer than the cap, and a fatal error is one line.
//! Every kind of input is fed seeded random bytes (escape sequences, carriage returns, NULs,
//! bidirectional overrides, long runs), alone and behind a valid header.

use rand::{Rng, SeedableRng};

use crate::util::{fixture, Workdir};

/// Pieces the random inputs are made of: text that can rewrite a terminal or hide itself, the
/// delimiters and quotes the parsers look for, and plain text.
const PIECES: &[&[u8]] = &[
    b"\x1b[2J",
    b"\x1b]0;title\x07",
    b"\r",
    b"\n",
    b"\0",
    b"\x08\x7f",
    "\u{202e}".as_bytes(),
    "\u{200b}".as_bytes(),
    b"\xff\xfe",
    b";",
    b",",
    b"\t",
    b"\"",
    b"{",
    b"[",
    b"GM0363",
    b"12,5",
    b"-1e309",
    b"adres_id",
    b"PAR1",
];

/// Seeded random bytes: pieces and single bytes, now and then a long run.
fn nasty(rng: &mut rand_chacha::ChaCha8Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.random_range(1..40) {
        match rng.random_range(0..10) {
            0 => out.extend(std::iter::repeat_n(b'x', rng.random_range(100..3000))),
            1..=3 => out.push(rng.random()),
            _ => out.extend_from_slice(PIECES[rng.random_range(0..PIECES.len())]),
        }
    }
    out
}

/// Checks one run's stderr and exit code.
fn check(case: &str, out: &std::process::Output) {
    let stderr = String::from_utf8(out.stderr.clone()).unwrap_or_else(|e| panic!("{case}: stderr not UTF-8: {e}"));
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 2 | 3)), "{case}: exit {code:?}\n{stderr}");
    for line in stderr.lines() {
        assert!(!line.chars().any(char::is_control), "{case}: a control character in {line:?}");
        assert!(line.chars().count() <= 1_100, "{case}: a line of {} characters", line.chars().count());
    }
    assert!(!stderr.contains('\r'), "{case}: a carriage return");
    if code == Some(2) {
        assert_eq!(stderr.lines().count(), 1, "{case}: a fatal error is one line:\n{stderr}");
    }
}

#[test]
fn messages_quote_any_input_safely() {
    let wd = Workdir::new();
    let f = |name: &str| fixture(name).to_str().unwrap().to_string();
    let (codes, points) = (f("bad/code_forms.csv"), f("bad/points_rd.csv"));
    let (grid, gemeenten) = (f("mobile/grid.csv"), f("mobile/gemeenten_rd.geojson"));
    let mobile = |extra: &[&str]| {
        let mut a = vec!["mobile", "--grid", "KPN=GRID", "--boundaries", "BND", "--date", "2026-11-23"];
        a.extend(extra);
        a.iter().map(|s| s.replace("GRID", &grid).replace("BND", &gemeenten)).collect::<Vec<String>>()
    };
    // (input file name, header that gets a row past the header check, arguments with FILE for it)
    let kinds: Vec<(&str, &str, Vec<String>)> = vec![
        ("r.csv", "adres_id;gemeentecode;download_mbps\n", vec!["fixed".into(), "-i".into(), "FILE".into()]),
        ("r.parquet", "", vec!["fixed".into(), "-i".into(), "FILE".into()]),
        ("u.csv", "adres_id;gemeentecode\n", ["fixed", "-i", &codes, "--universe", "FILE"].map(String::from).to_vec()),
        (
            "b.geojson",
            "{\"type\":\"FeatureCollection\",\"features\":[",
            ["fixed", "-i", &points, "--boundaries", "FILE"].map(String::from).to_vec(),
        ),
        (
            "p.csv",
            "code,name,parent_code,parent_name\n",
            ["fixed", "-i", &codes, "--provincies", "FILE"].map(String::from).to_vec(),
        ),
        ("t.toml", "[[fixed]]\nid = \"", ["fixed", "-i", &codes, "--targets", "FILE"].map(String::from).to_vec()),
        ("l.toml", "id = \"", mobile(&["--licence", "FILE"])),
        (
            "g.csv",
            "x,y,dl_mbps\n",
            ["mobile", "--grid", "KPN=FILE", "--boundaries", &gemeenten, "--date", "2026-11-23"]
                .map(String::from)
                .to_vec(),
        ),
        (
            "g.tif",
            "II*\0",
            ["mobile", "--grid", "KPN=FILE", "--boundaries", &gemeenten, "--date", "2026-11-23"]
                .map(String::from)
                .to_vec(),
        ),
        ("d.csv", "operator;x;y;time;dl_mbps\n", mobile(&["--drive-tests", "FILE"])),
        (
            "m.csv",
            "old_code,old_name,new_code,new_name,date,source\n",
            ["report", "--vintage", &format!("2023={codes}"), "--mergers", "FILE"].map(String::from).to_vec(),
        ),
        (
            "mob.csv",
            "operator,area_code\n",
            ["report", "--vintage", &format!("2023={codes}"), "--mobile", "FILE"].map(String::from).to_vec(),
        ),
        ("run.toml", "out = \"", vec!["report".into(), "--run".into(), "FILE".into()]),
    ];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(23);
    for (name, header, args) in &kinds {
        for k in 0..6 {
            let mut bytes = if k % 2 == 0 { Vec::new() } else { header.as_bytes().to_vec() };
            bytes.extend(nasty(&mut rng));
            let file = wd.write(name, &bytes);
            let mut argv: Vec<String> = args.iter().map(|a| a.replace("FILE", file.to_str().unwrap())).collect();
            argv.extend(["-o", "out", "-q", "--run-date", "2026-11-23"].map(String::from));
            let a: Vec<&str> = argv.iter().map(String::as_str).collect();
            check(&format!("{name} #{k}"), &wd.run(&a));
        }
    }
}

/// A message's quoted input is escaped and cut, and the line it is in stays one line.
#[test]
fn a_header_of_escape_sequences_is_shown_escaped_and_cut() {
    let wd = Workdir::new();
    let mut header = b"adres_id|x\x1b[2J\x1b]0;owned\x07".to_vec();
    header.extend(std::iter::repeat_n(b'y', 500));
    header.extend(b"\r\n1|2\n");
    wd.write("g.csv", &header);
    let out = wd.run(&["fixed", "-i", "g.csv", "--delimiter", ",", "-o", "out"]);
    check("g.csv", &out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the header is one column \"adres_id|x\\u{1b}[2J\\u{1b}]0;owned\\u{7}yyy"), "{stderr}");
    assert!(stderr.contains("…\""), "cut with an ellipsis: {stderr}");
    assert!(stderr.len() < 400, "{stderr}");
}

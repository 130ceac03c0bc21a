use crate::util::{cov, csv_rows, fcc_maine, fixture, Workdir};

fn run_fixture(wd: &Workdir, extra: &[&str]) -> Vec<std::collections::BTreeMap<String, String>> {
    let u = fixture("fixed/universe.csv");
    let r = fixture("fixed/records.csv");
    let mut args = vec![
        "fixed",
        "-i",
        r.to_str().unwrap(),
        "--universe",
        u.to_str().unwrap(),
        "-t",
        "100",
        "-t",
        "100/20",
        "-t",
        "30",
        "--out",
        "out",
        "--run-date",
        "2024-01-01",
    ];
    args.extend_from_slice(extra);
    wd.ok(&args);
    csv_rows(&wd.read("out/coverage.csv"))
}

/// Expected figures, worked out by hand from tests/fixtures/fixed/:
/// valid universe A1..A6 (A6 has no record), A1 = 200/10 + 50/50 (meets 100/0 but no single
/// record meets 100/20), A2 = 0/0 only, A3 = 100/20, A4 = 1000/1000, A5 = 30/3.
#[test]
fn hand_computed_addresses() {
    let wd = Workdir::new();
    let rows = run_fixture(&wd, &["--unweighted"]);
    let get = |code: &str, t: &str, col: &str| cov(&rows, code, t)[col].clone();
    assert_eq!(get("GM0014", "100/0", "universe"), "3");
    assert_eq!(get("GM0014", "100/0", "covered"), "2");
    assert_eq!(get("GM0014", "100/20", "covered"), "1");
    assert_eq!(get("GM0014", "30/0", "covered"), "2");
    assert_eq!(get("GM0034", "100/0", "covered"), "1");
    assert_eq!(get("GM0034", "30/0", "covered"), "2");
    assert_eq!(get("GM0034", "30/0", "short"), "1");
    assert_eq!(get("PV20", "100/20", "covered"), "1");
    assert_eq!(get("NL", "100/0", "universe"), "6");
    assert_eq!(get("NL", "100/0", "covered"), "3");
    assert_eq!(get("NL", "100/0", "share"), "0.500000");
    assert_eq!(get("NL", "100/0", "short"), "3");
    assert_eq!(get("NL", "100/0", "meets_target"), "no");
    assert_eq!(get("NL", "100/0", "target_id"), "adc-100mbps-2023");
    assert_eq!(get("NL", "100/20", "covered"), "2");
    assert_eq!(get("NL", "30/0", "covered"), "4");
    assert_eq!(get("NL", "30/0", "meets_target"), "", "no target at 30 Mbps");
    assert_eq!(get("NL", "100/0", "unit"), "addresses");
    // A gemeente without addresses: universe 0, no share, no verdict.
    assert_eq!(get("GM0363", "100/0", "universe"), "0");
    assert_eq!(get("GM0363", "100/0", "share"), "");
    assert_eq!(get("GM0363", "100/0", "meets_target"), "");
    assert_eq!(rows.len(), (342 + 12 + 1) * 3);
}

/// Thresholds that filter on technology, worked out by hand from the same fixture: glasvezel
/// serves A3 (100) and A4 (1000); dsl or kabel at 30 Mbps serve A1 (kabel 200, dsl 50) and A5
/// (dsl 30), not A2 (dsl 0/0). The technology column is read (and listed in provenance) only for
/// such thresholds.
#[test]
fn technology_thresholds_hand_computed() {
    let wd = Workdir::new();
    let rows = run_fixture(&wd, &["--unweighted", "-t", "30@glasvezel", "-t", "30@dsl,kabel"]);
    let get = |code: &str, t: &str| cov(&rows, code, t)["covered"].clone();
    assert_eq!(
        (get("GM0014", "30/0@glasvezel"), get("GM0034", "30/0@glasvezel"), get("NL", "30/0@glasvezel")),
        ("1".into(), "1".into(), "2".into())
    );
    assert_eq!(
        (get("GM0014", "30/0@dsl,kabel"), get("GM0034", "30/0@dsl,kabel"), get("NL", "30/0@dsl,kabel")),
        ("1".into(), "1".into(), "2".into())
    );
    assert!(wd.read("out/coverage.json").contains("\"technologie\""));
    let plain = Workdir::new();
    run_fixture(&plain, &["--unweighted"]);
    assert!(!plain.read("out/coverage.json").contains("\"technologie\""), "no threshold filters on technology");
}

/// The same fixture weighted by `huishoudens`: A1=1, A2=2, A3=1, A4=1, A5=3, A6=1.
#[test]
fn hand_computed_households() {
    let wd = Workdir::new();
    let rows = run_fixture(&wd, &[]);
    let get = |code: &str, t: &str, col: &str| cov(&rows, code, t)[col].clone();
    assert_eq!(get("GM0014", "100/0", "universe"), "4");
    assert_eq!(get("GM0014", "100/0", "covered"), "2");
    assert_eq!(get("GM0034", "100/0", "universe"), "5");
    assert_eq!(get("GM0034", "30/0", "covered"), "4");
    assert_eq!(get("NL", "100/0", "universe"), "9");
    assert_eq!(get("NL", "100/0", "covered"), "3");
    assert_eq!(get("NL", "100/0", "share"), "0.333333");
    assert_eq!(get("NL", "30/0", "covered"), "6");
    assert_eq!(get("NL", "100/0", "unit"), "households");
    assert_eq!(get("NL", "100/0", "addresses"), "6");
}

#[test]
fn every_rejected_row_is_listed_with_its_reason() {
    let wd = Workdir::new();
    run_fixture(&wd, &[]);
    let rejects = csv_rows(&wd.read("out/rejected.csv"));
    let got: Vec<(String, String, String)> = rejects
        .iter()
        .map(|r| (r["file"].rsplit('/').next().unwrap().to_string(), r["row"].clone(), r["reason"].clone()))
        .collect();
    let want: Vec<(String, String, String)> = [
        ("records.csv", "7", "not_in_universe"),
        ("records.csv", "8", "invalid_speed"),
        ("records.csv", "9", "negative_speed"),
        ("records.csv", "10", "implausible_speed"),
        ("records.csv", "11", "missing_speed"),
        ("records.csv", "12", "unknown_area"),
        ("universe.csv", "7", "duplicate_in_universe"),
        ("universe.csv", "8", "unknown_area"),
        ("universe.csv", "9", "no_location"),
        ("universe.csv", "10", "missing_address_id"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want);
    // Rows in = used + rejected, per file, in the provenance block.
    let json: serde_json::Value = serde_json::from_str(&wd.read("out/coverage.json")).unwrap();
    let rows = json["provenance"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for r in rows {
        let c = &r[1];
        let rejected: u64 = c["rejected"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
        assert_eq!(c["rows_in"].as_u64().unwrap(), c["used"].as_u64().unwrap() + rejected);
        assert_eq!(rejected, if r[0].as_str().unwrap().ends_with("universe.csv") { 4 } else { 6 });
    }
}

#[test]
fn outputs_are_byte_identical_across_runs_and_thread_counts() {
    let wd = Workdir::new();
    wd.ok(&["demo", "generate", "--scale", "0.01", "--seed", "5", "--out", "r.csv", "--universe", "u.csv"]);
    let run = |out: &str, threads: &str| {
        let o = wd
            .command(&["fixed", "-i", "r.csv", "--universe", "u.csv", "--out", out, "--run-date", "2024-01-01", "-q"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run("a", "1");
    run("b", "2");
    run("c", "2");
    for f in ["coverage.csv", "coverage.parquet", "coverage.json", "rejected.csv"] {
        let a = std::fs::read(wd.path(&format!("a/{f}"))).unwrap();
        assert_eq!(a, std::fs::read(wd.path(&format!("b/{f}"))).unwrap(), "{f}: 1 vs 2 threads");
        assert_eq!(a, std::fs::read(wd.path(&format!("c/{f}"))).unwrap(), "{f}: rerun");
    }
}

/// A checksum remembered from an earlier run is used while the file is unchanged, and only
/// then: a file rewritten in place with the same size is hashed anew. (The remembered value is
/// planted, so that its use shows in the provenance.)
#[test]
fn remembered_checksums_follow_the_file() {
    use dekking_files::sha256_hex;
    let wd = Workdir::new();
    let text = |speed: u32| format!("adres_id,download_mbps,gemeentecode\n1,{speed},GM0363\n");
    let input = wd.write("in.csv", text(100));
    // Only files last changed a while before they are opened are remembered.
    std::thread::sleep(dekking_files::checksums::SETTLE + std::time::Duration::from_millis(200));
    let sha = |out: &str| {
        wd.ok(&["fixed", "-i", "in.csv", "-o", out, "-q", "--run-date", "2024-01-01"]);
        let json: serde_json::Value = serde_json::from_str(&wd.read(&format!("{out}/coverage.json"))).unwrap();
        json["provenance"]["inputs"][0]["sha256"].as_str().unwrap().to_string()
    };
    let first = sha256_hex(&std::fs::read(&input).unwrap());
    assert_eq!(sha("a"), first);
    let table = wd.path(".cache/sha256.tsv");
    let stored = wd.read(".cache/sha256.tsv");
    assert!(stored.contains(&first), "{stored}");
    let planted = "0".repeat(64);
    std::fs::write(&table, stored.replace(&first, &planted)).unwrap();
    assert_eq!(sha("b"), planted, "an unchanged file's checksum is recalled");
    std::fs::write(&input, text(200)).unwrap();
    let second = sha256_hex(&std::fs::read(&input).unwrap());
    assert_ne!(second, first);
    assert_eq!(sha("c"), second, "a rewritten file is hashed anew");
}

#[test]
fn encodings_and_delimiters_give_the_same_figures() {
    let wd = Workdir::new();
    let base = "adres_id;gemeentecode;download_mbps;gemeente_naam\nA;GM0014;100;Groningen\nB;GM0080;50;Leeuwarden\n";
    wd.write("utf8.csv", base);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(base.replace(';', ",").as_bytes());
    wd.write("bom.csv", bom);
    // Windows-1252: "Fryslân" as 0xE2, and a tab delimiter.
    let mut cp = b"adres_id\tgemeentecode\tdownload_mbps\tprovincie\n".to_vec();
    cp.extend_from_slice(b"A\tGM0014\t100\tGroningen\nB\t80\t50\tFrysl\xe2n\n");
    wd.write("cp1252.csv", cp);
    let mut results = Vec::new();
    for f in ["utf8.csv", "bom.csv", "cp1252.csv"] {
        let out = format!("out-{f}");
        wd.ok(&["fixed", "-i", f, "-t", "100", "--out", &out, "--run-date", "2024-01-01", "-q"]);
        let rows = csv_rows(&wd.read(&format!("{out}/coverage.csv")));
        results.push((cov(&rows, "NL", "100/0")["covered"].clone(), cov(&rows, "PV21", "100/0")["universe"].clone()));
    }
    assert_eq!(results, vec![("1".to_string(), "1".to_string()); 3]);
}

#[test]
fn clear_errors_and_exit_code_2() {
    let wd = Workdir::new();
    wd.write("r.csv", "id;snelheid\n1;100\n");
    let out = wd.run(&["fixed", "-i", "r.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("r.csv: missing column for `down_mbps`") && err.contains("--column down_mbps=NAME"), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("dekking: error")).count(), 1);

    wd.write("r2.csv", "adres_id;gemeentecode;download_mbps\n1;GM0014;100\n");
    let out = wd.run(&["fixed", "-i", "r2.csv", "-t", "100/20"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no upload-speed column"));

    let out = wd.run(&["fixed", "-i", "r2.csv", "--profile", "xx"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid profile `xx`"));

    let out = wd.run(&["fixed", "-i", "r2.csv", "-t", "fast"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid threshold `fast`"));

    let out = wd.run(&["fixed", "-i", "missing.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.csv"));

    wd.write("empty.csv", "");
    let out = wd.run(&["fixed", "-i", "empty.csv"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty.csv: the file is empty"));

    wd.write("header.csv", "adres_id;gemeentecode;download_mbps\n");
    let out = wd.run(&["fixed", "-i", "header.csv"]);
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("header.csv: no usable rows (the file has a header but no data rows)"));

    // Nothing is written then, so the error itself says why: the reasons and the first row.
    wd.write("allbad.csv", "adres_id;gemeentecode;download_mbps\na;GM0363;abc\n;GM0014;5\nc;GM0014;-1\n");
    let out = wd.run(&["fixed", "-i", "allbad.csv", "-o", "allbad"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("allbad.csv: no usable rows (every row was rejected: missing_address_id 1, invalid_speed 1, negative_speed 1; the first, row 1: down_mbps = \"abc\")"),
        "{err}"
    );
}

#[test]
fn by_level_limits_the_rows() {
    let wd = Workdir::new();
    let (u, r) = (fixture("fixed/universe.csv"), fixture("fixed/records.csv"));
    let args = ["fixed", "-i", r.to_str().unwrap(), "--universe", u.to_str().unwrap(), "-t", "100", "--out", "o", "-q"];
    wd.ok(&[&args[..], &["--by", "provincie", "--by", "nl"]].concat());
    let rows = csv_rows(&wd.read("o/coverage.csv"));
    assert_eq!(rows.len(), 13);
    assert!(rows.iter().all(|r| r["level"] != "gemeente"));
    let out = wd.run(&[&args[..], &["--by", "county"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has the levels gemeente, provincie, nl"));
}

#[test]
fn column_mapping_flags() {
    let wd = Workdir::new();
    wd.write("r.csv", "ID,Gem,Down,Up\n1,GM0014,100,20\n2,GM0014,50,5\n");
    wd.ok(&[
        "fixed",
        "-i",
        "r.csv",
        "--column",
        "address_id=ID",
        "--column",
        "area_code=Gem",
        "--column",
        "down_mbps=Down",
        "--column",
        "up_mbps=Up",
        "-t",
        "100/20",
        "--out",
        "o",
        "-q",
    ]);
    let rows = csv_rows(&wd.read("o/coverage.csv"));
    assert_eq!(cov(&rows, "GM0014", "100/20")["covered"], "1");
    assert_eq!(cov(&rows, "GM0014", "100/20")["universe"], "2");
}

/// The FCC BDC Maine FTTP file, by county and state, against an independent stdlib-Python
/// computation (tests/scripts/fcc_bdc_check.py).
#[test]
fn fcc_bdc_maine_matches_independent_computation() {
    let Some(file) = fcc_maine() else {
        return;
    };
    let thresholds = ["0.2/0.2", "25/3", "100/20", "250/25", "1000/100"];
    let wd = Workdir::new();
    let mut args = vec![
        "fixed",
        "--profile",
        "fcc-bdc",
        "-i",
        file.to_str().unwrap(),
        "--out",
        "fcc",
        "-q",
        "--by",
        "county",
        "--by",
        "state",
        "--by",
        "us",
    ];
    for t in &thresholds {
        args.extend(["-t", t]);
    }
    wd.ok(&args);
    let ours = csv_rows(&wd.read("fcc/coverage.csv"));
    assert_eq!(ours.len(), (16 + 1 + 1) * thresholds.len(), "16 Maine counties, the state and the total");
    assert_eq!(cov(&ours, "23", "0.2/0.2")["area_name"], "ME");
    assert_eq!(cov(&ours, "US", "0.2/0.2")["universe"], "209141");
    let rejected = csv_rows(&wd.read("fcc/rejected.csv"));
    assert!(rejected.is_empty(), "{rejected:?}");

    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/fcc_bdc_check.py");
    // Only a missing python3 skips; a script that fails or disagrees fails the test.
    let py = match std::process::Command::new("python3").arg(&script).arg(&file).args(thresholds).output() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::util::skip("the Python cross-check: python3 is not available");
            return;
        }
        Err(e) => panic!("python3 {}: {e}", script.display()),
        Ok(o) => o,
    };
    assert!(py.status.success(), "{} failed:\n{}", script.display(), String::from_utf8_lossy(&py.stderr));
    let theirs = csv_rows(&String::from_utf8(py.stdout).unwrap());
    assert_eq!(theirs.len(), ours.len());
    for t in &theirs {
        let o = cov(&ours, &t["area_code"], &t["threshold"]);
        assert_eq!((&o["universe"], &o["covered"]), (&t["universe"], &t["covered"]), "{t:?}");
    }
}

/// The FCC BDC Maine FTTP file as the FCC ships it (zipped) and gzipped, both written by Python's
/// standard library: the coverage table byte for byte that of the plain CSV, and the provenance
/// names how it was packed and the checksum of the file as stored.
#[test]
fn fcc_bdc_maine_read_from_zip_and_gzip() {
    let Some(file) = fcc_maine() else {
        return;
    };
    let wd = Workdir::new();
    let pack = "import gzip, shutil, sys, zipfile\n\
        src, gz, zp = sys.argv[1:4]\n\
        with open(src, 'rb') as f, gzip.open(gz, 'wb') as g: shutil.copyfileobj(f, g)\n\
        with zipfile.ZipFile(zp, 'w', zipfile.ZIP_DEFLATED) as z: z.write(src, 'bdc_23_FibertothePremises.csv')\n";
    let out = match std::process::Command::new("python3")
        .args(["-c", pack])
        .arg(&file)
        .args([wd.path("bdc.csv.gz"), wd.path("bdc.zip")])
        .output()
    {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::util::skip("packing the FCC file: python3 is not available");
            return;
        }
        r => r.unwrap(),
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let run = |input: &str, dir: &str| {
        let args = ["fixed", "--profile", "fcc-bdc", "-i", input, "--by", "county", "--by", "state", "-t", "100/20"];
        let mut args = args.to_vec();
        args.extend(["--run-date", "2026-12-03", "--out", dir, "-q"]);
        wd.ok(&args);
        wd.read(&format!("{dir}/coverage.csv"))
    };
    let plain = run(file.to_str().unwrap(), "plain");
    assert!(plain.lines().count() > 17, "{plain}");
    let plain_json: serde_json::Value = serde_json::from_str(&wd.read("plain/coverage.json")).unwrap();
    for (packed, how) in [("bdc.csv.gz", "(gzip)"), ("bdc.zip", "(zip, member \"bdc_23_FibertothePremises.csv\")")] {
        let dir = packed.replace('.', "_");
        assert_eq!(run(wd.path(packed).to_str().unwrap(), &dir), plain, "{packed}");
        let json: serde_json::Value = serde_json::from_str(&wd.read(&format!("{dir}/coverage.json"))).unwrap();
        let input = &json["provenance"]["inputs"][0];
        assert!(input["format"].as_str().unwrap().ends_with(how), "{input}");
        assert_eq!(input["sha256"], dekking_files::sha256_hex(&std::fs::read(wd.path(packed)).unwrap()).as_str());
        assert_eq!(input["rows"], plain_json["provenance"]["inputs"][0]["rows"], "{input}");
    }
}

/// The FCC BDC Maine FTTP file split by county (Python's standard library) into 16 parts, gzip
/// and zip in turn, in hive-style folders `state=23/county=NNNNN/`: read as one input — the
/// folder, or two glob patterns — it gives the whole file's coverage table byte for byte, and
/// the provenance lists every part with its checksum and its own rows in = used + rejected.
/// With `--where business_residential_code=R,X` the parts give the table of the rows Python
/// kept, and count the rows left out; the folders' partition values are columns to filter on.
/// Run in 8 partitions, every table is the one pass's.
#[test]
fn fcc_bdc_maine_split_into_packed_parts() {
    let Some(file) = fcc_maine() else {
        return;
    };
    let wd = Workdir::new();
    let split = "import csv, gzip, io, os, sys, zipfile\n\
        src, out = sys.argv[1:3]\n\
        parts = {}\n\
        with open(src, newline='') as f:\n\
        \x20   r = csv.reader(f); head = next(r)\n\
        \x20   for row in r: parts.setdefault(row[head.index('block_geoid')][:5], []).append(row)\n\
        with open(os.path.join(os.path.dirname(out), 'residential.csv'), 'w', newline='') as f:\n\
        \x20   w = csv.writer(f, lineterminator='\\n'); w.writerow(head)\n\
        \x20   code = head.index('business_residential_code')\n\
        \x20   for county, rows in sorted(parts.items()): w.writerows(r for r in rows if r[code] in ('R', 'X'))\n\
        for k, (county, rows) in enumerate(sorted(parts.items())):\n\
        \x20   d = os.path.join(out, 'state=23', 'county=' + county); os.makedirs(d)\n\
        \x20   text = io.StringIO(); w = csv.writer(text, lineterminator='\\n'); w.writerow(head); w.writerows(rows)\n\
        \x20   if k % 2 == 0:\n\
        \x20       with gzip.open(os.path.join(d, 'part.csv.gz'), 'wt', newline='') as g: g.write(text.getvalue())\n\
        \x20   else:\n\
        \x20       with zipfile.ZipFile(os.path.join(d, 'part.zip'), 'w', zipfile.ZIP_DEFLATED) as z: z.writestr('part.csv', text.getvalue())\n\
        print(len(parts))\n";
    let out = match std::process::Command::new("python3").args(["-c", split]).arg(&file).arg(wd.path("parts")).output()
    {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::util::skip("splitting the FCC file: python3 is not available");
            return;
        }
        r => r.unwrap(),
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "16");
    let run = |inputs: &[&str], dir: &str| {
        let mut args =
            vec!["fixed", "--profile", "fcc-bdc", "--by", "county", "--by", "state", "-t", "25/3", "-t", "100/20"];
        for i in inputs {
            args.extend(["-i", i]);
        }
        args.extend(["--run-date", "2026-12-03", "--out", dir, "-q"]);
        wd.ok(&args);
        wd.read(&format!("{dir}/coverage.csv"))
    };
    let whole = run(&[file.to_str().unwrap()], "whole");
    let folder = wd.path("parts");
    assert_eq!(run(&[folder.to_str().unwrap()], "folder"), whole);
    let (gz, zip) = (folder.join("state=23/*/*.csv.gz"), folder.join("state=23/*/*.zip"));
    assert_eq!(run(&[gz.to_str().unwrap(), zip.to_str().unwrap()], "globs"), whole);
    let json: serde_json::Value = serde_json::from_str(&wd.read("folder/coverage.json")).unwrap();
    let inputs = json["provenance"]["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 16);
    let rows = json["provenance"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 16);
    let mut total = 0;
    for (input, r) in inputs.iter().zip(rows) {
        let path = input["path"].as_str().unwrap();
        assert_eq!(input["sha256"], dekking_files::sha256_hex(&std::fs::read(path).unwrap()).as_str());
        assert_eq!((r[0].as_str().unwrap(), &r[1]["rows_in"]), (path, &input["rows"]));
        assert_eq!(r[1]["rows_in"], r[1]["used"], "no row of the FCC file is rejected");
        total += r[1]["rows_in"].as_u64().unwrap();
    }
    let whole_json: serde_json::Value = serde_json::from_str(&wd.read("whole/coverage.json")).unwrap();
    assert_eq!(total, whole_json["provenance"]["inputs"][0]["rows"].as_u64().unwrap());

    // The hive folders' values are columns: `--where county=…` on the folder reads two counties,
    // whose rows are the whole file's rows for them, and the state is their sum.
    let mut args =
        vec!["fixed", "--profile", "fcc-bdc", "--by", "county", "--by", "state", "-t", "25/3", "-t", "100/20"];
    args.extend(["-i", folder.to_str().unwrap(), "--where", "county=23005,23019", "--where", "state=23"]);
    args.extend(["--run-date", "2026-12-03", "--out", "hive", "-q"]);
    wd.ok(&args);
    let two = csv_rows(&wd.read("hive/coverage.csv"));
    let all = csv_rows(&whole);
    let counties: Vec<_> = two.iter().filter(|r| r["level"] == "county").collect();
    assert_eq!(counties.len(), 4, "two counties, two thresholds: {counties:?}");
    for c in &counties {
        assert!(all.contains(c), "{c:?}");
    }
    for t in ["25/3", "100/20"] {
        let state = two.iter().find(|r| r["level"] == "state" && r["threshold"] == t).unwrap();
        let sum: u64 =
            counties.iter().filter(|r| r["threshold"] == t).map(|r| r["addresses"].parse::<u64>().unwrap()).sum();
        assert_eq!(state["addresses"], sum.to_string());
    }

    // --where keeps the residential locations (R, X) as the rows Python kept give them, each
    // part counting the business rows it left out.
    let kept = run(&[wd.path("residential.csv").to_str().unwrap()], "residential");
    let mut args =
        vec!["fixed", "--profile", "fcc-bdc", "--by", "county", "--by", "state", "-t", "25/3", "-t", "100/20"];
    args.extend(["-i", folder.to_str().unwrap(), "--where", "business_residential_code=R,X"]);
    args.extend(["--run-date", "2026-12-03", "--out", "where", "-q"]);
    wd.ok(&args);
    assert_eq!(wd.read("where/coverage.csv"), kept);
    let json: serde_json::Value = serde_json::from_str(&wd.read("where/coverage.json")).unwrap();
    assert_eq!(json["provenance"]["filters"][0], "business_residential_code=R,X");
    let left: u64 =
        json["provenance"]["rows"].as_array().unwrap().iter().map(|r| r[1]["left_out"].as_u64().unwrap_or(0)).sum();
    let kept_rows = csv_rows(&wd.read("residential.csv")).len() as u64;
    assert_eq!((left, total - left), (total - kept_rows, kept_rows));
    for r in json["provenance"]["rows"].as_array().unwrap() {
        let c = &r[1];
        let sum = c["used"].as_u64().unwrap() + c["left_out"].as_u64().unwrap_or(0);
        assert_eq!(sum, c["rows_in"].as_u64().unwrap(), "{r}");
    }

    // The BEAD classes of the parts per county and state equal the standard-library Python
    // classification of the whole file (tests/scripts/fcc_bead_check.py).
    let mut args = vec!["fixed", "--profile", "fcc-bdc", "--by", "county", "--by", "state", "--classify", "bead-us"];
    args.push("--class-locations");
    args.extend(["-i", folder.to_str().unwrap(), "--run-date", "2026-12-03", "--out", "bead", "-q"]);
    wd.ok(&args);
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/fcc_bead_check.py");
    let py = std::process::Command::new("python3").arg(&script).arg(&file).output().unwrap();
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    let theirs = csv_rows(&String::from_utf8(py.stdout).unwrap());
    let ours = csv_rows(&wd.read("bead/classes.csv"));
    assert_eq!(ours.len(), 17, "16 counties and the state");
    assert_eq!(theirs.len(), ours.len());
    for (o, t) in ours.iter().zip(&theirs) {
        for k in ["level", "area_code", "locations", "unserved", "underserved", "served"] {
            assert_eq!(o[k], t[k], "{k}: {o:?} {t:?}");
        }
    }
    // Each location once in class_locations.csv, the classes adding up to the state's row.
    let each = csv_rows(&wd.read("bead/class_locations.csv"));
    let ids: std::collections::BTreeSet<&str> = each.iter().map(|r| r["location_id"].as_str()).collect();
    let state = theirs.iter().find(|t| t["level"] == "state").unwrap();
    assert_eq!(ids.len().to_string(), state["locations"]);
    for class in ["unserved", "underserved", "served"] {
        assert_eq!(each.iter().filter(|r| r["class"] == class).count().to_string(), state[class], "{class}");
    }

    // Per H3 res-8 cell (from `h3_res8_id`) the parts give the counts of a standard-library
    // grouping of the whole file (tests/scripts/fcc_h3_check.py); with --min-count 5 a cell of
    // fewer locations keeps its rows with the figures empty, marked suppressed, and still counts
    // in the state.
    let mut args = vec!["fixed", "--profile", "fcc-bdc", "--by", "h3:8", "--by", "state", "-t", "25/3", "-t", "100/20"];
    args.extend(["--min-count", "5", "-i", folder.to_str().unwrap(), "--run-date", "2026-12-03", "--out", "h3", "-q"]);
    wd.ok(&args);
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/fcc_h3_check.py");
    let py = std::process::Command::new("python3").arg(&script).arg(&file).output().unwrap();
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    let theirs = csv_rows(&String::from_utf8(py.stdout).unwrap());
    let ours = csv_rows(&wd.read("h3/coverage.csv"));
    let cells: std::collections::BTreeMap<(&str, &str), _> = ours
        .iter()
        .filter(|r| r["level"] == "h3:8")
        .map(|r| ((r["area_code"].as_str(), r["threshold"].as_str()), r))
        .collect();
    assert_eq!(cells.len(), 2 * theirs.len(), "a row per cell and threshold");
    let (mut suppressed, mut locations) = (0, 0);
    for t in &theirs {
        let n: u64 = t["addresses"].parse().unwrap();
        locations += n;
        for (threshold, column) in [("25/3", "covered_25_3"), ("100/20", "covered_100_20")] {
            let o = cells[&(t["area_code"].as_str(), threshold)];
            if n < 5 {
                suppressed += 1;
                let figures = [&o["addresses"], &o["universe"], &o["covered"], &o["share"], &o["short"]];
                assert!(o["suppressed"] == "yes" && figures.iter().all(|v| v.is_empty()), "{t:?}: {o:?}");
            } else {
                assert_eq!(o["suppressed"], "no");
                assert_eq!((&o["addresses"], &o["covered"]), (&t["addresses"], &t[column]), "{t:?} at {threshold}");
            }
        }
    }
    assert!(suppressed > 0 && suppressed < cells.len(), "{suppressed} of {} rows suppressed", cells.len());
    let state = ours.iter().find(|r| r["level"] == "state").unwrap();
    assert_eq!(state["addresses"], locations.to_string());
    // In 8 partitions (each a pass over the 16 parts keeping the locations of its ids), with a
    // filter, the classes and the cells, every table is the one pass's byte for byte.
    let folder_text = folder.to_str().unwrap();
    let pass = |dir: &str, n: &str| {
        let mut args = vec!["fixed", "--profile", "fcc-bdc", "--by", "county", "--by", "state", "--by", "h3:8"];
        args.extend(["-t", "25/3", "-t", "100/20", "--min-count", "5", "--classify", "bead-us", "-i", folder_text]);
        args.extend(["--where", "business_residential_code=R,X", "--partitions", n, "--run-date", "2026-12-03"]);
        args.extend(["--out", dir, "-q"]);
        wd.ok(&args);
    };
    pass("pass1", "1");
    pass("pass8", "8");
    for file in ["coverage.csv", "coverage.json", "rejected.csv", "classes.csv", "cells.geojson"] {
        assert_eq!(wd.read(&format!("pass1/{file}")), wd.read(&format!("pass8/{file}")), "{file}");
    }

    // The cells' outlines: a feature per cell, each a closed hexagon or pentagon, with its
    // figures per threshold.
    let geo: serde_json::Value = serde_json::from_str(&wd.read("h3/cells.geojson")).unwrap();
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), theirs.len(), "a feature per cell");
    for f in features.iter().take(50) {
        let ring = f["geometry"]["coordinates"][0].as_array().unwrap();
        assert!((6..=8).contains(&ring.len()) && ring[0] == ring[ring.len() - 1], "{f}");
        assert_eq!(f["properties"]["level"], "h3:8");
        let t = theirs.iter().find(|t| f["properties"]["area_code"] == t["area_code"].as_str()).unwrap();
        if f["properties"]["suppressed"] == false {
            assert_eq!(f["properties"]["covered_100_20"].to_string(), t["covered_100_20"], "{f}");
        }
    }
}

/// BEAD classes by hand on records in the FCC layout: only reliable technologies with
/// low_latency = 1 count, a location takes its best class, one without a counting record is
/// unserved.
///
/// | location | records (technology, down/up, low_latency) | class |
/// |---|---|---|
/// | 1 | 50 1000/1000 1 | served |
/// | 2 | 60 (satellite) 100/20 1; 10 50/5 1 | underserved |
/// | 3 | 40 300/20 0 (not low latency); 70 (unlicensed) 100/20 1 | unserved |
/// | 4 | 71 25/3 1; 72 100/19 1 | underserved |
/// | 5 | 40 24/3 1 | unserved |
/// | 6 (another county) | 10 100/20 1; 40 25/3 0 | served |
///
/// With `--class-locations` each location is listed with its county and class.
#[test]
fn bead_classes_by_hand() {
    let wd = Workdir::new();
    let head =
        "location_id,technology,max_advertised_download_speed,max_advertised_upload_speed,low_latency,block_geoid\n";
    let rows = [
        "1,50,1000,1000,1,230010001001000",
        "2,60,100,20,1,230010001001000",
        "2,10,50,5,1,230010001001000",
        "3,40,300,20,0,230010001001000",
        "3,70,100,20,1,230010001001000",
        "4,71,25,3,1,230010001001000",
        "4,72,100,19,1,230010001001000",
        "5,40,24,3,1,230010001001000",
        "6,10,100,20,1,230030001001000",
        "6,40,25,3,0,230030001001000",
    ];
    wd.write("bdc.csv", format!("{head}{}\n", rows.join("\n")));
    let args = ["fixed", "--profile", "fcc-bdc", "-i", "bdc.csv", "--classify", "bead-us", "--class-locations"];
    wd.ok(&[&args[..], &["--out", "o", "-q"]].concat());
    let got: Vec<String> = csv_rows(&wd.read("o/classes.csv"))
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {} {}",
                r["level"], r["area_code"], r["locations"], r["unserved"], r["underserved"], r["served"]
            )
        })
        .collect();
    assert_eq!(got, ["county 23001 5 2 2 1", "county 23003 1 0 0 1", "state 23 6 2 2 2", "us US 6 2 2 2"]);
    let each: Vec<String> = csv_rows(&wd.read("o/class_locations.csv"))
        .iter()
        .map(|r| format!("{} {} {}", r["location_id"], r["area_code"], r["class"]))
        .collect();
    let want = ["served", "underserved", "unserved", "underserved", "unserved"].map(|c| format!("23001 {c}"));
    let want: Vec<String> = want.iter().enumerate().map(|(k, w)| format!("{} {w}", k + 1)).collect();
    assert_eq!(each, [&want[..], &["6 23003 served".to_string()]].concat());
    // Without the class file the same run writes no classes.csv.
    wd.ok(&["fixed", "--profile", "fcc-bdc", "-i", "bdc.csv", "--out", "p", "-q"]);
    assert!(!wd.path("p/classes.csv").exists());
}

/// A run killed while it writes its outputs leaves every output either as it was or complete,
/// never torn. The new run's `rejected.csv` is large (200,000 rows), and the run is killed the
/// moment its first, second, third or fourth temporary file appears in the output folder (one
/// per output, written in turn), so that kills land during each write; the test fails unless a
/// kill lands during the write of every output.
#[test]
fn killed_runs_leave_old_or_complete_outputs() {
    let wd = Workdir::new();
    let mut big = String::from("adres_id;gemeentecode;download_mbps\n");
    for i in 0..200_000 {
        big += &format!("B{i:06};GM0014;{}\n", if i % 3 == 0 { "100" } else { "snel" });
    }
    wd.write("new.csv", &big);
    wd.write("old.csv", "adres_id;gemeentecode;download_mbps\nA1;GM0014;100\nA2;GM0014;x\n");
    let run = |input: &str, out: &str| {
        ["fixed", "-i", input, "--out", out, "--run-date", "2024-01-01", "-q"].map(String::from)
    };
    fn argv(v: &[String; 8]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    wd.ok(&argv(&run("new.csv", "new")));
    let files = ["coverage.csv", "coverage.parquet", "coverage.json", "rejected.csv"];
    let read = |dir: &str| -> Vec<Vec<u8>> {
        files.iter().map(|f| std::fs::read(wd.path(&format!("{dir}/{f}"))).unwrap()).collect()
    };
    let new = read("new");
    // The temporary files of a run in the output folder.
    let temporary = |dir: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|n| n.starts_with(".dekking-"))
            .collect()
    };
    let (mut landed, mut states) = ([0usize; 4], std::collections::BTreeSet::new());
    for attempt in 0..120 {
        let nth = attempt % 4;
        wd.ok(&argv(&run("old.csv", "out")));
        let old = read("out");
        assert!(temporary(&wd.path("out")).is_empty(), "no temporary file is left by a finished run");
        let mut child = wd
            .command(&argv(&run("new.csv", "out")))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Killed as soon as the nth temporary output file is seen (or not at all if the run ends first).
        let mut seen = std::collections::BTreeSet::new();
        let killed_writing = loop {
            if child.try_wait().unwrap().is_some() {
                break false;
            }
            seen.extend(temporary(&wd.path("out")));
            if seen.len() > nth {
                let _ = child.kill();
                break true;
            }
            std::thread::sleep(std::time::Duration::from_micros(50));
        };
        let _ = child.wait();
        for (k, f) in files.iter().enumerate() {
            let now = std::fs::read(wd.path(&format!("out/{f}"))).unwrap();
            let state = if now == old[k] {
                "old"
            } else if now == new[k] {
                "new"
            } else {
                "torn"
            };
            assert_ne!(state, "torn", "{f} after a kill is neither the old nor the new file");
            states.insert(state);
        }
        // A killed run's temporary file stays behind; the next run's outputs are whole anyway.
        for e in std::fs::read_dir(wd.path("out")).unwrap().flatten() {
            if e.file_name().to_string_lossy().starts_with(".dekking-") {
                std::fs::remove_file(e.path()).unwrap();
            }
        }
        landed[nth] += usize::from(killed_writing);
        if landed.iter().all(|&n| n >= 2) {
            break;
        }
    }
    assert!(landed.iter().all(|&n| n >= 1), "kills that landed during the write of each output: {landed:?}");
    eprintln!("kills that landed during the write of each output: {landed:?}; the outputs were: {states:?}");
}

/// Two runs writing into one `--out` at the same time (a fixed run and a mobile run, which write
/// different sets of files) leave exactly one run's set, byte for byte, never a mix: the second
/// waits for the first's lock on the folder, then removes what the first wrote that it does not.
#[test]
fn concurrent_runs_into_one_folder_leave_one_runs_set() {
    let wd = Workdir::new();
    let mut big = String::from("adres_id;gemeentecode;download_mbps\n");
    for i in 0..100_000 {
        big += &format!("B{i:06};GM0014;{}\n", if i % 3 == 0 { "100" } else { "snel" });
    }
    wd.write("records.csv", &big);
    let m = |n: &str| fixture(&format!("mobile/{n}")).to_str().unwrap().to_string();
    let fixed = |out: &str| {
        ["fixed", "-i", "records.csv", "-o", out, "--run-date", "2024-01-01", "-q"].map(String::from).to_vec()
    };
    let mobile = |out: &str| {
        [
            "mobile",
            "--grid",
            &format!("KPN={}", m("grid.csv")),
            "--boundaries",
            &m("gemeenten_rd.geojson"),
            "--date",
            "2026-11-23",
            "-o",
            out,
            "--run-date",
            "2024-01-01",
            "-q",
        ]
        .map(String::from)
        .to_vec()
    };
    fn argv(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    // The set of files of a folder (dekking's lock and list of its files aside), with their bytes.
    let set = |dir: &str| -> std::collections::BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(wd.path(dir))
            .unwrap()
            .flatten()
            .filter(|e| !e.file_name().to_string_lossy().starts_with(".dekking"))
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect()
    };
    wd.ok(&argv(&fixed("a")));
    wd.ok(&argv(&mobile("b")));
    let (a, b) = (set("a"), set("b"));
    assert!(a.contains_key("coverage.csv") && b.contains_key("mobile.csv") && a.keys().any(|k| b.contains_key(k)));
    let mut last = std::collections::BTreeSet::new();
    for round in 0..8 {
        let (first, second) =
            if round % 2 == 0 { (fixed("shared"), mobile("shared")) } else { (mobile("shared"), fixed("shared")) };
        let mut one = wd.command(&argv(&first)).stdout(std::process::Stdio::null()).spawn().unwrap();
        let mut two = wd.command(&argv(&second)).stdout(std::process::Stdio::null()).spawn().unwrap();
        assert!(one.wait().unwrap().success() && two.wait().unwrap().success());
        let now = set("shared");
        let which = if now == a {
            "fixed"
        } else if now == b {
            "mobile"
        } else {
            "a mix"
        };
        assert_ne!(which, "a mix", "round {round}: the folder holds {:?}", now.keys().collect::<Vec<_>>());
        last.insert(which);
    }
    eprintln!("the folder held one run's whole set each time; the last writer was: {last:?}");
}

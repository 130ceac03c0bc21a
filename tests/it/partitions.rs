//! Partial results across processes: `dekking fixed --partition K/N` in separate runs, then
//! `--merge`, gives the tables of one run byte for byte; incomplete or mixed sets are refused.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::{fcc_maine, fixture, Workdir};

/// The tables a fixed run writes that must agree.
const TABLES: [&str; 4] = ["coverage.csv", "coverage.json", "rejected.csv", "classes.csv"];

/// Runs `args` whole into `whole`, then in `n` partition runs merged into `merged`, and
/// compares the tables.
fn whole_equals_merged(wd: &Workdir, args: &[&str], n: u32) {
    let run = |extra: &[&str]| {
        let all: Vec<&str> = ["fixed"].iter().chain(args).chain(extra).copied().collect();
        wd.ok(&all);
    };
    run(&["-o", "whole"]);
    let dirs: Vec<String> = (1..=n).map(|k| format!("part{k}")).collect();
    for (k, dir) in dirs.iter().enumerate() {
        run(&["--partition", &format!("{}/{n}", k + 1), "-o", dir]);
    }
    let mut merge: Vec<&str> = dirs.iter().rev().flat_map(|d| ["--merge", d.as_str()]).collect();
    merge.extend(["-o", "merged"]);
    run(&merge);
    let mut compared = 0;
    for t in TABLES {
        if wd.path("whole").join(t).exists() {
            assert_eq!(wd.read(&format!("whole/{t}")), wd.read(&format!("merged/{t}")), "{t}");
            compared += 1;
        }
    }
    assert!(compared >= 3);
}

/// The hand-made universe and records (rejected rows, addresses without records) in 3
/// separate partition runs, merged in reverse order.
#[test]
fn partition_runs_merge_into_the_whole_run() {
    let wd = Workdir::new();
    let (u, r) = (fixture("fixed/universe.csv"), fixture("fixed/records.csv"));
    let args = ["-i", r.to_str().unwrap(), "--universe", u.to_str().unwrap(), "-t", "100", "-t", "100/20", "-t", "30"];
    whole_equals_merged(&wd, &[&args[..], &["--run-date", "2026-12-03", "-q"]].concat(), 3);
}

/// The FCC Maine file with BEAD classes and H3 cells in 4 partition runs.
#[test]
fn fcc_maine_partition_runs_merge_into_the_whole_run() {
    let Some(file) = fcc_maine() else {
        return;
    };
    let wd = Workdir::new();
    let mut args = vec!["-i", file.to_str().unwrap(), "--profile", "fcc-bdc", "--by", "county", "--by", "state"];
    args.extend(["--by", "h3:8", "--min-count", "5", "--classify", "bead-us", "-t", "25/3", "-t", "100/20"]);
    args.extend(["--run-date", "2026-12-03", "-q"]);
    whole_equals_merged(&wd, &args, 4);
    assert_eq!(wd.read("whole/cells.geojson"), wd.read("merged/cells.geojson"));
}

/// A merge needs every partition of one count once, of the same inputs, in this format.
#[test]
fn incomplete_or_mixed_partials_are_refused() {
    let wd = Workdir::new();
    let (u, r) = (fixture("fixed/universe.csv"), fixture("fixed/records.csv"));
    let base = ["fixed", "-i", r.to_str().unwrap(), "--universe", u.to_str().unwrap(), "-q"];
    let run = |extra: &[&str]| wd.run(&[&base[..], extra].concat());
    for (k, dir) in [("1/2", "a1"), ("2/2", "a2"), ("1/3", "b1")] {
        assert!(run(&["--partition", k, "-o", dir]).status.success());
    }
    let other = wd.write("other.csv", "adres_id,gemeentecode,download_mbps\nX,GM0363,100\n");
    let o = wd.run(&["fixed", "-i", other.to_str().unwrap(), "--partition", "2/2", "-o", "c2", "-q"]);
    assert!(o.status.success());
    wd.write("junk.json", "{\"format\": \"something else\"}");
    let cases: [(&[&str], &str); 5] = [
        (&["--merge", "a1"], "each of the 2 partitions once"),
        (&["--merge", "a1", "--merge", "a1"], "each of the 2 partitions once"),
        (&["--merge", "a1", "--merge", "b1"], "partitions once"),
        (&["--merge", "a1", "--merge", "c2"], "different input files"),
        (&["--merge", "junk.json"], "not a partial result"),
    ];
    for (extra, text) in cases {
        let out = run(&[extra, &["-o", "m"]].concat());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.code() == Some(2) && err.contains(text), "{extra:?}: {err}");
        assert_eq!(err.lines().filter(|l| l.starts_with("dekking: error")).count(), 1, "{err}");
    }
    let bad = run(&["--partition", "3/2", "-o", "x"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("1 <= K <= N"));
}

/// Whole runs over files of their own (`--partition 1/1` each; addresses split by gemeente, as a
/// release is by state) merge, in the order given, into the run over all the files in that
/// order, byte for byte; rejected rows of every file included. Files or gemeenten in two
/// partials, and a universe, are refused.
#[test]
fn runs_over_files_of_their_own_merge_into_one_run() {
    let wd = Workdir::new();
    let header = "adres_id,gemeentecode,download_mbps,upload_mbps\n";
    let a =
        wd.write("a.csv", format!("{header}A1,GM0014,100,10\nA2,GM0014,snel,1\nA1,GM0014,1000,100\nA3,GM0014,30,3\n"));
    let b = wd.write("b.csv", format!("{header}B1,GM0034,1000,1000\nB2,GM0034,50,5\n,GM0034,100,10\n"));
    let c = wd.write("c.csv", format!("{header}C1,GM0363,100,20\nC2,GM0363,0,0\nC1,GM0363,30,3\n"));
    let d = wd.write("d.csv", format!("{header}D1,GM0014,100,10\n"));
    let opts = ["-t", "100", "-t", "100/20", "--by", "gemeente", "--by", "nl", "--run-date", "2026-12-03", "-q"];
    let run = |files: &[&std::path::Path], extra: &[&str]| {
        let mut args = vec!["fixed"];
        for f in files {
            args.extend(["-i", f.to_str().unwrap()]);
        }
        wd.run(&[&args[..], &opts, extra].concat())
    };
    assert!(run(&[&a, &b, &c], &["-o", "whole"]).status.success());
    for (files, dir) in [(vec![&a], "pa"), (vec![&b, &c], "pbc"), (vec![&d], "pd")] {
        let files: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
        assert!(run(&files, &["--partition", "1/1", "-o", dir]).status.success());
    }
    let merged = run(&[&a], &["--merge", "pa", "--merge", "pbc", "-o", "merged"]);
    assert!(merged.status.success(), "{}", String::from_utf8_lossy(&merged.stderr));
    for t in ["coverage.csv", "coverage.json", "rejected.csv"] {
        assert_eq!(wd.read(&format!("whole/{t}")), wd.read(&format!("merged/{t}")), "{t}");
    }
    assert_eq!(wd.read("merged/rejected.csv").lines().count(), 3, "a header and a row from a.csv and b.csv each");

    let u = fixture("fixed/universe.csv");
    let with_universe = run(&[&c], &["--universe", u.to_str().unwrap(), "--partition", "1/1", "-o", "pu"]);
    assert!(with_universe.status.success());
    for (merge, text) in [
        (["pa", "pa"], "read the same file"),
        (["pa", "pd"], "gemeente GM0014 has addresses in partials 1 and 2"),
        (["pa", "pu"], "records only"),
    ] {
        let out = run(&[&a], &["--merge", merge[0], "--merge", merge[1], "-o", "m"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.code() == Some(2) && err.contains(text), "{merge:?}: {err}");
    }
}

/// The line of a run's summary (on stderr) that starts with `start`.
fn line_of(out: &std::process::Output, start: &str) -> Option<String> {
    String::from_utf8_lossy(&out.stderr).lines().find(|l| l.starts_with(start)).map(str::to_string)
}

/// A memory budget below what one pass needs reads the run in as many partitions as fit (the
/// rows estimated from the files, `BYTES_PER_ROW` each, a quarter of a budget below the run's base a
/// partition), each a pass holding its own rows only, with the tables of one pass. The
/// machine's budget reads a small run in one pass. A budget and a number of partitions together
/// are refused.
#[test]
fn a_memory_budget_reads_the_run_in_partitions() {
    let wd = Workdir::new();
    wd.ok(&["demo", "generate", "--scale", "0.002", "--out", "records.csv", "--universe", "addresses.csv"]);
    let rows: usize = ["records.csv", "addresses.csv"].iter().map(|f| wd.read(f).lines().count() - 1).sum();
    let args = ["fixed", "-i", "records.csv", "--universe", "addresses.csv", "-t", "100", "-t", "30"];
    let args = [&args[..], &["--by", "provincie", "--run-date", "2026-12-03"]].concat();
    let whole = wd.ok(&[&args[..], &["-o", "whole"]].concat());
    assert_eq!(line_of(&whole, "read in "), None, "the machine's budget holds a small run");
    let small = wd.ok(&[&args[..], &["--memory", "1M", "-o", "small"]].concat());
    let line = line_of(&small, "read in ").expect("a line on the partitions");
    let n: f64 = line.split_whitespace().nth(2).unwrap().parse().unwrap();
    let expect = (rows as u64 * dekking::pipeline::memory::BYTES_PER_ROW) as f64 / f64::from(256 << 10);
    assert!(n >= 8.0 && (n - expect).abs() <= 0.05 * expect + 1.0, "{line} (rows {rows}, {expect:.1} expected)");
    assert!(line.contains("of 1 MiB") && line.contains("each a pass over the files"), "{line}");
    for t in TABLES.iter().filter(|t| wd.path("whole").join(t).exists()) {
        assert_eq!(wd.read(&format!("whole/{t}")), wd.read(&format!("small/{t}")), "{t}");
    }
    let both = wd.run(&[&args[..], &["--memory", "1G", "--partitions", "2", "-o", "both"]].concat());
    assert!(String::from_utf8_lossy(&both.stderr).contains("--memory"), "{both:?}");
    let bad = wd.run(&[&args[..], &["--memory", "4X", "-o", "bad"]].concat());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a size"), "{bad:?}");
}

/// Lists per location (`--class-locations`) are made in one pass: a budget that asks for
/// partitions reads such a run in one pass, with a note, and the same tables.
#[test]
fn lists_per_location_are_made_in_one_pass_whatever_the_budget() {
    let wd = Workdir::new();
    wd.ok(&["demo", "fcc", "--locations", "3000", "--states", "2", "-o", "release"]);
    let args = ["fixed", "--profile", "fcc-bdc", "-i", "release", "--by", "county", "-t", "25/3", "-t", "100/20"];
    let args = [&args[..], &["--classify", "bead-us", "--class-locations", "--run-date", "2026-12-03"]].concat();
    wd.ok(&[&args[..], &["-o", "whole"]].concat());
    let small = wd.ok(&[&args[..], &["--memory", "1k", "-o", "small"]].concat());
    let note = line_of(&small, "note: read in one pass").expect("a note");
    assert!(note.contains("lists per location"), "{note}");
    for t in ["coverage.csv", "classes.csv", "class_locations.csv"] {
        assert_eq!(wd.read(&format!("whole/{t}")), wd.read(&format!("small/{t}")), "{t}");
    }
}

/// Without a universe, 4 partitions or more are read from the records spilled by partition in
/// one pass (into `DEKKING_SPILL_DIR`): an FCC-layout release with a filter and BEAD classes
/// gives the one pass's tables byte for byte, and the folder is left empty, also by a run that
/// fails half-way through the files.
#[test]
fn spilled_partitions_give_one_pass_and_leave_no_files() {
    let wd = Workdir::new();
    wd.ok(&["demo", "fcc", "--locations", "4000", "--states", "3", "-o", "release"]);
    let args = ["fixed", "--profile", "fcc-bdc", "-i", "release", "--by", "county", "--by", "state"];
    let args = [&args[..], &["-t", "25/3", "-t", "100/20", "--classify", "bead-us"]].concat();
    let args = [&args[..], &["--where", "business_residential_code=R,X", "--run-date", "2026-12-03"]].concat();
    wd.ok(&[&args[..], &["-o", "whole"]].concat());
    std::fs::create_dir_all(wd.path("spill")).unwrap();
    let spilled = |out: &str| {
        let mut c = wd.command(&[&args[..], &["--partitions", "5", "-o", out]].concat());
        c.env("DEKKING_SPILL_DIR", wd.path("spill"));
        c.output().unwrap()
    };
    let ok = spilled("five");
    assert!(ok.status.success(), "{ok:?}");
    for t in TABLES {
        assert_eq!(wd.read(&format!("whole/{t}")), wd.read(&format!("five/{t}")), "{t}");
    }
    let left = || std::fs::read_dir(wd.path("spill")).unwrap().count();
    assert_eq!(left(), 0, "the spill's folder is removed after the run");
    // A corrupt file after the others: the run fails, and leaves nothing behind.
    let good = std::fs::read(wd.path("release/bdc_01_40.csv.gz")).unwrap();
    wd.write("release/bdc_99_99.csv.gz", &good[..good.len() / 2]);
    let failed = spilled("broken");
    assert!(!failed.status.success() && String::from_utf8_lossy(&failed.stderr).contains("bdc_99_99"), "{failed:?}");
    assert_eq!(left(), 0, "the spill's folder is removed after a failed run");
}

/// `--spill` decides when partitions are spilled (a missing `DEKKING_SPILL_DIR` shows which
/// runs use it): `auto` from 4 partitions, `always` from 2 (the tables of one pass), `never`
/// not at all; `always` with a universe is refused in one line.
#[test]
fn the_spill_switch_decides_which_runs_use_the_disk() {
    let wd = Workdir::new();
    wd.ok(&["demo", "fcc", "--locations", "3000", "--states", "2", "-o", "release"]);
    let args =
        ["fixed", "--profile", "fcc-bdc", "-i", "release", "--by", "county", "-t", "25/3", "--run-date", "2026-12-03"];
    wd.ok(&[&args[..], &["-o", "whole"]].concat());
    let run = |spill: &str, n: &str, dir: &str| {
        let mut c = wd.command(&[&args[..], &["--partitions", n, "--spill", spill, "-o", "out"]].concat());
        c.env("DEKKING_SPILL_DIR", wd.path(dir));
        c.output().unwrap()
    };
    for (spill, n, used) in [("auto", "2", false), ("auto", "4", true), ("always", "2", true), ("never", "4", false)] {
        let out = run(spill, n, "missing");
        let named = String::from_utf8_lossy(&out.stderr).contains("missing");
        assert_eq!((out.status.success(), named), (!used, used), "--spill {spill} --partitions {n}: {out:?}");
    }
    std::fs::create_dir_all(wd.path("spill")).unwrap();
    for (spill, n) in [("always", "2"), ("never", "4")] {
        assert!(run(spill, n, "spill").status.success());
        for t in ["coverage.csv", "coverage.json", "rejected.csv"] {
            assert_eq!(wd.read(&format!("whole/{t}")), wd.read(&format!("out/{t}")), "--spill {spill}: {t}");
        }
    }
    let (records, universe) = (fixture("fixed/records.csv"), fixture("fixed/universe.csv"));
    let (records, universe) = (records.to_str().unwrap(), universe.to_str().unwrap());
    let with_universe = ["fixed", "-i", records, "--universe", universe, "--partitions", "2", "--spill", "always"];
    let refused = wd.run(&[&with_universe[..], &["-o", "u", "--run-date", "2026-12-03"]].concat());
    let line = String::from_utf8_lossy(&refused.stderr).to_string();
    assert_eq!(refused.status.code(), Some(2), "{line}");
    assert!(line.contains("invalid --spill `always`") && line.lines().count() == 1, "{line}");
    let one = wd.run(&[&args[..], &["--partition", "1/4", "--spill", "never", "-o", "p"]].concat());
    assert_eq!(one.status.code(), Some(2), "--spill with one partition's run is refused, not ignored");
}

/// A spilled run stopped with Ctrl-C (SIGINT) removes its folder before it ends.
#[cfg(unix)]
#[test]
fn an_interrupted_spill_leaves_no_files() {
    let wd = Workdir::new();
    wd.ok(&["demo", "fcc", "--locations", "300000", "--states", "4", "-o", "release"]);
    std::fs::create_dir_all(wd.path("spill")).unwrap();
    let args = ["fixed", "--profile", "fcc-bdc", "-i", "release", "--by", "county", "-t", "25/3"];
    let mut c = wd.command(&[&args[..], &["--partitions", "8", "-o", "out", "--run-date", "2026-12-03"]].concat());
    c.env("DEKKING_SPILL_DIR", wd.path("spill")).stdout(Stdio::null()).stderr(Stdio::null());
    let mut run = c.spawn().unwrap();
    // Spilling once the folder holds files (it is held for removal before it gets any).
    let spilled = || {
        std::fs::read_dir(wd.path("spill"))
            .unwrap()
            .flatten()
            .any(|d| std::fs::read_dir(d.path()).is_ok_and(|mut f| f.next().is_some()))
    };
    while !spilled() {
        assert!(run.try_wait().unwrap().is_none(), "the run ended before it spilled");
        std::thread::sleep(Duration::from_millis(2));
    }
    let pid = run.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let status = run.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_eq!(std::fs::read_dir(wd.path("spill")).unwrap().count(), 0, "the spill's folder is removed");
}

/// A spilled run fails as one pass does, naming the input files: a later file without the
/// first one's columns.
#[test]
fn a_spilled_run_names_the_input_files_in_its_errors() {
    let wd = Workdir::new();
    wd.write("a.csv", "adres_id;download_mbps;upload_mbps;gemeentecode\nA1;100;10;GM0014\nA2;50;5;GM0363\n");
    wd.write("b.csv", "adres_id;download_mbps;gemeentecode\nB1;100;GM0014\n");
    let args = ["fixed", "-i", "a.csv", "-i", "b.csv", "-t", "100/10", "--run-date", "2026-12-03"];
    let one = wd.run(&[&args[..], &["-o", "one"]].concat());
    let spilled = wd.run(&[&args[..], &["--partitions", "5", "-o", "one"]].concat());
    let message = String::from_utf8_lossy(&one.stderr).to_string();
    assert!(message.contains("b.csv: differs from a.csv in an upload column"), "{message}");
    assert_eq!(
        (one.status.code(), message),
        (spilled.status.code(), String::from_utf8_lossy(&spilled.stderr).to_string())
    );
}

//! A scratch directory per test and a runner for the built binary (after xsv's `workdir.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh temporary directory that runs `dekking` inside it.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write fixture");
        p
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// Runs the binary with `args` in this directory.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run dekking")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_dekking"));
        // Checksums are remembered in the test's own directory, not the user's cache.
        c.args(args).current_dir(self.dir.path()).env("DEKKING_CACHE_DIR", self.dir.path().join(".cache"));
        c
    }

    /// Runs and asserts success, printing stderr in full otherwise.
    pub fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(out.status.success(), "dekking {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        out
    }
}

/// The repository's fixture folder.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Prints why a test is skipped, past the test harness's output capture, so a user sees it.
/// Under `CI=true` (set by CI, whose `.ci/run` installs everything the tests need) a skip is a
/// failure: nothing may be left unchecked there unnoticed.
pub fn skip(reason: &str) {
    use std::io::Write;
    assert!(std::env::var("CI").as_deref() != Ok("true"), "skipped under CI=true, where it must run: {reason}");
    let _ = writeln!(std::io::stderr(), "skipped: {reason}");
}

/// A file in `../shared/data`, or `None` (with a printed reason) when it is absent.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        skip(&format!("{} not found (real data lives in ../shared/data beside the repository)", p.display()));
        None
    }
}

/// The FCC Broadband Data Collection file of Maine (fibre, June 2023) in `../shared/data`, or
/// `None` (with a printed reason) when it is absent.
pub fn fcc_maine() -> Option<PathBuf> {
    shared("fcc_bdc_maine_fttp_j23/bdc_23_FibertothePremises_fixed_broadband_J23_05mar2024.csv")
}

/// The rows of a CSV as maps from column name to value.
pub fn csv_rows(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    rd.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(str::to_string)).collect()).collect()
}

/// The row of `coverage.csv` for an area code and threshold label.
pub fn cov<'a>(
    rows: &'a [std::collections::BTreeMap<String, String>],
    code: &str,
    threshold: &str,
) -> &'a std::collections::BTreeMap<String, String> {
    rows.iter()
        .find(|r| r["area_code"] == code && r["threshold"] == threshold)
        .unwrap_or_else(|| panic!("no row {code} {threshold}"))
}

/// A Python (`.venv`'s, else `python3`) that imports `modules` (e.g. `"shapely"`), or `None`
/// with a printed reason naming `what` needs them.
pub fn python_with(modules: &str, what: &str) -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    for py in [venv, "python3".into()] {
        let probe = std::process::Command::new(&py).args(["-c", &format!("import {modules}")]).output();
        if probe.is_ok_and(|o| o.status.success()) {
            return Some(py);
        }
    }
    skip(&format!("{what}: no python3 with {modules} (.ci/run installs them into .venv)"));
    None
}

/// What `tests/scripts/read_geo_outputs.py` (GeoPandas) reads in each of `files`: one line of
/// name, features, features with a geometry, CRS, columns (and the largest relative area error).
pub fn read_geo_outputs(py: &Path, files: &[PathBuf]) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts/read_geo_outputs.py");
    let out = std::process::Command::new(py).arg(script).args(files).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

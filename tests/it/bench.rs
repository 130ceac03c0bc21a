//! Smoke runs of the benchmark harnesses at a tiny scale: they generate the inputs, run dekking
//! and the peers, and fail when any peer's per-gemeente figures differ from dekking's.

use std::path::Path;

use crate::util::skip;

/// Runs `benches/<script>` with `args` in the project's `.venv`; `None` (with a printed reason)
/// when that venv or one of `modules` is missing. Returns stdout and stderr of a successful run.
fn harness(script: &str, modules: &str, args: &[&str]) -> Option<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    if !python.exists() {
        skip(".venv/bin/python not found (.ci/run creates it with benches/requirements.txt)");
        return None;
    }
    let probe = std::process::Command::new(&python).args(["-c", &format!("import {modules}")]).output().unwrap();
    if !probe.status.success() {
        skip(&format!("one of {modules} is missing in .venv (pip install -r benches/requirements.txt)"));
        return None;
    }
    let work = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(&python)
        .arg(root.join("benches").join(script))
        .args(args)
        .args(["--binary", env!("CARGO_BIN_EXE_dekking")])
        .arg("--python")
        .arg(&python)
        .arg("--work")
        .arg(work.path())
        .output()
        .unwrap();
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(out.status.success(), "{stdout}\n{stderr}");
    Some((stdout, stderr))
}

#[test]
fn benchmark_harness_smoke_run() {
    let Some((stdout, stderr)) = harness(
        "bench.py",
        "geopandas, duckdb, duckdb_extension_spatial, polars",
        &["--scale", "0.002", "--repeat", "1"],
    ) else {
        return;
    };
    for tool in ["geopandas", "duckdb"] {
        for kind in ["csv", "parquet"] {
            assert!(stderr.contains(&format!("{tool} on {kind}: counts equal dekking's")), "{stderr}");
        }
    }
    assert!(stdout.contains("| dekking (3 thresholds, gemeente/provincie/NL) | parquet |"), "{stdout}");
    assert!(stdout.contains("| dekking, the input hashed on every run | csv |"), "{stdout}");
}

/// The mobile benchmark on 1 km grids: dekking's eligible and covered km² must equal
/// exactextract's in every gemeente for all three operators.
#[test]
fn mobile_benchmark_smoke_run() {
    let Some((stdout, stderr)) =
        harness("mobile.py", "exactextract, rasterio, shapely, numpy", &["--cell-size", "1000"])
    else {
        return;
    };
    assert!(
        stderr.contains("exactextract on 3 operator(s): eligible and covered km² equal dekking's in all 342 gemeenten"),
        "{stderr}"
    );
    assert!(stdout.contains("| dekking mobile | 3 |"), "{stdout}");
    assert!(stdout.contains("| dekking mobile, the grids hashed | 3 |"), "{stdout}");
}

/// The predict benchmark on 2 km grids from a few sites: every cell of dekking's three grids
/// must equal the numpy computation written from the 3GPP documents.
#[test]
fn predict_benchmark_smoke_run() {
    let Some((stdout, _)) =
        harness("predict.py", "numpy, rasterio", &["--sites", "40,80", "--cells", "4000", "--base-cell", "2000"])
    else {
        return;
    };
    assert!(stdout.contains("cells of the three grids agree with the numpy computation"), "{stdout}");
    assert!(stdout.contains("| 80 |"), "{stdout}");
}

/// The release benchmark on a small release of 3 states (21 files): dekking's locations and
/// covered counts per county, in one pass and in the partitions of a small budget, must equal
/// DuckDB's on the same files.
#[test]
fn release_benchmark_smoke_run() {
    for format in ["parquet", "csv.gz"] {
        let Some((stdout, _)) = harness(
            "release.py",
            "duckdb",
            &["--locations", "30000", "--states", "3", "--format", format, "--memory", "1M"],
        ) else {
            return;
        };
        assert!(stdout.contains(&format!("Release: 21 files ({format})")), "{stdout}");
        assert!(stdout.contains("| DuckDB (memory_limit default) |"), "{stdout}");
        let budget = stdout.lines().find(|l| l.starts_with("| dekking fixed --memory 1M |")).unwrap_or_default();
        assert!(budget.contains("read in ") && budget.contains(" partitions in turn"), "{stdout}");
    }
}

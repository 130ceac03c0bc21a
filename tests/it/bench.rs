//! A smoke run of the benchmark harness at a tiny scale: it generates the inputs, runs dekking and
//! the peers, and fails when any peer's per-gemeente counts differ from dekking's.

use std::path::Path;

use crate::util::skip;

#[test]
fn benchmark_harness_smoke_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    if !python.exists() {
        skip(".venv/bin/python not found (.ci/run creates it with benches/requirements.txt)");
        return;
    }
    let probe = std::process::Command::new(&python).args(["-c", "import geopandas, duckdb, duckdb_extension_spatial, polars"]).output().unwrap();
    if !probe.status.success() {
        skip("geopandas, duckdb or polars missing in .venv (pip install -r benches/requirements.txt)");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(&python)
        .arg(root.join("benches/bench.py"))
        .args(["--scale", "0.002", "--binary", env!("CARGO_BIN_EXE_dekking")])
        .arg("--python")
        .arg(&python)
        .arg("--work")
        .arg(work.path())
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for tool in ["geopandas", "duckdb"] {
        for kind in ["csv", "parquet"] {
            assert!(stderr.contains(&format!("{tool} on {kind}: counts equal dekking's")), "{stderr}");
        }
    }
    assert!(stdout.contains("| dekking (3 thresholds, gemeente/provincie/NL) | parquet |"), "{stdout}");
}

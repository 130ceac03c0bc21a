//! The Python package (`python/`): built with maturin into a wheel, installed into the
//! interpreter that has the test packages, then its pytest suite run (`python/tests`: the
//! package against the command line, buffers shared with polars, the FCC Maine file, a Dask
//! cluster) and the examples of its docstrings. Skips, saying why, without python3 and those
//! packages (`.ci/run` installs them into `.venv`).

use std::path::Path;
use std::process::Command;

use crate::report::{report_args, vintages};
use crate::util::{python_with, skip, Workdir};

/// Builds the wheel into `target/wheels` (sharing the workspace's build, so only the native
/// module is compiled anew) and installs it into `py`'s environment.
fn install(py: &Path) -> bool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let wheels = root.join("target/wheels");
    let _ = std::fs::remove_dir_all(&wheels);
    let built = Command::new(py)
        .args(["-m", "maturin", "build", "--release", "--quiet", "-m"])
        .arg(root.join("python/Cargo.toml"))
        .arg("-o")
        .arg(&wheels)
        .output()
        .expect("maturin runs");
    assert!(built.status.success(), "maturin build:\n{}", String::from_utf8_lossy(&built.stderr));
    let wheel = std::fs::read_dir(&wheels)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"));
    let Some(wheel) = wheel else {
        skip("maturin built no wheel");
        return false;
    };
    let installed = Command::new(py)
        .args(["-m", "pip", "install", "--quiet", "--no-deps", "--no-cache-dir", "--force-reinstall"])
        .arg(&wheel)
        .output()
        .expect("pip runs");
    assert!(installed.status.success(), "pip install:\n{}", String::from_utf8_lossy(&installed.stderr));
    true
}

#[test]
fn python_package_passes_its_tests() {
    let Some(py) = python_with("maturin, pytest, polars, pyarrow, dask.distributed", "the Python package's tests")
    else {
        return;
    };
    if !install(&py) {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(&py)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "--doctest-modules", "--pyargs", "dekking"])
        .arg(root.join("python/tests"))
        .env("DEKKING_BIN", env!("CARGO_BIN_EXE_dekking"))
        .env("DEKKING_SHARED_DATA", root.join("../shared/data"))
        .current_dir(std::env::temp_dir())
        .output()
        .expect("pytest runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    // pytest's own summary, so a run shows what was checked and what was skipped and why.
    eprintln!("{}", text.lines().filter(|l| l.contains("passed") || l.contains("SKIP")).collect::<Vec<_>>().join("\n"));
    assert!(out.status.success(), "pytest failed:\n{text}");
    let ci = std::env::var("CI").as_deref() == Ok("true");
    assert!(!(ci && text.contains("skipped")), "a Python test skipped under CI=true:\n{text}");
    notebook_reproduces_the_report(&py);
}

/// Executes notebooks/report.ipynb with nbclient on a report of two synthetic vintages: its
/// headline recomputed from the per-gemeente table, and the latest vintage run again through the
/// package from a polars DataFrame, equal `figures.json`'s; both charts drawn.
fn notebook_reproduces_the_report(py: &Path) {
    let probe = Command::new(py).args(["-c", "import nbclient, nbformat, ipykernel, matplotlib"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        skip(
            "the notebook: no nbclient, nbformat, ipykernel or matplotlib beside the package (tests/requirements.txt)",
        );
        return;
    }
    let wd = Workdir::new();
    vintages(&wd);
    let args = report_args(&["-o", "rep"]);
    wd.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let script = "import sys, nbformat, nbclient\n\
                  nb = nbformat.read(sys.argv[1], as_version=4)\n\
                  nbclient.NotebookClient(nb, timeout=300, kernel_name='python3', resources={'metadata': {'path': sys.argv[2]}}).execute()\n\
                  print(''.join(o.get('text', '') for c in nb.cells for o in c.get('outputs', []) if o.get('name') == 'stdout'))\n";
    let out = Command::new(py)
        .args(["-c", script])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("notebooks/report.ipynb"))
        .arg(wd.path(""))
        .env("DEKKING_REPORT", wd.path("rep"))
        .env("DEKKING_RECORDS", wd.path("r2023.csv"))
        .env("DEKKING_UNIVERSE", wd.path("u2023.csv"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}\n{}", stdout, String::from_utf8_lossy(&out.stderr));
    let f: serde_json::Value = serde_json::from_str(&wd.read("rep/figures.json")).unwrap();
    let ours = f["series"][1]["share_pct"].as_f64().unwrap();
    for key in ["headline_share_pct=", "python_share_pct="] {
        let line =
            stdout.lines().find_map(|l| l.strip_prefix(key)).unwrap_or_else(|| panic!("the notebook prints {key}"));
        assert!((line.parse::<f64>().unwrap() - ours).abs() < 5e-9, "{key}{line} vs {ours}");
    }
    assert!(wd.path("progress_notebook.png").exists() && wd.path("provincies_notebook.png").exists());
}

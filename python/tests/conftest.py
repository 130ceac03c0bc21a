"""Shared fixtures of the package's tests: the command line to compare with, and data."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

#: The run date of every run, so that reruns give the same bytes.
RUN_DATE = "2026-12-03"

MAINE = "fcc_bdc_maine_fttp_j23/bdc_23_FibertothePremises_fixed_broadband_J23_05mar2024.csv"


@pytest.fixture(scope="session")
def dekking_bin() -> str:
    """The `dekking` binary the package is compared with (DEKKING_BIN, else on PATH)."""
    found = os.environ.get("DEKKING_BIN") or shutil.which("dekking")
    if not found:
        pytest.skip("no dekking binary: set DEKKING_BIN (cargo test sets it)")
    return found


@pytest.fixture(scope="session")
def cli(dekking_bin):
    """Runs the command line; returns the completed process (text)."""

    def run(*args, check=True):
        done = subprocess.run([dekking_bin, *map(str, args)], capture_output=True, text=True)
        if check:
            assert done.returncode == 0, done.stderr
        return done

    return run


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory, cli) -> Path:
    """A seeded synthetic Netherlands (1 % of the addresses) as Parquet records and universe."""
    d = tmp_path_factory.mktemp("synthetic")
    cli("demo", "generate", "--scale", "0.01", "--seed", "7", "--vintage", "2023",
        "--out", d / "records.parquet", "--universe", d / "universe.parquet")
    return d


@pytest.fixture(scope="session")
def maine() -> Path:
    """The FCC Broadband Data Collection file of Maine (fibre, June 2023), from ../shared/data."""
    root = Path(os.environ.get("DEKKING_SHARED_DATA", Path(__file__).parents[3] / "shared" / "data"))
    path = root / MAINE
    if not path.exists():
        pytest.skip(f"{path} not found (real data lives in ../shared/data beside the repository)")
    return path


@pytest.fixture(scope="session")
def same_files():
    """Checks two folders hold the same files, byte for byte; returns their names."""
    return _same_files


def _same_files(a: Path, b: Path) -> list:
    names = sorted(p.name for p in a.iterdir() if not p.name.startswith(".dekking"))
    assert names == sorted(p.name for p in b.iterdir() if not p.name.startswith(".dekking"))
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    return names

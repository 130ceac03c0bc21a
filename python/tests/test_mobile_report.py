"""dekking.mobile and dekking.report against the command line."""

import json
from pathlib import Path

import polars as pl
import pytest

import dekking
from conftest import RUN_DATE

FIXTURES = Path(__file__).parents[2] / "tests" / "fixtures"


def test_mobile_gives_the_command_lines_files(tmp_path, cli, same_files):
    grid, gemeenten = FIXTURES / "mobile" / "grid.csv", FIXTURES / "mobile" / "gemeenten_rd.geojson"
    cli("mobile", "--grid", f"KPN={grid}", "--boundaries", gemeenten, "--date", "2026-11-23",
        "--run-date", RUN_DATE, "-q", "-o", tmp_path / "cli")
    run = dekking.mobile({"KPN": grid}, boundaries=gemeenten, date="2026-11-23", run_date=RUN_DATE,
                         out=tmp_path / "py")
    same_files(tmp_path / "cli", tmp_path / "py")
    assert run.compliance.height == pl.read_csv(tmp_path / "cli" / "mobile.csv").height > 0
    assert set(run.compliance["operator"]) == {"KPN"}
    with pytest.raises(dekking.DekkingError, match="missing.csv"):
        dekking.mobile({"KPN": tmp_path / "missing.csv"}, boundaries=gemeenten)


def test_report_gives_the_command_lines_figures(tmp_path, cli):
    for year in (2021, 2023):
        cli("demo", "generate", "--scale", "0.002", "--seed", "3", "--vintage", year,
            "--out", tmp_path / f"r{year}.csv", "--universe", tmp_path / f"u{year}.csv")
    vintages = {year: tmp_path / f"r{year}.csv" for year in (2021, 2023)}
    universes = {year: tmp_path / f"u{year}.csv" for year in (2021, 2023)}
    flags = [a for y in (2021, 2023) for a in ("--vintage", f"{y}={vintages[y]}", "--universe", f"{y}={universes[y]}")]
    cli("report", *flags, "--lang", "en", "--run-date", RUN_DATE, "-q", "-o", tmp_path / "cli")
    figures = dekking.report(vintages=vintages, universe=universes, lang="en", run_date=RUN_DATE, out=tmp_path / "py")
    assert figures == json.loads((tmp_path / "cli" / "figures.json").read_text())
    assert (tmp_path / "py" / "report.html").read_bytes() == (tmp_path / "cli" / "report.html").read_bytes()

"""dekking.fixed against the command line: paths and tables in memory, buffers shared, errors."""

import json

import polars as pl
import pyarrow as pa
import pytest

import dekking
from conftest import RUN_DATE

OPTIONS = dict(thresholds=["30", "100", "1000/100"], by=["gemeente", "provincie", "nl"], run_date=RUN_DATE)
FLAGS = ["-t", "30", "-t", "100", "-t", "1000/100", "--by", "gemeente", "--by", "provincie", "--by", "nl",
         "--run-date", RUN_DATE]


def test_paths_give_the_command_lines_files(synthetic, tmp_path, cli, same_files):
    records, universe = synthetic / "records.parquet", synthetic / "universe.parquet"
    cli("fixed", "-i", records, "--universe", universe, *FLAGS, "-o", tmp_path / "cli")
    run = dekking.fixed(records, universe, **OPTIONS, out=tmp_path / "py")
    assert "coverage.csv" in same_files(tmp_path / "cli", tmp_path / "py")
    # The DataFrame is the table of coverage.csv, row for row.
    written = pl.read_csv(tmp_path / "cli" / "coverage.csv", infer_schema=False)
    assert run.coverage.columns == written.columns
    assert run.coverage.height == written.height
    assert run.coverage["addresses"].cast(pl.String).to_list() == written["addresses"].to_list()
    assert run.provenance == json.loads((tmp_path / "cli" / "coverage.json").read_text())["provenance"]


def test_dataframes_give_the_same_figures(synthetic, tmp_path, cli):
    records = pl.read_parquet(synthetic / "records.parquet")
    universe = pl.read_parquet(synthetic / "universe.parquet")
    cli("fixed", "-i", synthetic / "records.parquet", "--universe", synthetic / "universe.parquet", *FLAGS,
        "-o", tmp_path / "cli")
    run = dekking.fixed(records, universe, **OPTIONS, out=tmp_path / "py")
    for name in ["coverage.csv", "coverage.parquet"]:
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    inputs = {i["role"]: i for i in run.provenance["inputs"]}
    assert (inputs["records"]["path"], inputs["records"]["format"]) == ("<records>", "arrow, in memory")
    assert inputs["universe"]["rows"] == universe.height
    rows = dict((name, counts) for name, counts in run.provenance["rows"])
    assert rows["<records>"]["rows_in"] == records.height
    # A pyarrow Table gives the same figures as the polars DataFrame it came from.
    from_arrow = dekking.fixed(records.to_arrow(), universe.to_arrow(), **OPTIONS)
    assert from_arrow.coverage.equals(run.coverage)


def test_a_polars_frame_is_handed_over_without_copying():
    n = 200_000
    frame = pl.DataFrame({
        "address_id": [f"address number {i:08d}" for i in range(n)],
        "down_mbps": [float(i % 2000) for i in range(n)],
    })
    ours = dict(dekking._dekking.buffers(frame))
    arrow = frame.to_arrow(compat_level=pl.CompatLevel.newest())
    for name in frame.columns:
        theirs = [b.address for chunk in arrow[name].chunks for b in chunk.buffers()[1:] if b is not None]
        assert ours[name] and ours[name] == theirs, name


def test_rejected_rows_and_their_accounting(tmp_path, cli):
    records = pl.DataFrame({
        "address_id": ["A1", "A2", "A3", "A4", None],
        "gemeentecode": ["GM0014", "GM0014", "GM9999", "GM0014", "GM0014"],
        "down_mbps": ["100", "snel", "100", "1000", "100"],
    })
    run = dekking.fixed(records, thresholds=["100"], by=["gemeente"], run_date=RUN_DATE, out=tmp_path / "py")
    counts = dict(run.provenance["rows"])["<records>"]
    assert counts["rows_in"] == 5 == counts["used"] + sum(counts["rejected"].values())
    assert run.rejected.height == sum(counts["rejected"].values()) >= 2
    assert set(run.rejected["file"]) == {"<records>"}
    assert "2" in set(run.rejected["row"])
    groningen = run.coverage.filter(pl.col("area_code") == "GM0014")
    assert groningen.select("addresses", "covered").row(0) == (2, 2.0)
    # The same table from a CSV file gives the same rejected rows but for the file's name.
    path = tmp_path / "records.csv"
    records.write_csv(path)
    cli("fixed", "-i", path, "-t", "100", "--by", "gemeente", "--run-date", RUN_DATE, "-o", tmp_path / "cli")
    written = pl.read_csv(tmp_path / "cli" / "rejected.csv", infer_schema=False)
    assert written.drop("file").equals(run.rejected.drop("file"))


def test_errors_carry_the_command_lines_line(tmp_path, cli):
    records = pl.DataFrame({"address_id": ["A1"], "gemeentecode": ["GM0014"], "down_mbps": [100.0]})
    path = tmp_path / "records.csv"
    records.write_csv(path)
    for options, flags in [
        (dict(thresholds=["fast"]), ["-t", "fast"]),
        (dict(by=["h3:16"]), ["--by", "h3:16"]),
        (dict(profile="nowhere"), ["--profile", "nowhere"]),
        (dict(columns={"down_mbps": "Download"}), ["--column", "down_mbps=Download"]),
    ]:
        done = cli("fixed", "-i", path, *flags, "-o", tmp_path / "cli", check=False)
        assert done.returncode == 2
        line = done.stderr.strip().removeprefix("dekking: error: ")
        with pytest.raises(dekking.DekkingError) as raised:
            dekking.fixed(path, **options)
        assert str(raised.value) == line
        assert "\n" not in line
    with pytest.raises(dekking.DekkingError, match="<records>.*address_id"):
        dekking.fixed(records.drop("address_id"))
    with pytest.raises(dekking.DekkingError, match="not a table"):
        dekking.fixed(42)
    with pytest.raises(dekking.DekkingError, match="unexpected argument"):
        dekking.fixed(records, no_such_option=1)


def test_partitions_merge_into_one_run(synthetic, tmp_path, same_files):
    records = pl.read_parquet(synthetic / "records.parquet")
    universe = pl.read_parquet(synthetic / "universe.parquet")
    dekking.fixed(records, universe, **OPTIONS, out=tmp_path / "one")
    parts = [dekking.fixed_partial(records, universe, partition=(k, 4), **OPTIONS) for k in range(1, 5)]
    merged = dekking.merge(parts, records, universe, **OPTIONS, out=tmp_path / "merged")
    same_files(tmp_path / "one", tmp_path / "merged")
    assert merged.coverage.filter(pl.col("level") == "nl")["addresses"][0] == universe.height
    with pytest.raises(dekking.DekkingError, match="each of the 4 partitions once"):
        dekking.merge(parts[:3], records, universe, **OPTIONS)


def test_fcc_maine_through_python_gives_the_cli_figures(maine, tmp_path, cli):
    flags = ["--profile", "fcc-bdc", "-t", "100/20", "-t", "1000/100", "--by", "county", "--by", "state",
             "--by", "h3:8", "--classify", "bead-us", "--run-date", RUN_DATE]
    cli("fixed", "-i", maine, *flags, "-o", tmp_path / "cli")
    options = dict(profile="fcc-bdc", thresholds=["100/20", "1000/100"], by=["county", "state", "h3:8"],
                   classify="bead-us", run_date=RUN_DATE)
    by_path = dekking.fixed(maine, **options, out=tmp_path / "path")
    frame = pl.read_csv(maine, infer_schema=False)
    by_frame = dekking.fixed(frame, **options, out=tmp_path / "frame")
    for name in ["coverage.csv", "classes.csv", "rejected.csv"]:
        assert (tmp_path / "path" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    for name in ["coverage.csv", "classes.csv"]:
        assert (tmp_path / "frame" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    state = by_path.coverage.filter((pl.col("level") == "state") & (pl.col("threshold") == "100/20"))
    assert state["addresses"][0] == 209_141
    assert by_frame.provenance["rows"][0][1]["rows_in"] == frame.height


def test_categorical_and_narrow_integer_columns_are_read():
    records = pl.DataFrame({
        "address_id": ["A1", "A2", "A3"],
        "gemeentecode": ["GM0014", "GM0014", "GM0034"],
        "down_mbps": [100.0, 20.0, 1000.0],
        "technology": [50, 40, 10],
    })
    plain = dekking.fixed(records, thresholds=["100@50,40"], by=["gemeente", "nl"], run_date=RUN_DATE)
    narrow = records.with_columns(pl.col("gemeentecode").cast(pl.Categorical), pl.col("technology").cast(pl.Int16),
                                  pl.col("down_mbps").cast(pl.UInt16))
    run = dekking.fixed(narrow, thresholds=["100@50,40"], by=["gemeente", "nl"], run_date=RUN_DATE)
    assert run.coverage.equals(plain.coverage)
    assert run.coverage.filter(pl.col("level") == "nl").select("addresses", "covered").row(0) == (3, 1)


def test_other_column_types_are_read_as_a_csv_would_have_them():
    import datetime
    from decimal import Decimal

    records = pl.DataFrame({
        "address_id": ["A1", "A2"],
        "gemeentecode": ["GM0014", "GM0014"],
        "down_mbps": [Decimal("100.5"), Decimal("20.0")],
        "surveyed": [datetime.date(2023, 12, 31), None],
    })
    run = dekking.fixed(records, thresholds=["100"], by=["nl"], run_date=RUN_DATE)
    assert run.coverage.select("addresses", "covered").row(0) == (2, 1)
    arrow = dekking.fixed(records.to_arrow(), thresholds=["100"], by=["nl"], run_date=RUN_DATE)
    assert arrow.coverage.equals(run.coverage)

"""dekking from Python: broadband coverage per area against the Dutch connectivity targets.

The jobs of the ``dekking`` command line run in this process, on files or on tables already in
memory: a polars DataFrame or a pyarrow Table is handed over through the Arrow PyCapsule
interface, its buffers shared rather than copied. Keyword arguments are the command line's
options (``min_count=5`` is ``--min-count 5``, ``layers=True`` is ``--layers``, a list repeats
an option), so a job runs, checks and fails as ``dekking`` does; an error is a
:class:`DekkingError` carrying the command line's one-line message.

>>> import polars as pl, dekking
>>> records = pl.DataFrame({"address_id": ["A1", "A2", "A3"], "gemeentecode": ["GM0363"] * 3,
...                         "down_mbps": [1000.0, 50.0, 100.0]})
>>> run = dekking.fixed(records, thresholds=["100"], by=["gemeente"], run_date="2026-01-01")
>>> run.coverage.filter(pl.col("area_code") == "GM0363").select("addresses", "covered", "share").row(0)
(3, 2, 0.6666666666666666)
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

import polars as pl

from . import _dekking
from ._dekking import DekkingError, __version__

__all__ = [
    "DekkingError",
    "Fixed",
    "Mobile",
    "fixed",
    "fixed_partial",
    "merge",
    "mobile",
    "report",
    "run",
    "__version__",
]

#: A table: a path (CSV, Parquet, .csv.gz, .zip, a directory or a glob pattern), a polars
#: DataFrame, a pyarrow Table, or any object with ``__arrow_c_stream__``.
Table = Any


class Fixed(NamedTuple):
    """The result of :func:`fixed` and :func:`merge`."""

    #: The coverage table: the columns of ``coverage.csv``, one row per level, area and threshold.
    coverage: pl.DataFrame
    #: The rejected rows (``rejected.csv``: file, row, reason, detail), as text.
    rejected: pl.DataFrame
    #: Provenance: inputs with checksums, rows in = used + rejected per file, warnings.
    provenance: Dict[str, Any]


class Mobile(NamedTuple):
    """The result of :func:`mobile`."""

    #: Compliance per licence holder and gemeente: the columns of ``mobile.csv``.
    compliance: pl.DataFrame
    #: Provenance and the licence's conditions as ``mobile.json`` has them.
    provenance: Dict[str, Any]


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike))


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _options(options: Mapping[str, Any]) -> List[str]:
    """The command-line options of keyword arguments: ``True`` a flag, a list repeated,
    ``columns={"down_mbps": "Download"}`` as ``--column``, ``where={"state": ["ME"]}`` as
    ``--where``, ``thresholds`` as ``--threshold``."""
    names = {"thresholds": "threshold", "columns": "column", "where": "where", "grids": "grid", "vintages": "vintage"}
    argv: List[str] = []
    for key, value in options.items():
        if value is None or value is False:
            continue
        flag = _flag(names.get(key, key))
        if value is True:
            argv.append(flag)
            continue
        if isinstance(value, Mapping):
            value = [f"{k}={','.join(map(str, v)) if isinstance(v, (list, tuple)) else v}" for k, v in value.items()]
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            argv += [flag, os.fspath(v) if _is_path(v) else str(v)]
    return argv


def _plain(table: Any) -> Any:
    """`table` with the columns the native module cannot hold in place converted, as a CSV file
    would have them: decimals as floats, dates, times, lists and the like as text (a copy of those
    columns only); a pyarrow Table with such columns goes through polars first."""
    if type(table).__module__.startswith("pyarrow") and hasattr(table, "schema"):
        import pyarrow.types as t

        plain = (t.is_string, t.is_large_string, t.is_string_view, t.is_integer, t.is_floating,
                 t.is_boolean, t.is_dictionary)
        if all(any(p(f.type) for p in plain) for f in table.schema):
            return table
        table = pl.from_arrow(table)
    if not isinstance(table, pl.DataFrame):
        return table
    casts = []
    for name, dtype in table.schema.items():
        if isinstance(dtype, pl.Decimal):
            casts.append(pl.col(name).cast(pl.Float64))
        elif not (dtype.is_numeric() or dtype in (pl.String, pl.Boolean) or isinstance(dtype, (pl.Categorical, pl.Enum))):
            casts.append(pl.col(name).cast(pl.String))
    return table.with_columns(casts) if casts else table


def _inputs(role: str, flag: str, tables: Any) -> Tuple[List[str], List[Tuple[str, Any]]]:
    """The ``flag`` options naming `tables` (a table or a list of them) and the tables given in
    memory, each under the name that stands for it (``<records>``, ``<records 2>``, ...)."""
    if tables is None:
        return [], []
    many = tables if isinstance(tables, (list, tuple)) else [tables]
    argv: List[str] = []
    frames: List[Tuple[str, Any]] = []
    for k, table in enumerate(many, start=1):
        if _is_path(table):
            argv += [flag, os.fspath(table)]
        else:
            name = f"<{role}>" if len(many) == 1 else f"<{role} {k}>"
            argv += [flag, name]
            frames.append((name, _plain(table)))
    return argv, frames


def _run_fixed(
    records: Table, universe: Optional[Table], out: Any, options: Mapping[str, Any], read: bool = True
) -> Dict[str, bytes]:
    """Runs ``dekking fixed``; tables in memory are handed over only when `read` (a merge names
    its inputs but reads none)."""
    argv, frames = _inputs("records", "--input", records)
    u_argv, u_frames = _inputs("universe", "--universe", universe)
    argv = ["dekking", "fixed", *argv, *u_argv, *_options(options)]
    if out is not None:
        argv += ["--out", os.fspath(out)]
    return dict(_dekking.fixed(argv, frames + u_frames if read else [], out is not None))


def _fixed_result(files: Mapping[str, bytes]) -> Fixed:
    coverage = pl.read_parquet(io.BytesIO(files["coverage.parquet"]))
    rejected = pl.read_csv(io.BytesIO(files["rejected.csv"]), infer_schema=False)
    provenance = json.loads(files["coverage.json"])["provenance"]
    return Fixed(coverage, rejected, provenance)


def fixed(
    records: Table,
    universe: Optional[Table] = None,
    *,
    thresholds: Optional[Sequence[str]] = None,
    by: Optional[Sequence[str]] = None,
    profile: str = "nl",
    boundaries: Union[str, os.PathLike, None] = None,
    out: Union[str, os.PathLike, None] = None,
    **options: Any,
) -> Fixed:
    """Fixed coverage per area, as ``dekking fixed``.

    ``records`` (and ``universe``, all addresses that count) are paths or tables in memory;
    ``thresholds`` such as ``["100", "100/20", "1000@50"]`` (Mbps down[/up][@technologies]),
    default 30, 100 and 1000 down; ``by`` the levels (``gemeente``, ``provincie``, ``nl``;
    ``county``, ``state``, ``us``; ``h3:8``, ``grid:1km``), default all areas. Any other
    option of ``dekking fixed`` by its name (``run_date="2026-01-01"``, ``classify="bead-us"``,
    ``min_count=5``, ``where={"business_residential_code": ["R", "X"]}``). With ``out``, the
    files are also written there, byte for byte those of the command line.

    >>> import polars as pl, dekking
    >>> records = pl.DataFrame({"address_id": ["A1", "A2"], "gemeentecode": ["GM0014", "GM0014"],
    ...                         "down_mbps": [1000.0, 20.0]})
    >>> run = dekking.fixed(records, thresholds=["100"], by=["nl"])
    >>> run.coverage.select("level", "addresses", "share").rows()
    [('nl', 2, 0.5)]
    """
    options = {"threshold": thresholds, "by": by, "profile": profile, "boundaries": boundaries, **options}
    return _fixed_result(_run_fixed(records, universe, out, options))


def fixed_partial(
    records: Table,
    universe: Optional[Table] = None,
    *,
    partition: Union[str, Tuple[int, int]],
    **options: Any,
) -> bytes:
    """The counts of one partition of the addresses (``dekking fixed --partition K/N``): the
    bytes of its ``partial.json``, for :func:`merge`. ``partition`` is ``(K, N)`` or ``"K/N"``,
    K from 1; an address belongs to the partition of its id's hash, whatever file it is in.
    The other arguments as for :func:`fixed` (and the same for every partition).

    >>> import polars as pl, dekking
    >>> records = pl.DataFrame({"address_id": ["A1", "A2"], "gemeentecode": ["GM0014", "GM0014"],
    ...                         "down_mbps": [1000.0, 20.0]})
    >>> parts = [dekking.fixed_partial(records, partition=(k, 2), thresholds=["100"]) for k in (1, 2)]
    >>> dekking.merge(parts, records, thresholds=["100"]).coverage["addresses"].to_list()[:1]
    [2]
    """
    k = partition if isinstance(partition, str) else f"{partition[0]}/{partition[1]}"
    return _run_fixed(records, universe, None, {"partition": k, **options})["partial.json"]


def merge(
    partials: Sequence[Union[bytes, str, os.PathLike]],
    records: Table,
    universe: Optional[Table] = None,
    *,
    out: Union[str, os.PathLike, None] = None,
    **options: Any,
) -> Fixed:
    """Merges the partial results of every partition (:func:`fixed_partial`'s bytes, or
    ``partial.json`` files or their folders) into the tables one run over all addresses gives,
    byte for byte. ``records``, ``universe`` and the options as for the partitions (the inputs
    are not read again: their checksums in the partials must agree).

    >>> import polars as pl, dekking
    >>> records = pl.DataFrame({"address_id": [f"A{i}" for i in range(10)], "gemeentecode": ["GM0014"] * 10,
    ...                         "down_mbps": [1000.0] * 7 + [20.0] * 3})
    >>> parts = [dekking.fixed_partial(records, partition=(k, 3), by=["nl"]) for k in (1, 2, 3)]
    >>> merged = dekking.merge(parts, records, by=["nl"])
    >>> merged.coverage.equals(dekking.fixed(records, by=["nl"]).coverage)
    True
    """
    with tempfile.TemporaryDirectory(prefix="dekking-merge-") as tmp:
        given: List[str] = []
        for k, p in enumerate(partials):
            if isinstance(p, (bytes, bytearray)):
                folder = Path(tmp) / f"part-{k}"
                folder.mkdir()
                (folder / "partial.json").write_bytes(p)
                given.append(os.fspath(folder))
            else:
                given.append(os.fspath(p))
        return _fixed_result(_run_fixed(records, universe, out, {"merge": given, **options}, read=False))


def mobile(
    grids: Mapping[str, Union[str, os.PathLike]],
    *,
    out: Union[str, os.PathLike, None] = None,
    **options: Any,
) -> Mobile:
    """Licence compliance per gemeente, as ``dekking mobile``: ``grids`` maps each licence
    holder to its coverage grid (GeoTIFF, or CSV of cells); other options by name
    (``licence``, ``date="2026-11-23"``, ``exclusions=[...]``, ``drive_tests``, ...). The files
    go to ``out`` (a temporary folder when not given).

    >>> import tempfile, dekking
    >>> d = tempfile.mkdtemp()
    >>> dekking.run("demo", "grids", "--cell-size", "1000", "-o", d)
    0
    >>> grids = {op: f"{d}/grid_{op}.tif" for op in ("KPN", "VodafoneZiggo", "Odido")}
    >>> result = dekking.mobile(grids, date="2026-11-23", exclusions=[f"{d}/exclusions_rd.geojson"])
    >>> result.compliance.group_by("operator").len().sort("operator").rows()
    [('KPN', 342), ('Odido', 342), ('VodafoneZiggo', 342)]
    """
    with tempfile.TemporaryDirectory(prefix="dekking-mobile-") as tmp:
        folder = Path(out) if out is not None else Path(tmp)
        argv = ["dekking", "mobile", *_options({"grid": [f"{k}={os.fspath(v)}" for k, v in grids.items()], **options})]
        _dekking.main([*argv, "--quiet", "--out", os.fspath(folder)])
        compliance = pl.read_parquet(folder / "mobile.parquet")
        provenance = json.loads((folder / "mobile.json").read_text(encoding="utf-8"))
        return Mobile(compliance, provenance)


def report(*, out: Union[str, os.PathLike], **options: Any) -> Dict[str, Any]:
    """The yearly report, as ``dekking report``, written to ``out`` (``report.html``, charts,
    tables); returns its figures (``figures.json``). Options by name: ``run="run.toml"``, or
    ``vintages={2022: "r2022.csv", 2023: "r2023.csv"}`` with ``universe={2023: ...}``,
    ``mobile``, ``lang``, ``provincie``, ``classify``, ...

    >>> import tempfile, dekking
    >>> d = tempfile.mkdtemp()
    >>> for year in (2021, 2023):
    ...     _ = dekking.run("demo", "generate", "--scale", "0.001", "--vintage", str(year), "-o", f"{d}/r{year}.csv")
    >>> figures = dekking.report(vintages={2021: f"{d}/r2021.csv", 2023: f"{d}/r2023.csv"}, lang="en", out=f"{d}/report")
    >>> figures["years"], figures["threshold"]
    ([2021, 2023], '100 Mbps')
    """
    for key in ("vintages", "universe"):
        if isinstance(options.get(key), Mapping):
            options[key] = [f"{year}={os.fspath(path)}" for year, path in options[key].items()]
    _dekking.main(["dekking", "report", *_options(options), "--quiet", "--out", os.fspath(out)])
    return json.loads((Path(out) / "figures.json").read_text(encoding="utf-8"))


def run(*args: Any) -> int:
    """Runs any ``dekking`` command with its command-line arguments, as the ``dekking`` binary
    does (its files written, its summary printed); returns the exit code (0, or 3 for
    ``--strict`` with warnings). An error raises :class:`DekkingError`.

    >>> import tempfile, dekking
    >>> d = tempfile.mkdtemp()
    >>> dekking.run("demo", "generate", "--scale", "0.001", "--seed", "1", "-o", f"{d}/records.csv")
    0
    >>> dekking.fixed(f"{d}/records.csv", by=["nl"]).coverage["threshold"].to_list()
    ['30/0', '100/0', '1000/0']
    """
    return _dekking.main(["dekking", *(os.fspath(a) if _is_path(a) else str(a) for a in args)])

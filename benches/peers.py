"""The peers of the fixed-coverage benchmark, one job each: read the points, locate them in the
gemeenten (point-in-polygon), count per gemeente the addresses and those with >= THRESHOLD Mbps.

    python benches/peers.py TOOL POINTS GEMEENTEN THRESHOLD

TOOL is `geopandas`, `duckdb` or `polars-read` (read only: the floor). POINTS is the CSV (`;`) or
Parquet file of `dekking demo generate --points`; GEMEENTEN the RD New GeoJSON of
`dekking demo generate --boundaries`, so every tool uses the same polygons. Prints one JSON object
{gemeentecode: [addresses, covered]} on stdout.
"""

import json
import sys
import time
from pathlib import Path


def geopandas_job(points, gemeenten, threshold):
    import geopandas as gpd
    import pandas as pd

    cols = ["x", "y", "download_mbps"]
    if points.suffix == ".parquet":
        df = pd.read_parquet(points, columns=cols)
    else:
        df = pd.read_csv(points, sep=";", usecols=cols)
    pts = gpd.GeoDataFrame(df[["download_mbps"]], geometry=gpd.points_from_xy(df["x"], df["y"]), crs="EPSG:28992")
    gem = gpd.read_file(gemeenten)[["gemeentecode", "geometry"]].set_crs("EPSG:28992", allow_override=True)
    joined = gpd.sjoin(pts, gem, predicate="within", how="inner")
    joined["covered"] = joined["download_mbps"] >= threshold
    out = joined.groupby("gemeentecode").agg(addresses=("covered", "size"), covered=("covered", "sum"))
    return {code: [int(r.addresses), int(r.covered)] for code, r in out.iterrows()}


def duckdb_job(points, gemeenten, threshold):
    import duckdb
    import duckdb_extension_spatial

    ext = next(Path(duckdb_extension_spatial.__file__).parent.glob("extensions/*/spatial.duckdb_extension"))
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.execute(f"LOAD '{ext}'")
    if points.suffix == ".parquet":
        src = f"read_parquet('{points}')"
    else:
        src = f"read_csv('{points}', delim=';', columns={{'adres_id': 'VARCHAR', 'x': 'DOUBLE', 'y': 'DOUBLE', 'download_mbps': 'DOUBLE', 'upload_mbps': 'DOUBLE', 'technologie': 'VARCHAR'}}, header=true)"
    con.execute(f"CREATE TABLE g AS SELECT gemeentecode, geom FROM ST_Read('{gemeenten}')")
    rows = con.execute(
        f"""
        SELECT g.gemeentecode, count(*), sum(CASE WHEN p.download_mbps >= {threshold} THEN 1 ELSE 0 END)
        FROM (SELECT ST_Point(x, y) AS pt, download_mbps FROM {src}) p
        JOIN g ON ST_Within(p.pt, g.geom)
        GROUP BY 1
        """
    ).fetchall()
    return {code: [int(n), int(c)] for code, n, c in rows}


def polars_read(points, _gemeenten, _threshold):
    import polars as pl

    if points.suffix == ".parquet":
        df = pl.read_parquet(points, columns=["adres_id", "x", "y", "download_mbps"])
    else:
        df = pl.read_csv(points, separator=";", columns=["adres_id", "x", "y", "download_mbps"], schema_overrides={"adres_id": pl.Utf8})
    return {"rows": [df.height, 0]}


JOBS = {"geopandas": geopandas_job, "duckdb": duckdb_job, "polars-read": polars_read}

PRELOAD = {"geopandas": ["geopandas", "pandas", "pyogrio"], "duckdb": ["duckdb", "duckdb_extension_spatial"], "polars-read": ["polars"]}

if __name__ == "__main__":
    tool, points, gemeenten, threshold = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4])
    for module in PRELOAD[tool]:
        __import__(module)
    start = time.perf_counter()
    counts = JOBS[tool](points, gemeenten, threshold)
    # The job's own time, without starting Python and importing the libraries.
    print(f"job_seconds={time.perf_counter() - start:.3f}", file=sys.stderr)
    print(json.dumps(counts, sort_keys=True))

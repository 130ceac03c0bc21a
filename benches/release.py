"""The release benchmark: a synthetic national release in the FCC layout (hundreds of files),
dekking against DuckDB on the same files and the same grouping.

    python3 benches/release.py [--locations 5000000] [--states 56] [--format parquet|csv.gz] [--work DIR]

1. builds dekking (release) unless --binary is given; creates benches/.venv unless --python;
2. writes the release with `dekking demo fcc` (one file per state × technology);
3. runs `dekking fixed --profile fcc-bdc -i DIR --by county -t 25/3 -t 100/20` (wall time, peak
   RSS; checksums remembered from an untimed first run) and DuckDB (distinct locations per
   county, a location covered when one of its records reaches the speeds), alternating, three
   runs each;
4. checks that the locations and covered counts per county are equal;
5. prints a Markdown table. Exit status 1 when the counts differ.
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, machine, peak_rss, setup  # noqa: E402

DUCKDB = """
import sys, time, duckdb
start = time.perf_counter()
src = sys.argv[1]
read = f"read_parquet('{src}/*.parquet')" if sys.argv[2] == 'parquet' else f"read_csv('{src}/*.csv.gz', all_varchar=true)"
con = duckdb.connect()
con.execute('SET enable_progress_bar = false')
rows = con.execute(f'''
with loc as (
  select location_id, any_value(substr(lpad(cast(block_geoid as varchar), 15, '0'), 1, 5)) county,
         max(case when cast(max_advertised_download_speed as double) >= 25 and cast(max_advertised_upload_speed as double) >= 3 then 1 else 0 end) c25,
         max(case when cast(max_advertised_download_speed as double) >= 100 and cast(max_advertised_upload_speed as double) >= 20 then 1 else 0 end) c100
  from {read} group by location_id)
select county, count(*), sum(c25), sum(c100) from loc group by county order by county''').fetchall()
for r in rows:
    print(','.join(str(v) for v in r))
print(f"job_seconds={time.perf_counter() - start:.3f}", file=sys.stderr)
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--locations", type=int, default=5_000_000)
    ap.add_argument("--states", type=int, default=56)
    ap.add_argument("--format", choices=["parquet", "csv.gz"], default="parquet")
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "bench-release")
    ap.add_argument("--binary", type=Path)
    ap.add_argument("--python", type=Path)
    args = ap.parse_args()
    binary, python = setup(args.binary, args.python)
    work = args.work
    release = work / f"release_{args.format.replace('.', '_')}"
    gen = [binary, "demo", "fcc", "-o", release, "--locations", str(args.locations), "--states", str(args.states)]
    if args.format == "parquet":
        gen.append("--parquet")
    out = subprocess.run([str(c) for c in gen], check=True, capture_output=True, text=True)
    print(out.stderr.strip(), file=sys.stderr)
    os.sync()
    env = dict(os.environ, DEKKING_CACHE_DIR=str(work / "checksums"))
    cmd = [binary, "fixed", "--profile", "fcc-bdc", "-i", release, "--by", "county", "-t", "25/3", "-t", "100/20",
           "-o", work / "dekking", "-q", "--run-date", "2026-01-01"]
    peak_rss(cmd, env)
    ours, theirs = [], []
    for _ in range(3):
        ours.append(peak_rss(cmd, env))
        theirs.append(peak_rss([python, "-c", DUCKDB, release, args.format]))
    counts = {}
    with open(work / "dekking" / "coverage.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["level"] == "county":
                c = counts.setdefault(r["area_code"], [r["addresses"], None, None])
                c[1 if r["threshold"] == "25/3" else 2] = r["covered"]
    duck = {line.split(",")[0]: line.split(",")[1:] for line in theirs[-1][2].split()}
    failures = [code for code, c in counts.items() if duck.get(code) != c] + [code for code in duck if code not in counts]
    locations = sum(int(v[0]) for v in duck.values())
    files = len(list(release.iterdir()))
    print(f"\nMachine: {machine()}\nRelease: {files} files ({args.format}), {locations:,} locations in {len(counts)} counties\n")
    print("| tool | wall (s), median of 3 | peak RSS (MiB) | / dekking |")
    print("|---|---:|---:|---:|")
    base = statistics.median(r[0] for r in ours)
    for name, runs in (("dekking fixed", ours), ("DuckDB", theirs)):
        wall = statistics.median(r[0] for r in runs)
        print(f"| {name} | {wall:.2f} | {max(r[1] for r in runs):.0f} | {wall / base:.2f} |")
    if failures:
        print(f"bench: {len(failures)} counties differ, e.g. {failures[:3]}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

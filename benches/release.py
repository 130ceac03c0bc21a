"""The release benchmark: a synthetic national release in the FCC layout (hundreds of files),
dekking against DuckDB on the same files and the same grouping.

    python3 benches/release.py [--locations 5000000] [--states 56] [--format parquet|csv.gz] [--work DIR]
                               [--memory 4G ...] [--no-one-pass] [--duckdb-memory 4GB] [--runs 3]

1. builds dekking (release) unless --binary is given; creates benches/.venv unless --python;
2. writes the release with `dekking demo fcc` (one file per state × technology), unless the
   work folder has it already;
3. runs `dekking fixed --profile fcc-bdc -i DIR --by county -t 25/3 -t 100/20` (wall time, peak
   RSS; checksums remembered from an untimed first run) and DuckDB (distinct locations per
   county, a location covered when one of its records reaches the speeds), alternating, three
   runs each;
   With `--memory SIZE` (repeatable) dekking also runs within that budget (in partitions when
   the rows need more); `--no-one-pass` leaves out the run on the machine's own budget (for a
   release beyond the machine's memory); `--duckdb-memory` sets DuckDB's `memory_limit` (it
   spills to disk past it); a tool that fails is reported as failed, with its first line;
4. checks that the locations and covered counts per county are equal, for every dekking run;
5. prints a Markdown table. Exit status 1 when the counts differ.
"""

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, machine, setup  # noqa: E402

DUCKDB = """
import sys, time, duckdb
start = time.perf_counter()
src = sys.argv[1]
read = f"read_parquet('{src}/*.parquet')" if sys.argv[2] == 'parquet' else f"read_csv('{src}/*.csv.gz', all_varchar=true)"
con = duckdb.connect()
con.execute('SET enable_progress_bar = false')
if sys.argv[3] != 'default':
    con.execute(f"SET memory_limit = '{sys.argv[3]}'")
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


def attempt(cmd, env=None):
    """(wall, peak RSS MiB, stdout, note) of cmd: the note says how dekking read the release (in
    partitions), or how the command failed (its last line; stdout then empty)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        p = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        return wall, usage.ru_maxrss / 1024, "", "failed: " + (stderr.strip().splitlines() or [f"exit status {code}"])[-1][:200]
    passes = next((l.split(":")[0] for l in stderr.splitlines() if l.startswith("read in ")), None)
    return wall, usage.ru_maxrss / 1024, stdout, passes


def county_counts(folder):
    """{county: [locations, covered 25/3, covered 100/20]} of a dekking run's coverage.csv."""
    counts = {}
    with open(folder / "coverage.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["level"] == "county":
                c = counts.setdefault(r["area_code"], [r["addresses"], None, None])
                c[1 if r["threshold"] == "25/3" else 2] = r["covered"]
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--locations", type=int, default=5_000_000)
    ap.add_argument("--states", type=int, default=56)
    ap.add_argument("--format", choices=["parquet", "csv.gz"], default="parquet")
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "bench-release")
    ap.add_argument("--binary", type=Path)
    ap.add_argument("--python", type=Path)
    ap.add_argument("--memory", action="append", default=[], help="also run dekking with --memory SIZE")
    ap.add_argument("--no-one-pass", action="store_true", help="leave out the run on the machine's budget")
    ap.add_argument("--duckdb-memory", default="default", help="DuckDB's memory_limit, e.g. 4GB")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    binary, python = setup(args.binary, args.python)
    work = args.work
    release = work / f"release_{args.format.replace('.', '_')}"
    if not release.exists():
        gen = [binary, "demo", "fcc", "-o", release, "--locations", str(args.locations), "--states", str(args.states)]
        if args.format == "parquet":
            gen.append("--parquet")
        out = subprocess.run([str(c) for c in gen], check=True, capture_output=True, text=True)
        print(out.stderr.strip(), file=sys.stderr)
        os.sync()
    env = dict(os.environ, DEKKING_CACHE_DIR=str(work / "checksums"))
    budgets = ([] if args.no_one_pass else [None]) + args.memory
    def ours(budget):
        more = [] if budget is None else ["--memory", budget]
        return [binary, "fixed", "--profile", "fcc-bdc", "-i", release, "--by", "county", "-t", "25/3", "-t", "100/20",
                "-o", work / f"dekking-{budget or 'machine'}", "-q", "--run-date", "2026-01-01", *more]
    subprocess.run([str(c) for c in ours(budgets[0])], env=env, capture_output=True)  # checksums remembered
    runs = {b: [] for b in budgets}
    theirs = []
    for _ in range(args.runs):
        for b in budgets:
            runs[b].append(attempt(ours(b), env))
        theirs.append(attempt([python, "-c", DUCKDB, release, args.format, args.duckdb_memory]))
    duck = {line.split(",")[0]: line.split(",")[1:] for line in theirs[-1][2].split()}
    failures = []
    for b in budgets:
        counts = county_counts(work / f"dekking-{b or 'machine'}")
        if duck:
            failures += [code for code, c in counts.items() if duck.get(code) != c] + [code for code in duck if code not in counts]
    files = len(list(release.iterdir()))
    locations = sum(int(v[0]) for v in county_counts(work / f"dekking-{budgets[0] or 'machine'}").values())
    print(f"\nMachine: {machine()}\nRelease: {files} files ({args.format}), {locations:,} locations\n")
    print(f"| tool | wall (s), median of {args.runs} | peak RSS (MiB) | / first | note |")
    print("|---|---:|---:|---:|---|")
    base = statistics.median(r[0] for r in runs[budgets[0]])
    named = [(f"dekking fixed{'' if b is None else ' --memory ' + b}", runs[b]) for b in budgets]
    named.append((f"DuckDB (memory_limit {args.duckdb_memory})", theirs))
    for name, rs in named:
        wall = statistics.median(r[0] for r in rs)
        note = next((r[3] for r in rs if r[3]), "")
        print(f"| {name} | {wall:.2f} | {max(r[1] for r in rs):.0f} | {wall / base:.2f} | {note} |")
    if failures:
        print(f"bench: {len(failures)} counties differ, e.g. {failures[:3]}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

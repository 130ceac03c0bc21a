"""The Python package against the command line, and the national job on a Dask cluster.

    python3 benches/python.py [--scale 1.2092] [--repeat 3] [--work DIR] [--partitions 8]

Needs the package installed (`pip install ./python`) and the release binary built
(`cargo build --release`). It generates a synthetic Netherlands with the seeded generator
(`dekking demo generate`, scale 1.2092 ≈ 10 million addresses: every provider's records joined to
a separate universe, Parquet), then times, alternating, medians of `--repeat` runs:

1. the command line, `dekking fixed -i records.parquet --universe universe.parquet` (a process,
   its inputs' checksums remembered);
2. `dekking.fixed("records.parquet", "universe.parquet")` from Python, in this process;
3. `dekking.fixed(records, universe)` on polars DataFrames already in memory (read once before);
4. the job in `--partitions` partitions by id hash on a local Dask cluster of one worker
   process, then of two (`fixed_partial` on each, `merge` at the end), the files compared with
   the command line's;
5. a synthetic FCC-layout release (`dekking demo fcc --locations N --parquet`: 56 states × 7
   technology files) by the command line, then on the cluster one task per state, each reading
   only its state's files (`--release-locations`, 0 to leave out).

It prints a table for BENCHMARKS.md; the figures of every variant must equal the command line's.
"""

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

import dekking

ROOT = Path(__file__).resolve().parent.parent
RUN_DATE = "2026-01-01"
OPTIONS = dict(thresholds=["30", "100", "1000"], run_date=RUN_DATE)
FLAGS = ["-t", "30", "-t", "100", "-t", "1000", "--run-date", RUN_DATE, "-q"]


def cli(binary, records, universe, out):
    start = time.perf_counter()
    subprocess.run([str(binary), "fixed", "-i", str(records), "--universe", str(universe), *FLAGS, "-o", str(out)],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def in_process(records, universe, out):
    start = time.perf_counter()
    dekking.fixed(records, universe, **OPTIONS, out=out)
    return time.perf_counter() - start


def cluster(workers, partitions, records, universe, out):
    """Seconds from submitting the partitions to the merged files (the cluster started before)."""
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as c, Client(c) as client:
        client.run(lambda: __import__("dekking"))  # each worker imports the package before the clock starts
        start = time.perf_counter()
        tasks = [client.submit(dekking.fixed_partial, str(records), str(universe), partition=(k, partitions), **OPTIONS, pure=False)
                 for k in range(1, partitions + 1)]
        parts = client.gather(tasks)
        dekking.merge(parts, str(records), str(universe), **OPTIONS, out=out)
        return time.perf_counter() - start


def release_tasks(workers, files, options, out):
    """Seconds from submitting one task per state (its files only) to the merged files."""
    from dask.distributed import Client, LocalCluster

    states = sorted({f.name.split("_")[1] for f in files})
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as c, Client(c) as client:
        client.run(lambda: __import__("dekking"))
        start = time.perf_counter()
        tasks = [client.submit(dekking.fixed_partial, [str(f) for f in files if f.name.split("_")[1] == s],
                               partition=(1, 1), **options, pure=False) for s in states]
        dekking.merge(client.gather(tasks), str(files[0].parent), **options, out=out)
        return time.perf_counter() - start


def release(binary, work, locations, repeat):
    """The rows of the release part: the command line, then the cluster by state."""
    folder = work / f"release-{locations}"
    if not folder.exists():
        subprocess.run([str(binary), "demo", "fcc", "-o", str(folder), "--locations", str(locations), "--parquet"],
                       check=True, capture_output=True)
        time.sleep(2.1)
    flags = ["--profile", "fcc-bdc", "--by", "county", "--by", "state", "-t", "25/3", "-t", "100/20", "--run-date", RUN_DATE, "-q"]
    options = dict(profile="fcc-bdc", by=["county", "state"], thresholds=["25/3", "100/20"], run_date=RUN_DATE)
    one = [str(binary), "fixed", "-i", str(folder), *flags, "-o", str(work / "release-cli")]
    subprocess.run(one, check=True, capture_output=True)  # untimed: checksums remembered
    files = sorted(folder.iterdir())
    runs = {"cli": [], 1: [], 2: []}
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(one, check=True, capture_output=True)
        runs["cli"].append(time.perf_counter() - start)
        for w in (1, 2):
            runs[w].append(release_tasks(w, files, options, work / f"release-cluster{w}"))
    ok = all(same(work / "release-cli", work / f"release-cluster{w}") for w in (1, 2))
    name = f"release of {locations:,} locations in {len(files)} Parquet files"
    rows = [(f"{name}: command line, `dekking fixed -i DIR`", runs["cli"])]
    rows += [(f"{name}: Dask, {w} worker process{'es' if w > 1 else ''}, one task per state, merged", runs[w]) for w in (1, 2)]
    return rows, ok


def same(a, b):
    names = ["coverage.csv", "coverage.parquet", "coverage.json", "rejected.csv"]
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.2092)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--release-locations", type=int, default=5_000_000)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--binary", type=Path, default=ROOT / "target" / "release" / "dekking")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="dekking-python-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    records, universe = work / "records.parquet", work / "universe.parquet"
    if not records.exists():
        subprocess.run([str(args.binary), "demo", "generate", "--scale", str(args.scale), "--seed", "1",
                        "-o", str(records), "--universe", str(universe)], check=True, capture_output=True)
    time.sleep(2.1)  # dekking remembers the checksums of settled files only
    cli(args.binary, records, universe, work / "cli")  # untimed: checksums remembered, caches warm
    frames = pl.read_parquet(records), pl.read_parquet(universe)
    print(f"python bench: {frames[0].height:,} records, {frames[1].height:,} addresses", file=sys.stderr)
    runs = {"cli": [], "path": [], "frame": []}
    for _ in range(args.repeat):
        runs["cli"].append(cli(args.binary, records, universe, work / "cli"))
        runs["path"].append(in_process(records, universe, work / "path"))
        runs["frame"].append(in_process(*frames, work / "frame"))
    ok = same(work / "cli", work / "path")
    ok_frame = filecmp.cmp(work / "cli" / "coverage.csv", work / "frame" / "coverage.csv", shallow=False)
    cluster_runs = {}
    for workers in (1, 2):
        cluster_runs[workers] = [cluster(workers, args.partitions, records, universe, work / f"cluster{workers}")
                                 for _ in range(max(1, args.repeat - 1))]
    ok_cluster = all(same(work / "cli", work / f"cluster{w}") for w in (1, 2))
    base = statistics.median(runs["cli"])
    print(f"\n{frames[1].height:,} addresses, {frames[0].height:,} records (scale {args.scale}); medians of {args.repeat} runs\n")
    print("| job | wall (s), median | fastest–slowest | median against the command line |")
    print("|---|---:|---:|---:|")
    rows = [("command line, `dekking fixed` (a process)", runs["cli"]),
            ("`dekking.fixed(paths)` in Python", runs["path"]),
            ("`dekking.fixed(DataFrames)` in Python (frames read before)", runs["frame"])]
    rows += [(f"Dask, {w} worker process{'es' if w > 1 else ''}, {args.partitions} partitions, merged", cluster_runs[w]) for w in (1, 2)]
    for name, times in rows:
        m = statistics.median(times)
        print(f"| {name} | {m:.2f} | {min(times):.2f}–{max(times):.2f} | {m / base - 1:+.1%} |")
    ok_release = True
    if args.release_locations:
        rows, ok_release = release(args.binary, work, args.release_locations, max(1, args.repeat - 1))
        base = statistics.median(rows[0][1])
        for name, times in rows:
            m = statistics.median(times)
            print(f"| {name} | {m:.2f} | {min(times):.2f}–{max(times):.2f} | {m / base - 1:+.1%} |")
    print(f"\nfiles equal to the command line's: paths {ok}, DataFrames (coverage.csv) {ok_frame}, cluster {ok_cluster}, release by state {ok_release}")
    if not (ok and ok_frame and ok_cluster and ok_release):
        sys.exit("python bench: a result differs from the command line's")


if __name__ == "__main__":
    main()

"""The fixed-coverage benchmark: dekking against GeoPandas and DuckDB-spatial on the same files.

    python3 benches/bench.py [--scale 1.2092] [--peers geopandas,duckdb] [--repeat 3] [--work DIR]

1. builds dekking (release) unless --binary is given;
2. writes, with the seeded generator, N synthetic NL addresses with x/y only (one row each:
   `dekking demo generate --points`; scale 1.2092 ≈ 10 million) as CSV and Parquet, and the
   342 gemeenten in RD New exactly as dekking uses them (`--boundaries`);
3. creates benches/.venv from benches/requirements.txt (pinned peers) unless --python is given;
4. runs each tool on each file, --repeat times, one after the other (the median wall time and the
   largest peak RSS of the process, and for the Python peers also the median of the job's own
   time without interpreter start and imports): the polars read alone (the
   floor), dekking (3 thresholds, per gemeente/provincie/NL), GeoPandas (sjoin within + groupby)
   and DuckDB 1.5.5 with its spatial extension loaded from the pip package's file;
   dekking's inputs are hashed once and their checksums remembered (as on an analyst's reruns;
   an untimed first run does it), and dekking is timed again hashing every input on every run;
   then dekking alone on the Parquet rows shuffled (the generated ids ascend, which dekking
   exploits; shuffled they take the hash-table path), on a Parquet with gemeentecodes given,
   and on every provider's records (about 1.5 per address) joined to a universe file;
5. checks that every peer's per-gemeente counts (addresses, >= 100 Mbps) equal dekking's, and
   the shuffled run's equal the sorted run's;
6. prints a Markdown table. Exit status 1 when counts differ.
"""

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 100


def peak_rss(cmd, env=None):
    """Runs cmd; returns (wall seconds, peak RSS of that process in MiB, stdout, stderr)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        p = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(p.pid, 0)  # this child's own rusage (ru_maxrss in KiB)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed:\n{stderr}")
    return wall, usage.ru_maxrss / 1024, stdout, stderr


def timed(cmd, repeat, env=None):
    """Runs cmd `repeat` times; returns (median wall, largest peak RSS, median job seconds as the
    peers report them or None, the last run's stdout)."""
    runs = [peak_rss(cmd, env) for _ in range(repeat)]
    jobs = [float(l.split("=")[1]) for r in runs for l in r[3].splitlines() if l.startswith("job_seconds=")]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), statistics.median(jobs) if jobs else None, runs[-1][2]


def dekking_timed(cmd, repeat, env):
    """Times a dekking run with its inputs' checksums remembered: waits until every file among
    the arguments was last changed two seconds ago (dekking remembers only settled files), runs
    once untimed, then as `timed`."""
    for arg in cmd:
        if Path(arg).is_file():
            time.sleep(max(0.0, 2.1 - (time.time() - Path(arg).stat().st_mtime)))
    peak_rss(cmd, env)
    return timed(cmd, repeat, env)


def dekking_counts(coverage_csv):
    with open(coverage_csv, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["level"] == "gemeente" and r["threshold"] == f"{THRESHOLD}/0"]
    return {r["area_code"]: [int(r["addresses"]), int(float(r["covered"]))] for r in rows if int(r["addresses"]) > 0}


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}"


def setup(binary, python):
    """The dekking binary (built in release when not given) and a python with the peers
    (benches/.venv from benches/requirements.txt when not given)."""
    if binary is None:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binary = ROOT / "target" / "release" / "dekking"
    if python is None:
        venv = ROOT / "benches" / ".venv"
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "-r", str(ROOT / "benches" / "requirements.txt")], check=True)
        python = venv / "bin" / "python"
    return binary, python


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.2092, help="1.2092 ≈ 10 million addresses")
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "bench")
    ap.add_argument("--binary", type=Path, help="a built dekking binary (default: cargo build --release)")
    ap.add_argument("--python", type=Path, help="a python with the peers installed (default: benches/.venv)")
    ap.add_argument("--peers", default="geopandas,duckdb", help="comma-separated; empty for none")
    ap.add_argument("--repeat", type=int, default=3, help="runs of every tool on every input; the table shows medians")
    args = ap.parse_args()

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    binary, python = setup(args.binary, args.python)
    peers = [p for p in args.peers.split(",") if p]

    csv_file, parquet, gemeenten = work / "points.csv", work / "points.parquet", work / "gemeenten_rd.geojson"
    gen = [str(binary), "demo", "generate", "--scale", str(args.scale), "--points"]
    subprocess.run([*gen, "-o", str(csv_file), "--boundaries", str(gemeenten)], check=True, capture_output=True)
    subprocess.run([*gen, "-o", str(parquet)], check=True, capture_output=True)
    coded = work / "points_codes.parquet"
    subprocess.run([*gen, "--codes", "-o", str(coded)], check=True, capture_output=True)
    n = sum(1 for _ in open(csv_file, encoding="utf-8")) - 1
    # The inputs just written (about 0.9 GB at 10 M) go to disk now, not while the first tool runs.
    os.sync()
    print(f"bench: {n:,} synthetic addresses (scale {args.scale}), {csv_file.stat().st_size / 1e6:.0f} MB CSV, {parquet.stat().st_size / 1e6:.0f} MB Parquet; 342 gemeenten", file=sys.stderr)

    # dekking remembers its inputs' checksums in a folder of the work directory; "hashing" runs
    # keep none, so every run hashes its input.
    remembered = dict(os.environ, DEKKING_CACHE_DIR=str(work / "checksums"))
    hashing = dict(os.environ, DEKKING_CACHE_DIR="")
    results = []  # (tool, input, wall, rss, job)
    failures = []
    for points in (csv_file, parquet):
        kind = points.suffix[1:]
        out_dir = work / f"dekking-{kind}"
        cmd = [binary, "fixed", "-i", points, "-o", out_dir, "-q", "--run-date", "2026-01-01"]
        wall, rss, _, _ = dekking_timed(cmd, args.repeat, remembered)
        ours = dekking_counts(out_dir / "coverage.csv")
        results.append(("dekking (3 thresholds, gemeente/provincie/NL)", kind, wall, rss, None))
        wall, rss, _, _ = timed(cmd, args.repeat, hashing)
        results.append(("dekking, the input hashed on every run", kind, wall, rss, None))
        for tool in ["polars-read", *peers]:
            wall, rss, job, out = timed([python, ROOT / "benches" / "peers.py", tool, points, gemeenten, THRESHOLD], args.repeat)
            results.append((tool, kind, wall, rss, job))
            if tool == "polars-read":
                continue
            theirs = json.loads(out)
            if theirs != ours:
                diff = sorted(c for c in set(ours) | set(theirs) if ours.get(c) != theirs.get(c))
                failures.append(f"{tool} on {kind}: counts differ in {len(diff)} gemeenten, e.g. " + ", ".join(f"{c}: dekking {ours.get(c)} vs {theirs.get(c)}" for c in diff[:3]))
            else:
                print(f"bench: {tool} on {kind}: counts equal dekking's in all {len(ours)} gemeenten", file=sys.stderr)

    # The generated ids ascend, which lets dekking find each address's first row in one pass;
    # the same rows shuffled take the hash-table path. Counts must not change.
    shuffled = work / "points_shuffled.parquet"
    shuffle = "import sys, polars as pl\npl.read_parquet(sys.argv[1]).sample(fraction=1.0, shuffle=True, seed=7).write_parquet(sys.argv[2])"
    subprocess.run([str(python), "-c", shuffle, str(parquet), str(shuffled)], check=True)
    out_dir = work / "dekking-shuffled"
    wall, rss, _, _ = dekking_timed([binary, "fixed", "-i", shuffled, "-o", out_dir, "-q", "--run-date", "2026-01-01"], args.repeat, remembered)
    results.append(("dekking, rows shuffled (ids unsorted)", "parquet", wall, rss, None))
    if dekking_counts(out_dir / "coverage.csv") != dekking_counts(work / "dekking-parquet" / "coverage.csv"):
        failures.append("dekking on the shuffled rows: counts differ from the sorted file's")

    # The same job with each address's gemeentecode given: no point-in-polygon at all.
    wall, rss, _, _ = dekking_timed([binary, "fixed", "-i", coded, "-o", work / "dekking-codes", "-q", "--run-date", "2026-01-01"], args.repeat, remembered)
    results.append(("dekking, gemeentecode given (no point-in-polygon)", "parquet+code", wall, rss, None))
    coded_rate = n / wall / 1e6

    # The job as the yearly figures run it: every provider's records (about 1.5 per address)
    # joined to a separate address universe.
    records, universe = work / "records.parquet", work / "universe.parquet"
    subprocess.run([str(binary), "demo", "generate", "--scale", str(args.scale), "-o", str(records), "--universe", str(universe)], check=True, capture_output=True)
    os.sync()
    wall, rss, _, _ = dekking_timed([binary, "fixed", "-i", records, "--universe", universe, "-o", work / "dekking-universe", "-q", "--run-date", "2026-01-01"], args.repeat, remembered)
    results.append(("dekking, all records joined to a universe file", "parquet+universe", wall, rss, None))

    probe = "import importlib.metadata as m\nfor p in ['polars', 'geopandas', 'shapely', 'pandas', 'pyogrio', 'duckdb', 'duckdb-extension-spatial']:\n    try:\n        print(p, m.version(p))\n    except m.PackageNotFoundError:\n        pass\n"
    versions = ", ".join(subprocess.run([str(python), "-c", probe], capture_output=True, text=True).stdout.strip().splitlines())
    print(f"\nMachine: {machine()}\nPeers: {versions}\nAddresses: {n:,} (scale {args.scale}); threshold {THRESHOLD} Mbps; medians of {args.repeat} run(s) each\n")
    print("| tool | input | wall (s) | job without start-up (s) | peak RSS (MiB) | wall / dekking |")
    print("|---|---|---:|---:|---:|---:|")
    base = {kind: wall for tool, kind, wall, _, _ in results if tool.startswith("dekking (")}
    for tool, kind, wall, rss, job in results:
        job_s = f"{job:.2f}" if job is not None else ""
        ratio = f"{wall / base[kind]:.2f}" if kind in base else ""
        print(f"| {tool} | {kind} | {wall:.2f} | {job_s} | {rss:.0f} | {ratio} |")
    print(f"\nWith the gemeentecode given: {coded_rate:.1f} M rows/s (whole process, from Parquet).")
    for f in failures:
        print(f"bench: {f}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

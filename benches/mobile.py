"""The mobile benchmark: 700 MHz area coverage of the 342 gemeenten on national grids for three
operators, dekking against an exactextract computation of the same job on the same files.

    python3 benches/mobile.py [--cell-size 25] [--peer-operators 3] [--work DIR]

1. builds dekking (release) unless --binary is given;
2. writes, with the seeded generator, three synthetic national GeoTIFF grids (RD New, 280 × 325 km,
   25 m cells ≈ 145.6 M cells each, of which ≈ 66 M in the gemeenten), the gemeenten and the
   licence's exclusion layers (Natura 2000, the Westerbork circle): `dekking demo grids`;
3. creates benches/.venv from benches/requirements.txt unless --python is given;
4. runs `dekking mobile` on the three grids with the exclusions file (wall time, peak RSS; with
   the grids' checksums remembered from an untimed first run, and hashing them again) and
   benches/mobile_peer.py (shapely for the eligible shapes, exactextract for the exact covered
   area) on the first --peer-operators grids; a peer run on fewer operators is extrapolated
   linearly in the operator loop and marked so;
5. checks that eligible and covered km² agree per operator and gemeente within 1e-5 km² (10 m²;
   dekking writes km² with 6 decimals);
6. prints a Markdown table. Exit status 1 when the figures differ.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, dekking_timed, machine, peak_rss, setup  # noqa: E402

OPERATORS = ["KPN", "VodafoneZiggo", "Odido"]
DATE, REQUIRED = "2026-11-23", 10.0
TOLERANCE_KM2 = 1e-5


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cell-size", type=float, default=25.0)
    ap.add_argument("--peer-operators", type=int, default=3, help="run the peer on this many operators (0 = no peer)")
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "bench-mobile")
    ap.add_argument("--binary", type=Path)
    ap.add_argument("--python", type=Path)
    args = ap.parse_args()
    binary, python = setup(args.binary, args.python)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(binary), "demo", "grids", "-o", str(work), "--cell-size", str(args.cell_size)], check=True, capture_output=True)
    # The grids just written (1.7 GB at 25 m) go to disk now, not while the first tool runs.
    os.sync()
    grids = [f"{op}={work / f'grid_{op}.tif'}" for op in OPERATORS]
    gemeenten, exclusions = work / "gemeenten_rd.geojson", work / "exclusions_rd.geojson"

    out = work / "dekking"
    cmd = [binary, "mobile", *[x for g in grids for x in ("--grid", g)], "--boundaries", gemeenten, "--no-licence-exclusions",
           "--exclusions", exclusions, "--date", DATE, "-o", out, "-q", "--run-date", "2026-01-01"]
    # With the grids' checksums remembered (an untimed first run hashes them), and hashing them.
    wall, rss, _, _ = dekking_timed(cmd, 1, dict(os.environ, DEKKING_CACHE_DIR=str(work / "checksums")))
    hwall, hrss, _, _ = peak_rss(cmd, dict(os.environ, DEKKING_CACHE_DIR=""))
    results = [("dekking mobile", len(OPERATORS), wall, rss, None, wall), ("dekking mobile, the grids hashed", len(OPERATORS), hwall, hrss, None, hwall)]
    with open(out / "mobile.csv", newline="", encoding="utf-8") as f:
        ours = {}
        for r in csv.DictReader(f):
            ours.setdefault(r["operator"], {})[r["area_code"]] = [float(r["eligible_km2"]), float(r["covered_km2"])]
    cells = sum(1 for _ in ours[OPERATORS[0]])
    failures = []
    k = min(args.peer_operators, len(OPERATORS))
    if k > 0:
        pwall, prss, pout, perr = peak_rss([python, ROOT / "benches" / "mobile_peer.py", gemeenten, exclusions, REQUIRED, *grids[:k]])
        job = next((float(l.split("=")[1]) for l in perr.splitlines() if l.startswith("job_seconds=")), None)
        results.append(("exactextract + shapely + rasterio", k, pwall, prss, job, pwall * len(OPERATORS) / k))
        theirs = json.loads(pout)
        worst = 0.0
        for op, per in theirs.items():
            for code, (elig, cov) in per.items():
                mine = ours.get(op, {}).get(code)
                if mine is None:
                    failures.append(f"{op} {code}: missing in dekking's output")
                    continue
                d = max(abs(mine[0] - elig), abs(mine[1] - cov))
                worst = max(worst, d)
                if d > TOLERANCE_KM2:
                    failures.append(f"{op} {code}: dekking eligible/covered {mine} vs exactextract {[elig, cov]} km²")
        if len(theirs) != k or any(len(v) != cells for v in theirs.values()):
            failures.append("the peer did not report every operator and gemeente")
        print(f"bench: exactextract on {k} operator(s): eligible and covered km² equal dekking's in all {cells} gemeenten within {worst:.1e} km²" if not failures else "", file=sys.stderr)

    probe = "import importlib.metadata as m\nfor p in ['exactextract', 'rasterio', 'shapely', 'numpy']:\n    print(p, m.version(p))\n"
    versions = ", ".join(subprocess.run([str(python), "-c", probe], capture_output=True, text=True).stdout.strip().splitlines())
    print(f"\nMachine: {machine()}\nPeers: {versions}\nGrids: 3 × {args.cell_size:g} m national ({int(280_000 / args.cell_size)} × {int(325_000 / args.cell_size)} cells), {cells} gemeenten, required {REQUIRED:g} Mbps on {DATE}\n")
    print("| tool | operators run | wall (s) | job without start-up (s) | peak RSS (MiB) | wall for 3 operators (s) | / dekking |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for tool, n, wall, rss, job, wall3 in results:
        job_s = f"{job:.2f}" if job is not None else ""
        est = f"{wall3:.2f}" + (" (extrapolated)" if n < len(OPERATORS) else "")
        print(f"| {tool} | {n} | {wall:.2f} | {job_s} | {rss:.0f} | {est} | {wall3 / results[0][5]:.2f} |")
    for f in failures[:10]:
        print(f"bench: {f}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

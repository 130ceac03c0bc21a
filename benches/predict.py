"""The predict benchmark: national 100 m grids of predicted 700 MHz speed for three operators
from synthetic sites, dekking against an independent numpy computation of the same job.

    python3 benches/predict.py [--sites 1000,2500,5000] [--cells 200,100,50] [--work DIR]

1. builds dekking (release) unless --binary is given; creates benches/.venv unless --python;
2. writes seeded synthetic sites (three sectors each) for KPN, VodafoneZiggo and Odido with
   `dekking demo sites --per-operator N` for each N of --sites;
3. runs `dekking predict grid` over the national extent (RD 0–280 km × 300–625 km) at 100 m for
   each N, and with the largest N at each cell size of --cells: wall time and peak RSS, so the
   tables show how the time grows with sites and with cells;
4. runs benches/predict_peer.py (numpy, vectorised per transmitter, single-threaded) on the
   largest N at 100 m and compares every cell of every operator's grid with dekking's
   (tolerance 1e-3 Mbps, and the same cells without data);
5. prints Markdown tables. Exit status 1 when the grids differ.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, machine, peak_rss, setup  # noqa: E402

EXTENT = "0,300000,280000,625000"
OPERATORS = ["KPN", "VodafoneZiggo", "Odido"]
TOLERANCE_MBPS = 1e-3

COMPARE = """
import sys
import numpy as np
import rasterio
peer = np.load(sys.argv[1])
worst, bad, cells = 0.0, 0, 0
for op in peer.files:
    with rasterio.open(f"{sys.argv[2]}/grid_{op}.tif") as r:
        g = r.read(1)[::-1].astype(np.float64)
        g[g == r.nodata] = np.nan
    q = peer[op].astype(np.float64)
    bad += int((np.isnan(g) != np.isnan(q)).sum())
    d = np.abs(g - q)
    worst = max(worst, float(np.nanmax(d)))
    bad += int(np.nansum(d > float(sys.argv[3])))
    cells += g.size
print(worst, bad, cells, len(peer.files))
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", default="1000,2500,5000", help="sites per operator, comma-separated")
    ap.add_argument("--cells", default="200,100,50", help="cell sizes in m for the largest --sites")
    ap.add_argument("--base-cell", type=float, default=100.0, help="the cell size of the runs over --sites and the peer, m")
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "bench-predict")
    ap.add_argument("--binary", type=Path)
    ap.add_argument("--python", type=Path)
    ap.add_argument("--no-peer", action="store_true")
    args = ap.parse_args()
    binary, python = setup(args.binary, args.python)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(v) for v in args.sites.split(",")]
    cells = [float(v) for v in args.cells.split(",")]

    def predict(n, cell):
        out = work / f"grid_{n}_{cell:g}"
        wall, rss, stdout, _ = peak_rss([binary, "predict", "grid", "--sites", work / f"sites_{n}.csv", "--extent", EXTENT,
                                         "--cell-size", str(cell), "--out", out, "--run-date", "2026-01-01"])
        p = json.loads((out / "predict.json").read_text())
        transmitters = sum(o["transmitters"] for o in p["operators"])
        ncells = p["grid"]["cols"] * p["grid"]["rows"]
        return wall, rss, transmitters, ncells, out

    for n in sizes:
        subprocess.run([binary, "demo", "sites", "--per-operator", str(n), "-o", work / f"sites_{n}.csv"], check=True, capture_output=True)
    base = args.base_cell
    rows = [(n, base, *predict(n, base)) for n in sizes]
    rows += [(sizes[-1], c, *predict(sizes[-1], c)) for c in cells if c != base]

    failures, peer_row = [], None
    if not args.no_peer:
        npz = work / "peer.npz"
        pwall, prss, _, perr = peak_rss([python, ROOT / "benches" / "predict_peer.py", work / f"sites_{sizes[-1]}.csv", EXTENT, str(base), npz])
        job = next((float(l.split("=")[1]) for l in perr.splitlines() if l.startswith("job_seconds=")), None)
        ours = next(r for r in rows if r[0] == sizes[-1] and r[1] == base)
        cmp = subprocess.run([python, "-c", COMPARE, npz, ours[6], str(TOLERANCE_MBPS)], capture_output=True, text=True, check=True)
        worst, bad, ncells, nops = cmp.stdout.split()
        if int(bad) or int(nops) != len(OPERATORS):
            failures.append(f"{bad} of {ncells} cells differ from the numpy computation by more than {TOLERANCE_MBPS} Mbps")
        peer_row = (pwall, prss, job, float(worst), int(ncells))
        npz.unlink()

    print(f"\nMachine: {machine()}\nModel: 38901-rma-nlos (reach 5 km), 773 MHz, 10 MHz, 61 dBm EIRP, 3 sectors a site, load 1\n")
    print("| sites per operator | transmitters | cell (m) | cells per grid | wall (s) | peak RSS (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, cell, wall, rss, tx, ncells, _ in rows:
        print(f"| {n:,} | {tx:,} | {cell:g} | {ncells:,} | {wall:.2f} | {rss:.0f} |")
    if peer_row:
        pwall, prss, job, worst, ncells = peer_row
        ours = next(r for r in rows if r[0] == sizes[-1] and r[1] == base)
        print(f"\n| tool, {sizes[-1]:,} sites per operator at {base:g} m | wall (s) | job (s) | peak RSS (MiB) | / dekking |")
        print("|---|---:|---:|---:|---:|")
        print(f"| dekking predict grid (2 threads) | {ours[2]:.2f} | | {ours[3]:.0f} | 1.00 |")
        print(f"| numpy, vectorised per transmitter (1 thread) | {pwall:.2f} | {job:.2f} | {prss:.0f} | {pwall / ours[2]:.2f} |")
        print(f"\nAll {ncells:,} cells of the three grids agree with the numpy computation within {worst:.1e} Mbps.")
    for f in failures:
        print(f"bench: {f}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

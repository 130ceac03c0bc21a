"""An independent numpy computation of `dekking predict grid` with its defaults (TR 38.901 RMa
NLOS, the receiver at 1.5 m, noise figure 7 dB, the TR 38.901 sector pattern, TR 36.942's
attenuated Shannon bound, cell load 1), written from the documents, not from dekking's code:

    python predict_peer.py SITES.csv X0,Y0,X1,Y1 CELL_M OUT.npz

Per transmitter it takes the window of cells within 5 km (RMa NLOS's range; 10 m is its
nearest), vectorised over the window, and keeps per cell the strongest received power and the
sum of all; prints job_seconds= on stderr and writes each operator's Mbps grid (row-major from
the south, NaN where no transmitter reaches) to OUT.npz.
"""

import csv
import sys
import time

import numpy as np

H_BUILDING, W_STREET, C = 5.0, 20.0, 3.0e8
RX, NF, REACH = 1.5, 7.0, 5000.0


def rma_nlos(d2, hbs, fc_ghz):
    """TR 38.901 Table 7.4.1-1, RMa NLOS = max(LOS, NLOS'), dB."""
    h, w = H_BUILDING, W_STREET
    d3 = np.sqrt(d2 * d2 + (hbs - RX) ** 2)
    pl1 = lambda d: (20 * np.log10(40 * np.pi * d * fc_ghz / 3) + min(0.03 * h**1.72, 10) * np.log10(d)
                     - min(0.044 * h**1.72, 14.77) + 0.002 * np.log10(h) * d)
    bp = 2 * np.pi * hbs * RX * fc_ghz * 1e9 / C
    los = np.where(d2 <= bp, pl1(d3), pl1(bp) + 40 * np.log10(d3 / bp))
    nlos = (161.04 - 7.1 * np.log10(w) + 7.5 * np.log10(h) - (24.37 - 3.7 * (h / hbs) ** 2) * np.log10(hbs)
            + (43.42 - 3.1 * np.log10(hbs)) * (np.log10(d3) - 3) + 20 * np.log10(fc_ghz)
            - (3.2 * np.log10(11.75 * RX) ** 2 - 4.97))
    return np.maximum(los, nlos)


def gain(off_deg, below_deg):
    """TR 38.901 Table 7.3-1: 65° beams, 30 dB front-to-back and side lobes, dB."""
    off = np.mod(off_deg + 180, 360) - 180
    a_h = -np.minimum(12 * (off / 65) ** 2, 30)
    a_v = -np.minimum(12 * (below_deg / 65) ** 2, 30)
    return -np.minimum(-(a_h + a_v), 30)


def main():
    sites_csv, extent, cell, out = sys.argv[1], [float(v) for v in sys.argv[2].split(",")], float(sys.argv[3]), sys.argv[4]
    start = time.perf_counter()
    x0, y0 = np.floor(extent[0] / cell) * cell, np.floor(extent[1] / cell) * cell
    cols, rows = int(np.ceil((extent[2] - x0) / cell)), int(np.ceil((extent[3] - y0) / cell))
    xs, ys = x0 + (np.arange(cols) + 0.5) * cell, y0 + (np.arange(rows) + 0.5) * cell
    ops = {}
    with open(sites_csv, newline="") as f:
        for r in csv.DictReader(f):
            ops.setdefault(r["operator"], []).append(r)
    grids = {}
    for op, sites in ops.items():
        best = np.full((rows, cols), -np.inf)
        total = np.zeros((rows, cols))
        bw = float(sites[0]["bandwidth_mhz"])
        for s in sites:
            sx, sy, h = float(s["x"]), float(s["y"]), float(s["height_m"])
            c0, c1 = np.searchsorted(xs, sx - REACH), np.searchsorted(xs, sx + REACH, side="right")
            r0, r1 = np.searchsorted(ys, sy - REACH), np.searchsorted(ys, sy + REACH, side="right")
            dx, dy = xs[None, c0:c1] - sx, ys[r0:r1, None] - sy
            d2 = np.sqrt(dx * dx + dy * dy)
            ok = (d2 >= 10) & (d2 <= REACH)
            d = np.where(ok, d2, 1000.0)
            off = np.degrees(np.arctan2(dx, dy)) - float(s["azimuth_deg"])
            below = np.degrees(np.arctan2(h - RX, d)) - float(s["tilt_deg"])
            p = float(s["eirp_dbm"]) + gain(off, below) - rma_nlos(d, h, float(s["freq_mhz"]) / 1000)
            p = np.where(ok, p, -np.inf)
            total[r0:r1, c0:c1] += np.where(ok, 10 ** (p / 10), 0.0)
            np.maximum(best[r0:r1, c0:c1], p, out=best[r0:r1, c0:c1])
        noise = 10 ** ((-174 + 10 * np.log10(bw * 1e6) + NF) / 10)
        signal = 10 ** (best / 10)
        with np.errstate(divide="ignore", invalid="ignore"):
            sinr_db = 10 * np.log10(signal) - 10 * np.log10(np.maximum(total - signal, 0) + noise)
            bps = np.where(sinr_db < -10, 0.0, np.minimum(0.6 * np.log2(1 + 10 ** (sinr_db / 10)), 4.4))
        grids[op] = np.where(np.isfinite(best), bps * bw, np.nan).astype(np.float32)
    print(f"job_seconds={time.perf_counter() - start:.3f}", file=sys.stderr)
    np.savez(out, **grids)


if __name__ == "__main__":
    main()

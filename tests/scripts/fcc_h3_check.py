#!/usr/bin/env python3
"""Independent per-H3-cell coverage of an FCC BDC availability CSV (standard library only).

Usage: fcc_h3_check.py BDC.csv
Prints CSV: area_code,addresses,covered_25_3,covered_100_20. Each distinct location_id counts
once, in the res-8 cell of its first row (`h3_res8_id`); it is covered at DOWN/UP when any of its
rows has download >= DOWN and upload >= UP.
"""
import csv
import sys
from collections import defaultdict

cell, best = {}, {}
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    for row in csv.DictReader(f):
        loc = row["location_id"].strip()
        cell.setdefault(loc, row["h3_res8_id"].strip().lower())
        d, u = float(row["max_advertised_download_speed"]), float(row["max_advertised_upload_speed"])
        grade = 2 if d >= 100 and u >= 20 else 1 if d >= 25 and u >= 3 else 0
        best[loc] = max(best.get(loc, 0), grade)
counts = defaultdict(lambda: [0, 0, 0])
for loc, c in cell.items():
    n = counts[c]
    n[0] += 1
    n[1] += best[loc] >= 1
    n[2] += best[loc] >= 2
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["area_code", "addresses", "covered_25_3", "covered_100_20"])
for code in sorted(counts):
    out.writerow([code, *counts[code]])

#!/usr/bin/env python3
"""Independent BEAD classification of an FCC BDC availability CSV (standard library only).

Usage: fcc_bead_check.py BDC.csv
Prints CSV: level,area_code,locations,unserved,underserved,served. A row counts when its
technology is 10, 40, 50, 71 or 72 and low_latency is 1; a location is served when a counting
row has >= 100/20, underserved when one has >= 25/3, unserved otherwise (also with no counting
row). Each distinct location_id counts once, in the county of its first row (first 5 digits of
the zero-padded 15-digit block_geoid) and its state (first 2).
"""
import csv
import sys
from collections import defaultdict

RELIABLE = {"10", "40", "50", "71", "72"}
county, best = {}, {}
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    for row in csv.DictReader(f):
        loc = row["location_id"].strip()
        county.setdefault(loc, row["block_geoid"].strip().zfill(15)[:5])
        grade = 0  # 0 unserved, 1 underserved, 2 served
        if row["technology"].strip() in RELIABLE and row["low_latency"].strip() == "1":
            d, u = float(row["max_advertised_download_speed"]), float(row["max_advertised_upload_speed"])
            grade = 2 if d >= 100 and u >= 20 else 1 if d >= 25 and u >= 3 else 0
        best[loc] = max(best.get(loc, 0), grade)
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["level", "area_code", "locations", "unserved", "underserved", "served"])
for level, key in (("county", lambda c: c), ("state", lambda c: c[:2])):
    counts = defaultdict(lambda: [0, 0, 0])
    for loc, c in county.items():
        counts[key(c)][best[loc]] += 1
    for code in sorted(counts):
        n = counts[code]
        out.writerow([level, code, sum(n), *n])

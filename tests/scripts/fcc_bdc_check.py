#!/usr/bin/env python3
"""Independent recomputation of FCC BDC coverage by county and state (standard library only).

Usage: fcc_bdc_check.py BDC.csv DOWN/UP [DOWN/UP ...]
Prints CSV: level,area_code,threshold,universe,covered — distinct location_id, a location is
covered when one of its rows has down >= DOWN and up >= UP. County = first 5 digits of the
15-digit (zero-padded) block_geoid; state = first 2.
"""
import csv
import sys
from collections import defaultdict

path, thresholds = sys.argv[1], [tuple(float(x) for x in t.split("/")) for t in sys.argv[2:]]
county = {}
best = defaultdict(lambda: [False] * len(thresholds))
with open(path, newline="", encoding="utf-8-sig") as f:
    for row in csv.DictReader(f):
        loc = row["location_id"].strip()
        geoid = row["block_geoid"].strip().zfill(15)
        county.setdefault(loc, geoid[:5])
        d, u = float(row["max_advertised_download_speed"]), float(row["max_advertised_upload_speed"])
        flags = best[loc]
        for k, (td, tu) in enumerate(thresholds):
            if d >= td and u >= tu:
                flags[k] = True
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["level", "area_code", "threshold", "universe", "covered"])
for level, key in (("county", lambda c: c), ("state", lambda c: c[:2]), ("us", lambda c: "US")):
    universe, covered = defaultdict(int), defaultdict(lambda: [0] * len(thresholds))
    for loc, c in county.items():
        a = key(c)
        universe[a] += 1
        for k, ok in enumerate(best[loc]):
            covered[a][k] += ok
    for a in sorted(universe):
        for k, (td, tu) in enumerate(thresholds):
            out.writerow([level, a, f"{td:g}/{tu:g}", universe[a], covered[a][k]])

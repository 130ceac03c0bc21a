#!/usr/bin/env python3
"""H3 cells of points by the `h3` Python package (the reference implementation's bindings).

Usage: h3_cells.py POINTS.csv RES [CELL...]
POINTS.csv has the columns lon and lat. Prints CSV: area_code,addresses (points per cell at
resolution RES, sorted by cell), then for each CELL given a line `boundary,CELL,lon lat;lon lat;...`.
"""
import csv
import sys
from collections import Counter

import h3

path, res, cells = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
counts = Counter()
with open(path, newline="") as f:
    for row in csv.DictReader(f):
        counts[h3.latlng_to_cell(float(row["lat"]), float(row["lon"]), res)] += 1
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["area_code", "addresses"])
for code in sorted(counts):
    out.writerow([code, counts[code]])
for c in cells:
    out.writerow(["boundary", c, ";".join(f"{lng!r} {lat!r}" for lat, lng in h3.cell_to_boundary(c))])

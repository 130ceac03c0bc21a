#!/usr/bin/env python3
"""Independent computation of the Natura 2000 area inside each gemeente (shapely).

Usage: natura_excluded.py GEMEENTEN.geojson NATURA.geojson
Prints CSV: area_code,area_m2,excluded_m2 — both layers converted from WGS84/ETRS89 to RD New with
the Schreutelkamp-Strang van Hees polynomial, each gemeente's parts unioned, the Natura 2000
polygons unioned, and excluded = area(gemeente ∩ union(natura)). Every polygon of a MultiPolygon is
repaired on its own before the union (make_valid on a whole MultiPolygon would turn overlapping parts
into holes). GM0998 (Buitenland) is left out.
"""
import json
import sys

from shapely import STRtree, make_valid, union_all
from shapely.geometry import Polygon


def to_rd(lon, lat, z=None):
    dp, dl = 0.36 * (lat - 52.15517440), 0.36 * (lon - 5.38720621)
    x = (190094.945 * dl - 11832.228 * dp * dl - 114.221 * dp ** 2 * dl - 32.391 * dl ** 3 - 0.705 * dp
         - 2.340 * dp ** 3 * dl - 0.608 * dp * dl ** 3 - 0.008 * dl ** 2 + 0.148 * dp ** 2 * dl ** 3)
    y = (309056.544 * dp + 3638.893 * dl ** 2 + 73.077 * dp ** 2 - 157.984 * dp * dl ** 2 + 59.788 * dp ** 3
         + 0.433 * dl - 6.439 * dp ** 2 * dl ** 2 - 0.032 * dp * dl + 0.092 * dl ** 4 - 0.054 * dp * dl ** 4)
    return 155000 + x, 463000 + y


def parts(geom):
    """Each polygon of a (Multi)Polygon in RD New, repaired on its own."""
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    out = []
    for rings in polys:
        rd = [[to_rd(x, y) for x, y, *_ in ring] for ring in rings]
        out.append(make_valid(Polygon(rd[0], rd[1:])))
    return out


gem = json.load(open(sys.argv[1]))
nat = json.load(open(sys.argv[2]))
natura = [p for f in nat["features"] for p in parts(f["geometry"])]
tree = STRtree(natura)
print("area_code,area_m2,excluded_m2")
for f in sorted(gem["features"], key=lambda f: f["properties"]["gemeentecode"]):
    code = f["properties"]["gemeentecode"]
    if code == "GM0998":
        continue
    g = union_all(parts(f["geometry"]))
    hits = [natura[i].intersection(g) for i in tree.query(g, predicate="intersects")]
    excluded = union_all(hits).area if hits else 0.0
    print(f"{code},{g.area:.3f},{excluded:.3f}")

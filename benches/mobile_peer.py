"""The peer of the mobile benchmark: the same 700 MHz area-coverage job with exactextract (exact
cell coverage fractions, as dekking computes them) on rasterio-read GeoTIFFs.

    python benches/mobile_peer.py GEMEENTEN EXCLUSIONS REQUIRED_MBPS OPERATOR=GRID.tif ...

GEMEENTEN and EXCLUSIONS are the RD New GeoJSON files of `dekking demo grids`. Per gemeente:
eligible = gemeente minus the union of the exclusion polygons (shapely, each polygon repaired on
its own); per operator: covered = sum over cells with speed >= REQUIRED_MBPS (nodata and negative
values not) of the cell area times the fraction of the cell inside the eligible shape
(exactextract `sum` of a 0/1 raster). Prints JSON {operator: {gemeentecode: [eligible_km2,
covered_km2]}} on stdout and `job_seconds=` on stderr.
"""

import json
import sys
import time

import numpy as np
import rasterio
from exactextract import exact_extract
from exactextract.raster import NumPyRasterSource
from shapely import STRtree, make_valid, union_all
from shapely.geometry import mapping, shape


def polygons(feature):
    geom = feature["geometry"]
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return [make_valid(shape({"type": "Polygon", "coordinates": p})) for p in polys]


def eligible_shapes(gemeenten_path, exclusions_path):
    gem = json.load(open(gemeenten_path))["features"]
    excl = [p for f in json.load(open(exclusions_path))["features"] for p in polygons(f)]
    tree = STRtree(excl)
    out = []
    for f in sorted(gem, key=lambda f: f["properties"]["gemeentecode"]):
        g = union_all(polygons(f))
        hits = [excl[i] for i in tree.query(g, predicate="intersects")]
        e = g.difference(union_all(hits)) if hits else g
        out.append({"type": "Feature", "properties": {"code": f["properties"]["gemeentecode"]}, "geometry": mapping(e), "_area": e.area})
    return out


def main():
    gemeenten, exclusions, required = sys.argv[1], sys.argv[2], float(sys.argv[3])
    grids = [a.split("=", 1) for a in sys.argv[4:]]
    start = time.perf_counter()
    features = eligible_shapes(gemeenten, exclusions)
    areas = {f["properties"]["code"]: f.pop("_area") for f in features}
    result = {}
    for operator, path in grids:
        with rasterio.open(path) as ds:
            v = ds.read(1)
            b = ds.bounds
            cell_area = abs(ds.transform.a * ds.transform.e)
            nodata = ds.nodata
        ok = np.isfinite(v) & (v >= required)
        if nodata is not None:
            ok &= v != nodata
        del v
        src = NumPyRasterSource(ok.astype(np.uint8), b.left, b.bottom, b.right, b.top)
        rows = exact_extract(src, features, ["sum"], include_cols=["code"], output="geojson")
        result[operator] = {r["properties"]["code"]: [areas[r["properties"]["code"]] / 1e6, r["properties"]["sum"] * cell_area / 1e6] for r in rows}
    print(f"job_seconds={time.perf_counter() - start:.3f}", file=sys.stderr)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()

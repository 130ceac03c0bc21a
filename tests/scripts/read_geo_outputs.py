#!/usr/bin/env python3
"""Reads dekking's GeoPackage and GeoParquet outputs with GeoPandas (GDAL and pyarrow): an
independent reader. For each file prints: name, features, features with a geometry, CRS (e.g.
EPSG:28992, OGC:CRS84), the columns, and the
largest relative difference between a feature's polygon area and its `area_km2` column (when
it has one; GEOS and dekking repair self-intersecting rings differently, by up to a few hectares).

Usage: read_geo_outputs.py FILE ...
"""
import sys

import geopandas as gpd

for path in sys.argv[1:]:
    layer = gpd.read_file(path, engine="pyogrio") if path.endswith(".gpkg") else gpd.read_parquet(path)
    columns = ",".join(c for c in layer.columns if c != layer.geometry.name)
    crs = ":".join(layer.crs.to_authority()) if layer.crs else "none"
    located = int(layer.geometry.notna().sum())
    line = [path.rsplit("/", 1)[-1], str(len(layer)), str(located), crs, columns]
    if "area_km2" in layer.columns:
        relative = (layer.geometry.area / 1e6 - layer["area_km2"]).abs() / layer["area_km2"]
        line.append(f"{relative.max():.6f}")
    print(" ".join(line))

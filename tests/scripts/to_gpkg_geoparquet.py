#!/usr/bin/env python3
"""Writes GeoJSON layers as one GeoPackage and as GeoParquet files with GeoPandas (GDAL through
pyogrio for the GeoPackage, pyarrow for GeoParquet): writers independent of dekking's.

Usage: to_gpkg_geoparquet.py OUT.gpkg NAME=IN.geojson ...
Each NAME becomes a layer of OUT.gpkg and a file NAME.parquet beside it.
"""
import sys
from pathlib import Path

import geopandas as gpd

out = Path(sys.argv[1])
for arg in sys.argv[2:]:
    name, source = arg.split("=", 1)
    layer = gpd.read_file(source, engine="pyogrio")
    # Parquet needs one type per column: lists and mixed values become text.
    for column in layer.columns:
        if column != layer.geometry.name and layer[column].dtype == object:
            layer[column] = layer[column].map(lambda v: None if v is None else str(v))
    layer.to_file(out, layer=name, driver="GPKG", engine="pyogrio")
    layer.to_parquet(out.parent / f"{name}.parquet")
    print(name, len(layer), layer.crs.to_epsg())

#!/usr/bin/env python3
"""Writes an address file (CSV, `;`, x/y in RD New) as a GeoPackage point layer and as GeoParquet
with GeoPandas: point layers written by tools independent of dekking.

Usage: points_layer.py IN.csv OUT.gpkg OUT.parquet
"""
import sys

import geopandas as gpd
import pandas as pd

table = pd.read_csv(sys.argv[1], sep=";", dtype=str, keep_default_na=False)
x = pd.to_numeric(table.pop("x"))
y = pd.to_numeric(table.pop("y"))
points = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(x, y), crs="EPSG:28992")
points.to_file(sys.argv[2], layer="adressen", driver="GPKG", engine="pyogrio")
points.to_parquet(sys.argv[3])
print(len(points))

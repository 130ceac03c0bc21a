#!/usr/bin/env python3
"""Derives the small demo assets in data/ from the CBS files in ../shared/data (standard library only).

Run from the repository root:  python3 data/derive.py
"""
import csv
import json
import pathlib

root = pathlib.Path(__file__).resolve().parent
shared = root.parent.parent / "shared" / "data"

# Gemeente boundaries 2023: keep code, name, households, urbanity class; drop GM0998 (Buitenland);
# round coordinates to 6 decimals (~0.1 m).
src = json.load(open(shared / "cbs_wijkenbuurten_gemeenten" / "gemeenten_2023_wgs84_simplified.geojson"))
keep = ["gemeentecode", "gemeentenaam", "aantalHuishoudens", "stedelijkheidAdressenPerKm2", "oppervlakteLandInHa"]


def rnd(c):
    if isinstance(c[0], (int, float)):
        return [round(c[0], 6), round(c[1], 6)]
    return [rnd(x) for x in c]


features = []
for f in src["features"]:
    p = f["properties"]
    if p["gemeentecode"] == "GM0998":
        continue
    g = f["geometry"]
    features.append({
        "type": "Feature",
        "properties": {k: p[k] for k in keep},
        "geometry": {"type": g["type"], "coordinates": rnd(g["coordinates"])},
    })
features.sort(key=lambda f: f["properties"]["gemeentecode"])
with open(root / "gemeenten_2023.geojson", "w") as out:
    out.write('{"type":"FeatureCollection","features":[\n')
    out.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features))
    out.write("\n]}\n")

# Gemeente -> provincie table 2023.
rows = list(csv.DictReader(open(shared / "cbs_gemeenten_provincie_2023" / "gemeenten-alfabetisch-2023.csv", encoding="utf-8")))
rows.sort(key=lambda r: r["GemeentecodeGM"])
with open(root / "gemeenten_provincie_2023.csv", "w", newline="", encoding="utf-8") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["GemeentecodeGM", "Gemeentenaam", "ProvinciecodePV", "Provincienaam"])
    for r in rows:
        w.writerow([r["GemeentecodeGM"], r["Gemeentenaam"], r["ProvinciecodePV"], r["Provincienaam"]])
print(len(features), "gemeenten;", len(rows), "table rows")

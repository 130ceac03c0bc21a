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

# Natura 2000 (INSPIRE 2013, ETRS89 lon/lat): Douglas-Peucker simplified at 10 m in RD New metres,
# keeping the original lon/lat of the kept vertices; rings that collapse are dropped.


def to_rd(lon, lat):
    dp, dl = 0.36 * (lat - 52.15517440), 0.36 * (lon - 5.38720621)
    x = (190094.945 * dl - 11832.228 * dp * dl - 114.221 * dp ** 2 * dl - 32.391 * dl ** 3 - 0.705 * dp
         - 2.340 * dp ** 3 * dl - 0.608 * dp * dl ** 3 - 0.008 * dl ** 2 + 0.148 * dp ** 2 * dl ** 3)
    y = (309056.544 * dp + 3638.893 * dl ** 2 + 73.077 * dp ** 2 - 157.984 * dp * dl ** 2 + 59.788 * dp ** 3
         + 0.433 * dl - 6.439 * dp ** 2 * dl ** 2 - 0.032 * dp * dl + 0.092 * dl ** 4 - 0.054 * dp * dl ** 4)
    return 155000 + x, 463000 + y


def dp_keep(pts, tol):
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = pts[a], pts[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            px, py = pts[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm > 0 else ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if d > best:
                best, idx = d, i
        if idx >= 0 and best > tol:
            keep[idx] = True
            stack += [(a, idx), (idx, b)]
    return keep


def simplify_ring(ring, tol=10.0):
    rd = [to_rd(x, y) for x, y in ring]
    # Split the closed ring at its farthest point so both halves simplify well.
    far = max(range(len(rd)), key=lambda i: (rd[i][0] - rd[0][0]) ** 2 + (rd[i][1] - rd[0][1]) ** 2)
    k1 = dp_keep(rd[: far + 1], tol)
    k2 = dp_keep(rd[far:], tol)
    keep = k1[:-1] + k2
    out = [[round(p[0], 6), round(p[1], 6)] for p, k in zip(ring, keep) if k]
    return out if len(out) >= 4 else None


nat = json.load(open(shared / "natura2000_inspire_2013" / "natura2000_nl_2013_etrs89.geojson"))
feats, n_in, n_out = [], 0, 0
for f in nat["features"]:
    polys = []
    for poly in f["geometry"]["coordinates"]:
        n_in += sum(len(r) for r in poly)
        rings = [simplify_ring(r) for r in poly]
        if rings[0] is None:
            continue
        rings = [rings[0]] + [r for r in rings[1:] if r is not None]
        n_out += sum(len(r) for r in rings)
        polys.append(rings)
    if polys:
        p = f["properties"]
        feats.append({"type": "Feature", "properties": {"naam": p["naam"], "sitecodes": p["sitecodes"]},
                      "geometry": {"type": "MultiPolygon", "coordinates": polys}})
with open(root / "natura2000_2013_simplified.geojson", "w") as out:
    out.write('{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[\n')
    out.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in feats))
    out.write("\n]}\n")
print(len(feats), "Natura 2000 sites;", n_in, "->", n_out, "vertices")

# Action-plan table (Bijlage 2 of the Nederlandse Digitaliseringsstrategie 2020, seed 002) → seeds/actieplan.toml.
# Rows are tab-separated with thema/opgave carried down; header lines repeat at page breaks.
import re

seed = next((root.parent.parent / "shared" / "seeds").glob("002_*.txt"))
lines = seed.read_text(encoding="utf-8").splitlines()
start = next(i for i, l in enumerate(lines) if l.startswith("## Actieplan Digitale Connectiviteit"))
clean = lambda s: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", s)).strip()
rows, thema, opgave = [], "", ""
for l in lines[start + 1:]:
    if l.startswith("#"):
        break  # the next Bijlage
    f = l.split("\t")
    if len(f) < 3 or f[0] == "Thema":
        continue  # blank lines, footnotes and repeated headers at page breaks
    f += [""] * (6 - len(f))
    thema = clean(f[0]) or thema
    opgave = clean(f[1]) or opgave
    rows.append({"thema": thema, "opgave": opgave, "actie": clean(f[2]), "stand": clean(f[3]), "plan": clean(f[4]), "wie": clean(f[5])})
metrics = {"Veiling frequenties van de 700": "mobile_700mhz_compliance", "Publicatie van een breedbandkaart": "fixed_100mbps_share"}
q = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
with open(root.parent / "seeds" / "actieplan.toml", "w", encoding="utf-8") as out:
    out.write("# Actieplan Digitale Connectiviteit: the action rows of Bijlage 2 of the Nederlandse\n")
    out.write("# Digitaliseringsstrategie 2020 (25 June 2020, Kamerstuk 26 643, nr. 709), extracted by data/derive.py. `stand` is the status up to Q2 2020,\n")
    out.write("# `plan` what was planned from Q2 2020; `metric` links a row to a figure dekking measures.\n\n")
    out.write('source = "Nederlandse Digitaliseringsstrategie 2020 (letter to the Tweede Kamer of 25 June 2020, Kamerstuk 26 643, nr. 709), Bijlage 2 Stand van zaken acties Actieplan Digitale Connectiviteit"\n')
    for r in rows:
        out.write("\n[[row]]\n")
        for k in ("thema", "opgave", "actie", "stand", "plan", "wie"):
            out.write(f"{k} = {q(r[k])}\n")
        m = next((v for key, v in metrics.items() if r["actie"].startswith(key)), None)
        if m:
            out.write(f'metric = "{m}"\n')
print(len(rows), "action-plan rows")

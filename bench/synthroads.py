#!/usr/bin/python3
"""A seeded synthetic road city for bench/roads_compare.sh: a square grid of streets.

  synthroads.py OUT [--size-km 40] [--street-every 250] [--primary-every 5000] [--stations 20]
                    [--districts 4] [--seed 1]

Writes OUT/roads.osm (OSM XML; residential streets, every primary-every metres a primary road, two
of them with maxspeed 30, every seventh street one-way), OUT/districts.geojson (districts x
districts square rural districts covering the grid) and OUT/stations.csv (random places near the
middle half). Coordinates: a local plane around (2.0 E, 45.0 N), 1 m = 1/111320 degree of latitude.
"""
import argparse, csv, json, math, os, random

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--size-km", type=float, default=40)
ap.add_argument("--street-every", type=float, default=250)
ap.add_argument("--primary-every", type=float, default=5000)
ap.add_argument("--stations", type=int, default=20)
ap.add_argument("--districts", type=int, default=4)
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()
os.makedirs(a.out, exist_ok=True)
rng = random.Random(a.seed)
lon0, lat0 = 2.0, 45.0
ky = 1 / 111320.0
kx = 1 / (111320.0 * math.cos(math.radians(lat0)))
size = a.size_km * 1000
k = int(size // a.street_every)
ll = lambda x, y: (lon0 + x * kx, lat0 + y * ky)
with open(os.path.join(a.out, "roads.osm"), "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="synthroads">\n')
    nid = lambda i, j: 1 + j * (k + 1) + i
    for j in range(k + 1):
        for i in range(k + 1):
            lon, lat = ll(i * a.street_every, j * a.street_every)
            f.write(f'<node id="{nid(i, j)}" lat="{lat:.7f}" lon="{lon:.7f}"/>\n')
    wid = 1
    every = int(round(a.primary_every / a.street_every))
    primaries = 0
    for horizontal in (True, False):
        for m in range(k + 1):
            nds = [nid(n, m) if horizontal else nid(m, n) for n in range(k + 1)]
            tags = {"highway": "primary" if m % every == 0 else "residential"}
            if tags["highway"] == "primary":
                primaries += 1
                if primaries in (2, 3):
                    tags["maxspeed"] = "30"
            elif m % 7 == 3:
                tags["oneway"] = "yes"
            f.write(f'<way id="{wid}">' + "".join(f'<nd ref="{n}"/>' for n in nds) +
                    "".join(f'<tag k="{t}" v="{v}"/>' for t, v in tags.items()) + "</way>\n")
            wid += 1
    f.write("</osm>\n")
feats = []
step = size / a.districts
for dj in range(a.districts):
    for di in range(a.districts):
        x0, y0 = di * step, dj * step
        ring = [ll(x0, y0), ll(x0 + step, y0), ll(x0 + step, y0 + step), ll(x0, y0 + step), ll(x0, y0)]
        feats.append({"type": "Feature", "properties": {"name": f"d{dj}-{di}", "class": "rural"},
                      "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}})
json.dump({"type": "FeatureCollection", "features": feats}, open(os.path.join(a.out, "districts.geojson"), "w"))
with open(os.path.join(a.out, "stations.csv"), "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["id", "name", "lon", "lat"])
    for s in range(a.stations):
        lon, lat = ll(size * (0.25 + 0.5 * rng.random()), size * (0.25 + 0.5 * rng.random()))
        w.writerow([f"s{s}", "station", f"{lon:.7f}", f"{lat:.7f}"])
print(f"{(k + 1) ** 2} nodes, {wid - 1} ways, {len(feats)} districts, {a.stations} stations")

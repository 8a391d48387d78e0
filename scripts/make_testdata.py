#!/usr/bin/python3
"""Builds the small real test files of geodata/testdata and cmd/covaudit/testdata from the
Monaco OpenStreetMap extract (data up to 2016-03-04, (c) OpenStreetMap contributors, ODbL 1.0).

Usage (from the repository root): /usr/bin/python3 scripts/make_testdata.py QUARTIERS SERVICES
QUARTIERS and SERVICES are the extract's quartiers.geojson and services.geojson.
Three quartiers are kept; Monaco-Ville gets a made-up hole (a 60 m square, "a private
ground") so that the tests cover holes; Fontvieille is classed rural, the others urban.
Stations: the police, fire stations and hospitals as CSV, plus one row with a bad latitude.
"""
import csv
import json
import math
import sys

KEEP = {"Monaco-Ville": "urban", "La Condamine": "urban", "Fontvieille": "rural"}
q = json.load(open(sys.argv[1], encoding="utf-8"))
feats = []
for f in q["features"]:
    name = f["properties"]["name"]
    if name not in KEEP:
        continue
    f["properties"] = {"name": name, "class": KEEP[name], "osm_relation": f["properties"].get("osm_relation")}
    if name == "Monaco-Ville":
        lon, lat = 7.4236, 43.7313
        dlat = 30 / 111132.0
        dlon = 30 / (111320.0 * math.cos(math.radians(lat)))
        hole = [[lon - dlon, lat - dlat], [lon - dlon, lat + dlat], [lon + dlon, lat + dlat],
                [lon + dlon, lat - dlat], [lon - dlon, lat - dlat]]
        f["geometry"]["coordinates"][0].append(hole)
    feats.append(f)
with open("geodata/testdata/districts.geojson", "w", encoding="utf-8") as out:
    out.write('{"type":"FeatureCollection","features":[\n')
    out.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in feats))
    out.write("\n]}\n")

s = json.load(open(sys.argv[2], encoding="utf-8"))
rows = []
for f in s["features"]:
    a = f["properties"].get("amenity")
    if a in ("police", "fire_station", "hospital"):
        lon, lat = f["geometry"]["coordinates"]
        rows.append([f["id"], f["properties"].get("name") or a, "%.7f" % lon, "%.7f" % lat])
rows = rows[:11]
rows.insert(5, ["bad1", "typo in latitude", "7.4200000", "437.3100000"])
with open("geodata/testdata/stations.csv", "w", newline="", encoding="utf-8") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", "name", "lon", "lat"])
    w.writerows(rows)

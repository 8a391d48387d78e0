#!/usr/bin/python3
"""Builds covaudit's embedded demo dataset from the Andorra OpenStreetMap extract.

Usage (from the repository root): /usr/bin/python3 scripts/make_demo.py PARISHES SERVICES
where PARISHES and SERVICES are the parishes.geojson and services.geojson of the Andorra
extract (OpenStreetMap data up to 2018-03-01, (c) OpenStreetMap contributors, ODbL 1.0).
It adds the property "class": urban for Andorra la Vella and Escaldes-Engordany, rural for
the other parishes, and writes audit/demodata/andorra-{parishes,services}.geojson.
"""
import json
import sys

URBAN = {"Andorra la Vella", "Escaldes-Engordany"}
parishes = json.load(open(sys.argv[1], encoding="utf-8"))
for f in parishes["features"]:
    f["properties"]["class"] = "urban" if f["properties"]["name"] in URBAN else "rural"
services = json.load(open(sys.argv[2], encoding="utf-8"))
for f in services["features"]:
    p = f["properties"]
    p.setdefault("name", p.get("amenity", ""))


def dump(obj, path):
    feats = obj.pop("features")
    with open(path, "w", encoding="utf-8") as out:
        head = json.dumps(obj, ensure_ascii=False)[:-1]
        out.write(head + ', "features": [\n')
        out.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in feats))
        out.write("\n]}\n")


dump(parishes, "audit/demodata/andorra-parishes.geojson")
dump(services, "audit/demodata/andorra-services.geojson")

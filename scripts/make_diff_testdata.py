#!/usr/bin/env python3
"""Writes audit/demodata/andorra-services-changed.geojson: the demo
services after a made-up change, for the diff tests and golden files.

    /usr/bin/python3 scripts/make_diff_testdata.py

Changes: the station "Mitjavila" (n4699170492) is removed; the courthouse
(n3265137527) moves 0.004 degrees east (about 330 m); a new station
"Centre cívic (new)" (new-1) is added in Escaldes-Engordany. OpenStreetMap
data, ODbL (see audit/demodata/README.md).
"""
import json

src = "audit/demodata/andorra-services.geojson"
dst = "audit/demodata/andorra-services-changed.geojson"
d = json.load(open(src, encoding="utf-8"))
out = []
for f in d["features"]:
    if f["id"] == "n4699170492":
        continue
    if f["id"] == "n3265137527":
        x, y = f["geometry"]["coordinates"]
        f["geometry"]["coordinates"] = [round(x + 0.004, 7), y]
    out.append(f)
out.append({"type": "Feature", "id": "new-1",
            "properties": {"name": "Centre cívic (new)", "amenity": "community_centre"},
            "geometry": {"type": "Point", "coordinates": [1.5612, 42.5081]}})
d["features"] = out
with open(dst, "w", encoding="utf-8") as fh:
    json.dump(d, fh, ensure_ascii=False, indent=None, separators=(",", ":"))
    fh.write("\n")

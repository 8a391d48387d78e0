#!/usr/bin/env bash
# Writes audit/demodata/andorra-places.csv: the named OpenStreetMap place nodes (city, town,
# village, hamlet, suburb, locality, isolated_dwelling) of the Andorra extract, the points
# `covaudit init --demo` gives `covaudit nearest --points` to look up. Needs osmium-tool.
#
#     scripts/make_demo_places.sh ../shared/data/andorra/andorra-2018.osm.pbf
set -euo pipefail
src=${1:?usage: $0 andorra-2018.osm.pbf}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
osmium tags-filter -O -o "$tmp/places.osm" "$src" \
  n/place=city,town,village,hamlet,suburb,locality,isolated_dwelling
/usr/bin/python3 - "$tmp/places.osm" audit/demodata/andorra-places.csv <<'PY'
import csv, sys, xml.etree.ElementTree as ET
rows = []
for n in ET.parse(sys.argv[1]).getroot().iter("node"):
    tags = {t.get("k"): t.get("v") for t in n.iter("tag")}
    if not tags.get("name"):
        continue
    rows.append(("n" + n.get("id"), tags["name"], tags["place"], n.get("lon"), n.get("lat")))
rows.sort(key=lambda r: int(r[0][1:]))
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(("id", "name", "place", "lon", "lat"))
    w.writerows(rows)
print(len(rows), "places")
PY

#!/usr/bin/env bash
# Builds audit/demodata/andorra-roads.osm.pbf, the demo's road network, from the Andorra
# OpenStreetMap extract (data up to 2018-03-01, (c) OpenStreetMap contributors, ODbL 1.0):
# every highway way, every element with an amenity tag, and the administrative boundary
# relations (with the ways and nodes they use), without metadata (user, timestamp, version).
#
#   scripts/make_roads_demo.sh ANDORRA.osm.pbf        (needs osmium-tool)
set -euo pipefail
out=$(dirname "$0")/../audit/demodata/andorra-roads.osm.pbf
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
osmium tags-filter "$1" w/highway r/boundary=administrative nwr/amenity -o "$tmp/f.osm.pbf"
osmium cat "$tmp/f.osm.pbf" -f pbf,add_metadata=false -o "$out" --overwrite

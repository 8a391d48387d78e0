#!/bin/sh
# Writes the Andorra demo data in UTM zone 31N (EPSG:32631) for the
# coordinate-system tests: districts as GeoJSON with projected coordinates
# (not RFC 7946, which is WGS84 only) and stations as CSV with x and y
# columns, both to 0.1 mm. Needs Debian's gdal-bin.
#
#   sh scripts/make_crs_testdata.sh
set -eu
cd "$(dirname "$0")/.."
out=cmd/covaudit/testdata/crs
mkdir -p "$out"
rm -f "$out"/parishes-utm31.geojson "$out"/services-utm31.csv
ogr2ogr -f GeoJSON -s_srs EPSG:4326 -t_srs EPSG:32631 -lco RFC7946=NO -lco COORDINATE_PRECISION=4 \
  "$out"/parishes-utm31.geojson audit/demodata/andorra-parishes.geojson
ogr2ogr -f CSV -s_srs EPSG:4326 -t_srs EPSG:32631 -lco GEOMETRY=AS_XY -lco STRING_QUOTING=IF_NEEDED \
  -sql "SELECT osm_id AS id, name FROM andorra2018_stations" \
  "$out"/services-utm31.csv audit/demodata/andorra-services.geojson

#!/bin/sh
# Writes the Andorra demo data as GeoPackages for the format tests, with
# Debian's gdal-bin: one file with the parishes and the services as two
# layers (so --layer is needed), and the parishes alone in UTM zone 31N.
#
#   sh scripts/make_geopackage_testdata.sh
set -eu
cd "$(dirname "$0")/.."
out=cmd/covaudit/testdata/gpkg
rm -rf "$out" && mkdir -p "$out"
ogr2ogr -f GPKG -nln parishes "$out"/andorra.gpkg audit/demodata/andorra-parishes.geojson
ogr2ogr -f GPKG -update -nln services -sql "SELECT osm_id AS id, name FROM andorra2018_stations" \
  "$out"/andorra.gpkg audit/demodata/andorra-services.geojson
ogr2ogr -f GPKG -nln parishes -t_srs EPSG:32631 "$out"/parishes-utm31.gpkg audit/demodata/andorra-parishes.geojson

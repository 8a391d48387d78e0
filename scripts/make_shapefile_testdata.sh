#!/bin/sh
# Writes the Andorra demo data as shapefiles for the format tests, with
# Debian's gdal-bin: the parishes and the services in WGS84, the parishes
# in UTM zone 31N (with its .prj), and the services zipped.
#
#   sh scripts/make_shapefile_testdata.sh
set -eu
cd "$(dirname "$0")/.."
out=cmd/covaudit/testdata/shp
rm -rf "$out" && mkdir -p "$out"
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$out"/parishes.shp audit/demodata/andorra-parishes.geojson
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 -t_srs EPSG:32631 "$out"/parishes-utm31.shp audit/demodata/andorra-parishes.geojson
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 -sql "SELECT osm_id AS id, name FROM andorra2018_stations" \
  "$out"/services.shp audit/demodata/andorra-services.geojson
(cd "$out" && zip -q -X services.zip services.shp services.shx services.dbf services.prj services.cpg)
# Two stations with Chinese names, attributes in GBK (the .cpg says so).
printf '%s\n' '{"type":"FeatureCollection","features":[' \
  '{"type":"Feature","properties":{"id":"B1","name":"北京邮局"},"geometry":{"type":"Point","coordinates":[116.4074,39.9042]}},' \
  '{"type":"Feature","properties":{"id":"B2","name":"上海站"},"geometry":{"type":"Point","coordinates":[121.4737,31.2304]}}]}' > "$out"/cn.geojson
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=GBK "$out"/stations-gbk.shp "$out"/cn.geojson
rm "$out"/cn.geojson

#!/bin/sh
# One small synthetic city per projected system, in WGS84 and in that
# system, for TestAuditAcrossCRS: three districts (one with a hole) and
# four stations near Charlotte NC (EPSG:2264, NAD83 / North Carolina in US
# survey feet), Lyon (2154, Lambert-93), Frankfurt (25832, ETRS89 UTM 32N),
# Vienna (3035, ETRS89-LAEA Europe) and Bern (2056, CH1903+ / LV95).
# Needs Debian's gdal-bin and python3.
# Run: sh scripts/reference/crs_cities.sh   (writes cmd/covaudit/testdata/crs-cities/)
set -eu
out=cmd/covaudit/testdata/crs-cities
mkdir -p $out
for pair in 2264:-80.843,35.227 2154:4.835,45.764 25832:8.682,50.111 3035:16.373,48.208 2056:7.447,46.948; do
  code=${pair%%:*}; c=${pair#*:}; lon=${c%,*}; lat=${c#*,}
  /usr/bin/python3 - "$lon" "$lat" "$out/city-$code" <<'PY'
import json, math, sys
lon0, lat0, base = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
mlat, mlon = 111_000.0, 111_000.0 * math.cos(math.radians(lat0))
def ll(x, y): return [round(lon0 + x / mlon, 9), round(lat0 + y / mlat, 9)]
def ring(pts): return [ll(*p) for p in pts] + [ll(*pts[0])]
def feat(name, cls, rings): return {"type": "Feature", "properties": {"name": name, "class": cls}, "geometry": {"type": "Polygon", "coordinates": rings}}
districts = {"type": "FeatureCollection", "features": [
    feat("Centre", "urban", [ring([(0, 0), (3000, 0), (3200, 1500), (3000, 3000), (0, 3000)]), ring([(1000, 1000), (1000, 1400), (1400, 1400), (1400, 1000)])]),
    feat("East", "urban", [ring([(3000, 0), (6500, 200), (6000, 3500), (3000, 3000), (3200, 1500)])]),
    feat("Outskirts", "rural", [ring([(0, 3000), (3000, 3000), (6000, 3500), (5000, 9000), (-2000, 8000)])])]}
stations = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"id": str(i), "name": "station %d" % i}, "geometry": {"type": "Point", "coordinates": ll(x, y)}}
    for i, (x, y) in enumerate([(800, 700), (2500, 2600), (4800, 1200), (1500, 6500)])]}
json.dump(districts, open(base + "-wgs84-districts.geojson", "w"))
json.dump(stations, open(base + "-wgs84-stations.geojson", "w"))
PY
  for kind in districts stations; do
    rm -f $out/city-$code-$kind.geojson
    ogr2ogr -f GeoJSON -s_srs EPSG:4326 -t_srs EPSG:$code -lco COORDINATE_PRECISION=4 $out/city-$code-$kind.geojson $out/city-$code-wgs84-$kind.geojson
  done
done
ogr2ogr --version > $out/VERSION

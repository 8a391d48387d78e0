#!/usr/bin/env bash
# The rural road audit done with pgRouting, for bench/roads_compare.sh.
#
#   bench/roads_peer_pgrouting.sh CASE OUT.json [MINUTES=30] [WALK_KMH=5] [CAP_M=1000]
#
# CASE holds districts.geojson (name), stations.csv (id,name,lon,lat) and roads.osm.pbf. The
# PostGIS way: osm2pgrouting imports the car classes (covaudit's speed table in its mapconfig),
# each station snaps to its nearest routing vertex, pgr_drivingDistance runs from all of them on
# the reversed costs (residents drive to the station) up to the limit, and the land within
# walking reach of the reached ways (what is left of the time at the walking speed, at most the
# cap, in 25 m classes) is buffered in a local azimuthal equidistant plane and intersected with
# each district. A throwaway cluster (unix socket only) lives for the run, stopped on exit.
set -euo pipefail
CASE=$(realpath "$1"); OUT=$(realpath -m "$2"); MIN=${3:-30}; WALK=${4:-5}; CAP=${5:-1000}
W=$(mktemp -d); BIN=/usr/lib/postgresql/15/bin; PORT=54333
trap 'runuser -u postgres -- $BIN/pg_ctl -D "$W/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$W"' EXIT
chown postgres: "$W"
runuser -u postgres -- $BIN/initdb -D "$W/data" -A trust -U postgres --no-sync >/dev/null
runuser -u postgres -- $BIN/pg_ctl -D "$W/data" -l "$W/log" -w -o "-p $PORT -k $W -c listen_addresses='' -c fsync=off -c shared_buffers=256MB -c work_mem=64MB" start >/dev/null
export PGHOST=$W PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres
psql -qX -c "CREATE EXTENSION postgis" -c "CREATE EXTENSION pgrouting" >/dev/null
CLASSES=motorway:90,motorway_link:45,trunk:85,trunk_link:40,primary:65,primary_link:30,secondary:55,secondary_link:25,tertiary:40,tertiary_link:20,unclassified:25,residential:25,living_street:10,service:15
osmium tags-filter "$CASE/roads.osm.pbf" "w/highway=$(echo $CLASSES | sed 's/:[0-9]*//g')" -o "$W/car.osm" -f osm --overwrite
{
  echo '<?xml version="1.0" encoding="UTF-8"?><configuration><tag_name name="highway" id="1">'
  i=100; for c in ${CLASSES//,/ }; do i=$((i+1)); echo "<tag_value name=\"${c%%:*}\" id=\"$i\" priority=\"1\" maxspeed=\"${c##*:}\"/>"; done
  echo '</tag_name></configuration>'
} > "$W/mapconfig.xml"
chmod -R a+r "$W"
osm2pgrouting -f "$W/car.osm" -c "$W/mapconfig.xml" -d postgres -U postgres -h "$W" -p $PORT --clean > "$W/import.log" 2>&1
ogr2ogr -f PostgreSQL "PG:host=$W port=$PORT user=postgres dbname=postgres" "$CASE/districts.geojson" -nln districts -lco GEOMETRY_NAME=geom -nlt PROMOTE_TO_MULTI
psql -qX -c "CREATE TABLE stations(id text, name text, lon float8, lat float8)" -c "\\copy stations FROM '$CASE/stations.csv' CSV HEADER"
psql -qXAt -v T="$((MIN * 60))" -v WALK="$(echo "scale=6; $WALK / 3.6" | bc)" -v CAP="$CAP" > "$OUT.rows" <<'SQL'
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT format('+proj=aeqd +lat_0=%s +lon_0=%s +datum=WGS84 +units=m', ST_Y(c), ST_X(c)) AS plane
  FROM (SELECT ST_Centroid(ST_Extent(the_geom)) c FROM ways_vertices_pgr) x \gset
CREATE TEMP TABLE reach AS
SELECT node, min(agg_cost) AS t FROM pgr_drivingDistance(
  'SELECT gid AS id, target AS source, source AS target, reverse_cost_s AS cost, cost_s AS reverse_cost FROM ways',
  (SELECT array_agg(DISTINCT v.id) FROM stations s CROSS JOIN LATERAL (
     SELECT id FROM ways_vertices_pgr ORDER BY the_geom <-> ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326) LIMIT 1) v),
  :T, directed => true) GROUP BY node;
CREATE INDEX ON reach(node);
-- residents on a way drive to its end nearer the station: the better end decides its width
CREATE TEMP TABLE pieces AS
SELECT 25 * floor(least(:CAP, greatest(
         CASE WHEN w.cost_s > 0 THEN (:T - rt.t - w.cost_s) * :WALK END,
         CASE WHEN w.reverse_cost_s > 0 THEN (:T - rs.t - w.reverse_cost_s) * :WALK END)) / 25) AS w,
       ST_Transform(w.the_geom, :'plane') AS g
FROM ways w LEFT JOIN reach rt ON rt.node = w.target LEFT JOIN reach rs ON rs.node = w.source
WHERE rt.node IS NOT NULL OR rs.node IS NOT NULL;
CREATE TEMP TABLE cover AS
SELECT ST_Union(b) AS g FROM (SELECT ST_Buffer(ST_Union(g), w, 'quad_segs=8') b FROM pieces WHERE w > 0 GROUP BY w) x;
SELECT json_build_object('name', d.name, 'area_m2', ST_Area(p.g), 'uncovered_m2', ST_Area(p.g) - ST_Area(ST_Intersection(p.g, c.g)))
FROM districts d CROSS JOIN cover c CROSS JOIN LATERAL (SELECT ST_Transform(d.geom, :'plane') g) p ORDER BY d.ogc_fid;
SQL
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
rows = [json.loads(l) for l in open(out + ".rows") if l.strip().startswith("{")]
json.dump({"tool": "pgrouting", "districts": rows}, open(out, "w"), indent=1)
PY
rm -f "$OUT.rows"

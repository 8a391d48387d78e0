#!/usr/bin/env bash
# Runs covaudit beside PostGIS and GeoPandas on the same synthetic cities and writes a table.
#
#   bench/compare.sh [--skip-large] [--only-covaudit] [--no-geopandas] [--many-stations]
#
# REPEAT (default 5) runs of covaudit and of PostGIS each; the table takes the median wall time
# (the machine is a shared VM whose timings vary by 10 to 20%). GeoPandas runs once.
# Cases: the shared peer benchmark's seeded generator ($GEN_SYNTH, default
# ../shared/bench/gen_synth.py beside the repository; covaudit does not ship a copy) presets
# medium (300 districts, 5,000 stations) and large (3,000 districts, 50,000 stations);
# --many-stations adds medium-1m, the medium city's districts with 1,000,000 stations clustered as
# the generator makes them (GeoPandas does not run on it). GEN=synthcity uses bench/synthcity's
# cities instead. Every district audited at 2 km; covaudit writes its gap map (--gaps) and PostGIS
# its uncovered polygons as GeoJSON. Each tool runs under /usr/bin/time -v. PostGIS runs in a
# throwaway cluster (unix socket only) that is created before the timed part: its time is load
# (ogr2ogr, COPY) plus compute. Results go to $BENCH_OUT (default: a folder under $TMPDIR); the
# table, with the ratio of covaudit's time to PostGIS's, to $BENCH_OUT/table.md.
# CASES="medium large medium-1m" picks the cases to run.
# Installs what it needs from Debian's packages when run as root.
set -euo pipefail
cd "$(dirname "$(realpath "$0")")/.."
SKIP_LARGE=0; ONLY=0; NOGPD=0; MANY=0
for a in "$@"; do case $a in --skip-large) SKIP_LARGE=1;; --only-covaudit) ONLY=1;; --no-geopandas) NOGPD=1;;
  --many-stations) MANY=1;; *) echo "compare.sh: unknown option $a" >&2; exit 2;; esac; done
GEN=${GEN:-gen_synth}
GEN_SYNTH=${GEN_SYNTH:-$PWD/../shared/bench/gen_synth.py}
if [ "$GEN" = gen_synth ] && [ ! -f "$GEN_SYNTH" ]; then
  echo "compare.sh: no generator at $GEN_SYNTH: set GEN_SYNTH to the shared benchmark's gen_synth.py, or GEN=synthcity" >&2
  exit 2
fi
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/covaudit-compare}
R=2000; Q=16; REPEAT=${REPEAT:-5}
mkdir -p "$OUT/cases" "$OUT/results"

need=()
[ -x /usr/bin/time ] || need+=(time)
if [ "$GEN" = gen_synth ]; then
  /usr/bin/python3 -c 'import numpy, scipy, shapely, pyproj' 2>/dev/null || need+=(python3-numpy python3-scipy python3-shapely python3-pyproj)
fi
if [ $ONLY = 0 ]; then
  [ -x /usr/lib/postgresql/15/bin/postgres ] && [ -d /usr/share/postgresql/15/extension ] && \
    ls /usr/share/postgresql/15/extension/postgis.control >/dev/null 2>&1 || need+=(postgresql-15-postgis-3)
  command -v ogr2ogr >/dev/null || need+=(gdal-bin)
  [ $NOGPD = 1 ] || /usr/bin/python3 -c 'import geopandas' 2>/dev/null || need+=(python3-geopandas)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== build"
go build -o "$OUT/covaudit" ./cmd/covaudit
go build -o "$OUT/synthcity" ./bench/synthcity

timed() {  # timed CASE TOOL cmd... -> results/CASE/TOOL.time, .log
  local c=$1 t=$2; shift 2
  mkdir -p "$OUT/results/$c"
  /usr/bin/time -v -o "$OUT/results/$c/$t.time" "$@" > "$OUT/results/$c/$t.log" 2>&1 || true
  printf '%-7s %-10s %8ss %6s MB\n' "$c" "$t" \
    "$(grep -oP 'Elapsed \(wall clock\).*: \K.*' "$OUT/results/$c/$t.time")" \
    "$(( $(grep -oP 'Maximum resident set size \(kbytes\): \K\d+' "$OUT/results/$c/$t.time") / 1024 ))"
}

PG=$OUT/pg; PORT=54331; BIN=/usr/lib/postgresql/15/bin
# The throwaway cluster: created and started in its own timed step (postgis_setup), so that the
# table can show PostGIS both without and with it.
cat > "$OUT/pg_start.sh" <<SH
set -e
[ -f "$PG/data/postmaster.pid" ] && runuser -u postgres -- $BIN/pg_ctl -D "$PG/data" -m fast stop >/dev/null 2>&1 || true
rm -rf "$PG"; mkdir -p "$PG/sock"; chown -R postgres: "$PG"
runuser -u postgres -- $BIN/initdb -D "$PG/data" -A trust -U postgres --no-sync >/dev/null
runuser -u postgres -- $BIN/pg_ctl -D "$PG/data" -l "$PG/log" -w -o "-p $PORT -k $PG/sock -c listen_addresses='' -c fsync=off -c shared_buffers=256MB -c work_mem=64MB" start >/dev/null
PGHOST=$PG/sock PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres psql -qX -c "CREATE EXTENSION postgis" >/dev/null
SH
pg_env() { export PGHOST=$PG/sock PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres; }
pg_stop() { [ -f "$PG/data/postmaster.pid" ] && runuser -u postgres -- $BIN/pg_ctl -D "$PG/data" -m fast stop >/dev/null 2>&1 || true; }
trap pg_stop EXIT

cases=(medium); [ $SKIP_LARGE = 1 ] || cases+=(large); [ $MANY = 0 ] || cases+=(medium-1m)
[ -z "${CASES:-}" ] || read -ra cases <<< "$CASES"  # CASES="large medium-1m": those cases only
for c in "${cases[@]}"; do
  d=$OUT/cases/$GEN/$c
  if [ ! -f "$d/districts.geojson" ]; then
    case $GEN:$c in
      synthcity:medium-1m) echo "compare.sh: --many-stations needs GEN=gen_synth" >&2; exit 2;;
      synthcity:*) "$OUT/synthcity" -preset "$c" -out "$d";;
      *:medium-1m) /usr/bin/python3 "$GEN_SYNTH" city "$d" --districts 300 --stations 1000000 --size-km 160 --spacing 40 >/dev/null;;
      *) /usr/bin/python3 "$GEN_SYNTH" city "$d" --preset "$c" >/dev/null;;
    esac
  fi
  echo "== $c"
  for r in $(seq $REPEAT); do
    timed "$c" covaudit.$r "$OUT/covaudit" check --districts "$d/districts.geojson" --stations "$d/stations.csv" \
      --urban-values urban,rural --urban-radius ${R}m --format json -o "$OUT/results/$c/covaudit.json" \
      --gaps "$OUT/results/$c/covaudit_gaps.geojson" -q
  done
  [ $ONLY = 1 ] && continue
  timed "$c" postgis_setup bash "$OUT/pg_start.sh"
  pg_env
  chmod -R a+rX "$OUT/results" "$d"
  cat > "$OUT/results/$c/postgis.sh" <<SH
set -e
psql -qX -c "DROP TABLE IF EXISTS districts, stations, disks, audit"
ogr2ogr -f PostgreSQL "PG:host=$PG/sock port=$PORT user=postgres dbname=postgres" "$d/districts.geojson" -nln districts -lco GEOMETRY_NAME=geom -nlt PROMOTE_TO_MULTI
psql -qX -c "CREATE TABLE stations(id text, name text, lon float8, lat float8)" -c "\\copy stations FROM '$d/stations.csv' CSV HEADER" -c "ANALYZE stations"
psql -qX -v R=$R -v Q=$Q -v out="$OUT/results/$c/postgis.json" -v gaps="$OUT/results/$c/postgis_gaps.geojson" -f bench/peer_postgis.sql
SH
  for r in $(seq $REPEAT); do
    timed "$c" postgis.$r bash "$OUT/results/$c/postgis.sh"
  done
  pg_stop
  [ $NOGPD = 1 ] || [ $c = medium-1m ] || timed "$c" geopandas /usr/bin/python3 bench/peer_geopandas.py "$d" "$OUT/results/$c/geopandas.json" $R $Q
done
/usr/bin/python3 bench/table.py "$OUT" "${cases[@]}" | tee "$OUT/table.md"

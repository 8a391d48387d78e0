#!/bin/sh
# bench/nation.sh: the road audit of a whole synthetic nation beside the
# floor of reading its PBF (osmium fileinfo -e), with peak memory.
#
#   NODES=5000000 DISTRICTS=3000 STATIONS=20000 BENCH_OUT=/tmp/nation bench/nation.sh
#
# Generates the network (bench/nation, seeded), converts it to PBF with
# osmium-tool (installed when missing), runs
#   covaudit check --roads nation.osm.pbf ... (every district rural, 30 min)
# and osmium fileinfo -e under /usr/bin/time -v, and prints wall times,
# their ratio, peak RSS and the memory per road node.
set -eu
cd "$(dirname "$0")/.."
NODES=${NODES:-5000000}
DISTRICTS=${DISTRICTS:-3000}
STATIONS=${STATIONS:-20000}
SEED=${SEED:-1}
OUT=${BENCH_OUT:-/tmp/covaudit-nation}
mkdir -p "$OUT"
command -v osmium >/dev/null || apt-get install -y osmium-tool >/dev/null
[ -x /usr/bin/time ] || apt-get install -y time >/dev/null
go build -o "$OUT/covaudit" ./cmd/covaudit
if [ ! -s "$OUT/nation.osm.pbf" ] || [ "$(cat "$OUT/params" 2>/dev/null)" != "$NODES $DISTRICTS $STATIONS $SEED" ]; then
	go run ./bench/nation -nodes "$NODES" -districts "$DISTRICTS" -stations "$STATIONS" -seed "$SEED" -out "$OUT"
	osmium cat -O "$OUT/nation.osm" -o "$OUT/nation.osm.pbf"
	rm -f "$OUT/nation.osm"
	echo "$NODES $DISTRICTS $STATIONS $SEED" >"$OUT/params"
fi
ls -l "$OUT/nation.osm.pbf"
field() { sed -n "s/^[[:space:]]*$1: //p" "$2"; }
secs() { # h:mm:ss or m:ss.ss -> seconds
	echo "$1" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}
/usr/bin/time -v osmium fileinfo -e "$OUT/nation.osm.pbf" >"$OUT/fileinfo.txt" 2>"$OUT/osmium.time"
set +e
/usr/bin/time -v "$OUT/covaudit" check -q --districts "$OUT/districts.geojson" --stations "$OUT/stations.csv" \
	--roads "$OUT/nation.osm.pbf" --rural-time 30m --format json -o "$OUT/report.json" 2>"$OUT/covaudit.time"
rc=$?
set -e
[ $rc -le 1 ] || { cat "$OUT/covaudit.time"; exit 1; }
ow=$(secs "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$OUT/osmium.time")")
cw=$(secs "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$OUT/covaudit.time")")
cpu() { awk -v u="$(field 'User time (seconds)' "$1")" -v s="$(field 'System time (seconds)' "$1")" 'BEGIN { print u + s }'; }
oc=$(cpu "$OUT/osmium.time")
cc=$(cpu "$OUT/covaudit.time")
orss=$(field 'Maximum resident set size (kbytes)' "$OUT/osmium.time")
crss=$(field 'Maximum resident set size (kbytes)' "$OUT/covaudit.time")
nodes=$(sed -n 's/.*"nodes": \([0-9]*\).*/\1/p' "$OUT/report.json" | head -1)
echo "osmium fileinfo -e: ${ow} s (${oc} s CPU), peak RSS $((orss / 1024)) MB"
echo "covaudit check:     ${cw} s (${cc} s CPU), peak RSS $((crss / 1024)) MB, exit $rc, $nodes road nodes"
awk -v c="$cw" -v o="$ow" -v cc="$cc" -v oc="$oc" -v r="$crss" -v n="$nodes" \
	'BEGIN { printf "ratio %.1fx the read floor (wall), %.1fx (CPU); %.0f bytes of peak RSS per road node\n", c / o, cc / oc, r * 1024 / n }'

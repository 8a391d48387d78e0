#!/usr/bin/env bash
# The rural road audit by covaudit beside OSMnx/NetworkX and pgRouting, one after the other on
# the same input, and a table of the wall times and results per case.
#
#   bench/roads_compare.sh [--only-covaudit]
#
# Cases, all rural at 30 minutes by car, walking legs at 5 km/h up to CAP_M metres (default 500,
# the peers' usual cap):
#   andorra  the demo's OSM extract (audit/demodata/andorra-roads.osm.pbf), its 7 parishes
#            and its 65 services as stations;
#   grid     bench/synthroads.py: a 40 km grid of streets every 250 m (25,921 nodes), primaries
#            every 5 km, 16 square districts, 20 seeded stations.
# covaudit runs REPEAT times (default 5; the table takes the median), the peers once each, all
# under /usr/bin/time -v; a peer still running after PEER_TIMEOUT seconds (default 900) is stopped
# and shown as such, with no ratio. Results go to $BENCH_OUT (default: a folder under $TMPDIR); the table to
# $BENCH_OUT/table.md. Installs what it needs from Debian's packages when run as root.
set -euo pipefail
cd "$(dirname "$(realpath "$0")")/.."
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/covaudit-roads-compare}; REPEAT=${REPEAT:-5}; CAP=${CAP_M:-500}
PEER_TIMEOUT=${PEER_TIMEOUT:-900}
ONLY=0; [ "${1:-}" = --only-covaudit ] && ONLY=1
mkdir -p "$OUT/andorra" "$OUT/grid" "$OUT/results"
need=()
[ -x /usr/bin/time ] || need+=(time)
command -v osmium >/dev/null || need+=(osmium-tool)
command -v osm2pgrouting >/dev/null || need+=(osm2pgrouting)
command -v ogr2ogr >/dev/null || need+=(gdal-bin)
command -v bc >/dev/null || need+=(bc)
ls /usr/share/postgresql/15/extension/pgrouting.control >/dev/null 2>&1 || need+=(postgresql-15-pgrouting postgresql-15-postgis-3)
/usr/bin/python3 -c 'import osmnx' 2>/dev/null || need+=(python3-osmnx)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
go build -o "$OUT/covaudit" ./cmd/covaudit
C=$OUT/andorra
cp audit/demodata/andorra-roads.osm.pbf "$C/roads.osm.pbf"
/usr/bin/python3 - "$C" <<'PY'
import csv, json, sys
c = sys.argv[1]
d = json.load(open("audit/demodata/andorra-parishes.geojson"))
for f in d["features"]:
    f["properties"] = {"name": f["properties"]["name"], "class": "rural"}
json.dump(d, open(c + "/districts.geojson", "w"))
s = json.load(open("audit/demodata/andorra-services.geojson"))
with open(c + "/stations.csv", "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["id", "name", "lon", "lat"])
    for f in s["features"]:
        p, xy = f["properties"], f["geometry"]["coordinates"]
        w.writerow([f.get("id") or p.get("osm_id"), p.get("name", ""), xy[0], xy[1]])
PY
/usr/bin/python3 bench/synthroads.py "$OUT/grid" > /dev/null
osmium cat "$OUT/grid/roads.osm" -o "$OUT/grid/roads.osm.pbf" --overwrite
timed() {  # timed NAME cmd... -> results/NAME.time, .log
  local n=$1; shift
  /usr/bin/time -v -o "$OUT/results/$n.time" "$@" > "$OUT/results/$n.log" 2>&1 || true
  printf '%-20s %8s  %6s MB\n' "$n" "$(grep -oP 'Elapsed \(wall clock\).*: \K.*' "$OUT/results/$n.time")" \
    "$(( $(grep -oP 'Maximum resident set size \(kbytes\): \K\d+' "$OUT/results/$n.time") / 1024 ))"
}
for c in andorra grid; do
  C=$OUT/$c
  for i in $(seq "$REPEAT"); do
    timed "$c-covaudit-$i" "$OUT/covaudit" check --districts "$C/districts.geojson" --stations "$C/stations.csv" \
      --roads "$C/roads.osm.pbf" --max-access "${CAP}m" --format json -o "$OUT/results/$c-covaudit.json"
  done
  [ $ONLY = 1 ] && continue
  rm -f "$OUT/results/$c-osmnx.json" "$OUT/results/$c-pgrouting.json"
  timed "$c-osmnx" timeout -s KILL "$PEER_TIMEOUT" /usr/bin/python3 bench/roads_peer_osmnx.py "$C" "$OUT/results/$c-osmnx.json" --cap-m "$CAP"
  timed "$c-pgrouting" timeout "$PEER_TIMEOUT" bash bench/roads_peer_pgrouting.sh "$C" "$OUT/results/$c-pgrouting.json" 30 5 "$CAP"
done
/usr/bin/python3 - "$OUT" "$REPEAT" "$CAP" "$ONLY" <<'PY'
import json, os, re, statistics, sys
out, rep, cap, only = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
def wall(n):
    t = open(f"{out}/results/{n}.time").read()
    m = re.search(r"Elapsed \(wall clock\).*: (?:(\d+):)?(\d+):([\d.]+)", t)
    h, mi, s = m.groups()
    return int(h or 0) * 3600 + int(mi) * 60 + float(s)
def rss(n):
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{out}/results/{n}.time").read()).group(1)) // 1024
lines = []
titles = {"andorra": "Andorra: 7 parishes, 65 stations (the demo data)",
          "grid": "grid: 40 km of streets every 250 m (25,921 nodes), 16 districts, 20 stations"}
peers = [] if only else ["osmnx", "pgrouting"]
for c in ("andorra", "grid"):
    walls = [wall(f"{c}-covaudit-{i}") for i in range(1, rep + 1)]
    cov = statistics.median(walls)
    lines += [f"### {titles[c]}; 30 min by car, walking legs 5 km/h up to {cap} m", "",
              "| tool | wall s | peak RSS MB | covaudit is faster by |", "|---|--:|--:|--:|",
              f"| covaudit (median of {rep}: {', '.join(f'{w:.2f}' for w in walls)}) | {cov:.2f} | {rss(f'{c}-covaudit-1')} | |"]
    res = {"covaudit": json.load(open(f"{out}/results/{c}-covaudit.json"))}
    for t in peers:
        p = f"{out}/results/{c}-{t}.json"
        if os.path.exists(p):
            res[t] = json.load(open(p))
            lines.append(f"| {t} | {wall(f'{c}-{t}'):.1f} | {rss(f'{c}-{t}')} | {wall(f'{c}-{t}') / cov:.0f}x |")
        else:
            lines.append(f"| {t} | stopped after {wall(f'{c}-{t}'):.0f} s, unfinished | {rss(f'{c}-{t}')} | more than {wall(f'{c}-{t}') / cov:.0f}x |")
    lines += ["", "| district | covaudit uncovered km² [bracket] | " + " | ".join(peers) + " |", "|---|--:|" + "--:|" * len(peers)]
    for i, d in enumerate(res["covaudit"]["districts"]):
        row = f"| {d['name']} | {d['uncovered_m2']/1e6:.3f} [{d['uncovered_m2_lower']/1e6:.3f}, {d['uncovered_m2_upper']/1e6:.3f}] |"
        for t in peers:
            row += f" {res[t]['districts'][i]['uncovered_m2']/1e6:.3f} |" if t in res else " - |"
        lines.append(row)
    lines.append("")
open(f"{out}/table.md", "w").write("\n".join(lines))
print("\n".join(lines))
PY

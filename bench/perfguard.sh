#!/usr/bin/env bash
# A guard against slowing down: times covaudit's audit of the medium synthetic city (289 districts,
# 280,048 vertices, 5,000 stations, every district at 2 km, with the gap map) against a fixed
# reference workload (bench/perfref) in the same run, and fails when the ratio rises more than 50%
# above the value committed in bench/perfguard.ratio. Medians of five runs of each, one worker, so
# that the ratio does not depend on the machine's cores.
#
#   bench/perfguard.sh            # check against the committed ratio
#   bench/perfguard.sh --record   # write the measured ratio to bench/perfguard.ratio
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/covaudit" ./cmd/covaudit
go build -o "$tmp/perfref" ./bench/perfref
go run ./bench/synthcity -preset medium -out "$tmp/city" >/dev/null

seconds() { # median wall seconds of five runs of the command
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
  done | sort -g | sed -n 3p
}
audit=$(seconds "$tmp/covaudit" check --districts "$tmp/city/districts.geojson" --stations "$tmp/city/stations.csv" \
  --urban-values urban,rural --workers 1 -q --format json -o "$tmp/report.json" --gaps "$tmp/gaps.geojson")
ref=$(seconds "$tmp/perfref")
ratio=$(awk -v a="$audit" -v r="$ref" 'BEGIN { printf "%.4f", a / r }')
printf 'perfguard: medium audit %.3f s, reference %.3f s, ratio %.3f\n' "$audit" "$ref" "$ratio"
if [ "${1:-}" = --record ]; then
  printf '%.3f\n' "$ratio" > bench/perfguard.ratio
  echo "perfguard: recorded in bench/perfguard.ratio"
  exit 0
fi
want=$(cat bench/perfguard.ratio)
if awk -v r="$ratio" -v w="$want" 'BEGIN { exit !(r > 1.5 * w) }'; then
  printf 'perfguard: the ratio %.3f is more than 1.5 x the committed %.3f: the audit got slower\n' "$ratio" "$want"
  exit 1
fi
printf 'perfguard: within 1.5 x the committed %.3f\n' "$want"

#!/bin/bash
# suggest --add 10 against check on the same input (issue 15, item 2),
# alternating an older binary and a newer one so that the load of the
# machine falls on both: BASE and NEW are covaudit binaries, MEDIUM and
# CITY12 directories with districts.geojson and stations.csv (the medium
# city of ../shared/bench/gen_synth.py, and a 12-district, 1,000-station
# city of it, audited at 2 km). Prints /usr/bin/time lines and whether
# the two binaries' JSON reports are byte-identical.
set -u
: "${BASE:?covaudit binary to compare against}" "${NEW:?covaudit binary}" "${MEDIUM:?case directory}" "${CITY12:?case directory}"
T='%e s wall %U user %S sys %M KB'
O=${OUT:-$(mktemp -d /tmp/suggestratio-XXXXXX)}
mkdir -p "$O"
C12='all:values=urban|rural,rule=radius,distance=2km'
for k in 1 2; do
  cd "$MEDIUM"
  echo "round $k $(uptime | sed 's/.*load/load/')"
  /usr/bin/time -f "medium check $T" "$BASE" check --districts districts.geojson --stations stations.csv -q --format json -o $O/c.json
  /usr/bin/time -f "medium base $T" "$BASE" suggest --districts districts.geojson --stations stations.csv --add 10 -q --format json -o $O/bm.json
  /usr/bin/time -f "medium check $T" "$BASE" check --districts districts.geojson --stations stations.csv -q --format json -o $O/c.json
  /usr/bin/time -f "medium new $T" "$NEW" suggest --districts districts.geojson --stations stations.csv --add 10 -q --format json -o $O/nm.json
  /usr/bin/time -f "medium check $T" "$BASE" check --districts districts.geojson --stations stations.csv -q --format json -o $O/c.json
  cmp $O/bm.json $O/nm.json && echo medium-SAME
  cd "$CITY12"
  echo "round $k $(uptime | sed 's/.*load/load/')"
  for j in 1 2; do
  /usr/bin/time -f "city12 check $T" "$BASE" check --districts districts.geojson --stations stations.csv --class "$C12" -q --format json -o $O/c12.json
  /usr/bin/time -f "city12 base $T" "$BASE" suggest --districts districts.geojson --stations stations.csv --class "$C12" --add 10 -q --format json -o $O/b12.json
  /usr/bin/time -f "city12 check $T" "$BASE" check --districts districts.geojson --stations stations.csv --class "$C12" -q --format json -o $O/c12.json
  /usr/bin/time -f "city12 new $T" "$NEW" suggest --districts districts.geojson --stations stations.csv --class "$C12" --add 10 -q --format json -o $O/n12.json
  done
  cmp $O/b12.json $O/n12.json && echo city12-SAME
done
echo "end $(uptime | sed 's/.*load/load/')"

#!/usr/bin/python3
"""Builds the comparison table of bench/compare.sh from $BENCH_OUT/results/<case>/<tool>.{json,time}."""
import glob
import json
import os
import re
import statistics
import sys

out, cases = sys.argv[1], sys.argv[2:]


def timing(path):
    t = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", t).group(1)
    parts = [float(x) for x in wall.split(":")]
    secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    return secs, rss


print("| case | tool | wall s (median) | peak RSS MB | total uncovered km² | vs covaudit | covaudit speed-up | ratio covaudit / tool |")
print("|---|---|--:|--:|--:|--:|--:|--:|")
setup = {}
for c in cases:
    t = os.path.join(out, "results", c, "postgis_setup.time")
    if os.path.exists(t):
        setup[c] = timing(t)[0]
for c in cases:
    base = None
    rows = []
    for tool in ("covaudit", "postgis", "geopandas"):
        j = os.path.join(out, "results", c, tool + ".json")
        ts = sorted(glob.glob(os.path.join(out, "results", c, tool + ".time")) +
                    glob.glob(os.path.join(out, "results", c, tool + ".[0-9]*.time")))
        if not (os.path.exists(j) and ts):
            continue
        try:
            unc = sum(d["uncovered_m2"] for d in json.load(open(j))["districts"])
        except (ValueError, KeyError):
            continue
        runs = [timing(t) for t in ts]
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        if tool == "covaudit":
            base = (wall, unc)
        rows.append((tool, wall, rss, unc))
    for tool, wall, rss, unc in rows:
        rel = "" if base is None or tool == "covaudit" or base[1] == 0 else "%+.3f%%" % (100 * (unc - base[1]) / base[1])
        sp = "" if base is None or tool == "covaudit" else "%.1fx" % (wall / base[0])
        ra = "" if base is None or tool == "covaudit" else "%.3f" % (base[0] / wall)
        print("| %s | %s | %.2f | %.0f | %.3f | %s | %s | %s |" % (c, tool, wall, rss, unc / 1e6, rel, sp, ra))
        if tool == "postgis" and c in setup and base is not None:
            w = wall + setup[c]
            print("| %s | postgis + cluster setup | %.2f |  |  |  | %.1fx | %.3f |" % (c, w, w / base[0], base[0] / w))

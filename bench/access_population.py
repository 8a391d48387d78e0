#!/usr/bin/python3
"""Seeded population points for the 2SFCA benchmark (BENCHMARKS.md, accessibility indices): 60% of
them around stations (Gaussian, 0.02 x 0.015 degrees), 40% uniform over the medium synthetic city's
box (/work/shared/bench/gen_synth.py city DIR --preset medium), 1 to 500 people each.

Usage: /usr/bin/python3 bench/access_population.py DIR [N]   (writes DIR/pop100k.csv, N = 100000)
"""
import os, random, sys

d = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
rng = random.Random(2026)
xs, ys = (116.0964622, 117.9058056), (35.9239533, 37.3747314)  # the medium city's box, seed 1
st = [l.split(",") for l in open(os.path.join(d, "stations.csv")).read().split("\n")[1:] if l]
out = ["id,lon,lat,population"]
for i in range(n):
    if rng.random() < 0.6:
        s = st[rng.randrange(len(st))]
        lon, lat = float(s[2]) + rng.gauss(0, 0.02), float(s[3]) + rng.gauss(0, 0.015)
    else:
        lon, lat = rng.uniform(*xs), rng.uniform(*ys)
    out.append("p%d,%.7f,%.7f,%d" % (i, lon, lat, rng.randint(1, 500)))
open(os.path.join(d, "pop100k.csv"), "w").write("\n".join(out) + "\n")

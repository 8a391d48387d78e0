#!/usr/bin/python3
"""Ellipsoidal polygon areas for covaudit's equal-area frame test, computed with GeographicLib.

Run from the repository root with Debian's python3-geographiclib:
    /usr/bin/python3 scripts/reference/area_vectors.py > geodesy/testdata/areas.csv
Each row: area_m2 (geodesic edges, WGS84) then the polygon as lon lat pairs separated by ';'.
"""
import random
from geographiclib.geodesic import Geodesic

g = Geodesic.WGS84
rng = random.Random(7)
print("area_m2,ring")
for lat0 in (0, 37, -37, 60, -60, 75, 42.5):
    for size in (500.0, 5000.0, 50000.0):
        lon0 = rng.uniform(-180, 180)
        n = rng.randint(3, 9)
        azs = sorted(rng.uniform(0, 360) for _ in range(n))
        ring = []
        for a in azs:
            d = g.Direct(lat0, lon0, a, size * rng.uniform(0.3, 1.0))
            ring.append((d["lon2"], d["lat2"]))
        p = g.Polygon()
        for lon, lat in ring:
            p.AddPoint(lat, lon)
        _, _, area = p.Compute(False, True)
        print("%.6f,%s" % (abs(area), ";".join("%.12f %.12f" % q for q in ring)))

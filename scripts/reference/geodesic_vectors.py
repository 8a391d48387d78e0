#!/usr/bin/python3
"""Geodesic test vectors for covaudit's geodesy package, computed with GeographicLib.

Run from the repository root with Debian's python3-geographiclib:
    /usr/bin/python3 scripts/reference/geodesic_vectors.py > geodesy/testdata/geodesic.csv
Columns: lon1,lat1,lon2,lat2,s12_m,azi1_deg,azi2_deg (WGS84, Karney 2013).
"""
import random
from geographiclib.geodesic import Geodesic

g = Geodesic.WGS84
rng = random.Random(20261128)
print("lon1,lat1,lon2,lat2,s12_m,azi1_deg,azi2_deg")
cases = []
for _ in range(400):
    lat1 = rng.uniform(-80, 80)
    lon1 = rng.uniform(-180, 180)
    s = 10 ** rng.uniform(0, 5.3)  # 1 m to 200 km
    azi = rng.uniform(-180, 180)
    d = g.Direct(lat1, lon1, azi, s)
    cases.append((lon1, lat1, d["lon2"], d["lat2"]))
# special cases: equator, meridians, date line, near poles, long lines
cases += [(0, 0, 1, 0), (0, 0, 0, 1), (179.9, 10, -179.9, 10.1), (10, 89.9, 190, 89.9),
          (0, -60, 0.5, -60.5), (2, 42.5, 2.3, 42.5), (-70, -33, -60, -30), (0, 0, 100, 5)]
for lon1, lat1, lon2, lat2 in cases:
    r = g.Inverse(lat1, lon1, lat2, lon2)
    print("%.12f,%.12f,%.12f,%.12f,%.6f,%.10f,%.10f" % (lon1, lat1, lon2, lat2, r["s12"], r["azi1"], r["azi2"]))

#!/usr/bin/env python3
"""Writes geodata/crs/testdata/projected.csv: longitude/latitude (WGS84, or
CGCS2000 for EPSG 4491-4554) and the projected coordinates PROJ gives for
them, for the projected systems covaudit reads.

    /usr/bin/python3 scripts/reference/crs_vectors.py   # Debian's python3-pyproj

Columns: epsg, lon, lat, x, y (metres, PROJ's exact transverse Mercator).
"""
import csv
from pyproj import Transformer

cases = {
    3857: [(1.52, 42.51), (-74.0, 40.7), (151.2, -33.9), (116.39, 39.9)],
    32631: [(1.52, 42.51), (0.1, 40.0), (5.9, 60.0), (3.0, 0.5)],
    32633: [(15.0, 45.0), (12.1, 70.0), (17.9, 10.0)],
    32650: [(116.39, 39.9), (114.2, 22.3), (119.5, 45.0)],
    32718: [(-75.0, -12.0), (-77.9, -33.0), (-72.1, -1.0)],
    4491: [(75.0, 39.5), (77.9, 41.0), (72.1, 36.0)],
    4499: [(123.0, 41.8), (125.5, 45.7), (120.4, 38.0)],
    4502: [(75.0, 39.5), (77.9, 41.0)],
    4513: [(75.0, 39.5), (76.4, 37.0), (73.6, 40.0)],
    4527: [(117.0, 39.1), (118.4, 40.0), (115.6, 36.5)],
    4534: [(75.0, 39.5), (76.4, 37.0)],
    4548: [(117.0, 39.1), (118.4, 40.0), (115.6, 36.5)],
}
with open("geodata/crs/testdata/projected.csv", "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["epsg", "lon", "lat", "x", "y"])
    for epsg, pts in cases.items():
        geo = 4490 if 4491 <= epsg <= 4554 else 4326
        t = Transformer.from_crs(geo, epsg, always_xy=True)
        for lon, lat in pts:
            x, y = t.transform(lon, lat)
            w.writerow([epsg, lon, lat, f"{x:.6f}", f"{y:.6f}"])

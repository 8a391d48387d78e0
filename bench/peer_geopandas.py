#!/usr/bin/python3
"""covaudit benchmark peer: the same audit with GeoPandas/Shapely, as an analyst writes it.

For each district: a Lambert azimuthal equal-area CRS centred on it, the stations within
reach projected into it, buffer(R) with Q segments per quarter circle, union, difference, planar area.
Usage: peer_geopandas.py CASE_DIR OUT.json [R] [Q]   (Debian's python3-geopandas)
"""
import json
import sys

import geopandas as gpd
import pandas as pd
from pyproj import CRS
from shapely.ops import unary_union

case, out = sys.argv[1], sys.argv[2]
R = float(sys.argv[3]) if len(sys.argv) > 3 else 2000.0
Q = int(sys.argv[4]) if len(sys.argv) > 4 else 16
districts = gpd.read_file(f"{case}/districts.geojson")
st = pd.read_csv(f"{case}/stations.csv")
stations = gpd.GeoDataFrame(st, geometry=gpd.points_from_xy(st.lon, st.lat), crs="EPSG:4326")
sindex = stations.sindex
rows = []
for _, d in districts.iterrows():
    c = d.geometry.centroid
    laea = CRS.from_proj4(f"+proj=laea +lat_0={c.y} +lon_0={c.x} +datum=WGS84 +units=m +no_defs")
    minx, miny, maxx, maxy = d.geometry.bounds
    m = R / 80000.0 + 0.01  # degrees: generous for the radius at these latitudes
    near = stations.iloc[list(sindex.intersection((minx - 2 * m, miny - m, maxx + 2 * m, maxy + m)))]
    poly = gpd.GeoSeries([d.geometry], crs="EPSG:4326").to_crs(laea).iloc[0]
    if len(near):
        cover = unary_union(near.to_crs(laea).buffer(R, resolution=Q).values)
        gap = poly.difference(cover)
    else:
        gap = poly
    rows.append({"name": d["name"], "area_m2": poly.area, "uncovered_m2": gap.area})
json.dump({"districts": rows}, open(out, "w"))

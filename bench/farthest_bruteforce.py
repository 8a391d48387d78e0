#!/usr/bin/python3
"""Independent check of covaudit's farthest place per district.

For each district: stations within reach projected in an azimuthal
equidistant frame at the district's centre (pyproj), Qhull's Voronoi diagram
(scipy), candidates = Voronoi vertices inside the district, crossings of
Voronoi ridges with its boundary, its vertices; the best planar candidates
are measured exactly (geographiclib, min over the 16 planar-nearest
stations). Optionally (--sample=M) also a dense grid of M metres. Prints one line a
district, WRONG where covaudit reports a distance more than 5 cm short.
usage: bench/farthest_bruteforce.py districts.geojson stations.csv report.json [names...] [--sample=M]
"""
import csv, json, sys, math
import numpy as np
from scipy.spatial import Voronoi, cKDTree
from shapely.geometry import shape, Point, LineString
from shapely import prepared
import shapely, shapely.ops, shapely.vectorized
from pyproj import Transformer
from geographiclib.geodesic import Geodesic

G = Geodesic.WGS84
args = [a for a in sys.argv[1:] if not a.startswith('--')]
sample = None
for a in sys.argv[1:]:
    if a.startswith('--sample='):
        sample = float(a.split('=')[1])
dfile, sfile, rfile = args[:3]
only = set(args[3:])
rep = json.load(open(rfile))
byname = {d['name']: d for d in rep['districts']}
feats = json.load(open(dfile))['features']
lon, lat = [], []
with open(sfile) as fh:
    r = csv.reader(fh)
    next(r)
    for row in r:
        lon.append(float(row[2])); lat.append(float(row[3]))
lon = np.array(lon); lat = np.array(lat)
ll = np.unique(np.stack([lon, lat], 1), axis=0)
lon, lat = ll[:, 0], ll[:, 1]


def geod_min(plon, plat, idx):
    return min(G.Inverse(plat, plon, lat[i], lon[i], Geodesic.DISTANCE)['s12'] for i in idx)


for f in feats:
    name = f['properties']['name']
    if only and name not in only:
        continue
    g = shape(f['geometry'])
    rd = byname[name]
    reported = rd['worst']['distance_m']
    c = g.centroid
    tr = Transformer.from_crs('EPSG:4326', f'+proj=aeqd +lat_0={c.y} +lon_0={c.x} +ellps=WGS84', always_xy=True)
    inv = Transformer.from_crs(f'+proj=aeqd +lat_0={c.y} +lon_0={c.x} +ellps=WGS84', 'EPSG:4326', always_xy=True)
    minx, miny, maxx, maxy = g.bounds
    reach = max(reported, 2000) * 1.5 + 2000
    dlat = reach / 110000.0
    dlon = reach / (111320.0 * math.cos(math.radians(c.y)))
    m = (lon > minx - dlon) & (lon < maxx + dlon) & (lat > miny - dlat) & (lat < maxy + dlat)
    sl, sa = lon[m], lat[m]
    sx, sy = tr.transform(sl, sa)
    sites = np.stack([sx, sy], 1)
    sidx = np.nonzero(m)[0]
    tree = cKDTree(sites)
    gp = shapely.ops.transform(lambda x, y, z=None: tr.transform(x, y), g)
    pg = prepared.prep(gp)
    cands = []
    vor = Voronoi(sites)
    V = vor.vertices
    ins = shapely.vectorized.contains(gp, V[:, 0], V[:, 1])
    cands.extend(V[ins].tolist())
    # ridges crossing the boundary
    bnd = gp.boundary
    bx0, by0, bx1, by1 = gp.bounds
    pb = prepared.prep(bnd)
    hits = []
    for (a, b) in vor.ridge_vertices:
        if a < 0 or b < 0:
            continue
        pa, pb2 = V[a], V[b]
        if max(pa[0], pb2[0]) < bx0 or min(pa[0], pb2[0]) > bx1 or max(pa[1], pb2[1]) < by0 or min(pa[1], pb2[1]) > by1:
            continue
        if ins[a] != ins[b]:
            hits.append(LineString([pa, pb2]))
            continue
        ls = LineString([pa, pb2])
        if pb.intersects(ls):
            hits.append(ls)
    for s in hits:
        x = s.intersection(bnd)
        for p in getattr(x, 'geoms', [x]):
            if p.geom_type == 'Point':
                cands.append([p.x, p.y])
            else:
                cands.extend(list(p.coords))
    for ring in ([gp.exterior] + list(gp.interiors)) if gp.geom_type == 'Polygon' else \
            [r for pp in gp.geoms for r in [pp.exterior] + list(pp.interiors)]:
        cands.extend(list(ring.coords))
    if sample:
        gx = np.arange(gp.bounds[0], gp.bounds[2], sample)
        gy = np.arange(gp.bounds[1], gp.bounds[3], sample)
        X, Y = np.meshgrid(gx, gy)
        X, Y = X.ravel(), Y.ravel()
        inn = shapely.vectorized.contains(gp, X, Y)
        cands.extend(np.stack([X[inn], Y[inn]], 1).tolist())
    C = np.array(cands)
    d, _ = tree.query(C)
    best = d.max()
    top = np.nonzero(d >= best * (1 - 1e-3) - 0.01)[0]
    exact = -1
    where = None
    for t in top:
        plon, plat = inv.transform(C[t, 0], C[t, 1])
        _, nn = tree.query(C[t], k=min(16, len(sites)))
        e = geod_min(plon, plat, [sidx[j] for j in np.atleast_1d(nn)])
        if e > exact:
            exact, where = e, (plon, plat)
    flag = 'WRONG' if exact > reported + 0.05 else ('ok' if abs(exact - reported) <= 0.05 else 'HIGHER?')
    print(f"{name} sites={len(sites)} reported={reported:.3f} brute={exact:.3f} diff={exact-reported:+.3f} at={where[0]:.7f},{where[1]:.7f} rep_at={rd['worst']['lon']},{rd['worst']['lat']} {flag}", flush=True)

#!/usr/bin/python3
"""Independent 2SFCA, E2SFCA and capacitated coverage on the Andorra demo data, for audit's
TestAccessMatchesReference.

Usage (from the repository root):
  /usr/bin/python3 scripts/reference/access_2sfca.py audit/testdata/access \
      > audit/testdata/access/expected.json
  /usr/bin/python3 scripts/reference/access_2sfca.py --raster audit/testdata/access \
      > audit/testdata/access/expected-raster.json

Writes DIR/stations.csv (the demo's services with fixed capacities) and DIR/population.csv (the
demo's places and 300 seeded points, with seeded counts) or, with --raster, DIR/population.tif
(a Float32 GeoTIFF in WGS84 over the demo, cells of 1/64 degree, seeded counts, some cells
empty or no-data; written as an ASCII grid and converted by gdal_translate, so it also needs
gdal-bin), whose places are the centres of the cells with people (a cell's people all at its
centre, as covaudit's indices place them), then computes, for the demo's classes
(urban: 2 km geodesic; rural: 30 min by car to the station, walking legs at 5 km/h of at most
1 km), every station's catchment and the indices. Needs osmium-tool, python3-networkx,
python3-geographiclib, python3-pyproj, python3-scipy and python3-shapely.

The road model is written out again from docs/rules.md: a place reaches station j by walking
straight to it (geodesic), or by a leg (straight, in a Lambert azimuthal equal-area plane
centred on the place, at most 1 km) to a point of a road segment, then the road to the
segment's end and the network to the station; the station joins the network by its own
cheapest legs (one per segment within 1 km and direction, placed by minimising the leg plus
the road time from the segment's start, in the station's plane), the segment split there.
Legs are minimised numerically (scipy's bounded scalar minimisation to 1e-13 of the segment),
not in closed form as covaudit does; network times are networkx Dijkstra from each station
alone, on the car profile of road_times.py.
"""
import csv, json, math, os, random, subprocess, sys, tempfile
import xml.etree.ElementTree as ET
import networkx as nx
from geographiclib.geodesic import Geodesic
from pyproj import Proj
from scipy.optimize import minimize_scalar
from shapely.geometry import shape, Point

sys.path.insert(0, os.path.dirname(__file__))
from road_times import SPEEDS, maxspeed  # the car profile

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEMO = os.path.join(ROOT, "audit", "demodata")
V = 5 / 3.6       # access speed, m/s
CAP = 1000.0      # longest access leg, m
LIMIT_S = 1800.0  # rural: 30 min
RADIUS = 2000.0   # urban: 2 km
G = Geodesic.WGS84


def geod(lon1, lat1, lon2, lat2):
    return G.Inverse(lat1, lon1, lat2, lon2)["s12"]


def write_stations(d):
    fc = json.load(open(os.path.join(DEMO, "andorra-services.geojson")))
    stations = []
    for i, f in enumerate(fc["features"]):
        lon, lat = f["geometry"]["coordinates"]
        cap = [0, 1, 2, 3.5, 5][(7 * i) % 5]
        stations.append((f["id"], lon, lat, cap))
    with open(os.path.join(d, "stations.csv"), "w") as out:
        out.write("id,lon,lat,capacity\n")
        for s in stations:
            out.write("%s,%r,%r,%r\n" % s)
    return stations


# The raster's grid: exact binary fractions, so that cell centres are the same numbers here
# and in covaudit.
RX0, RY0, RD, RW, RH = 1.40625, 42.671875, 1 / 64, 25, 17


def write_raster(d):
    rng = random.Random(64)
    vals = []
    for r in range(RH):
        row = []
        for c in range(RW):
            u = rng.random()
            row.append(-9999 if u < 0.05 else 0 if u < 0.15 else rng.randint(1, 5000))
        vals.append(row)
    with tempfile.TemporaryDirectory() as t:
        asc = os.path.join(t, "p.asc")
        with open(asc, "w") as out:
            out.write("ncols %d\nnrows %d\nxllcorner %r\nyllcorner %r\ncellsize %r\nNODATA_value -9999\n"
                      % (RW, RH, RX0, RY0 - RH * RD, RD))
            for row in vals:
                out.write(" ".join(str(v) for v in row) + "\n")
        subprocess.run(["gdal_translate", "-q", "-of", "GTiff", "-ot", "Float32", "-a_srs", "EPSG:4326",
                        asc, os.path.join(d, "population.tif")], check=True)
    pop = []  # (cell, lon, lat, people): the centres of the cells with people
    for r in range(RH):
        for c in range(RW):
            if vals[r][c] > 0:
                pop.append(([r, c], RX0 + (c + 0.5) * RD, RY0 - (r + 0.5) * RD, vals[r][c]))
    return pop


def write_points(d):
    rng = random.Random(17)
    pop = []
    for r in csv.DictReader(open(os.path.join(DEMO, "andorra-places.csv"))):
        pop.append((r["id"], float(r["lon"]), float(r["lat"]), rng.randint(5, 4000)))
    for k in range(300):
        pop.append(("r%d" % k, round(rng.uniform(1.42, 1.78), 7), round(rng.uniform(42.43, 42.65), 7), rng.randint(1, 3000)))
    with open(os.path.join(d, "population.csv"), "w") as out:
        out.write("id,lon,lat,population\n")
        for p in pop:
            out.write("%s,%r,%r,%d\n" % p)
    return pop


def read_roads():
    with tempfile.TemporaryDirectory() as d:
        xml = os.path.join(d, "a.osm")
        subprocess.run(["osmium", "cat", os.path.join(DEMO, "andorra-roads.osm.pbf"), "-o", xml, "--overwrite"], check=True)
        nodes, ways = {}, []
        for _, el in ET.iterparse(xml):
            if el.tag == "node":
                nodes[int(el.get("id"))] = (float(el.get("lon")), float(el.get("lat")))
            elif el.tag == "way":
                tags = {t.get("k"): t.get("v") for t in el.findall("tag")}
                ways.append(([int(n.get("ref")) for n in el.findall("nd")], tags))
                el.clear()
    segs = {}  # (a, b) with a < b -> [len, time a->b, time b->a] (None: not drivable)
    for nds, t in ways:
        cls = t.get("highway")
        if cls not in SPEEDS or t.get("area") == "yes":
            continue
        acc = next((t[k] for k in ("motorcar", "motor_vehicle", "vehicle", "access") if k in t), "")
        if acc in ("no", "private"):
            continue
        v = SPEEDS[cls]
        ms = maxspeed(t.get("maxspeed"))
        if ms is not None:
            v = 0.8 * ms
        ow = t.get("oneway", "")
        fwd = bwd = True
        if ow in ("yes", "1", "true"):
            bwd = False
        elif ow in ("-1", "reverse"):
            fwd = False
        elif ow in ("reversible", "alternating"):
            continue
        elif ow not in ("no", "false", "0"):
            if cls in ("motorway", "motorway_link") or t.get("junction") in ("roundabout", "circular"):
                bwd = False
        for a, b in zip(nds, nds[1:]):
            if a == b or a not in nodes or b not in nodes:
                continue
            (x1, y1), (x2, y2) = nodes[a], nodes[b]
            l = geod(x1, y1, x2, y2)
            w = l / (v / 3.6)
            key, tf, tb = ((a, b), fwd, bwd) if a < b else ((b, a), bwd, fwd)
            s = segs.setdefault(key, [l, None, None])
            if tf and (s[1] is None or w < s[1]):
                s[1] = w
            if tb and (s[2] is None or w < s[2]):
                s[2] = w
    return nodes, segs


def interval(p, a, b):
    """The fractions x in [0, 1] where |p - (a + x (b - a))| <= CAP, or None."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    ex, ey = a[0] - p[0], a[1] - p[1]
    A, B, C = dx * dx + dy * dy, 2 * (dx * ex + dy * ey), ex * ex + ey * ey - CAP * CAP
    if A == 0:
        return (0.0, 1.0) if C <= 0 else None
    disc = B * B - 4 * A * C
    if disc < 0:
        return None
    r = math.sqrt(disc)
    lo, hi = max(0.0, (-B - r) / (2 * A)), min(1.0, (-B + r) / (2 * A))
    return (lo, hi) if lo <= hi else None


def min_leg(p, a, b, c0, c1):
    """min over x of |p - q(x)| / V + c0 + c1 x with the leg at most CAP; (cost, x) or None."""
    iv = interval(p, a, b)
    if iv is None:
        return None
    f = lambda x: math.hypot(a[0] + x * (b[0] - a[0]) - p[0], a[1] + x * (b[1] - a[1]) - p[1]) / V + c0 + c1 * x
    best = min((f(iv[0]), iv[0]), (f(iv[1]), iv[1]))
    if iv[1] > iv[0]:
        r = minimize_scalar(f, bounds=iv, method="bounded", options={"xatol": 1e-13})
        best = min(best, (f(r.x), r.x))
    return best


def near_segments(pos, seglist, lon, lat, m):
    dlat = m / 110000 + 1e-6
    dlon = m / (111000 * math.cos(math.radians(abs(lat) + dlat))) * 1.01 + 1e-6
    out = []
    for k, (a, b, l, tf, tb) in enumerate(seglist):
        pa, pb = pos[a], pos[b]
        if min(pa[0], pb[0]) - dlon <= lon <= max(pa[0], pb[0]) + dlon and min(pa[1], pb[1]) - dlat <= lat <= max(pa[1], pb[1]) + dlat:
            out.append(k)
    return out


def main():
    raster = sys.argv[1] == "--raster"
    d = sys.argv[-1]
    stations = write_stations(d)
    pop = write_raster(d) if raster else write_points(d)
    parishes = json.load(open(os.path.join(DEMO, "andorra-parishes.geojson")))["features"]
    polys = [(f["properties"]["name"], f["properties"]["class"], shape(f["geometry"])) for f in parishes]
    places = []  # (index in population file, lon, lat, people, district)
    for i, (pid, lon, lat, n) in enumerate(pop):
        dist = next((k for k, (_, _, g) in enumerate(polys) if g.contains(Point(lon, lat))), None)
        if dist is not None:
            places.append((i, lon, lat, n, dist))
    nodes, segs = read_roads()
    pos = dict(nodes)
    base = [(a, b, s[0], s[1], s[2]) for (a, b), s in segs.items()]
    # Station joins: per station, segment and usable direction, the cheapest leg from the
    # station plus the road time from the segment's start that way (to-station).
    joins = {}  # segment -> list of (x, station, leg m)
    for j, (sid, lon, lat, _) in enumerate(stations):
        pr = Proj(proj="laea", lat_0=lat, lon_0=lon, ellps="WGS84")
        for k in near_segments(pos, base, lon, lat, CAP):
            a, b, l, tf, tb = base[k]
            pa, pb = pr(*pos[a]), pr(*pos[b])
            for t, c0, c1 in ((tf, 0.0, tf), (tb, tb, -tb if tb is not None else None)):
                if t is None:
                    continue
                r = min_leg((0.0, 0.0), pa, pb, c0, c1)
                if r is not None:
                    x = r[1]
                    q = (pa[0] + x * (pb[0] - pa[0]), pa[1] + x * (pb[1] - pa[1]))
                    joins.setdefault(k, []).append((x, j, math.hypot(*q)))
    # The network split at the joins; pieces keep their share of time.
    pieces = []  # (a, b, len, tf, tb)
    seeds = {}   # station -> list of (node, time)
    nid = -1
    for k, (a, b, l, tf, tb) in enumerate(base):
        js = sorted(joins.get(k, []))
        prev, px = a, 0.0
        for x, j, leg in js:
            if x <= px:
                node = prev
            elif x >= 1:
                node = b
            else:
                node = nid
                nid -= 1
                pa, pb = pos[a], pos[b]
                pos[node] = (pa[0] + x * (pb[0] - pa[0]), pa[1] + x * (pb[1] - pa[1]))
            if node != prev and x > px:
                f = x - px
                pieces.append((prev, node, l * f, tf * f if tf is not None else None, tb * f if tb is not None else None))
                prev, px = node, x
            seeds.setdefault(j, []).append((node, leg / V))
        if prev != b:
            f = 1 - px
            pieces.append((prev, b, l * f, tf * f if tf is not None else None, tb * f if tb is not None else None))
    R = nx.DiGraph()  # reversed: an edge u -> v where v drives to u
    for a, b, l, tf, tb in pieces:
        for u, v, t in ((b, a, tf), (a, b, tb)):
            if t is not None and (not R.has_edge(u, v) or R[u][v]["w"] > t):
                R.add_edge(u, v, w=t)
    T = []
    for j in range(len(stations)):
        src = ("s", j)
        R.add_node(src)
        for node, t in seeds.get(j, []):
            if not R.has_edge(src, node) or R[src][node]["w"] > t:
                R.add_edge(src, node, w=t)
        T.append(nx.single_source_dijkstra_path_length(R, src, cutoff=LIMIT_S, weight="w"))
        R.remove_node(src)
    # Every place's cost to every station within its rule.
    members = [[] for _ in stations]  # station -> [(place, cost)]
    for pi, (i, lon, lat, n, dist) in enumerate(places):
        rural = polys[dist][1] == "rural"
        cost = {}
        for j, (sid, slon, slat, _) in enumerate(stations):
            dd = geod(lon, lat, slon, slat)
            c = dd / V if rural else dd
            if c <= (LIMIT_S if rural else RADIUS):
                cost[j] = c
        if rural:
            pr = Proj(proj="laea", lat_0=lat, lon_0=lon, ellps="WGS84")
            for a, b, l, tf, tb in [pieces[k] for k in near_segments(pos, pieces, lon, lat, CAP)]:
                pa, pb = pr(*pos[a]), pr(*pos[b])
                for t, c0, c1, end in ((tf, tf, -tf if tf is not None else None, b), (tb, 0.0, tb, a)):
                    if t is None:
                        continue
                    r = min_leg((0.0, 0.0), pa, pb, c0, c1)
                    if r is None:
                        continue
                    for j in range(len(stations)):
                        tj = T[j].get(end)
                        if tj is not None and r[0] + tj <= LIMIT_S and r[0] + tj < cost.get(j, math.inf):
                            cost[j] = r[0] + tj
        for j, c in cost.items():
            members[j].append((pi, c))
    def limit(pi):
        return LIMIT_S if polys[places[pi][4]][1] == "rural" else RADIUS
    def zones(c, L):
        return 1.0 if c <= L / 3 else 0.68 if c <= 2 * L / 3 else 0.22 if c <= L else 0.0
    def gauss(c, L):
        e = math.exp(-0.5)
        return (math.exp(-c * c / (2 * L * L)) - e) / (1 - e)
    if raster:
        out = {"command": "/usr/bin/python3 scripts/reference/access_2sfca.py --raster audit/testdata/access > audit/testdata/access/expected-raster.json",
               "places": [{"cell": pop[places[pi][0]][0], "district": polys[places[pi][4]][0]} for pi in range(len(places))]}
    else:
        out = {"command": "/usr/bin/python3 scripts/reference/access_2sfca.py audit/testdata/access > audit/testdata/access/expected.json",
               "places": [{"line": places[pi][0] + 2, "district": polys[places[pi][4]][0]} for pi in range(len(places))]}
    for name, w in (("2sfca", lambda c, L: 1.0), ("e2sfca", zones), ("gaussian", gauss)):
        D = [sum(w(c, limit(pi)) * places[pi][3] for pi, c in ms) for ms in members]
        Rj = [stations[j][3] / D[j] if D[j] > 0 else 0.0 for j in range(len(stations))]
        A = [0.0] * len(places)
        for j, ms in enumerate(members):
            for pi, c in ms:
                A[pi] += w(c, limit(pi)) * Rj[j]
        out[name] = {"index": A, "ratio": Rj, "demand": D}
    # Capacitated: largest capacity first (ties in file order), nearest first, 2,000 people a unit.
    order = sorted(range(len(stations)), key=lambda j: (-stations[j][3], j))
    served = [0.0] * len(places)
    by = [0.0] * len(stations)
    for j in order:
        left = stations[j][3] * 2000
        for pi, c in sorted(members[j], key=lambda m: (m[1], m[0])):
            if left <= 0:
                break
            take = min(places[pi][3] - served[pi], left)
            if take > 0:
                served[pi] += take
                left -= take
                by[j] += take
    out["capacitated"] = {"people_per_unit": 2000, "served": served, "by_station": by}
    out["catchment_sizes"] = [len(ms) for ms in members]
    json.dump(out, sys.stdout, indent=0)
    print()


if __name__ == "__main__":
    main()

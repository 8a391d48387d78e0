#!/usr/bin/python3
"""Reference answers for covaudit's exact-area tests, computed with GeographicLib.

Every region here is bounded by geodesic circle arcs and geodesic district edges
(meridians or chords between vertices). Circle arcs are drawn with points from
Geodesic.Direct, the area of the resulting geodesic polygon comes from
GeographicLib's PolygonArea, and two drawings (n and 2n points per arc) are
combined by Richardson extrapolation, which removes the chord error (O(1/n^2)).

Run from the repository root with Debian's python3-geographiclib:
    /usr/bin/python3 scripts/reference/exact_cases.py > coverage/testdata/exact_cases.json
"""
import json
import math
from geographiclib.geodesic import Geodesic

G = Geodesic.WGS84


def direct(lon, lat, az, s):
    d = G.Direct(lat, lon, az, s)
    return (d["lon2"], d["lat2"])


def dist(a, b):
    return G.Inverse(a[1], a[0], b[1], b[0])["s12"]


def azi(a, b):
    return G.Inverse(a[1], a[0], b[1], b[0])["azi1"]


def area(points):
    p = G.Polygon()
    for lon, lat in points:
        p.AddPoint(lat, lon)
    return abs(p.Compute(False, True)[2])


def square(c, half):
    """Geodesic quadrilateral with vertices at half*sqrt2 along the diagonals."""
    return [direct(c[0], c[1], az, half * math.sqrt(2)) for az in (45, 135, 225, 315)]


def arc(c, r, a1, a2, n):
    """n+1 points of the geodesic circle (c, r) from azimuth a1 to a2 (a2 > a1, clockwise)."""
    return [direct(c[0], c[1], a1 + (a2 - a1) * k / n, r) for k in range(n + 1)]


def bisect(f, lo, hi):
    flo = f(lo)
    for _ in range(200):
        mid = (lo + hi) / 2
        fm = f(mid)
        if (fm < 0) == (flo < 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return (lo + hi) / 2


def richardson(draw):
    a1, a2 = draw(1024), draw(2048)
    return (4 * a2 - a1) / 3


def disk_area(c, r):
    return richardson(lambda n: area(arc(c, r, 0, 360, n)[:-1]))


def meridian_cut(c, r, lon_edge, keep_east):
    """Area of the part of disk (c, r) east (or west) of the meridian lon_edge."""
    f = lambda az: direct(c[0], c[1], az, r)[0] - lon_edge
    if keep_east:  # station west of or east of the edge; the east part spans azimuths around 90
        a1 = bisect(f, -90 if c[0] >= lon_edge else 0, 90)
        a2 = bisect(f, 90, 270 if c[0] >= lon_edge else 180)
    else:
        a1 = bisect(f, 90, 270)
        a2 = bisect(f, 270, 450)
    def draw(n):
        pts = arc(c, r, a1, a2, n)
        return area(pts)  # closing edge runs along the meridian (a geodesic)
    return richardson(draw)


def union_two(c1, c2, r):
    f = lambda az: dist(direct(c1[0], c1[1], az, r), c2) - r
    b = azi(c1, c2)
    a_in1, a_in2 = bisect(f, b, b + 180), bisect(f, b - 180, b)
    # On circle 1, the outside arc runs clockwise from a_in1 to a_in2 + 360.
    p1, p2 = direct(c1[0], c1[1], a_in1, r), direct(c1[0], c1[1], a_in2, r)
    b1, b2 = azi(c2, p1), azi(c2, p2)
    while b1 <= b2:
        b1 += 360
    def draw(n):
        pts = arc(c1, r, a_in1, a_in2 + 360, n)[:-1] + arc(c2, r, b2, b1, n)[:-1]
        return area(pts)
    return richardson(draw)


def circumcentre(s):
    """Point equidistant (geodesically) from three stations, by Newton iteration."""
    p = (sum(q[0] for q in s) / 3, sum(q[1] for q in s) / 3)
    for _ in range(50):
        d = [dist(p, q) for q in s]
        f = (d[0] - d[1], d[0] - d[2])
        h = 1e-7
        px, py = (p[0] + h, p[1]), (p[0], p[1] + h)
        dx = [dist(px, q) for q in s]
        dy = [dist(py, q) for q in s]
        j = [[((dx[0] - dx[1]) - f[0]) / h, ((dy[0] - dy[1]) - f[0]) / h],
             [((dx[0] - dx[2]) - f[1]) / h, ((dy[0] - dy[2]) - f[1]) / h]]
        det = j[0][0] * j[1][1] - j[0][1] * j[1][0]
        ux = (f[0] * j[1][1] - f[1] * j[0][1]) / det
        uy = (j[0][0] * f[1] - j[1][0] * f[0]) / det
        p = (p[0] - ux, p[1] - uy)
        if abs(ux) + abs(uy) < 1e-14:
            break
    return p, dist(p, s[0])


cases = []


def add(name, rings_list, stations, r, uncovered, worst=None):
    cases.append({"name": name, "radius_m": r,
                  "district": [[list(map(list, ring)) for ring in rings] for rings in rings_list],
                  "stations": [list(s) for s in stations],
                  "uncovered_m2": uncovered, "worst": worst})


for lat in (0.0, 37.0, -37.0, 60.0, -60.0, 75.0, -75.0):
    c = (10.0, lat)
    sq = square(c, 5000)
    asq = area(sq)
    r = 2000.0
    add("disk inside square lat%g" % lat, [[sq]], [c], r, asq - disk_area(c, r))
    # A district whose west edge is a meridian through lon_edge.
    lon_edge = direct(c[0], c[1], 270, 1000)[0]
    east = direct(c[0], c[1], 90, 6000)[0]
    north, south = direct(c[0], c[1], 0, 6000)[1], direct(c[0], c[1], 180, 6000)[1]
    quad = [(lon_edge, south), (east, south), (east, north), (lon_edge, north)]
    aq = area(quad)
    add("disk cut by an edge lat%g" % lat, [[quad]], [c], r, aq - meridian_cut(c, r, lon_edge, True))
    outside = direct(lon_edge, c[1], 270, 1500)
    add("station outside lat%g" % lat, [[quad]], [outside], r, aq - meridian_cut(outside, r, lon_edge, True))
    s2 = direct(c[0], c[1], 60, 2500)
    add("overlapping disks lat%g" % lat, [[sq]], [c, s2], r, asq - union_two(c, s2, r))
    hole = list(reversed(square(c, 500)))
    add("hole inside a disk lat%g" % lat, [[sq, hole]], [c], r, asq - disk_area(c, r))
    c2 = direct(c[0], c[1], 90, 20000)
    sq2 = square(c2, 5000)
    add("two parts lat%g" % lat, [[sq], [sq2]], [c, c2], r, asq + area(sq2) - disk_area(c, r) - disk_area(c2, r))

# Rural speed model: 30 min at 40 km/h with detour 1.3 is 15384.6 m, stations
# 30 km and more from the district's centre.
for lat in (37.0, 45.0, 60.0, -60.0):
    c = (-3.0, lat)
    big = square(c, 50000)
    r = 30 * 60 * (40 / 3.6) / 1.3
    s = direct(c[0], c[1], 30, 32000)
    add("rural disk 32 km off centre lat%g" % lat, [[big]], [s], r, area(big) - disk_area(s, r))
    lon_edge = direct(c[0], c[1], 90, 40000)[0]
    east = direct(c[0], c[1], 270, 50000)[0]
    north, south = direct(c[0], c[1], 0, 50000)[1], direct(c[0], c[1], 180, 50000)[1]
    quad = [(east, south), (lon_edge, south), (lon_edge, north), (east, north)]
    s2 = direct(lon_edge, c[1], 270, 6000)
    add("rural disk cut 40 km off centre lat%g" % lat, [[quad]], [s2], r,
        area(quad) - (disk_area(s2, r) - meridian_cut(s2, r, lon_edge, True)))

# Stations 100 km from the centre of a 220 km district, at 2 km and 15.4 km.
for lat in (45.0, 60.0, 75.0):
    c = (5.0, lat)
    big = square(c, 110000)
    s = direct(c[0], c[1], 45, 100000)
    for r in (2000.0, 30 * 60 * (40 / 3.6) / 1.3):
        add("disk 100 km off centre r%g lat%g" % (round(r), lat), [[big]], [s], r, area(big) - disk_area(s, r))

# Worst point: a small district around the geodesic circumcentre of three stations.
for lat in (0.0, 37.0, 60.0, -60.0):
    c = (20.0, lat)
    st = [direct(c[0], c[1], az, 1800 + 100 * k) for k, az in enumerate((10, 130, 250))]
    cc, d = circumcentre(st)
    sq = square(cc, 300)
    add("circumcentre lat%g" % lat, [[sq]], st, 1000.0, None, {"lon": cc[0], "lat": cc[1], "distance_m": d})

print(json.dumps({"generator": "scripts/reference/exact_cases.py", "cases": cases}, indent=1))

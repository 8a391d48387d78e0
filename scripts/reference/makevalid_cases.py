#!/usr/bin/python3
"""Invalid district rings and what GEOS's MakeValid keeps of them.

Writes coverage/testdata/makevalid.geojson: each feature an invalid
polygon in WGS84 (near Charlotte, NC), with the area of GEOS's MakeValid
result (shapely.validation.make_valid, GEOS 3.11's linework method; lines
it leaves over are dropped), measured on the WGS84 ellipsoid with
pyproj.Geod (geodesic edges), and its number of polygons.

Run: /usr/bin/python3 scripts/reference/makevalid_cases.py
(Debian's python3-shapely and python3-pyproj).
"""
import json, math, os
import shapely
import shapely.geos
from shapely.geometry import Polygon, MultiPolygon, mapping
from shapely.validation import make_valid, explain_validity
from pyproj import Geod

LON0, LAT0 = -80.84, 35.22
G = Geod(ellps="WGS84")
MLAT = 111_000.0
MLON = 111_000.0 * math.cos(math.radians(LAT0))


def ll(x, y):
    """metres east/north of the origin to (lon, lat), rounded to 1e-9 deg"""
    return (round(LON0 + x / MLON, 9), round(LAT0 + y / MLAT, 9))


def ring(pts):
    return [ll(x, y) for x, y in pts]


def spike_ring():
    # A 3 km block boundary with a vertex every 10 m along its south side;
    # at vertex 289 a 5 m spike whose way back crosses its way out:
    # "edges 288 and 290 cross".
    south = [(10.0 * k, 0.0) for k in range(300)]
    south[289] = (2893.0, -4.0)   # the tip, 4 m out
    south[290] = (2889.0, -1.0)   # back
    south[291] = (2893.0, -6.0)   # out again across the first edge
    return south + [(3000.0, 0.0), (3000.0, 1000.0), (0.0, 1000.0)]


cases = [
    ("bow-tie", Polygon(ring([(0, 0), (1000, 1000), (1000, 0), (0, 1000)]))),
    ("spike", Polygon(ring([(0, 0), (1000, 0), (1000, 1000), (500, 1000), (500, 1400), (500, 1000), (0, 1000)]))),
    ("ring touching itself", Polygon(ring([(0, 0), (1200, 0), (1200, 1200), (600, 1200), (600, 600), (800, 800), (400, 800), (600, 600), (600, 1200), (0, 1200)]))),
    ("hole crossing shell", Polygon(ring([(0, 0), (1000, 0), (1000, 1000), (0, 1000)]), [ring([(200, 200), (1300, 200), (1300, 500), (200, 500)])])),
    ("two holes crossing", Polygon(ring([(0, 0), (1200, 0), (1200, 1200), (0, 1200)]), [ring([(200, 200), (600, 200), (600, 600), (200, 600)]), ring([(400, 400), (800, 400), (800, 800), (400, 800)])])),
    ("overlapping parts", MultiPolygon([Polygon(ring([(0, 0), (800, 0), (800, 800), (0, 800)])), Polygon(ring([(400, 400), (1200, 400), (1200, 1200), (400, 1200)]))])),
    ("star as one ring", Polygon(ring([(500 + 500 * math.cos(math.radians(90 + 144 * k)), 500 + 500 * math.sin(math.radians(90 + 144 * k))) for k in range(5)]))),
    ("5 m spike, edges 288 and 290 cross", Polygon(ring(spike_ring()))),
    ("hole equal to its shell", Polygon(ring([(0, 0), (1200, 0), (1200, 1200), (0, 1200)]), [ring([(0, 0), (1200, 0), (1200, 1200), (0, 1200)])])),
    ("hole sharing edges with its shell", Polygon(ring([(0, 0), (800, 0), (800, 800), (0, 800)]), [ring([(0, 0), (400, 0), (400, 400), (0, 400)])])),
    ("two identical holes", Polygon(ring([(0, 0), (800, 0), (800, 800), (0, 800)]), [ring([(200, 200), (400, 200), (400, 400), (200, 400)]), ring([(200, 200), (400, 200), (400, 400), (200, 400)])])),
    ("ring traced twice", Polygon(ring([(0, 0), (800, 0), (800, 800), (0, 800), (0, 0), (800, 0), (800, 800), (0, 800)]))),
]


def geod_area(g):
    polys = [g] if g.geom_type == "Polygon" else [p for p in getattr(g, "geoms", []) if p.geom_type == "Polygon"]
    if g.geom_type == "GeometryCollection":
        polys = []
        for p in g.geoms:
            polys += [p] if p.geom_type == "Polygon" else [q for q in getattr(p, "geoms", []) if q.geom_type == "Polygon"]
    total = 0.0
    for p in polys:
        a, _ = G.geometry_area_perimeter(p)
        total += abs(a) if a else 0.0
        # geometry_area_perimeter subtracts holes already
    return total, len(polys)


feats = []
for name, g in cases:
    assert not g.is_valid, name
    m = make_valid(g)
    area, parts = geod_area(m)
    feats.append({"type": "Feature", "properties": {
        "name": name, "why": explain_validity(g),
        "makevalid_area_m2": area, "makevalid_parts": parts,
        "makevalid_wkt": m.wkt}, "geometry": mapping(g)})
out = {"type": "FeatureCollection", "generator":
       "scripts/reference/makevalid_cases.py, shapely %s, GEOS %s, pyproj %s" % (
           shapely.__version__, ".".join(map(str, shapely.geos.geos_version)), __import__("pyproj").__version__),
       "features": feats}
path = os.path.join(os.path.dirname(__file__), "..", "..", "coverage", "testdata", "makevalid.geojson")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
for ft in feats:
    p = ft["properties"]
    print("%-40s %-45s %.6f m2 %d part(s)" % (p["name"], p["why"][:45], p["makevalid_area_m2"], p["makevalid_parts"]))

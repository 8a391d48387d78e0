#!/usr/bin/python3
"""The rural road audit done with OSMnx and NetworkX, for bench/roads_compare.sh.

  roads_peer_osmnx.py CASE OUT.json [--minutes 30] [--walk-kmh 5] [--cap-m 1000]

CASE holds districts.geojson (name), stations.csv (id,name,lon,lat) and roads.osm.pbf. The way a
GIS analyst would do it with these tools: keep the car's highway classes (osmium tags-filter),
load the graph (graph_from_xml), drop access=no/private, speed by class or 0.8 x a numeric
maxspeed (covaudit's car table), travel times, snap every station to its nearest graph node,
one multi-source Dijkstra on the reversed graph (residents drive to the station) cut at the
limit, then the land within walking reach of the reached roads: each reached edge buffered by
what is left of the time at the walking speed (at most the cap), rounded down to 25 m classes (the better direction of each edge)
so that the unions stay tractable, and intersected with each district in a local azimuthal
equidistant plane. Approximations: snapping, buffer classes, 8 segments per quarter circle.
"""
import argparse, json, os, subprocess, sys, tempfile, time

T0 = time.perf_counter()
import networkx as nx
import osmnx as ox
from pyproj import Transformer
from shapely.geometry import LineString, shape
from shapely.ops import transform, unary_union

CAR = {"motorway": 90, "motorway_link": 45, "trunk": 85, "trunk_link": 40, "primary": 65, "primary_link": 30,
       "secondary": 55, "secondary_link": 25, "tertiary": 40, "tertiary_link": 20, "unclassified": 25,
       "residential": 25, "living_street": 10, "service": 15}


def kmh(v):
    if isinstance(v, list):
        v = v[0]
    try:
        s = str(v).strip()
        return float(s[:-3]) * 1.609344 if s.endswith("mph") else float(s)
    except ValueError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("out")
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--walk-kmh", type=float, default=5)
    ap.add_argument("--cap-m", type=float, default=1000)
    a = ap.parse_args()
    T, walk = a.minutes * 60, a.walk_kmh / 3.6
    with tempfile.TemporaryDirectory() as tmp:
        xml = os.path.join(tmp, "car.osm")
        subprocess.run(["osmium", "tags-filter", os.path.join(a.case, "roads.osm.pbf"), "w/highway=" + ",".join(CAR),
                        "-o", xml, "-f", "osm", "--overwrite"], check=True, capture_output=True)
        G = ox.graph_from_xml(xml, simplify=True, retain_all=True)
    G.remove_edges_from([(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if d.get("access") in ("no", "private")])
    for u, v, k, d in G.edges(keys=True, data=True):
        hw = d.get("highway")
        hw = hw[0] if isinstance(hw, list) else hw
        ms = kmh(d["maxspeed"]) if "maxspeed" in d else None
        sp = 0.8 * ms if ms else CAR.get(hw, 25)
        d["t"] = d["length"] / (sp / 3.6)
    t_graph = time.perf_counter()
    lon0 = sum(d["x"] for _, d in G.nodes(data=True)) / len(G)
    lat0 = sum(d["y"] for _, d in G.nodes(data=True)) / len(G)
    plane = Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m", always_xy=True)
    proj = lambda g: transform(plane.transform, g)
    import csv
    st = list(csv.DictReader(open(os.path.join(a.case, "stations.csv"))))
    xs = [float(s["lon"]) for s in st]
    ys = [float(s["lat"]) for s in st]
    sources = set(ox.distance.nearest_nodes(G, xs, ys))
    reach = nx.multi_source_dijkstra_path_length(G.reverse(copy=False), sources, cutoff=T, weight="t")
    t_route = time.perf_counter()
    best = {}  # undirected edge -> (width, geometry): the better direction
    for u, v, k, d in G.edges(keys=True, data=True):
        if v not in reach:  # residents at u drive u -> v -> station
            continue
        left = T - reach[v] - d["t"]
        w = 25 * int(min(a.cap_m, left * walk) // 25) if left > 0 else 0
        key = (min(u, v), max(u, v), k)
        if w > 0 and w > best.get(key, (0,))[0]:
            g = d.get("geometry") or LineString([(G.nodes[u]["x"], G.nodes[u]["y"]), (G.nodes[v]["x"], G.nodes[v]["y"])])
            best[key] = (w, g)
    classes = {}
    for w, g in best.values():
        classes.setdefault(w, []).append(proj(g))
    cover = unary_union([unary_union(gs).buffer(w, resolution=8) for w, gs in classes.items()])
    rows = []
    for f in json.load(open(os.path.join(a.case, "districts.geojson")))["features"]:
        dg = proj(shape(f["geometry"]))
        cov = dg.intersection(cover).area
        rows.append({"name": f["properties"]["name"], "area_m2": dg.area, "uncovered_m2": dg.area - cov})
    t_end = time.perf_counter()
    json.dump({"tool": "osmnx", "graph_nodes": len(G), "graph_s": t_graph - T0, "route_s": t_route - t_graph,
               "cover_s": t_end - t_route, "wall_s": t_end - T0, "districts": rows}, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()

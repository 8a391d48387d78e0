#!/usr/bin/python3
"""Independent travel times for the roads package's test: networkx's multi-source Dijkstra on
the Andorra extract, with the car profile written out again here from its documentation.

Usage (from the repository root):
  /usr/bin/python3 scripts/reference/road_times.py audit/demodata/andorra-roads.osm.pbf \
      > roads/testdata/andorra-car-times.json

Needs osmium-tool (to turn the PBF into XML), python3-networkx and python3-geographiclib.
Segments between consecutive way nodes weigh their WGS84 geodesic length (GeographicLib) over
the speed: the class speed (km/h), or 0.8 x a numeric maxspeed (mph converted); oneway=yes/1/true
forwards, -1/reverse backwards, implied on motorway, motorway_link and roundabouts;
reversible/alternating and area=yes ways and access no/private (motorcar, motor_vehicle,
vehicle, access: the first tag present decides) are not driven. Residents travel to the
station, so the search runs on the reversed graph. Sources are the road nodes nearest to five
fixed places; 300 nodes reached are sampled with a fixed seed, and the file records, for the
sampled nodes' fastest paths, how many use a oneway, roundabout or maxspeed way, and how many
sampled nodes would be faster if access=private ways were driven.
"""
import json, os, random, subprocess, sys, tempfile
import xml.etree.ElementTree as ET
import networkx as nx
from geographiclib.geodesic import Geodesic

SPEEDS = {"motorway": 90, "motorway_link": 45, "trunk": 85, "trunk_link": 40, "primary": 65,
          "primary_link": 30, "secondary": 55, "secondary_link": 25, "tertiary": 40,
          "tertiary_link": 20, "unclassified": 25, "residential": 25, "living_street": 10, "service": 15}
PLACES = [(1.5215, 42.5078), (1.5980, 42.5667), (1.4733, 42.4356), (1.7310, 42.5454), (1.5330, 42.5560)]


def maxspeed(v):
    v = (v or "").strip()
    f = 1.0
    for suf, fac in (("mph", 1.609344), ("km/h", 1.0), ("kmh", 1.0)):
        if v.endswith(suf):
            v, f = v[: -len(suf)].strip(), fac
            break
    try:
        x = float(v)
    except ValueError:
        return None
    return x * f if 0 < x <= 400 else None


def main():
    pbf = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        xml = os.path.join(d, "a.osm")
        subprocess.run(["osmium", "cat", pbf, "-o", xml, "--overwrite"], check=True)
        nodes, ways = {}, []
        for _, el in ET.iterparse(xml):
            if el.tag == "node":
                nodes[int(el.get("id"))] = (float(el.get("lon")), float(el.get("lat")))
            elif el.tag == "way":
                tags = {t.get("k"): t.get("v") for t in el.findall("tag")}
                ways.append(([int(n.get("ref")) for n in el.findall("nd")], tags))
                el.clear()
    def build(allow_private):
        G = nx.DiGraph()
        for nds, t in ways:
            cls = t.get("highway")
            if cls not in SPEEDS or t.get("area") == "yes":
                continue
            acc = next((t[k] for k in ("motorcar", "motor_vehicle", "vehicle", "access") if k in t), "")
            if acc == "no" or (acc == "private" and not allow_private):
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
            kind = {"oneway": not (fwd and bwd), "roundabout": t.get("junction") in ("roundabout", "circular"),
                    "maxspeed": ms is not None, "private": acc == "private"}
            for a, b in zip(nds, nds[1:]):
                if a == b or a not in nodes or b not in nodes:
                    continue
                (x1, y1), (x2, y2) = nodes[a], nodes[b]
                s = Geodesic.WGS84.Inverse(y1, x1, y2, x2)["s12"]
                w = s / (v / 3.6)
                for u, z, ok in ((a, b, fwd), (b, a, bwd)):
                    if ok and (not G.has_edge(u, z) or G[u][z]["w"] > w):
                        G.add_edge(u, z, w=w, **kind)
        return G
    G = build(False)
    R = G.reverse(copy=True)
    sources = []
    for lon, lat in PLACES:
        best = min(R.nodes, key=lambda n: Geodesic.WGS84.Inverse(lat, lon, nodes[n][1], nodes[n][0])["s12"])
        sources.append(best)
    dist, paths = nx.multi_source_dijkstra(R, set(sources), weight="w")
    rng = random.Random(7)
    far = sorted(n for n in dist if dist[n] > 0)
    sample = sorted(rng.sample(far, 300))
    used = {"oneway": 0, "roundabout": 0, "maxspeed": 0}
    for n in sample:
        p = paths[n]  # source ... n in the reversed graph: n travels p[::-1]
        flags = {k: False for k in used}
        for a, b in zip(p, p[1:]):
            e = R[a][b]
            for k in used:
                flags[k] = flags[k] or e[k]
        for k in used:
            used[k] += flags[k]
    Rp = build(True).reverse(copy=True)
    distp = nx.multi_source_dijkstra_path_length(Rp, set(sources), weight="w")
    private_faster = sum(1 for n in sample if distp.get(n, 1e18) < dist[n] - 1)
    out = {"source_file": os.path.basename(pbf), "profile": "car", "direction": "to-station",
           "sources": sources, "paths_using": used, "sampled_faster_if_private_driven": private_faster,
           "graph": {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()},
           "nodes": [{"id": n, "time_s": round(dist[n], 6)} for n in sample]}
    json.dump(out, sys.stdout, indent=0)
    print()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes covaudit's catalogue of bad inputs, cmd/covaudit/testdata/bad/, and
its manifest cases.tsv, which TestBadInputCatalogue runs through the CLI.

    python3 scripts/make_bad_inputs.py

Each manifest line: case name, kind, the text stderr must hold (the file and
the line, feature, byte or key), and the command's arguments. Placeholders:
{bad} the catalogue folder, {d} and {s} the demo parishes and services,
{out} a fresh output path (the test adds -o {out} where no output is given,
and checks that it is never created). Truncations of the binary formats at
many offsets are made by the test itself from the committed good files.
"""
import json, os, struct

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cmd", "covaudit", "testdata", "bad")
os.makedirs(here, exist_ok=True)
cases = []

def put(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(here, name), mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
        f.write(data)

def case(name, kind, want, *args):
    cases.append((name, kind, want, " ".join(args)))

def stations(name, text, want, kind="csv"):
    put(name, text)
    case(name, kind, want, "check", "--districts", "{d}", "--stations", "{bad}/" + name)

def districts(name, fc, want, kind="geojson"):
    put(name, fc if isinstance(fc, (str, bytes)) else json.dumps(fc))
    case(name, kind, want, "check", "--districts", "{bad}/" + name, "--stations", "{s}")

# Station CSVs.
stations("empty.csv", "", "empty.csv")
stations("one-byte.csv", "x", "one-byte.csv")
stations("header-only.csv", "id,lon,lat\n", "header-only.csv: no stations")
stations("lat-out-of-range.csv", "id,lon,lat\na,1.5,191.2\n", "lat-out-of-range.csv:2")
stations("lon-nan.csv", "id,lon,lat\na,NaN,42.5\n", "lon-nan.csv:2")
stations("lon-inf.csv", "id,lon,lat\na,Inf,42.5\n", "lon-inf.csv:2")
stations("lon-infinity.csv", "id,lon,lat\na,-infinity,42.5\n", "lon-infinity.csv:2")
stations("lon-underscore.csv", "id,lon,lat\na,1_5,42.5\n", "lon-underscore.csv:2")
stations("lon-hex.csv", "id,lon,lat\na,0x1p0,42.5\n", "lon-hex.csv:2")
stations("lat-overflow.csv", "id,lon,lat\na,1.5,1e400\n", "lat-overflow.csv:2")
stations("phone-number.csv", "id,lon,lat\na,4.0016612E+9,42.5\n", "phone-number.csv:2")
stations("text-in-lat.csv", "id,lon,lat\na,1.5,north\n", "text-in-lat.csv:2")
stations("empty-lat.csv", "id,lon,lat\na,1.5,\n", "empty-lat.csv:2")
stations("duplicate-column.csv", "id,lon,lat,lon\na,1.5,42.5,1.6\n", "duplicate-column.csv")
stations("no-lon-column.csv", "id,x_coord,lat\na,1.5,42.5\n", "no-lon-column.csv")
stations("unterminated-quote.csv", 'id,name,lon,lat\na,"Town hall,1.5,42.5\n', "unterminated-quote.csv")
stations("short-row.csv", "id,lon,lat\na,1.5\n", "short-row.csv:2")
stations("all-bad-rows.csv", "id,lon,lat\na,1.5,95\nb,1.5,96\n", "all-bad-rows.csv:2")
put("utf16le-bom.csv", "\ufeffid,lon,lat\na,1.5,x\n".encode("utf-16-le"))
case("utf16le-bom.csv", "encoding", "utf16le-bom.csv", "check", "--districts", "{d}", "--stations", "{bad}/utf16le-bom.csv")
put("utf16le-nobom.csv", "id,lon,lat\na,1.5,x\n".encode("utf-16-le"))
case("utf16le-nobom.csv", "encoding", "utf16le-nobom.csv", "check", "--districts", "{d}", "--stations", "{bad}/utf16le-nobom.csv")
put("utf16be-bom.csv", "\ufeffid,lon,lat\na,1.5,x\n".encode("utf-16-be"))
case("utf16be-bom.csv", "encoding", "utf16be-bom.csv", "check", "--districts", "{d}", "--stations", "{bad}/utf16be-bom.csv")
put("binary-garbage.csv", bytes(range(256)) * 4)
case("binary-garbage.csv", "encoding", "binary-garbage.csv", "check", "--districts", "{d}", "--stations", "{bad}/binary-garbage.csv")
put("latin1-bad-number.csv", "id,name,lon,lat\na,Caf\xe9,1.5,x\n".encode("latin-1"))
case("latin1-bad-number.csv", "encoding", "latin1-bad-number.csv:2", "check", "--districts", "{d}", "--stations", "{bad}/latin1-bad-number.csv")

# Station GeoJSON.
def pt(coords, props=None):
    return {"type": "Feature", "properties": props or {}, "geometry": {"type": "Point", "coordinates": coords}}
stations("stations-empty-collection.geojson", json.dumps({"type": "FeatureCollection", "features": []}), "no stations", kind="geojson")
stations("stations-string-coords.geojson", json.dumps({"type": "FeatureCollection", "features": [pt(["1.5", "42.5"])]}), "feature 0", kind="geojson")
stations("stations-mercator-no-crs.geojson", json.dumps({"type": "FeatureCollection", "features": [pt([166981.0, 5234510.0])]}), "feature 0", kind="geojson")
stations("stations-linestring.geojson", json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[1.5, 42.5], [1.6, 42.5]]}}]}), "feature 0", kind="geojson")
stations("stations-truncated.geojson", json.dumps({"type": "FeatureCollection", "features": [pt([1.5, 42.5])] * 5})[:70], "stations-truncated.geojson", kind="geojson")

# District GeoJSON.
def poly(rings, props=None, gtype="Polygon"):
    return {"type": "Feature", "properties": {"class": "urban", "name": "x", **(props or {})}, "geometry": {"type": gtype, "coordinates": rings}}
def fc(*feats):
    return {"type": "FeatureCollection", "features": list(feats)}
sq = [[1.5, 42.5], [1.55, 42.5], [1.55, 42.55], [1.5, 42.55], [1.5, 42.5]]
districts("districts-empty.geojson", "", "districts-empty.geojson")
districts("districts-one-byte.geojson", "{", "districts-one-byte.geojson")
demo = open(os.path.join(here, "..", "..", "..", "..", "audit", "demodata", "andorra-parishes.geojson"), encoding="utf-8").read()
districts("districts-truncated-half.geojson", demo[: len(demo) // 2], "districts-truncated-half.geojson")
districts("districts-truncated-early.geojson", demo[:40], "districts-truncated-early.geojson")
districts("districts-not-collection.geojson", {"type": "Point", "coordinates": [1, 2]}, "districts-not-collection.geojson")
districts("districts-deep-nesting.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":' + "[" * 20000 + "]" * 20000 + "}}]}", "districts-deep-nesting.geojson")
districts("districts-two-point-ring.geojson", fc(poly([[[1.5, 42.5], [1.6, 42.5], [1.5, 42.5]]])), "feature 0")
districts("districts-bow-tie.geojson", fc(poly([[[1.5, 42.5], [1.55, 42.55], [1.55, 42.5], [1.5, 42.55], [1.5, 42.5]]])), "feature 0")
districts("districts-hole-outside.geojson", fc(poly([sq, [[1.6, 42.6], [1.6, 42.61], [1.61, 42.61], [1.61, 42.6], [1.6, 42.6]]])), "feature 0")
districts("districts-hole-equals-shell.geojson", fc(poly([sq, list(reversed(sq))])), "feature 0")
districts("districts-lat-95.geojson", fc(poly([[[1.5, 95], [1.55, 95], [1.55, 96], [1.5, 95]]])), "feature 0")
districts("districts-nan-literal.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[NaN,42.5],[1.55,42.5],[1.55,42.55],[NaN,42.5]]]}}]}', "districts-nan-literal.geojson")
districts("districts-overflow.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[1e999,42.5],[1.55,42.5],[1.55,42.55],[1.5,42.5]]]}}]}', "districts-overflow.geojson")
districts("districts-no-class.geojson", fc({"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Polygon", "coordinates": [sq]}}), "feature 0")
districts("districts-unknown-class.geojson", fc(poly([sq], {"class": "suburban"})), "feature 0")
districts("districts-unknown-crs.geojson", {**fc(poly([sq])), "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::99999"}}}, "districts-unknown-crs.geojson")
districts("districts-null-geometry.geojson", fc({"type": "Feature", "properties": {"class": "urban"}, "geometry": None}), "feature 0")
districts("districts-linestring.geojson", fc({"type": "Feature", "properties": {"class": "urban"}, "geometry": {"type": "LineString", "coordinates": sq}}), "feature 0")
districts("districts-antimeridian.geojson", fc(poly([[[179.5, 10], [-179.5, 10], [-179.5, 11], [179.5, 11], [179.5, 10]]])), "feature 0")
put("districts-utf16.geojson", json.dumps(fc(poly([sq]))).encode("utf-16"))
case("districts-utf16.geojson", "encoding", "districts-utf16.geojson", "check", "--districts", "{bad}/districts-utf16.geojson", "--stations", "{s}")
districts("districts-string-coords.geojson", fc(poly([[["1.5", "42.5"], [1.55, 42.5], [1.55, 42.55], [1.5, 42.5]]])), "feature 0")
districts("districts-empty-multipolygon.geojson", fc(poly([], gtype="MultiPolygon")), "feature 0")

# Binary formats by name, not content.
put("text.gpkg", "not a database\n")
case("text.gpkg", "gpkg", "text.gpkg", "check", "--districts", "{bad}/text.gpkg", "--stations", "{s}")
put("empty.gpkg", b"")
case("empty.gpkg", "gpkg", "empty.gpkg", "check", "--districts", "{bad}/empty.gpkg", "--stations", "{s}")
put("text.shp", "not a shapefile\n")
case("text.shp", "shapefile", "text.shp", "check", "--districts", "{bad}/text.shp", "--stations", "{s}")
put("text.zip", "not a zip\n")
case("text.zip", "shapefile", "text.zip", "check", "--districts", "{bad}/text.zip", "--stations", "{s}")
put("empty.osm.pbf", b"")
case("empty.osm.pbf", "osm", "empty.osm.pbf", "check", "--roads", "{bad}/empty.osm.pbf")
put("garbage.osm.pbf", bytes(range(256)) * 8)
case("garbage.osm.pbf", "osm", "garbage.osm.pbf", "check", "--roads", "{bad}/garbage.osm.pbf")
import gzip, bz2
put("garbage.osm.gz", gzip.compress(bytes(range(256)) * 8, mtime=0))
case("garbage.osm.gz", "osm", "garbage.osm.gz", "check", "--roads", "{bad}/garbage.osm.gz")
put("not-gzip.osm.gz", "plain text, not gzip\n")
case("not-gzip.osm.gz", "osm", "not-gzip.osm.gz", "check", "--roads", "{bad}/not-gzip.osm.gz")
put("garbage.osm.bz2", bz2.compress(b"<osm><node id='1' lat='x'"))
case("garbage.osm.bz2", "osm", "garbage.osm.bz2", "check", "--roads", "{bad}/garbage.osm.bz2")
put("bad-attr.osm", "<?xml version='1.0'?>\n<osm version='0.6'>\n<node id='1' lat='north' lon='1.5'/>\n</osm>\n")
case("bad-attr.osm", "osm", "bad-attr.osm", "check", "--roads", "{bad}/bad-attr.osm")
put("empty.tif", b"")
case("empty.tif", "geotiff", "empty.tif", "check", "--population", "{bad}/empty.tif")
put("not-tiff.tif", "GIF89a not a tiff\n")
case("not-tiff.tif", "geotiff", "not-tiff.tif", "check", "--population", "{bad}/not-tiff.tif")

def tiff(width, height, bps, extra=b""):
    """A little-endian TIFF header with one IFD: width, height, bits per
    sample, one strip at offset 8 of byte count width*height*bps/8 (capped)."""
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, bps), (259, 3, 1, 1), (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, height), (279, 4, 1, 16), (339, 3, 1, 3 if bps == 32 else 1)]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", t, ty, n, v) for t, ty, n, v in entries) + b"\0\0\0\0"
    return b"II*\0" + struct.pack("<I", 24) + b"\0" * 16 + ifd + extra
put("huge-dimensions.tif", tiff(2**31, 2**31, 32))
case("huge-dimensions.tif", "geotiff", "huge-dimensions.tif", "check", "--population", "{bad}/huge-dimensions.tif")
put("zero-width.tif", tiff(0, 10, 32))
case("zero-width.tif", "geotiff", "zero-width.tif", "check", "--population", "{bad}/zero-width.tif")
put("odd-bits.tif", tiff(4, 4, 7))
case("odd-bits.tif", "geotiff", "odd-bits.tif", "check", "--population", "{bad}/odd-bits.tif")

# Speed tables.
for name, text, want in [("speeds-nan.txt", "residential NaN\n", "speeds-nan.txt:1"),
                         ("speeds-factor-nan.txt", "maxspeed-factor NaN\n", "speeds-factor-nan.txt:1"),
                         ("speeds-negative.txt", "primary -20\n", "speeds-negative.txt:1"),
                         ("speeds-inf.txt", "motorway +Inf\n", "speeds-inf.txt:1"),
                         ("speeds-hex.txt", "primary 0x40\n", "speeds-hex.txt:1"),
                         ("speeds-garbage.txt", "primary fast\ntertiary\n", "speeds-garbage.txt:1")]:
    put(name, text)
    case(name, "speeds", want, "check", "--speeds", "{bad}/" + name)

# Configuration files.
for name, text, want in [("config-unknown-key.yaml", "pass:\n  min_coverag: 90\n", "config-unknown-key.yaml:2"),
                         ("config-syntax.yaml", "pass: [1, 2\n", "config-syntax.yaml"),
                         ("config-bad-value.yaml", "rules:\n  urban:\n    radius: far\n", "config-bad-value.yaml:3"),
                         ("config-undefined-alias.yaml", "pass:\n  min_coverage: *nothing\n", "config-undefined-alias.yaml"),
                         ("config-alias-mapping.yaml", "base: &b {min_coverage: 90}\npass: *b\n", "config-alias-mapping.yaml"),
                         ("config-class-unknown-key.yaml", "classes:\n  fire: {values: [core], rule: road-time, colour: red}\n", "config-class-unknown-key.yaml:2"),
                         ("config-class-bad-time.yaml", "classes:\n  fire: {values: [core], rule: road-time, time: soon}\n", "config-class-bad-time.yaml:2"),
                         ("config-nan.yaml", "pass:\n  min_coverage: .nan\n", "config-nan.yaml:2"),
                         ("config-list-for-value.yaml", "pass:\n  min_coverage: [1, 2]\n", "config-list-for-value.yaml:2")]:
    put(name, text)
    case(name, "config", want, "check", "--config", "{bad}/" + name)

# Flags.
for name, args, want in [("flag-min-coverage-nan", "--min-coverage NaN", "min-coverage"),
                         ("flag-min-coverage-high", "--min-coverage 150", "min-coverage"),
                         ("flag-radius-negative", "--urban-radius -1km", "urban-radius"),
                         ("flag-radius-nan", "--urban-radius NaN", "urban-radius"),
                         ("flag-detour-low", "--detour 0.5", "detour"),
                         ("flag-detour-inf", "--detour +Inf", "detour"),
                         ("flag-speed-zero", "--speed 0", "speed"),
                         ("flag-format", "--format pdf", "format"),
                         ("flag-tolerance-zero", "--tolerance 0", "tolerance"),
                         ("flag-max-access-nan", "--max-access NaN", "max-access"),
                         ("flag-same-values", "--urban-values urban --rural-values urban", "belongs to both"),
                         ("flag-class-kind", "--class a:values=x,rule=teleport", "teleport"),
                         ("flag-profile", "--profile horse", "profile"),
                         ("flag-gaps-crs", "--gaps-crs gcj02", "gaps-crs"),
                         ("flag-stations-crs", "--stations-crs EPSG:99999", "EPSG:99999"),
                         ("flag-positional", "extra.geojson", "takes no arguments")]:
    case(name, "flag", want, "check", *args.split())

# Outputs.
case("output-missing-folder", "output", "nofolder", "check", "-o", "{out}/nofolder/report.json")
case("output-is-input", "output", "is also the input of --stations", "check", "--districts", "{d}", "--stations", "{s}", "-o", "{s}")
case("output-twice", "output", "both write", "check", "--gaps", "{out}", "--html", "{out}")
case("output-is-folder", "output", "report-folder", "check", "-o", "{bad}/report-folder")
os.makedirs(os.path.join(here, "report-folder"), exist_ok=True)
put(os.path.join("report-folder", "README"), "A folder given as an output file: covaudit must refuse it.\n")

# Readers, second batch.
def tiff2(entries, payload=b"\0" * 64):
    """A little-endian classic TIFF of one IFD: entries are (tag, type,
    values); values that do not fit in 4 bytes go after the IFD. Type 16 is
    LONG8 (64-bit). Georeferenced at (1.4, 42.67), 0.05 degree cells."""
    entries = sorted(entries + [(33550, 12, [0.05, 0.05, 0.0]), (33922, 12, [0, 0, 0, 1.4, 42.67, 0])])
    fmt = {3: "<H", 4: "<I", 12: "<d", 16: "<Q"}
    ext_at = 8 + 2 + 12 * len(entries) + 4
    ifd, ext = struct.pack("<H", len(entries)), b""
    for tag, typ, vals in entries:
        val = b"".join(struct.pack(fmt[typ], v) for v in vals)
        if len(val) <= 4:
            ifd += struct.pack("<HHI", tag, typ, len(vals)) + val.ljust(4, b"\0")
        else:
            ifd += struct.pack("<HHII", tag, typ, len(vals), ext_at + len(ext))
            ext += val
    return b"II*\0" + struct.pack("<I", 8) + ifd + b"\0\0\0\0" + ext + payload
f32 = [(256, 4, [4]), (257, 4, [4]), (258, 3, [32]), (259, 3, [1]), (277, 3, [1]), (339, 3, [3])]
for name, entries, want in [
        ("tiles-2p31.tif", f32 + [(322, 4, [2**31]), (323, 4, [2**31]), (324, 4, [8]), (325, 4, [64])], "tiles-2p31.tif: TileWidth (tag 322) 2147483648 x TileLength (tag 323) 2147483648"),
        ("offsets-2p62.tif", f32 + [(273, 16, [2**62]), (278, 4, [4]), (279, 16, [2**62])], "offsets-2p62.tif: strip 0: StripOffsets (tag 273) 4611686018427387904"),
        ("offset-wraps.tif", f32 + [(273, 16, [2**63 - 2**11]), (278, 4, [4]), (279, 16, [2**12])], "offset-wraps.tif: strip 0: StripOffsets (tag 273) 9223372036854773760"),
        ("dimensions-2p32.tif", [(256, 16, [2**32]), (257, 16, [2**32])] + f32[2:] + [(273, 4, [8]), (279, 4, [64])], "dimensions-2p32.tif: ImageWidth (tag 256) 4294967296")]:
    put(name, tiff2(entries))
    case(name, "geotiff", want, "check", "--population", "{bad}/" + name)
# A Deflate tile whose data is corrupt: the decompressor's error, with the tile.
raster = bytearray(open(os.path.join(here, "..", "..", "..", "..", "geodata", "testdata", "raster", "u16-deflate-pred2-tiles.tif"), "rb").read())
ifd = struct.unpack("<I", raster[4:8])[0]
tags = {}
for i in range(struct.unpack("<H", raster[ifd:ifd + 2])[0]):
    tag, typ, n, v = struct.unpack("<HHII", raster[ifd + 2 + 12 * i: ifd + 14 + 12 * i])
    tags[tag] = v if typ == 4 or n > 1 else v & 0xffff
raster[tags[324] + 2: tags[324] + tags[325]] = b"\xff" * (tags[325] - 2)
put("deflate-corrupt.tif", bytes(raster))
case("deflate-corrupt.tif", "geotiff", "deflate-corrupt.tif: tile 0: Deflate data at byte", "check", "--population", "{bad}/deflate-corrupt.tif")

# UTF-16 station files are read: a bad value is then found on its line.
for name, enc, bom in [("utf16le-bom-line.csv", "utf-16-le", True), ("utf16be-bom-line.csv", "utf-16-be", True),
                       ("utf16le-nobom-line.csv", "utf-16-le", False), ("utf16be-nobom-line.csv", "utf-16-be", False)]:
    put(name, (("\ufeff" if bom else "") + "id,lon,lat\na,1.5,42.5\nb,1.5,north\n").encode(enc))
    case(name, "encoding", name + ':3: column "lat"', "check", "--districts", "{d}", "--stations", "{bad}/" + name)

# Values too large for any coordinate (a phone number) are named so.
stations("phone-number-lat.csv", "id,lon,lat\na,1.5,4.0016612E+9\n", 'phone-number-lat.csv:2: column "lat": value 4.0016612E+9 is not a coordinate')
stations("stations-phone.geojson", json.dumps({"type": "FeatureCollection", "features": [pt([4001661200, 42.5], {"id": "p"})]}),
         'stations-phone.geojson: feature 0 (id "p"): longitude: value 4.0016612e+09 is not a coordinate', kind="geojson")

# Station GeoJSON honours its crs member: an unknown system is refused; a
# phone number is refused as written, not projected to a pole.
stations("stations-unknown-crs.geojson", json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::99999"}},
         "features": [pt([1.5, 42.5])]}), 'stations-unknown-crs.geojson: the "crs" member', kind="geojson")
stations("stations-mercator-crs-bad.geojson", json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
         "features": [pt([166981.0, 4.0016612e9])]}), 'stations-mercator-crs-bad.geojson: feature 0 (id "1"): latitude: value 4.0016612e+09 is not a coordinate', kind="geojson")

# A bow-tie ring names its crossing edges, not "zero area".
districts("districts-bow-tie-edges.geojson", fc(poly([[[1.5, 42.5], [1.55, 42.55], [1.55, 42.5], [1.5, 42.55], [1.5, 42.5]]])),
          'feature 0 (name "x"): polygon 0: ring 0: edges 0 and 2 cross near (1.5250000, 42.5250000)')

# A Shapefile whose records are all marked deleted in the .dbf has none.
import io, zipfile
def dbf_records(ids, deleted):
    head = struct.pack("<BBBBIHH20x", 3, 126, 1, 1, len(ids), 32 + 32 + 1, 1 + 8)
    field = b"id".ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([8, 0]) + b"\0" * 14
    recs = b"".join((b"*" if d else b" ") + i.encode().ljust(8) for i, d in zip(ids, deleted))
    return head + field + b"\r" + recs + b"\x1a"
def point_shp(pts):
    recs = b"".join(struct.pack(">II", k + 1, 10) + struct.pack("<Idd", 1, x, y) for k, (x, y) in enumerate(pts))
    return struct.pack(">I20xI", 9994, (100 + len(recs)) // 2) + struct.pack("<II", 1000, 1) + b"\0" * 64 + recs
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w") as z:
    z.writestr(zipfile.ZipInfo("gone.shp", (2020, 1, 1, 0, 0, 0)), point_shp([(1.52, 42.51), (1.53, 42.52)]))
    z.writestr(zipfile.ZipInfo("gone.dbf", (2020, 1, 1, 0, 0, 0)), dbf_records(["a", "b"], [True, True]))
put("stations-all-deleted.zip", zb.getvalue())
case("stations-all-deleted.zip", "shapefile", "stations-all-deleted.zip: all 2 records are marked deleted in the .dbf", "check", "--districts", "{d}", "--stations", "{bad}/stations-all-deleted.zip")

# OSM ways whose nodes are not in the file, and gzip headers before garbage.
put("roads-missing-nodes.osm", "<?xml version='1.0'?>\n<osm version='0.6'>\n<node id='1' lat='42.5' lon='1.5'/>\n"
    "<way id='77'><nd ref='5'/><nd ref='6'/><tag k='highway' v='residential'/></way>\n</osm>\n")
case("roads-missing-nodes.osm", "osm", "roads-missing-nodes.osm: the 1 usable ways have no node positions in the file (missing nodes in way 77)", "check", "--roads", "{bad}/roads-missing-nodes.osm")
put("gzip-header-garbage.osm.gz", b"\x1f\x8b\x08\x00" + b"garbage, not deflate data" * 4)
case("gzip-header-garbage.osm.gz", "osm", "gzip-header-garbage.osm.gz: ", "check", "--roads", "{bad}/gzip-header-garbage.osm.gz")

# YAML aliases under known keys read as their anchors' values: a bad one
# names the line where it is used; merge keys are refused with their line.
for name, text, want in [("config-alias-bad-value.yaml", "rules:\n  urban:\n    radius: &r north\npass:\n  min_coverage: *r\n", 'config-alias-bad-value.yaml:5: pass.min_coverage: invalid argument "north"'),
                         ("config-alias-class.yaml", "classes:\n  urban: &v [core]\n  fire:\n    values: *v\n    rule: road-time\n    time: &t soon\nrules:\n  rural:\n    time: *t\n", "config-alias-class.yaml:3"),
                         ("config-merge-key.yaml", "pass: &p\n  min_coverage: 90\ncheck:\n  <<: *p\n", "config-merge-key.yaml:4: check: merge keys")]:
    put(name, text)
    case(name, "config", want, "check", "--config", "{bad}/" + name)

# Outputs, second batch. Every output flag into a missing folder, under a
# file, onto a folder, two on one path, and onto an input: refused before
# anything is written, naming the target and what is wrong (never a
# temporary file), with the output folder left empty.
for case_name, flag, name in [("output-gaps-missing-folder", "--gaps", "gaps.geojson"),
                              ("output-gaps-gpkg-missing-folder", "--gaps", "gaps.gpkg"),
                              ("output-html-missing-folder", "--html", "map.html"),
                              ("output-svg-missing-folder", "--svg", "map.svg"),
                              ("output-stations-report-missing-folder", "--stations-report", "stations.csv")]:
    case(case_name, "output", "nofolder does not exist", "check", flag, "{out}/nofolder/" + name)
case("output-missing-folder-slash", "output", "nofolder does not exist", "check", "-o", "{out}/nofolder/")
case("output-under-a-file", "output", "empty.csv is not a folder", "check", "-o", "{bad}/empty.csv/report.json")
case("output-gaps-under-a-file", "output", "empty.csv is not a folder", "check", "--gaps", "{bad}/empty.csv/sub/gaps.geojson")
case("output-gaps-is-folder", "output", "report-folder: is a folder", "check", "--gaps", "{bad}/report-folder")
case("output-html-is-folder", "output", "report-folder: is a folder", "check", "--html", "{bad}/report-folder")
case("output-gaps-svg-twice", "output", "--gaps and --svg both write", "check", "--gaps", "{out}", "--svg", "{out}")
case("output-stations-report-html-twice", "output", "--html and --stations-report both write", "check", "--stations-report", "{out}", "--html", "{out}")
case("output-svg-over-population", "output", "is also the input of --population", "check", "--population", "{bad}/empty.tif", "--svg", "{bad}/empty.tif")
case("output-gaps-over-speeds", "output", "is also the input of --speeds", "check", "--speeds", "{bad}/speeds-nan.txt", "--gaps", "{bad}/speeds-nan.txt")
case("output-html-over-roads", "output", "is also the input of --roads", "check", "--roads", "{bad}/empty.osm.pbf", "--html", "{bad}/empty.osm.pbf")
case("output-stations-report-over-districts", "output", "is also the input of --districts", "check", "--districts", "{bad}/districts-empty.geojson",
     "--stations", "{s}", "--stations-report", "{bad}/districts-empty.geojson")

# --repair: a ring with no area once repaired (traced out and back) is an
# error naming the district; coordinates out of range stay errors.
put("districts-repair-no-area.geojson", json.dumps(fc(poly([[[1.5, 42.5], [1.55, 42.5], [1.6, 42.5], [1.55, 42.5], [1.5, 42.5]]], {"name": "Flat"}))))
case("districts-repair-no-area.geojson", "geojson", 'feature 0 (name "Flat"): polygon 0: ring 0: edges 0 and 2 cross near (1.5500000, 42.5000000); no area is left after repair (--repair)',
     "check", "--districts", "{bad}/districts-repair-no-area.geojson", "--stations", "{s}", "--repair")
put("districts-repair-lat-95.geojson", json.dumps(fc(poly([[[1.5, 95], [1.55, 95], [1.55, 96], [1.5, 95]]], {"name": "Sky"}))))
case("districts-repair-lat-95.geojson", "geojson", 'feature 0 (name "Sky"): ring 0: vertex 0: latitude 95 is out of range [-90, 90]',
     "check", "--districts", "{bad}/districts-repair-lat-95.geojson", "--stations", "{s}", "--repair")
# Road scenarios: closure and speed-factor files, every bad line or
# feature named (text lists of way ids, GeoJSON lines and polygons).
put("close-bad-ids.txt", "# closed for works\n123\nbridge\n-4\n")
case("close-bad-ids.txt", "scenario", 'close-bad-ids.txt:3: "bridge" is not an OpenStreetMap way id', "check", "--close", "{bad}/close-bad-ids.txt")
put("close-point.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1.5,42.5]}}]}')
case("close-point.geojson", "scenario", 'close-point.geojson: feature 0: geometry type "Point": want LineString', "check", "--close", "{bad}/close-point.geojson")
put("close-short-line.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1.5,42.5]]}}]}')
case("close-short-line.geojson", "scenario", "close-short-line.geojson: feature 0: 1 position(s), want at least 2", "check", "--close", "{bad}/close-short-line.geojson")
put("close-broken.geojson", '{"type":"FeatureCollection","features":[')
case("close-broken.geojson", "scenario", "close-broken.geojson: not GeoJSON", "check", "--close", "{bad}/close-broken.geojson")
put("speed-factor-zero.txt", "123 0.5\n124 0\n125 1.5\n")
case("speed-factor-zero.txt", "scenario", "speed-factor-zero.txt:2: factor 0 is outside (0, 1]", "check", "--speed-factor", "{bad}/speed-factor-zero.txt")
put("speed-factor-no-factor.txt", "123\n")
case("speed-factor-no-factor.txt", "scenario", 'speed-factor-no-factor.txt:1: want "way_id factor"', "check", "--speed-factor", "{bad}/speed-factor-no-factor.txt")
put("speed-factor-missing.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"works"},"geometry":{"type":"LineString","coordinates":[[1.5,42.5],[1.51,42.5]]}}]}')
case("speed-factor-missing.geojson", "scenario", 'speed-factor-missing.geojson: feature 0: no "factor" property', "check", "--speed-factor", "{bad}/speed-factor-missing.geojson")
put("speed-factor-text.geojson", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"factor":"half"},"geometry":{"type":"LineString","coordinates":[[1.5,42.5],[1.51,42.5]]}}]}')
case("speed-factor-text.geojson", "scenario", 'speed-factor-text.geojson: feature 0: property "factor": "half" is not a number', "check", "--speed-factor", "{bad}/speed-factor-text.geojson")
case("close-without-roads", "flag", "edit a road network: give it with --roads FILE", "check", "--districts", "{d}", "--stations", "{s}", "--close", "{bad}/close-bad-ids.txt")
case("output-gaps-over-close", "output", "is also the input of --close", "check", "--close", "{bad}/close-bad-ids.txt", "--gaps", "{bad}/close-bad-ids.txt")
# The cost surface: its cell size is a positive distance, its cell count
# is limited, its system an EPSG code, and its file an output like the
# others.
case("surface-cell-zero", "flag", 'invalid distance "0"', "check", "--surface", "{out}/s.tif", "--surface-cell", "0")
case("surface-cell-negative", "flag", 'invalid distance "-5m"', "check", "--surface", "{out}/s.tif", "--surface-cell", "-5m")
case("surface-cell-not-a-number", "flag", 'invalid distance "abc"', "check", "--surface", "{out}/s.tif", "--surface-cell", "abc")
case("surface-cell-too-many-cells", "flag", "more than the limit of 25000000", "check", "--surface", "{out}/s.tif", "--surface-cell", "1m")
case("surface-cell-without-surface", "flag", "give its file with --surface", "check", "--surface-cell", "50m")
case("surface-crs-not-epsg", "flag", "--surface-crs gcj02: output is written in EPSG systems only", "check", "--surface", "{out}/s.tif", "--surface-crs", "gcj02")
case("output-surface-missing-folder", "output", "nofolder does not exist", "check", "--surface", "{out}/nofolder/s.tif")
case("output-surface-gaps-twice", "output", "--gaps and --surface both write", "check", "--gaps", "{out}/s.tif", "--surface", "{out}/s.tif")
# PostgreSQL URLs refused before any connection (a malformed URL, no
# table= or query=, both, an unknown mode, a query as an output, a map
# into a table), and a server that is not there: each names the URL
# without its password and what is wrong.
pg = "postgresql://planner:s3cret@/gis?host=/nonexistent-socket-dir"
for case_name, args, want in [
        ("postgis-bad-port", ["--districts", "postgresql://planner:s3cret@db:54x/gis?table=d", "--stations", "{s}"], "postgresql://planner@db:54x/gis?table=d: not a PostgreSQL URL: invalid port"),
        ("postgis-no-table", ["--districts", pg, "--stations", "{s}"], "postgresql://planner@/gis?host=/nonexistent-socket-dir: no table= or query="),
        ("postgis-table-and-query", ["--districts", "{d}", "--stations", pg + "&table=s&query=SELECT%201"], "give table= or query=, not both"),
        ("postgis-bad-escape", ["--districts", pg + "&query=SELECT%2", "--stations", "{s}"], 'parameter "query": invalid URL escape'),
        ("postgis-mode-on-input", ["--districts", pg + "&table=d&mode=append", "--stations", "{s}"], "mode= is for outputs"),
        ("postgis-unknown-mode", ["--gaps", pg + "&table=gaps&mode=upsert"], 'unknown mode "upsert" (modes: replace, append)'),
        ("postgis-output-query", ["--gaps", pg + "&query=SELECT%201"], "an output is written to a table: give table=NAME, not query="),
        ("postgis-html-to-table", ["--html", pg + "&table=map"], "--html postgresql://planner@/gis?host=/nonexistent-socket-dir&table=map: a database table takes --gaps"),
        ("postgis-connection-refused", ["--districts", pg + "&table=d", "--stations", "{s}"], "postgresql://planner@/gis?host=/nonexistent-socket-dir&table=d: cannot connect:"),
]:
    case(case_name, "postgis", want, "check", *args)
# Station capacities (--access, --capacitated): a bad, a negative and an
# empty capacity, each named by its line; a file without the column.
put("access-population.csv", "name,lon,lat,population\na,1.5212467,42.5069391,400\n")
for name, text, want in [
        ("capacity-bad.csv", "id,lon,lat,capacity\na,1.5212,42.5069,3\nb,1.5334,42.5561,x2\n", 'capacity-bad.csv:3: column "capacity": invalid number'),
        ("capacity-negative.csv", "id,lon,lat,capacity\na,1.5212,42.5069,-1\n", 'capacity-negative.csv:2: column "capacity": -1 is not a capacity'),
        ("capacity-empty.csv", "id,lon,lat,capacity\na,1.5212,42.5069,\n", 'capacity-empty.csv:2: column "capacity": empty'),
        ("capacity-no-column.csv", "id,lon,lat\na,1.5212,42.5069\n", 'capacity-no-column.csv:1: no column "capacity"')]:
    put(name, text)
    case(name, "csv", want, "check", "--districts", "{d}", "--stations", "{bad}/" + name, "--population", "{bad}/access-population.csv", "--access", "2sfca")

# Rings of one district that cross or nest: even-odd reading would turn
# land into a hole or a hole into land, so they are refused (or --repair).
def box(x0, y0, x1, y1, cw=False):
    r = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return r[::-1] if cw else r
districts("districts-holes-cross.geojson", fc(poly([box(1.5, 42.5, 1.56, 42.56), box(1.51, 42.51, 1.53, 42.53, True), box(1.52, 42.52, 1.54, 42.54, True)])),
          'feature 0 (name "x"): polygon 0: ring 2: crosses polygon 0: ring 1 near')
districts("districts-parts-cross.geojson", fc(poly([[box(1.5, 42.5, 1.53, 42.53)], [box(1.52, 42.52, 1.55, 42.55)]], gtype="MultiPolygon")),
          'feature 0 (name "x"): polygon 1: ring 0: crosses polygon 0: ring 0 near')
districts("districts-part-inside-part.geojson", fc(poly([[box(1.5, 42.5, 1.56, 42.56)], [box(1.52, 42.52, 1.54, 42.54)]], gtype="MultiPolygon")),
          'feature 0 (name "x"): polygon 1: ring 0: lies inside polygon 0 (parts of a MultiPolygon must not overlap)')
districts("districts-hole-in-hole.geojson", fc(poly([box(1.5, 42.5, 1.56, 42.56), box(1.51, 42.51, 1.55, 42.55, True), box(1.52, 42.52, 1.54, 42.54, True)])),
          'feature 0 (name "x"): polygon 0: ring 2: lies inside ring 1, another hole (holes must not overlap)')

with open(os.path.join(here, "cases.tsv"), "w", encoding="utf-8") as f:
    f.write("# name\tkind\twant in stderr\targuments (made by scripts/make_bad_inputs.py)\n")
    for c in cases:
        f.write("\t".join(c) + "\n")
print(len(cases), "cases")

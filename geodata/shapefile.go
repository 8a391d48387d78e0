package geodata

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Layer is a set of features read from a Shapefile or a GeoPackage:
// geometries in the layer's coordinate system, attributes as text.
type Layer struct {
	Name     string
	Features []LayerFeature
	// CRS is the layer's system as its metadata (.prj, the GeoPackage's
	// spatial reference table) declares it; HasCRS is false when there is
	// none.
	CRS    crs.CRS
	HasCRS bool
	// Warnings say what the reader skipped or repaired (records marked
	// deleted in a Shapefile's .dbf), each naming the file.
	Warnings []string
}

// LayerFeature is one record of a layer.
type LayerFeature struct {
	Index    int          // record number, from 0
	Geometry orb.Geometry // Point, MultiPoint, Polygon or MultiPolygon; nil when empty
	Attrs    map[string]string
	Problem  string // why the geometry could not be read, if it could not
}

// ReadShapefile reads a shapefile: path names the .shp (its .dbf, and the
// .prj and .cpg when present, sit beside it with the same base name), or a
// .zip holding one shapefile. Attribute text is decoded by the .cpg, else
// by encoding (see Decode), else as UTF-8.
func ReadShapefile(path string, encoding string) (*Layer, error) {
	files := map[string][]byte{}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		data, err := readWhole(path)
		if err != nil {
			return nil, err
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		var shp []string
		for _, f := range zr.File {
			if strings.EqualFold(filepath.Ext(f.Name), ".shp") {
				shp = append(shp, f.Name)
			}
		}
		if len(shp) != 1 {
			return nil, fmt.Errorf("%s: want one .shp in the archive, found %d %v", path, len(shp), shp)
		}
		stem := strings.TrimSuffix(shp[0], filepath.Ext(shp[0]))
		base = filepath.Base(stem)
		for _, f := range zr.File {
			if !strings.EqualFold(strings.TrimSuffix(f.Name, filepath.Ext(f.Name)), stem) {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", path, f.Name, err)
			}
			b, err := io.ReadAll(newLimitedReader(rc))
			rc.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", path, f.Name, err)
			}
			files[strings.ToLower(filepath.Ext(f.Name))] = b
		}
	} else {
		stem := strings.TrimSuffix(path, filepath.Ext(path))
		for _, ext := range []string{".shp", ".dbf", ".prj", ".cpg"} {
			for _, e := range []string{ext, strings.ToUpper(ext)} {
				b, err := readWhole(stem + e)
				if err == nil {
					files[ext] = b
					break
				}
				if !errors.Is(err, fs.ErrNotExist) {
					return nil, err
				}
			}
		}
	}
	if files[".shp"] == nil {
		return nil, fmt.Errorf("%s: no .shp file", path)
	}
	if files[".dbf"] == nil {
		return nil, fmt.Errorf("%s: no .dbf file beside the .shp (attributes are needed)", path)
	}
	return parseShapefile(path, base, files, encoding)
}

// readWhole reads a file of at most maxInputBytes; a larger one is an
// error naming it and the limit.
func readWhole(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(newLimitedReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

func parseShapefile(path, base string, files map[string][]byte, encoding string) (*Layer, error) {
	l := &Layer{Name: base}
	if prj := files[".prj"]; len(prj) > 0 {
		c, err := crs.FromWKT(string(prj))
		if err != nil {
			return nil, fmt.Errorf("%s: .prj: %w", path, err)
		}
		l.CRS, l.HasCRS = c, true
	}
	if cpg := strings.TrimSpace(string(files[".cpg"])); cpg != "" {
		switch strings.ToUpper(cpg) {
		case "UTF-8", "UTF8", "65001":
			encoding = "utf-8"
		case "GBK", "936", "CP936", "GB2312", "GB18030", "54936":
			encoding = "gb18030"
		default:
			if encoding == "" {
				return nil, fmt.Errorf("%s: .cpg names the encoding %q, which covaudit does not read; convert the attributes to UTF-8", path, cpg)
			}
		}
	}
	geoms, err := readSHP(files[".shp"])
	if err != nil {
		return nil, fmt.Errorf("%s: .shp: %w", path, err)
	}
	attrs, deleted, err := readDBF(files[".dbf"], encoding)
	if err != nil {
		return nil, fmt.Errorf("%s: .dbf: %w", path, err)
	}
	if len(attrs) != len(geoms) {
		return nil, fmt.Errorf("%s: %d shapes but %d attribute records", path, len(geoms), len(attrs))
	}
	// Records the .dbf marks deleted ('*') are no longer part of the
	// layer (dBASE keeps them until the file is packed): skipped, shape
	// and all, and counted in a warning (an error when every record is).
	// The others keep their record numbers.
	var gone []string
	for i := range geoms {
		if deleted[i] {
			gone = append(gone, strconv.Itoa(i))
			continue
		}
		geoms[i].Attrs = attrs[i]
		l.Features = append(l.Features, geoms[i])
	}
	if len(gone) > 0 && len(gone) == len(geoms) {
		return nil, fmt.Errorf("%s: all %d records are marked deleted in the .dbf: the layer holds nothing", path, len(gone))
	}
	if len(gone) > 0 {
		l.Warnings = append(l.Warnings, fmt.Sprintf("%s: %d record(s) marked deleted in the .dbf were skipped (record numbers from 0: %s)",
			path, len(gone), listFew(gone, 10)))
	}
	return l, nil
}

// readSHP reads the shapes of a .shp file (ESRI Shapefile Technical
// Description, 1998): Point, MultiPoint and Polygon, with or without Z and
// M (ignored). Polygon rings go into polygons by orientation: clockwise
// rings are exteriors, counter-clockwise ones holes of the exterior that
// holds them.
func readSHP(b []byte) ([]LayerFeature, error) {
	if len(b) < 100 || binary.BigEndian.Uint32(b[0:]) != 9994 {
		return nil, fmt.Errorf("not a shapefile (no file code 9994 in the header)")
	}
	var out []LayerFeature
	for off := 100; off < len(b); {
		if off+8 > len(b) {
			return nil, fmt.Errorf("byte %d: truncated record header", off)
		}
		n := int(binary.BigEndian.Uint32(b[off+4:])) * 2
		start := off + 8
		if n < 4 || start+n > len(b) {
			return nil, fmt.Errorf("byte %d: record %d runs past the end of the file", off, len(out)+1)
		}
		rec := b[start : start+n]
		f := LayerFeature{Index: len(out)}
		g, err := shape(rec)
		if err != nil {
			f.Problem = fmt.Sprintf("shape at byte %d: %v", start, err)
		}
		f.Geometry = g
		out = append(out, f)
		off = start + n
	}
	return out, nil
}

func shape(rec []byte) (orb.Geometry, error) {
	le := binary.LittleEndian
	typ := le.Uint32(rec)
	f64 := func(o int) float64 { return math.Float64frombits(le.Uint64(rec[o:])) }
	switch typ {
	case 0:
		return nil, nil
	case 1, 11, 21: // Point, PointZ, PointM
		if len(rec) < 20 {
			return nil, fmt.Errorf("short point")
		}
		return orb.Point{f64(4), f64(12)}, nil
	case 8, 18, 28: // MultiPoint
		if len(rec) < 40 {
			return nil, fmt.Errorf("short multipoint")
		}
		np := int(le.Uint32(rec[36:]))
		if np < 0 || 40+16*np > len(rec) {
			return nil, fmt.Errorf("multipoint of %d points does not fit its record", np)
		}
		mp := make(orb.MultiPoint, np)
		for i := range mp {
			mp[i] = orb.Point{f64(40 + 16*i), f64(48 + 16*i)}
		}
		return mp, nil
	case 5, 15, 25: // Polygon
		if len(rec) < 44 {
			return nil, fmt.Errorf("short polygon")
		}
		nparts, np := int(le.Uint32(rec[36:])), int(le.Uint32(rec[40:]))
		pts := 44 + 4*nparts
		if nparts <= 0 || np <= 0 || nparts > np || pts+16*np > len(rec) {
			return nil, fmt.Errorf("polygon of %d parts and %d points does not fit its record", nparts, np)
		}
		var rings []orb.Ring
		for k := range nparts {
			a := int(le.Uint32(rec[44+4*k:]))
			z := np
			if k+1 < nparts {
				z = int(le.Uint32(rec[44+4*(k+1):]))
			}
			if a < 0 || z > np || a >= z {
				return nil, fmt.Errorf("part %d spans points %d to %d of %d", k, a, z, np)
			}
			r := make(orb.Ring, z-a)
			for i := range r {
				r[i] = orb.Point{f64(pts + 16*(a+i)), f64(pts + 16*(a+i) + 8)}
			}
			rings = append(rings, r)
		}
		return assembleRings(rings), nil
	}
	return nil, fmt.Errorf("shape type %d is not a point, multipoint or polygon", typ)
}

// assembleRings groups shapefile rings: clockwise ones (negative signed
// area) are exteriors; each other ring is a hole of the smallest exterior
// holding its first vertex, or an exterior itself when none does.
func assembleRings(rings []orb.Ring) orb.Geometry {
	signed := func(r orb.Ring) float64 {
		a := 0.0
		for i := range r {
			p, q := r[i], r[(i+1)%len(r)]
			a += p[0]*q[1] - p[1]*q[0]
		}
		return a / 2
	}
	var mp orb.MultiPolygon
	var holes []orb.Ring
	for _, r := range rings {
		if signed(r) < 0 {
			mp = append(mp, orb.Polygon{r})
		} else {
			holes = append(holes, r)
		}
	}
	for _, h := range holes {
		best, bestA := -1, math.Inf(1)
		for i, p := range mp {
			if a := -signed(p[0]); a < bestA && planar.RingContains(p[0], h[0]) {
				best, bestA = i, a
			}
		}
		if best < 0 {
			mp = append(mp, orb.Polygon{h})
			continue
		}
		mp[best] = append(mp[best], h)
	}
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}

// readDBF reads the attribute table (dBASE III): text, numbers, dates and
// logicals, all as trimmed text. deleted[i] says whether record i carries
// the deletion flag ('*'); it keeps its place in the table, with no
// attributes.
func readDBF(b []byte, encoding string) (attrs []map[string]string, deleted []bool, err error) {
	if len(b) < 32 {
		return nil, nil, fmt.Errorf("too short for a dBASE header")
	}
	le := binary.LittleEndian
	n, hlen, rlen := int(le.Uint32(b[4:])), int(le.Uint16(b[8:])), int(le.Uint16(b[10:]))
	if hlen < 33 || hlen > len(b) || rlen < 1 {
		return nil, nil, fmt.Errorf("bad header (header %d bytes, records %d bytes)", hlen, rlen)
	}
	type field struct {
		name   string
		off, n int
	}
	var fields []field
	off := 1 // the deletion flag
	for p := 32; p+32 <= hlen && b[p] != 0x0d; p += 32 {
		name := string(bytes.TrimRight(b[p:p+11], "\x00 "))
		w := int(b[p+16])
		fields = append(fields, field{name, off, w})
		off += w
	}
	if off > rlen {
		return nil, nil, fmt.Errorf("fields need %d bytes, records have %d", off, rlen)
	}
	if hlen+n*rlen > len(b) {
		return nil, nil, fmt.Errorf("%d records of %d bytes do not fit the file", n, rlen)
	}
	out := make([]map[string]string, n)
	deleted = make([]bool, n)
	for i := range n {
		rec := b[hlen+i*rlen : hlen+(i+1)*rlen]
		if rec[0] == '*' {
			deleted[i] = true
			continue
		}
		m := make(map[string]string, len(fields))
		for _, f := range fields {
			raw := bytes.TrimSpace(bytes.TrimRight(rec[f.off:f.off+f.n], "\x00"))
			if encoding != "" && encoding != "utf-8" {
				d, err := Decode(raw, encoding)
				if err != nil {
					return nil, nil, fmt.Errorf("record %d, field %s: %w", i+1, f.name, err)
				}
				raw = d
			} else if !utf8.Valid(raw) {
				return nil, nil, fmt.Errorf("record %d, field %s: not UTF-8 (give the encoding in a .cpg file or with --encoding)", i+1, f.name)
			}
			m[f.name] = string(raw)
		}
		out[i] = m
	}
	return out, deleted, nil
}

// listFew joins the first n items with ", ", adding how many more there
// are.
func listFew(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

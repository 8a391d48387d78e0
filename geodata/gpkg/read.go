// Package gpkg reads and writes GeoPackages (OGC 12-128r18) through the
// pure-Go SQLite of modernc.org/sqlite: feature layers in, gap maps out. It
// is apart from geodata so that only programs that need SQLite build it.
package gpkg

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"

	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/paulmach/orb"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// Read reads a feature layer of a GeoPackage (OGC 12-128r18),
// opened read-only: layer names the table, or may be empty when the file
// has one feature table (the error lists them when it has several). The
// layer's system comes from gpkg_spatial_ref_sys: by its EPSG code, else
// by its WKT definition.
func Read(path, layer string) (*geodata.Layer, error) {
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer db.Close()
	tables, err := gpkgFeatureTables(db)
	if err != nil {
		return nil, fmt.Errorf("%s: not a GeoPackage (%v)", path, err)
	}
	switch {
	case layer == "" && len(tables) == 1:
		layer = tables[0]
	case layer == "":
		return nil, fmt.Errorf("%s: %d feature layers (%s): choose one with --layer", path, len(tables), strings.Join(tables, ", "))
	default:
		found := false
		for _, t := range tables {
			found = found || t == layer
		}
		if !found {
			return nil, fmt.Errorf("%s: no feature layer %q (layers: %s)", path, layer, strings.Join(tables, ", "))
		}
	}
	var geomCol string
	var srsID int64
	if err := db.QueryRow(`SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?`, layer).Scan(&geomCol, &srsID); err != nil {
		return nil, fmt.Errorf("%s: layer %q: no geometry column: %v", path, layer, err)
	}
	l := &geodata.Layer{Name: layer}
	if srsID > 0 {
		var org sql.NullString
		var code sql.NullInt64
		var def sql.NullString
		if err := db.QueryRow(`SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?`, srsID).Scan(&org, &code, &def); err == nil {
			var c crs.CRS
			var ok bool
			if strings.EqualFold(org.String, "EPSG") {
				c, ok = crs.FromEPSG(int(code.Int64))
			}
			if !ok {
				if c, err = crs.FromWKT(def.String); err != nil {
					return nil, fmt.Errorf("%s: layer %q: spatial reference %d: %w", path, layer, srsID, err)
				}
			}
			l.CRS, l.HasCRS = c, true
		}
	}
	rows, err := db.Query(`SELECT * FROM "` + strings.ReplaceAll(layer, `"`, `""`) + `"`)
	if err != nil {
		return nil, fmt.Errorf("%s: layer %q: %w", path, layer, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, fmt.Errorf("%s: layer %q: %w", path, layer, err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("%s: layer %q, feature %d: %w", path, layer, len(l.Features), err)
		}
		f := geodata.LayerFeature{Index: len(l.Features), Attrs: map[string]string{}}
		for i, c := range cols {
			if strings.EqualFold(c, geomCol) {
				b, _ := vals[i].([]byte)
				g, err := gpkgGeometry(b)
				if err != nil {
					f.Problem = err.Error()
				}
				f.Geometry = g
				continue
			}
			switch v := vals[i].(type) {
			case nil:
			case []byte:
				f.Attrs[c] = string(v)
			default:
				f.Attrs[c] = fmt.Sprint(v)
			}
		}
		l.Features = append(l.Features, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: layer %q: %w", path, layer, err)
	}
	return l, nil
}

func gpkgFeatureTables(db *sql.DB) ([]string, error) {
	rows, err := db.Query(`SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if len(out) == 0 && rows.Err() == nil {
		return nil, errors.New("no feature layers")
	}
	return out, rows.Err()
}

// gpkgGeometry decodes a GeoPackage geometry blob: the "GP" header (flags,
// SRS id, optional envelope), then standard WKB. An empty blob or an empty
// geometry is nil.
func gpkgGeometry(b []byte) (orb.Geometry, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return nil, errors.New("geometry is not a GeoPackage blob (no GP header)")
	}
	flags := b[3]
	env := []int{0, 32, 48, 48, 64}
	code := int(flags>>1) & 7
	if code >= len(env) {
		return nil, fmt.Errorf("geometry header: bad envelope code %d", code)
	}
	if flags&0x10 != 0 {
		return nil, nil // empty
	}
	start := 8 + env[code]
	if start > len(b) {
		return nil, errors.New("geometry header runs past the blob")
	}
	g, _, err := readWKB(b, start, 0)
	return g, err
}

// DecodeWKB decodes one standard (ISO or OGC) WKB geometry, as
// PostGIS's ST_AsBinary gives it: Point, Polygon, MultiPoint or
// MultiPolygon, Z and M dropped. Bytes after the geometry are an error.
// Other packages reading WKB (geodata/postgis) share this decoder.
func DecodeWKB(b []byte) (orb.Geometry, error) {
	g, n, err := readWKB(b, 0, 0)
	if err == nil && n != len(b) {
		err = fmt.Errorf("WKB: %d bytes after the geometry", len(b)-n)
	}
	return g, err
}

// readWKB reads one WKB geometry (ISO: Z, M, ZM as +1000, +2000, +3000)
// at off: Point, Polygon, MultiPoint or MultiPolygon.
func readWKB(b []byte, off, depth int) (orb.Geometry, int, error) {
	if depth > 2 {
		return nil, off, errors.New("WKB nests too deep")
	}
	if off+5 > len(b) {
		return nil, off, errors.New("WKB: truncated")
	}
	var bo binary.ByteOrder = binary.BigEndian
	if b[off] == 1 {
		bo = binary.LittleEndian
	}
	typ := bo.Uint32(b[off+1:])
	off += 5
	base, dims := typ%1000, 2
	switch typ / 1000 {
	case 1, 2:
		dims = 3
	case 3:
		dims = 4
	}
	u32 := func() (int, error) {
		if off+4 > len(b) {
			return 0, errors.New("WKB: truncated")
		}
		v := bo.Uint32(b[off:])
		off += 4
		if int(v) > (len(b)-off)/8+1 {
			return 0, fmt.Errorf("WKB: count %d does not fit", v)
		}
		return int(v), nil
	}
	point := func() (orb.Point, error) {
		if off+8*dims > len(b) {
			return orb.Point{}, errors.New("WKB: truncated point")
		}
		p := orb.Point{math.Float64frombits(bo.Uint64(b[off:])), math.Float64frombits(bo.Uint64(b[off+8:]))}
		off += 8 * dims
		return p, nil
	}
	ring := func() (orb.Ring, error) {
		n, err := u32()
		if err != nil {
			return nil, err
		}
		r := make(orb.Ring, n)
		for i := range r {
			if r[i], err = point(); err != nil {
				return nil, err
			}
		}
		return r, nil
	}
	switch base {
	case 1:
		p, err := point()
		return p, off, err
	case 3:
		n, err := u32()
		if err != nil {
			return nil, off, err
		}
		poly := make(orb.Polygon, n)
		for i := range poly {
			if poly[i], err = ring(); err != nil {
				return nil, off, err
			}
		}
		return poly, off, nil
	case 4, 6:
		n, err := u32()
		if err != nil {
			return nil, off, err
		}
		var mp orb.MultiPoint
		var mpoly orb.MultiPolygon
		for range n {
			var g orb.Geometry
			if g, off, err = readWKB(b, off, depth+1); err != nil {
				return nil, off, err
			}
			switch v := g.(type) {
			case orb.Point:
				if base != 4 {
					return nil, off, errors.New("WKB: a point inside a multipolygon")
				}
				mp = append(mp, v)
			case orb.Polygon:
				if base != 6 {
					return nil, off, errors.New("WKB: a polygon inside a multipoint")
				}
				mpoly = append(mpoly, v)
			default: // a multi inside a multi: not WKB, and not to be dropped silently
				return nil, off, fmt.Errorf("WKB: a %s inside a %s", g.GeoJSONType(), map[uint32]string{4: "multipoint", 6: "multipolygon"}[base])
			}
		}
		if base == 4 {
			return mp, off, nil
		}
		return mpoly, off, nil
	}
	return nil, off, fmt.Errorf("WKB geometry type %d is not a point, polygon, multipoint or multipolygon", typ)
}

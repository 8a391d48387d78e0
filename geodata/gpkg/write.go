package gpkg

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/covaudit/covaudit/geodata"
	"github.com/paulmach/orb"
)

const wgs84WKT = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]`

// Write writes polygon features to a new GeoPackage (OGC
// 12-128r18, version 1.3) as one layer in WGS84 (EPSG:4326): a MULTIPOLYGON
// column "geom" and one column per property (TEXT, REAL or INTEGER by its
// first value). The file is built under a unique temporary name beside
// path and renamed into place, whole or not at all, as
// geodata.BuildFileAtomic does (a named pipe or a terminal gets the bytes
// written straight). The same features give the same bytes: the layer's
// last_change is SOURCE_DATE_EPOCH when that is set (an error when it is
// not a whole number of seconds since 1970), else 1970-01-01T00:00:00.000Z,
// a fixed value that says the time is not recorded; nothing else in the
// file depends on the time, the folder or the temporary name. Safe for
// concurrent use, on different paths or one (the last rename wins).
func Write(path, layer string, feats []geodata.Feature) error {
	return WriteSRS(path, layer, feats, 4326)
}

// WriteSRS is Write for coordinates already in the
// system of an EPSG code (other than 4326, recorded by its code, with no
// WKT definition: GDAL and QGIS look the code up).
func WriteSRS(path, layer string, feats []geodata.Feature, epsg int) error {
	return WriteStyled(path, layer, feats, epsg, Style{})
}

// Style is a layer's QGIS style, stored in the layer_styles table as QGIS
// stores one (its columns f_table_catalog, f_table_schema, f_table_name,
// f_geometry_column, styleName, styleQML, styleSLD, useAsDefault,
// description, owner, ui, update_time), as the layer's default: QGIS
// draws the layer with it when the file is opened. update_time is the
// layer's last_change, so the bytes stay deterministic.
type Style struct {
	Name, QML, SLD, Description string
}

// WriteStyled is WriteSRS with a QGIS style for the layer (none when
// st.QML is empty).
func WriteStyled(path, layer string, feats []geodata.Feature, epsg int, st Style) error {
	return WriteLayers(path, epsg, PolygonLayer(layer, feats, st))
}

// WritePoints writes point features to a new GeoPackage as WriteSRS does
// polygons: pts[i] ({x, y}: lon, lat for EPSG:4326) with properties
// props[i], in the system of the EPSG code epsg; whole or not at all.
func WritePoints(path, layer string, pts []orb.Point, props [][]geodata.Prop, epsg int) error {
	geoms := make([]orb.Geometry, len(pts))
	for i, p := range pts {
		geoms[i] = p
	}
	return WriteLayers(path, epsg, Layer{Name: layer, Points: true, Geoms: geoms, Props: props})
}

// Layer is one feature table of a GeoPackage: its name (the table's, and
// its identifier), the geometries of its features, every one an
// orb.MultiPolygon or, with Points, every one an orb.Point, Props[i] the
// properties of Geoms[i] (one column per property, TEXT, REAL or INTEGER
// by its first value, in the order the features first name them; a
// geodata.Fixed is stored rounded to its digits, a bool as 0 or 1), and
// its QGIS style (none when Style.QML is empty).
type Layer struct {
	Name   string
	Points bool
	Geoms  []orb.Geometry
	Props  [][]geodata.Prop
	Style  Style
}

// PolygonLayer is the layer of polygon features, each written as a
// multipolygon of its one polygon (f.Polygon) with its properties.
func PolygonLayer(name string, feats []geodata.Feature, st Style) Layer {
	l := Layer{Name: name, Style: st, Geoms: make([]orb.Geometry, len(feats)), Props: make([][]geodata.Prop, len(feats))}
	for i, f := range feats {
		l.Geoms[i], l.Props[i] = orb.MultiPolygon{f.Polygon}, f.Props
	}
	return l
}

// WriteLayers writes the layers, in their order, to a new GeoPackage,
// every one in the system of the EPSG code epsg (4326 for WGS84 lon, lat;
// another code is recorded with no WKT definition, as WriteSRS does), each
// with its own row in layer_styles when it has a style. The file is
// written whole or not at all, and its bytes depend only on the layers
// and SOURCE_DATE_EPOCH, as Write's do; one layer gives the very bytes
// WriteStyled writes. Layer names must be distinct, non-empty and not
// those of the GeoPackage's own tables (gpkg_..., layer_styles); a
// geometry of the wrong type is an error. Nothing is written on error.
func WriteLayers(path string, epsg int, layers ...Layer) error {
	if err := checkLayers(layers); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	stamp, err := lastChange()
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return geodata.BuildFileAtomic(path, func(tmp string) error {
		return build(tmp, stamp, layers, epsg)
	})
}

// checkLayers checks the layers' names, geometry types and property
// counts.
func checkLayers(layers []Layer) error {
	if len(layers) == 0 {
		return errors.New("no layer to write")
	}
	seen := map[string]bool{}
	for _, l := range layers {
		low := strings.ToLower(l.Name)
		switch {
		case l.Name == "":
			return errors.New("a layer has no name")
		case seen[low]:
			return fmt.Errorf("layer %q twice", l.Name)
		case strings.HasPrefix(low, "gpkg_") || strings.HasPrefix(low, "sqlite_") || low == "layer_styles":
			return fmt.Errorf("layer %q: the name of a GeoPackage table of its own", l.Name)
		case len(l.Props) != len(l.Geoms):
			return fmt.Errorf("layer %q: %d geometries, %d property lists", l.Name, len(l.Geoms), len(l.Props))
		}
		seen[low] = true
		for i, g := range l.Geoms {
			_, pt := g.(orb.Point)
			_, mp := g.(orb.MultiPolygon)
			if (l.Points && !pt) || (!l.Points && !mp) {
				return fmt.Errorf("layer %q: feature %d: geometry %T, want %s", l.Name, i, g, l.geomType())
			}
		}
	}
	return nil
}

// geomType is the layer's geometry type name in gpkg_geometry_columns.
func (l Layer) geomType() string {
	if l.Points {
		return "POINT"
	}
	return "MULTIPOLYGON"
}

// unrecordedTime is the last_change of a GeoPackage written without
// SOURCE_DATE_EPOCH: a fixed value, so that output is byte-deterministic.
const unrecordedTime = "1970-01-01T00:00:00.000Z"

// lastChange is the time a GeoPackage records as its layer's last change,
// in its format (ISO 8601, UTC, milliseconds): SOURCE_DATE_EPOCH
// (https://reproducible-builds.org/specs/source-date-epoch/) when it is
// set, else unrecordedTime.
func lastChange() (string, error) {
	v, ok := os.LookupEnv("SOURCE_DATE_EPOCH")
	if !ok || v == "" {
		return unrecordedTime, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	// 253402300799 is 9999-12-31T23:59:59Z, the last second ISO 8601's
	// four-digit years can write.
	if err != nil || n < 0 || n > 253402300799 || strconv.FormatInt(n, 10) != v {
		return "", fmt.Errorf("SOURCE_DATE_EPOCH %q is not a whole number of seconds since 1970-01-01 (0 to 253402300799)", v)
	}
	return time.Unix(n, 0).UTC().Format("2006-01-02T15:04:05.000Z"), nil
}

// build writes the GeoPackage into the empty file tmp: the GeoPackage's
// own tables, then each layer in turn (its table, its rows in
// gpkg_contents, gpkg_geometry_columns and layer_styles, its features),
// so that one layer is laid out as it always was.
func build(tmp, stamp string, layers []Layer, epsg int) (err error) {
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(tmp))
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}()
	// One connection, so that the pragma holds for the transaction; the
	// rollback journal in memory, so that no -journal file is left beside
	// the temporary one (which is discarded whole on any error anyway).
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`PRAGMA journal_mode = MEMORY`); err != nil {
		return err
	}
	stmts := []string{
		`PRAGMA application_id = 1196444487`, // "GPKG"
		`PRAGMA user_version = 10300`,
		`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
			organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
		`INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system')`,
		`INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system')`,
		`INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, '` + wgs84WKT + `', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`,
		fmt.Sprintf(`INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('EPSG:%d', %d, 'EPSG', %d, 'undefined', '')`, epsg, epsg, epsg),
		`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
			description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
			min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
			CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
		`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
			srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
			CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
			CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
			CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, s := range stmts {
		if _, err := tx.Exec(s); err != nil {
			return err
		}
	}
	styles := false
	for _, l := range layers {
		if err := writeLayer(tx, l, stamp, epsg, &styles); err != nil {
			return fmt.Errorf("layer %q: %w", l.Name, err)
		}
	}
	return tx.Commit() // the deferred close then ends the file
}

// writeLayer writes one layer in the transaction tx; *styles says whether
// the layer_styles table is made yet (it is made with the first style).
func writeLayer(tx *sql.Tx, l Layer, stamp string, epsg int, styles *bool) error {
	// Columns, in the order the features first name them.
	type column struct{ name, typ string }
	var cols []column
	seen := map[string]bool{}
	for _, fp := range l.Props {
		for _, p := range fp {
			if seen[p.Key] || p.Value == nil {
				continue
			}
			seen[p.Key] = true
			typ := "TEXT"
			switch p.Value.(type) {
			case float64, float32, geodata.Fixed:
				typ = "REAL"
			case int, int64, bool:
				typ = "INTEGER"
			}
			cols = append(cols, column{p.Key, typ})
		}
	}
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, g := range l.Geoms {
		b := g.Bound()
		minX, minY = math.Min(minX, b.Min[0]), math.Min(minY, b.Min[1])
		maxX, maxY = math.Max(maxX, b.Max[0]), math.Max(maxY, b.Max[1])
	}
	if len(l.Geoms) == 0 {
		minX, minY, maxX, maxY = 0, 0, 0, 0
	}
	typ := l.geomType()
	def := []string{"fid INTEGER PRIMARY KEY AUTOINCREMENT", "geom " + typ}
	for _, c := range cols {
		def = append(def, quote(c.name)+" "+c.typ)
	}
	if _, err := tx.Exec(`CREATE TABLE ` + quote(l.Name) + ` (` + strings.Join(def, ", ") + `)`); err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?)`,
		l.Name, l.Name, stamp, minX, minY, maxX, maxY, epsg); err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)`, l.Name, typ, epsg); err != nil {
		return err
	}
	if st := l.Style; st.QML != "" {
		if !*styles {
			// QGIS's own definition of the table (QgsOgrProviderUtils).
			if _, err := tx.Exec(`CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256),
			f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
			styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME)`); err != nil {
				return err
			}
			*styles = true
		}
		if _, err := tx.Exec(`INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,
			styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) VALUES ('', '', ?, 'geom', ?, ?, ?, 1, ?, '', NULL, ?)`,
			l.Name, st.Name, st.QML, st.SLD, st.Description, stamp); err != nil {
			return err
		}
	}
	names := []string{"geom"}
	marks := []string{"?"}
	for _, c := range cols {
		names = append(names, quote(c.name))
		marks = append(marks, "?")
	}
	ins, err := tx.Prepare(`INSERT INTO ` + quote(l.Name) + ` (` + strings.Join(names, ", ") + `) VALUES (` + strings.Join(marks, ", ") + `)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for i, g := range l.Geoms {
		args := []any{gpkgBlob(g, epsg)}
		for _, c := range cols {
			var v any
			for _, p := range l.Props[i] {
				if p.Key == c.name {
					v = p.Value
				}
			}
			if fx, ok := v.(geodata.Fixed); ok {
				v = roundTo(fx.V, fx.Digits)
			}
			args = append(args, v)
		}
		if _, err := ins.Exec(args...); err != nil {
			return err
		}
	}
	return nil
}

// roundTo rounds v to the given number of decimals, as the text outputs
// write it.
func roundTo(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// gpkgBlob encodes a multipolygon or a point as a GeoPackage geometry:
// the "GP" header, little-endian, SRS srs, with an XY envelope; then WKB,
// with coordinates rounded to 1e-7 (degrees) as in the GeoJSON outputs.
func gpkgBlob(g orb.Geometry, srs int) []byte {
	le := binary.LittleEndian
	b := []byte{'G', 'P', 0, 1<<1 | 1}
	b = le.AppendUint32(b, uint32(srs))
	bd := g.Bound()
	for _, v := range []float64{bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1]} {
		b = le.AppendUint64(b, math.Float64bits(v))
	}
	b = append(b, 1)
	if p, ok := g.(orb.Point); ok {
		b = le.AppendUint32(b, 1)
		b = le.AppendUint64(b, math.Float64bits(roundTo(p[0], 7)))
		return le.AppendUint64(b, math.Float64bits(roundTo(p[1], 7)))
	}
	mp := g.(orb.MultiPolygon)
	b = le.AppendUint32(b, 6)
	b = le.AppendUint32(b, uint32(len(mp)))
	for _, poly := range mp {
		b = append(b, 1)
		b = le.AppendUint32(b, 3)
		b = le.AppendUint32(b, uint32(len(poly)))
		for _, r := range poly {
			b = le.AppendUint32(b, uint32(len(r)))
			for _, p := range r {
				b = le.AppendUint64(b, math.Float64bits(roundTo(p[0], 7)))
				b = le.AppendUint64(b, math.Float64bits(roundTo(p[1], 7)))
			}
		}
	}
	return b
}

package gpkg

import (
	"database/sql"
	"encoding/binary"
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
	geoms := make([]orb.Geometry, len(feats))
	props := make([][]geodata.Prop, len(feats))
	for i, f := range feats {
		geoms[i], props[i] = orb.MultiPolygon{f.Polygon}, f.Props
	}
	return writeLayer(path, layer, "MULTIPOLYGON", geoms, props, epsg, st)
}

// WritePoints writes point features to a new GeoPackage as WriteSRS does
// polygons: pts[i] ({x, y}: lon, lat for EPSG:4326) with properties
// props[i], in the system of the EPSG code epsg; whole or not at all.
func WritePoints(path, layer string, pts []orb.Point, props [][]geodata.Prop, epsg int) error {
	geoms := make([]orb.Geometry, len(pts))
	for i, p := range pts {
		geoms[i] = p
	}
	return writeLayer(path, layer, "POINT", geoms, props, epsg, Style{})
}

// writeLayer writes one feature layer of geometry type typ (MULTIPOLYGON
// or POINT), geoms[i] with the properties props[i].
func writeLayer(path, layer, typ string, geoms []orb.Geometry, props [][]geodata.Prop, epsg int, st Style) error {
	stamp, err := lastChange()
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return geodata.BuildFileAtomic(path, func(tmp string) error {
		return build(tmp, stamp, layer, typ, geoms, props, epsg, st)
	})
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

// build writes the GeoPackage into the empty file tmp.
func build(tmp, stamp, layer, typ string, geoms []orb.Geometry, props [][]geodata.Prop, epsg int, st Style) (err error) {
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
	// Columns, in the order of the first feature's properties.
	type column struct{ name, typ string }
	var cols []column
	seen := map[string]bool{}
	for _, fp := range props {
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
	for _, g := range geoms {
		b := g.Bound()
		minX, minY = math.Min(minX, b.Min[0]), math.Min(minY, b.Min[1])
		maxX, maxY = math.Max(maxX, b.Max[0]), math.Max(maxY, b.Max[1])
	}
	if len(geoms) == 0 {
		minX, minY, maxX, maxY = 0, 0, 0, 0
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
	def := []string{"fid INTEGER PRIMARY KEY AUTOINCREMENT", "geom " + typ}
	for _, c := range cols {
		def = append(def, quote(c.name)+" "+c.typ)
	}
	stmts = append(stmts, `CREATE TABLE `+quote(layer)+` (`+strings.Join(def, ", ")+`)`)
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
	if _, err := tx.Exec(`INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?)`,
		layer, layer, stamp, minX, minY, maxX, maxY, epsg); err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)`, layer, typ, epsg); err != nil {
		return err
	}
	if st.QML != "" {
		// QGIS's own definition of the table (QgsOgrProviderUtils).
		if _, err := tx.Exec(`CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256),
			f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
			styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME)`); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,
			styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) VALUES ('', '', ?, 'geom', ?, ?, ?, 1, ?, '', NULL, ?)`,
			layer, st.Name, st.QML, st.SLD, st.Description, stamp); err != nil {
			return err
		}
	}
	names := []string{"geom"}
	marks := []string{"?"}
	for _, c := range cols {
		names = append(names, quote(c.name))
		marks = append(marks, "?")
	}
	ins, err := tx.Prepare(`INSERT INTO ` + quote(layer) + ` (` + strings.Join(names, ", ") + `) VALUES (` + strings.Join(marks, ", ") + `)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for i, g := range geoms {
		args := []any{gpkgBlob(g, epsg)}
		for _, c := range cols {
			var v any
			for _, p := range props[i] {
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
	return tx.Commit() // the deferred close then ends the file
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

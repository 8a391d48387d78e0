package postgis

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/covaudit/covaudit/geodata/gpkg"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ConnectTimeout bounds the wait for a server that does not answer.
const ConnectTimeout = 30 * time.Second

// Layer is what Read read: the rows as a geodata.Layer, with what names
// each row in messages and a digest of the data for the report.
type Layer struct {
	*geodata.Layer
	// SHA256 is the hex SHA-256 of the rows as read (geometries as WKB,
	// SRIDs, attribute texts): it changes when the data does. Bytes is
	// their size.
	SHA256 string
	Bytes  int64
	keys   []string // each row's primary key ("ogc_fid 5"), or ""
}

// connect opens a connection, naming the URL in its error.
func connect(ctx context.Context, s *Source) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	conn, err := pgx.Connect(cctx, s.conn)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot connect: %v", s.Name, err)
	}
	return conn, nil
}

// sqlError is a database error without the driver's prefix.
func sqlError(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.Detail != "" {
			msg += " (" + pe.Detail + ")"
		}
		return msg + " [SQLSTATE " + pe.Code + "]"
	}
	return err.Error()
}

// Read reads every row of a source given by ParseInput. want names the
// geometry types the caller takes ("Polygon or MultiPolygon"), for the
// message on a row of another type. A null geometry, a geometry of a type
// the readers do not take, undecodable WKB and an SRID other than the
// first row's are problems of their row (LayerFeature.Problem); an SRID
// the database or geodata/crs does not know, a missing table, column or
// PostGIS, and a connection that fails are errors. SRID 0 leaves the
// layer without a system (WGS84 unless the caller says otherwise). Rows
// come in primary-key order for a table that has one, else in the
// database's order (a query's ORDER BY).
func Read(ctx context.Context, s *Source, want string) (*Layer, error) {
	conn, err := connect(ctx, s)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	where := s.Name + ": " + s.what()
	geomTypes := map[uint32]string{}
	rows, err := conn.Query(ctx, `SELECT oid, typname FROM pg_type WHERE typname IN ('geometry', 'geography')`)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", where, sqlError(err))
	}
	for rows.Next() {
		var oid uint32
		var name string
		if err := rows.Scan(&oid, &name); err != nil {
			return nil, fmt.Errorf("%s: %s", where, sqlError(err))
		}
		geomTypes[oid] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %s", where, sqlError(err))
	}
	if len(geomTypes) == 0 {
		return nil, fmt.Errorf("%s: the database has no geometry type: PostGIS is not installed in it (CREATE EXTENSION postgis)", s.Name)
	}
	// The columns, from the source's description.
	rows, err = conn.Query(ctx, `SELECT * FROM `+s.from()+` AS src LIMIT 0`)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", where, sqlError(err))
	}
	fields := rows.FieldDescriptions()
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %s", where, sqlError(err))
	}
	var geoms, attrs []string
	for _, f := range fields {
		if _, ok := geomTypes[f.DataTypeOID]; ok {
			geoms = append(geoms, f.Name)
		} else {
			attrs = append(attrs, f.Name)
		}
	}
	geom := s.Geom
	switch {
	case geom != "":
		found := false
		for _, g := range geoms {
			found = found || g == geom
		}
		if !found {
			return nil, fmt.Errorf("%s: no geometry column %q (geometry columns: %s)", where, geom, listOr(geoms, "none"))
		}
	case len(geoms) == 1:
		geom = geoms[0]
	case len(geoms) == 0:
		return nil, fmt.Errorf("%s: no geometry column (columns: %s)", where, listOr(attrs, "none"))
	default:
		return nil, fmt.Errorf("%s: %d geometry columns (%s): choose one with geom=NAME", where, len(geoms), strings.Join(geoms, ", "))
	}
	var pk []string
	if s.Table != "" {
		if pk, err = primaryKey(ctx, conn, s.ident()); err != nil {
			return nil, fmt.Errorf("%s: %s", where, sqlError(err))
		}
	}
	g := `src.` + pgx.Identifier{geom}.Sanitize() + `::geometry`
	sel := []string{`ST_AsBinary(` + g + `)`, `ST_SRID(` + g + `)`, `GeometryType(` + g + `)`}
	for _, a := range attrs {
		sel = append(sel, `src.`+pgx.Identifier{a}.Sanitize()+`::text`)
	}
	q := `SELECT ` + strings.Join(sel, ", ") + ` FROM ` + s.from() + ` AS src`
	if len(pk) > 0 {
		var order []string
		for _, k := range pk {
			order = append(order, `src.`+pgx.Identifier{k}.Sanitize())
		}
		q += ` ORDER BY ` + strings.Join(order, ", ")
	}
	rows, err = conn.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", where, sqlError(err))
	}
	defer rows.Close()
	l := &Layer{Layer: &geodata.Layer{Name: s.Name}}
	h := sha256.New()
	var (
		wkb   []byte
		srid  *int32
		gtype *string
	)
	texts := make([]*string, len(attrs))
	dest := []any{&wkb, &srid, &gtype}
	for i := range texts {
		dest = append(dest, &texts[i])
	}
	first := int32(-1) // the first row's SRID
	firstRow := 0
	for rows.Next() {
		i := len(l.Features)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("%s: row %d: %s", where, i+1, sqlError(err))
		}
		f := geodata.LayerFeature{Index: i, Attrs: map[string]string{}}
		var key []string
		for k, a := range attrs {
			h.Write(binary.AppendUvarint(nil, uint64(k)))
			if texts[k] == nil {
				h.Write([]byte{0})
				continue
			}
			f.Attrs[a] = *texts[k]
			h.Write(binary.AppendUvarint([]byte{1}, uint64(len(*texts[k]))))
			h.Write([]byte(*texts[k]))
			l.Bytes += int64(len(*texts[k]))
		}
		for _, k := range pk {
			key = append(key, k+" "+f.Attrs[k])
		}
		h.Write(binary.AppendUvarint(nil, uint64(len(wkb))))
		h.Write(wkb)
		l.Bytes += int64(len(wkb))
		switch {
		case wkb == nil:
			f.Problem = "null geometry"
		case !takes(*gtype):
			f.Problem = fmt.Sprintf("geometry type %s, want %s", *gtype, want)
		default:
			h.Write(binary.BigEndian.AppendUint32(nil, uint32(*srid)))
			if first < 0 {
				first, firstRow = *srid, i+1
			} else if *srid != first {
				f.Problem = fmt.Sprintf("SRID %d, but row %d is SRID %d: the rows of one source share one system (ST_Transform them in a query)", *srid, firstRow, first)
				break
			}
			if f.Geometry, err = gpkg.DecodeWKB(wkb); err != nil {
				f.Geometry, f.Problem = nil, err.Error()
			}
		}
		l.Features = append(l.Features, f)
		l.keys = append(l.keys, strings.Join(key, ", "))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: row %d: %s", where, len(l.Features)+1, sqlError(err))
	}
	if first > 0 {
		c, err := system(ctx, conn, first)
		if err != nil {
			return nil, fmt.Errorf("%s: column %q: %v", where, geom, err)
		}
		l.CRS, l.HasCRS = c, true
	}
	l.SHA256 = hex.EncodeToString(h.Sum(nil))
	return l, nil
}

// takes says whether a PostGIS geometry type (GeometryType: POINT,
// POLYGONM, ...) is one the readers take.
func takes(t string) bool {
	switch strings.TrimSuffix(t, "M") {
	case "POINT", "MULTIPOINT", "POLYGON", "MULTIPOLYGON":
		return true
	}
	return false
}

// primaryKey is a table's primary key columns, in key order.
func primaryKey(ctx context.Context, conn *pgx.Conn, table string) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT a.attname FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		WHERE i.indrelid = $1::regclass AND i.indisprimary
		ORDER BY array_position(i.indkey::int2[], a.attnum)`, table)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// system is the coordinate system of an SRID: its spatial_ref_sys entry
// by EPSG code, else by its WKT.
func system(ctx context.Context, conn *pgx.Conn, srid int32) (crs.CRS, error) {
	var auth, wkt *string
	var code *int32
	err := conn.QueryRow(ctx, `SELECT auth_name, auth_srid, srtext FROM spatial_ref_sys WHERE srid = $1`, srid).Scan(&auth, &code, &wkt)
	if errors.Is(err, pgx.ErrNoRows) {
		return crs.CRS{}, fmt.Errorf("SRID %d is unknown: the database's spatial_ref_sys has no such system", srid)
	}
	if err != nil {
		return crs.CRS{}, errors.New(sqlError(err))
	}
	if auth != nil && code != nil && strings.EqualFold(*auth, "EPSG") {
		if c, ok := crs.FromEPSG(int(*code)); ok {
			return c, nil
		}
	}
	if wkt != nil && *wkt != "" {
		c, werr := crs.FromWKT(*wkt)
		if werr == nil {
			return c, nil
		}
		if auth != nil && code != nil {
			return crs.CRS{}, fmt.Errorf("SRID %d (%s:%d) is not supported: %v", srid, *auth, *code, werr)
		}
		return crs.CRS{}, fmt.Errorf("SRID %d is not supported: %v", srid, werr)
	}
	return crs.CRS{}, fmt.Errorf("SRID %d is unknown: spatial_ref_sys gives it no EPSG code covaudit knows and no definition", srid)
}

// Place rewrites problems a geodata reader found in the layer (by
// feature index) to name the row: "row 3 (ogc_fid 7)". Problems without
// a feature are left as they are.
func (l *Layer) Place(ps geodata.Problems) geodata.Problems {
	for i, p := range ps {
		if p.Feature < 0 || p.Line > 0 || p.Feature >= len(l.keys) {
			continue
		}
		at := "row " + strconv.Itoa(p.Feature+1)
		var extra []string
		if k := l.keys[p.Feature]; k != "" {
			extra = append(extra, k)
		}
		if p.ID != "" && p.ID != strconv.Itoa(p.Feature+1) {
			extra = append(extra, fmt.Sprintf("id %q", p.ID))
		}
		if len(extra) > 0 {
			at += " (" + strings.Join(extra, ", ") + ")"
		}
		ps[i].Msg = at + ": " + p.Msg
		ps[i].Feature = -1
	}
	return ps
}

func listOr(items []string, none string) string {
	if len(items) == 0 {
		return none
	}
	return strings.Join(items, ", ")
}

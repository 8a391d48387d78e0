package audit

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/postgis"
	"github.com/paulmach/orb"
)

// dbRead is what was read from a database input: the digest and size of
// its rows, for the report's meta (filled by readDB).
type dbRead struct {
	sum string
	n   int64
}

// dbInput is an input read from a PostgreSQL table or query: the URL is
// checked now, the rows read by readDB.
func dbInput(role, url string) (input, error) {
	src, err := postgis.ParseInput(url)
	if err != nil {
		return input{}, UsageError{fmt.Sprintf("--%s: %v", role, err)}
	}
	db := &dbRead{}
	return input{role: role, name: src.Name, url: url, db: db, digest: func() string { return db.sum }}, nil
}

// readDB reads a database input's rows; want names the geometry types
// the caller takes, for messages.
func (in input) readDB(ctx context.Context, want string) (*postgis.Layer, error) {
	src, err := postgis.ParseInput(in.url)
	if err != nil {
		return nil, err
	}
	l, err := postgis.Read(ctx, src, want)
	if err != nil {
		return nil, err
	}
	in.db.sum, in.db.n = l.SHA256, l.Bytes
	return l, nil
}

// stationsOf reads points as stations (the stations, suggest's
// candidates, nearest's points) from a file or a database input.
func stationsOf(ctx context.Context, in input, so geodata.StationOptions) ([]coverage.Station, geodata.Problems, error) {
	if in.url == "" {
		return geodata.ReadStations(bytes.NewReader(in.data), in.name, so)
	}
	l, err := in.readDB(ctx, "Point or MultiPoint")
	if err != nil {
		return nil, nil, err
	}
	st, probs := geodata.StationsFromLayer(l.Layer, in.name, so)
	return st, l.Place(probs), nil
}

// stationsReportTable writes the stations report to a database table:
// the CSV's columns (numbers as numbers) and each station as a point.
func (a *Audit) stationsReportTable(url string) error {
	head, rows := a.stationsReportRows()
	pts := make([]orb.Point, len(rows))
	props := make([][]geodata.Prop, len(rows))
	for i, row := range rows {
		pts[i] = a.Stations[i].Point
		for k, h := range head {
			var v any = row[k]
			switch h {
			case "lon", "lat", "sole_area_m2", "sole_people":
				f, err := strconv.ParseFloat(row[k], 64)
				if err != nil {
					return fmt.Errorf("station %s: %s %q: %v", row[0], h, row[k], err)
				}
				v = f
			}
			props[i] = append(props[i], geodata.Prop{Key: h, Value: v})
		}
	}
	return postgis.WritePoints(context.Background(), url, pts, props, 4326)
}

// ReadTable reads a postgresql:// input (a table or a query) as a layer,
// as the audit reads it: covaudit validate reads database inputs this way.
// role names the flag ("stations", "districts") and want the geometry
// types the caller takes, for messages. The returned name is the URL
// without its password; place adds each problem's row (its primary key)
// to problems found in the layer.
func ReadTable(ctx context.Context, role, url, want string) (l *geodata.Layer, name string, place func(geodata.Problems) geodata.Problems, err error) {
	in, err := dbInput(role, url)
	if err != nil {
		return nil, "", nil, err
	}
	dl, err := in.readDB(ctx, want)
	if err != nil {
		return nil, "", nil, InputError{err}
	}
	return dl.Layer, in.name, dl.Place, nil
}

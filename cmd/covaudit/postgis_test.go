package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// demoServicesWith writes dir/stations.geojson, the demo's services with a
// numeric property prop of value(i) on the i-th, and returns its path.
func demoServicesWith(t *testing.T, dir, prop string, value func(i int) float64) string {
	t.Helper()
	var fc struct {
		Type     string           `json:"type"`
		Features []map[string]any `json:"features"`
	}
	data, err := os.ReadFile(demoServices)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		t.Fatal(err)
	}
	for i, f := range fc.Features {
		f["properties"].(map[string]any)[prop] = value(i)
	}
	b, _ := json.Marshal(fc)
	stations := filepath.Join(dir, "stations.geojson")
	if err := os.WriteFile(stations, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return stations
}

// withoutInputs is a JSON report without what names its inputs (meta's
// inputs: paths or URLs and their digests) and the attribution, which
// follows the demo files' bytes: the rest must be the same from a file
// and from a database.
func withoutInputs(t *testing.T, report string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(report), &m); err != nil {
		t.Fatalf("%v: %.300s", err, report)
	}
	delete(m["meta"].(map[string]any), "inputs")
	delete(m, "attribution")
	b, _ := json.MarshalIndent(m, "", " ")
	return string(b)
}

// TestPostGISAuditEqualsFiles loads the Andorra demo data (with a station
// delay column, and population points) into PostGIS with ogr2ogr, audits
// it from the database and from the files (rural parishes by road), and
// checks that the reports agree to the bit; the districts also go in
// projected (ETRS89 / UTM 31N, EPSG:25831) and are compared with a
// GeoPackage that ogr2ogr copies from that table, the same doubles.
// Then the round trip: gaps and the stations report written to tables
// equal the GeoJSON and CSV outputs.
func TestPostGISAuditEqualsFiles(t *testing.T) {
	c := pgtest.Start(t)
	db := c.NewDB(t)
	dir := t.TempDir()
	// Stations with a delay column: a copy of the demo's services.
	stations := demoServicesWith(t, dir, "delay", func(i int) float64 { return float64(i%5) * 45 })
	var pop strings.Builder
	pop.WriteString("name,lon,lat,population\n")
	for i := range 30 {
		for j := range 20 {
			fmt.Fprintf(&pop, "v%d-%d,%.6f,%.6f,%d\n", i, j, 1.41+0.0093*float64(i), 42.43+0.0131*float64(j), 5+(i*j)%83)
		}
	}
	people := filepath.Join(dir, "people.csv")
	os.WriteFile(people, []byte(pop.String()), 0o644)

	c.Load(t, db, demoParishes, "districts")
	c.Load(t, db, stations, "stations")
	c.Load(t, db, people, "people", "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-a_srs", "EPSG:4326")
	c.Load(t, db, demoParishes, "districts_utm", "-t_srs", "EPSG:25831")
	utm := filepath.Join(dir, "districts_utm.gpkg")
	c.Export(t, db, "districts_utm", utm)
	u := c.URL(db)

	roads := []string{"--roads", "../../audit/demodata/andorra-roads.osm.pbf", "--delay-col", "delay", "--max-access", "500m"}
	audit := func(districts, stations, population string, more ...string) string {
		t.Helper()
		args := append([]string{"check", "--format", "json", "--districts", districts, "--stations", stations, "--population", population}, more...)
		code, out, errOut := runCLI(t, "", args...)
		if code != 0 && code != 1 {
			t.Fatalf("covaudit %s: exit %d: %s", strings.Join(args, " "), code, errOut)
		}
		return withoutInputs(t, out)
	}
	fileGaps, fileReport := filepath.Join(dir, "gaps.geojson"), filepath.Join(dir, "stations.csv")
	// By road (the stations report is left to the second pair: by road
	// it takes a minute).
	fromFiles := audit(demoParishes, stations, people, append(roads, "--gaps", fileGaps)...)
	fromDB := audit(u+"&table=districts", u+"&table=stations", u+"&query=SELECT population, geom FROM people ORDER BY ogc_fid",
		append(roads, "--gaps", u+"&table=gaps")...)
	if fromDB != fromFiles {
		t.Errorf("the audit from PostGIS differs from the audit from the files:\n%s\nfiles:\n%s", fromDB, fromFiles)
	}
	if !strings.Contains(fromFiles, `"population_uncovered"`) || !strings.Contains(fromFiles, `"road-time"`) {
		t.Errorf("the audit does not count people or use the road rule: %.500s", fromFiles)
	}
	fromUTMFile := audit(utm, stations, people, "--stations-report", fileReport)
	fromUTMDB := audit(u+"&table=districts_utm", u+"&table=stations", u+"&table=people", "--stations-report", u+"&table=stations_report&mode=replace")
	if fromUTMDB != fromUTMFile {
		t.Errorf("EPSG:25831: the audit from PostGIS differs from the audit from the GeoPackage:\n%s\ngpkg:\n%s", fromUTMDB, fromUTMFile)
	}

	// Gaps: the table holds the GeoJSON's features, coordinates and
	// properties alike; PostGIS's geodesic area of each is its area_m2.
	var gj struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   json.RawMessage
		} `json:"features"`
	}
	data, _ := os.ReadFile(fileGaps)
	if err := json.Unmarshal(data, &gj); err != nil {
		t.Fatal(err)
	}
	if len(gj.Features) < 3 {
		t.Fatalf("%d gaps: too few to test the round trip", len(gj.Features))
	}
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), `SELECT ST_AsGeoJSON(geom), ST_Area(geom::geography), to_jsonb(g) - 'geom' - 'fid' FROM gaps g ORDER BY fid`)
	if err != nil {
		t.Fatal(err)
	}
	type gapRow struct {
		geom  string
		area  float64
		props map[string]any
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (gapRow, error) {
		var g gapRow
		err := r.Scan(&g.geom, &g.area, &g.props)
		return g, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(gj.Features) {
		t.Fatalf("gaps table: %d rows, the GeoJSON %d features", len(got), len(gj.Features))
	}
	for i, f := range gj.Features {
		var want, have struct {
			Type        string
			Coordinates [][][2]float64
		}
		json.Unmarshal(f.Geometry, &want)
		json.Unmarshal([]byte(got[i].geom), &have)
		if !reflect.DeepEqual(want, have) {
			t.Errorf("gap %d: the table's polygon differs from the GeoJSON's", i+1)
		}
		props := map[string]any{}
		for k, v := range f.Properties {
			if k != "fill" && k != "stroke" && !strings.HasPrefix(k, "fill-") && !strings.HasPrefix(k, "stroke-") {
				props[k] = v
			}
		}
		// The table carries the data's notice on every row, as a
		// GeoPackage does (the GeoJSON once, on the collection).
		if !strings.Contains(fmt.Sprint(got[i].props["attribution"]), "OpenStreetMap contributors") {
			t.Errorf("gap %d: no attribution column: %v", i+1, got[i].props)
		}
		delete(got[i].props, "attribution")
		for k, v := range got[i].props {
			if v == nil {
				if _, ok := props[k]; !ok || props[k] == nil {
					delete(got[i].props, k)
					delete(props, k)
				}
			}
		}
		if !reflect.DeepEqual(props, got[i].props) {
			t.Errorf("gap %d: table properties %v, GeoJSON %v", i+1, got[i].props, props)
		}
		// The polygon's arcs are chords within 0.5 m, so its area is
		// within a little of the exact one.
		a := f.Properties["area_m2"].(float64)
		if d := got[i].area - a; d > 1e-3*a+10 || d < -1e-3*a-10 {
			t.Errorf("gap %d: ST_Area(geography) %.2f m², area_m2 %.2f", i+1, got[i].area, a)
		}
	}
	// The stations report: the CSV's rows.
	f, _ := os.Open(fileReport)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows, err = conn.Query(context.Background(), `SELECT id, name, lon::text, lat::text, sole_area_m2::text, sole_people::text, districts, ST_AsText(geom) FROM stations_report ORDER BY fid`)
	if err != nil {
		t.Fatal(err)
	}
	srows, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([]string, error) {
		v := make([]string, 8)
		err := r.Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7])
		return v, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(srows) != len(recs)-1 {
		t.Fatalf("stations report: %d rows, the CSV %d", len(srows), len(recs)-1)
	}
	for i, rec := range recs[1:] {
		same := srows[i][7] == fmt.Sprintf("POINT(%s %s)", srows[i][2], srows[i][3])
		for k := range rec {
			a, errA := strconv.ParseFloat(rec[k], 64)
			b, errB := strconv.ParseFloat(srows[i][k], 64)
			same = same && (srows[i][k] == rec[k] || errA == nil && errB == nil && a == b)
		}
		if !same {
			t.Errorf("stations report row %d: table %q, CSV %q", i+1, srows[i], rec)
		}
	}
}

// TestPostGISWriteRollsBack: a write that fails midway (a CHECK that a
// later row breaks; a column of a conflicting type) leaves the table as
// it was, and says which row failed.
func TestPostGISWriteRollsBack(t *testing.T) {
	c := pgtest.Start(t)
	db := c.NewDB(t)
	u := c.URL(db)
	gaps := u + "&table=gaps"
	if code, _, errOut := runCLI(t, "", "check", "--gaps", gaps); code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	snapshot := func() string {
		t.Helper()
		var s string
		if err := conn.QueryRow(context.Background(), `SELECT count(*) || ' ' || md5(string_agg(g::text, '|' ORDER BY fid)) FROM gaps g`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	var areas []float64
	rows, _ := conn.Query(context.Background(), `SELECT area_m2 FROM gaps ORDER BY fid`)
	areas, err = pgx.CollectRows(rows, pgx.RowTo[float64])
	if err != nil {
		t.Fatal(err)
	}
	// The first row larger than every row before it: appending fails there.
	m := -1
	for i := 1; i < len(areas) && m < 0; i++ {
		if areas[i] > slicesMax(areas[:i]) {
			m = i
		}
	}
	if m < 0 {
		t.Fatalf("no row to fail on among %v", areas)
	}
	c.Exec(t, db, fmt.Sprintf(`ALTER TABLE gaps ADD CONSTRAINT small CHECK (area_m2 < %v) NOT VALID`, areas[m]))
	before := snapshot()
	code, _, errOut := runCLI(t, "", "check", "--gaps", gaps+"&mode=append")
	if code != 2 || !strings.Contains(errOut, fmt.Sprintf("row %d: ", m+1)) || !strings.Contains(errOut, `"small"`) || !strings.Contains(errOut, "rolled back") {
		t.Errorf("append breaking the CHECK at row %d: exit %d, %s", m+1, code, errOut)
	}
	if after := snapshot(); after != before {
		t.Errorf("the failed append changed the table: %s, was %s", after, before)
	}
	// A column of another type: the first row fails.
	c.Exec(t, db, `ALTER TABLE gaps DROP CONSTRAINT small; ALTER TABLE gaps ALTER COLUMN kind TYPE date USING NULL`)
	before = snapshot()
	code, _, errOut = runCLI(t, "", "check", "--gaps", gaps+"&mode=append")
	if code != 2 || !strings.Contains(errOut, "table \"gaps\": row 1: ") || !strings.Contains(errOut, "date") {
		t.Errorf("append into a date column: exit %d, %s", code, errOut)
	}
	if after := snapshot(); after != before {
		t.Errorf("the failed append changed the table: %s, was %s", after, before)
	}
	// replace is one transaction too: a view on the table stops the drop.
	c.Exec(t, db, `CREATE VIEW gap_view AS SELECT * FROM gaps`)
	code, _, errOut = runCLI(t, "", "check", "--gaps", gaps+"&mode=replace")
	if code != 2 || !strings.Contains(errOut, "gap_view") {
		t.Errorf("replace under a view: exit %d, %s", code, errOut)
	}
	if after := snapshot(); after != before {
		t.Errorf("the failed replace changed the table: %s, was %s", after, before)
	}
}

func slicesMax(v []float64) float64 {
	m := v[0]
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// TestPostGISBadRows: null geometries, lines, an SRID the database does
// not know, a missing table and a server that is not there: each error
// names the URL without its password, the table or query, the row by
// its primary key, and what is wrong.
func TestPostGISBadRows(t *testing.T) {
	c := pgtest.Start(t)
	db := c.NewDB(t)
	c.Load(t, db, demoParishes, "districts")
	c.Exec(t, db, `CREATE TABLE bad AS SELECT * FROM districts;
		ALTER TABLE bad ADD PRIMARY KEY (ogc_fid);
		ALTER TABLE bad ALTER COLUMN geom TYPE geometry;
		UPDATE bad SET geom = NULL WHERE ogc_fid = 2;
		UPDATE bad SET geom = ST_Boundary(geom) WHERE ogc_fid = 5;
		CREATE TABLE badsrid AS SELECT ogc_fid, name, class, ST_SetSRID(geom, 990001) AS geom FROM districts`)
	u := strings.Replace(c.URL(db), "postgres@", "postgres:s3cret@", 1)
	for _, tc := range []struct{ url, want string }{
		{u + "&table=bad", `&table=bad: row 2 (ogc_fid 2, id "a5609507"): null geometry`},
		{u + "&table=bad", `&table=bad: row 5 (ogc_fid 5, id "a5609519"): geometry type LINESTRING, want Polygon or MultiPolygon`},
		{u + "&table=badsrid", `table "badsrid": column "geom": SRID 990001 is unknown`},
		{u + "&table=nosuch", `table "nosuch": relation "nosuch" does not exist`},
		{u + "&query=SELECT name FROM districts", `query "SELECT name FROM districts": no geometry column (columns: name)`},
		{"postgresql://postgres:s3cret@/x?host=/nonexistent&table=t", "postgresql://postgres@/x?host=/nonexistent&table=t: cannot connect: "},
	} {
		code, _, errOut := runCLI(t, "", "check", "--districts", tc.url, "--stations", demoServices)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "s3cret") {
			t.Errorf("--districts %s: exit %d, %s\nwant exit 2 and %q, no password", tc.url, code, errOut, tc.want)
		}
	}
}

// TestPostGISValidate: validate reads stations and districts from PostGIS
// tables and finds what it finds in the files they were loaded from (a
// duplicate, a swapped pair, a station far from every parish).
func TestPostGISValidate(t *testing.T) {
	c := pgtest.Start(t)
	db := c.NewDB(t)
	dir := t.TempDir()
	stations := filepath.Join(dir, "checked.geojson")
	os.WriteFile(stations, []byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"a","name":"Escaldes"},"geometry":{"type":"Point","coordinates":[1.5338,42.5096]}},
{"type":"Feature","properties":{"id":"b","name":"Escaldes again"},"geometry":{"type":"Point","coordinates":[1.53381,42.50961]}},
{"type":"Feature","properties":{"id":"c","name":"Swapped"},"geometry":{"type":"Point","coordinates":[42.5063,1.5218]}},
{"type":"Feature","properties":{"id":"d","name":"Far"},"geometry":{"type":"Point","coordinates":[2.35,48.85]}}]}`), 0o644)
	c.Load(t, db, demoParishes, "parishes")
	c.Load(t, db, stations, "checked")
	u := c.URL(db)
	type finding struct{ Code, ID string }
	findings := func(args ...string) []finding {
		t.Helper()
		code, out, errOut := runCLI(t, "", append([]string{"validate", "--format", "json"}, args...)...)
		var r struct {
			Findings []struct {
				Code string `json:"code"`
				ID   string `json:"id"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil || code != 1 {
			t.Fatalf("validate %v: exit %d, %v\n%s", args, code, err, errOut)
		}
		var fs []finding
		for _, f := range r.Findings {
			fs = append(fs, finding{f.Code, f.ID})
		}
		return fs
	}
	want := findings("--stations", stations, "--districts", demoParishes)
	got := findings("--stations", u+"&table=checked", "--districts", u+"&table=parishes")
	if len(want) < 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("from PostGIS: %v\nfrom the files: %v", got, want)
	}
}

// TestPostGISCapacities: station capacities read from a PostGIS column
// give the same 2SFCA and capacitated coverage as the file the table was
// loaded from, and a bad capacity in a row is an input error naming the
// table's row, as the file's names its feature.
func TestPostGISCapacities(t *testing.T) {
	c := pgtest.Start(t)
	db := c.NewDB(t)
	dir := t.TempDir()
	stations := demoServicesWith(t, dir, "lawyers", func(i int) float64 { return 0.5 + float64(i%7) })
	c.Load(t, db, stations, "stations")
	c.Load(t, db, demoParishes, "districts")
	c.Exec(t, db, `CREATE TABLE badcap AS SELECT * FROM stations ORDER BY ogc_fid;
		UPDATE badcap SET lawyers = -2 WHERE ogc_fid = 4`)
	u := c.URL(db)
	args := func(districts, stations string) []string {
		return []string{"check", "--format", "json", "--districts", districts, "--stations", stations,
			"--population", "../../audit/testdata/access/population.csv", "--capacity-col", "lawyers",
			"--access", "2sfca", "--capacitated", "--people-per-unit", "2000", "--capacity-order", "given",
			"--class", "urban:rule=radius,distance=2km", "--class", "rural:rule=radius,distance=5km"}
	}
	run := func(a []string) (int, string, string) {
		t.Helper()
		code, out, errOut := runCLI(t, "", a...)
		return code, out, errOut
	}
	code, fromFile, errOut := run(args(demoParishes, stations))
	if code > 1 {
		t.Fatalf("from the file: exit %d: %s", code, errOut)
	}
	code, fromDB, errOut := run(args(u+"&table=districts", u+"&query=SELECT * FROM stations ORDER BY ogc_fid"))
	if code > 1 {
		t.Fatalf("from PostGIS: exit %d: %s", code, errOut)
	}
	if !strings.Contains(fromFile, `"capacitated"`) || !strings.Contains(fromFile, `"access"`) {
		t.Fatalf("no access or capacitated figures in the report: %.400s", fromFile)
	}
	if withoutInputs(t, fromDB) != withoutInputs(t, fromFile) {
		t.Errorf("capacities from PostGIS give another audit than from the file:\n%.2000s\nfile:\n%.2000s", withoutInputs(t, fromDB), withoutInputs(t, fromFile))
	}
	code, _, errOut = run(args(demoParishes, u+"&query=SELECT * FROM badcap ORDER BY ogc_fid"))
	if code != 2 || !strings.Contains(errOut, "ORDER BY ogc_fid: row 4 ") || !strings.Contains(errOut, `column "lawyers": -2 is not a capacity`) {
		t.Errorf("a negative capacity in row 4: exit %d, %s; want exit 2 naming the row and the value", code, errOut)
	}
}

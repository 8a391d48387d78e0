package geodata

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/coverage"
)

func TestReadStationsCSVTestdata(t *testing.T) {
	f, err := os.Open("testdata/stations.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, probs, err := ReadStations(f, "stations.csv", StationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 11 {
		t.Errorf("ReadStations(stations.csv) = %d stations, want 11", len(st))
	}
	want := `stations.csv:7: column "lat": 437.31 is out of range [-90, 90]`
	if len(probs) != 1 || probs[0].Error() != want {
		t.Errorf("ReadStations(stations.csv) problems = %v, want [%s]", probs, want)
	}
	if st[0].ID != "n25237989" || st[0].Name != "hospital" || st[0].Point[0] != 7.4114082 || st[0].Point[1] != 43.7304054 {
		t.Errorf("first station = %+v", st[0])
	}
}

// TestStationProblems has one case per bad-input message of the station
// readers: each must name the file and the line or feature.
func TestStationProblems(t *testing.T) {
	tests := []struct {
		name  string
		input string
		opts  StationOptions
		want  []string // problems, in order
		fatal string   // error for an unreadable file
	}{
		{name: "out of range", input: "id,lon,lat\na,191.2,42\n", want: []string{`f:2: column "lon": 191.2 is out of range [-180, 180]`}},
		{name: "bad number", input: "id,lon,lat\na,1.5,4x.1\n", want: []string{`f:2: column "lat": invalid number "4x.1" (decimal notation only)`}},
		{name: "empty value", input: "id,lon,lat\na,,42\n", want: []string{`f:2: column "lon": empty`}},
		{name: "all problems at once", input: "lon,lat\n1,2\n999,2\n1,x\n3,4\n1,-91\n",
			want: []string{`f:3: column "lon": 999 is out of range [-180, 180]`, `f:4: column "lat": invalid number "x" (decimal notation only)`, `f:6: column "lat": -91 is out of range [-90, 90]`}},
		{name: "missing column", input: "id,lon,height\na,1,2\n", fatal: `f:1: no latitude column (looked for lat, latitude, y, 纬度; name one with --lat-col; columns: id, lon, height)`},
		{name: "named column missing", input: "id,lon,lat\n", opts: StationOptions{LonCol: "east"}, fatal: `f:1: no column "east" (columns: id, lon, lat)`},
		{name: "empty file", input: "", fatal: "f: empty file, want a header row"},
		{name: "invalid utf8", input: "id,name,lon,lat\na,caf\xe9,1,2\n", want: []string{"f:2: invalid UTF-8 (is the file in another encoding, such as GBK?)"}},
		{name: "bad quote", input: "id,name,lon,lat\na,\"x\"y,1,2\nb,ok,1,2\n", want: []string{`f:2: extraneous or missing " in quoted-field`}},
		{name: "geojson bad type", input: `{"type":"FeatureCollection","features":[{"type":"Feature","id":"s1","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`,
			want: []string{`f: feature 0 (id "s1"): geometry type "LineString", want Point or MultiPoint`}},
		{name: "geojson out of range", input: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":7},"geometry":{"type":"Point","coordinates":[1,95]}}]}`,
			want: []string{`f: feature 0 (id "7"): latitude 95 is out of range [-90, 90]`}},
		{name: "geojson no geometry", input: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null}]}`,
			want: []string{`f: feature 0 (id "1"): no geometry`}},
		{name: "geojson syntax", input: "{\"type\":\"FeatureCollection\",\n\"features\":[}", fatal: `f: line 2, byte offset 41: want '{', got '}'`},
		{name: "geojson not a collection", input: `{"type":"Point","coordinates":[1,2]}`, fatal: `f: GeoJSON type "Point", want a FeatureCollection`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, probs, err := ReadStations(strings.NewReader(tc.input), "f", tc.opts)
			if tc.fatal != "" {
				if err == nil || err.Error() != tc.fatal {
					t.Errorf("ReadStations(%q) error = %v, want %q", tc.input, err, tc.fatal)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadStations(%q) error = %v", tc.input, err)
			}
			var got []string
			for _, p := range probs {
				got = append(got, p.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("ReadStations(%q) problems:\n%s\nwant:\n%s", tc.input, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestReadStationsCSVVariants(t *testing.T) {
	tests := []struct {
		name, input string
		opts        StationOptions
		lon, lat    float64
		id          string
	}{
		{"bom and semicolons with decimal comma", "\xef\xbb\xbfID;Name;Longitude;Latitude\nx1;a;1,5;42,25\n", StationOptions{}, 1.5, 42.25, "x1"},
		{"tabs", "lng\tlat\n2\t3\n", StationOptions{}, 2, 3, "line 2"},
		{"chinese headers", "编号,经度,纬度\n9,116.4,39.9\n", StationOptions{}, 116.4, 39.9, "line 2"},
		{"named columns", "code,E,N\nq,7,8\n", StationOptions{LonCol: "E", LatCol: "N", IDCol: "code"}, 7, 8, "q"},
		{"x and y, crlf", "x,y\r\n5,6\r\n", StationOptions{}, 5, 6, "line 2"},
	}
	for _, tc := range tests {
		st, probs, err := ReadStations(strings.NewReader(tc.input), "f", tc.opts)
		if err != nil || len(probs) > 0 || len(st) != 1 {
			t.Errorf("ReadStations(%s) = %v, %v, %v", tc.name, st, probs, err)
			continue
		}
		if st[0].Point[0] != tc.lon || st[0].Point[1] != tc.lat || st[0].ID != tc.id {
			t.Errorf("ReadStations(%s) = %+v, want (%v, %v) id %q", tc.name, st[0], tc.lon, tc.lat, tc.id)
		}
	}
}

func TestReadStationsGeoJSONMultiPoint(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[{"type":"Feature","id":"m","properties":{"name":"twin"},"geometry":{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}}]}`
	st, probs, err := ReadStations(strings.NewReader(in), "f", StationOptions{})
	if err != nil || len(probs) > 0 || len(st) != 2 || st[1].ID != "m#2" || st[1].Name != "twin" || st[1].Point[0] != 3 {
		t.Errorf("ReadStations(MultiPoint) = %+v, %v, %v", st, probs, err)
	}
}

// TestReadStationsGeoJSONIDs: an id column named "id" (the default, and what
// covaudit.yaml's example gives) means the feature's own id member, then a
// property of that name; another name means that property only.
func TestReadStationsGeoJSONIDs(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"n1","properties":{"code":"A"},"geometry":{"type":"Point","coordinates":[1,2]}},
{"type":"Feature","properties":{"id":"p2","code":"B"},"geometry":{"type":"Point","coordinates":[1,2]}}]}`
	for _, c := range []struct {
		col  string
		want [2]string
	}{{"", [2]string{"n1", "p2"}}, {"id", [2]string{"n1", "p2"}}, {"code", [2]string{"A", "B"}}} {
		st, _, err := ReadStations(strings.NewReader(in), "f", StationOptions{IDCol: c.col})
		if err != nil || len(st) != 2 || st[0].ID != c.want[0] || st[1].ID != c.want[1] || !st[0].IDGiven {
			t.Errorf("IDCol %q: %+v, %v; want ids %v", c.col, st, err, c.want)
		}
	}
}

func TestReadDistrictsTestdata(t *testing.T) {
	b, err := os.ReadFile("testdata/districts.geojson")
	if err != nil {
		t.Fatal(err)
	}
	ds, probs, err := ReadDistricts(bytes.NewReader(b), "districts.geojson", DistrictOptions{})
	if err != nil || len(probs) > 0 {
		t.Fatalf("ReadDistricts: %v %v", probs, err)
	}
	if len(ds) != 3 || ds[0].Name != "La Condamine" || ds[0].Class != "urban" || !ds[0].HasClass {
		t.Errorf("ReadDistricts = %d districts, first %+v", len(ds), ds[0].Name)
	}
	holes := 0
	for _, d := range ds {
		for _, p := range d.Geometry {
			holes += len(p) - 1
		}
	}
	if holes != 1 {
		t.Errorf("ReadDistricts: %d holes, want 1", holes)
	}
}

func TestDistrictProblems(t *testing.T) {
	feat := func(id, geom string) string {
		return `{"type":"Feature","id":"` + id + `","properties":{"name":"n"},"geometry":` + geom + `}`
	}
	coll := func(fs ...string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`
	}
	sq := `[[0,0],[1,0],[1,1],[0,1],[0,0]]`
	tests := []struct {
		name, input string
		want        []string
	}{
		{"ok", coll(feat("a", `{"type":"Polygon","coordinates":[`+sq+`]}`)), nil},
		{"bow-tie", coll(feat("bow", `{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`)),
			[]string{`f: feature 0 (id "bow", name "n"): polygon 0: ring 0: edges 0 and 2 cross near (0.5000000, 0.5000000)`}},
		{"zero area", coll(feat("flat", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[2,0],[0,0]]]}`)),
			[]string{`f: feature 0 (id "flat", name "n"): polygon 0: ring 0: zero area`}},
		{"too few vertices", coll(feat("thin", `{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}`)),
			[]string{`f: feature 0 (id "thin", name "n"): polygon 0: ring 0: 2 distinct vertices, need at least 3`}},
		{"out of range", coll(feat("far", `{"type":"MultiPolygon","coordinates":[[`+sq+`],[[[0,0],[200,0],[1,1],[0,0]]]]}`)),
			[]string{`f: feature 0 (id "far", name "n"): polygon 1: ring 0: vertex 1: longitude 200 is out of range [-180, 180]`}},
		{"wrong type and empty", coll(feat("pt", `{"type":"Point","coordinates":[0,0]}`), feat("e", `{"type":"MultiPolygon","coordinates":[]}`), feat("n", `null`)),
			[]string{`f: feature 0 (id "pt", name "n"): geometry type "Point", want Polygon or MultiPolygon`, `f: feature 1 (id "e", name "n"): empty geometry`, `f: feature 2 (id "n"): no geometry`}},
		{"bad coordinates", coll(feat("s", `{"type":"Polygon","coordinates":[[["a",0]]]}`)),
			[]string{`f: feature 0 (id "s", name "n"): ring 0: vertex 0: byte 3 of the coordinates: want a number`}},
		{"no features", coll(), []string{"f: no features"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, probs, err := ReadDistricts(strings.NewReader(tc.input), "f", DistrictOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range probs {
				got = append(got, p.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("ReadDistricts(%s) problems:\n%s\nwant:\n%s", tc.name, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func FuzzReadStations(f *testing.F) {
	b, _ := os.ReadFile("testdata/stations.csv")
	f.Add(b)
	f.Add([]byte("lon;lat\n1,5;2\n"))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[1,2]]}}]}`))
	// A Web-Mercator file saying so, UTF-16 both ways, a phone number.
	f.Add([]byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[169407.2,5238209.8]}}]}`))
	f.Add([]byte("\xff\xfei\x00d\x00,\x00l\x00o\x00n\x00,\x00l\x00a\x00t\x00\n\x00a\x00,\x001\x00,\x002\x00\n\x00"))
	f.Add([]byte("\x00l\x00o\x00n\x00,\x00l\x00a\x00t\x00\n\x001\x00,\x002\x00\n"))
	f.Add([]byte("id,lon,lat\na,4.0016612E+9,42.5\n"))
	// Every accepted station has finite coordinates in range.
	f.Fuzz(func(t *testing.T, data []byte) {
		st, probs, err := ReadStations(bytes.NewReader(data), "fuzz", StationOptions{})
		if err != nil {
			return
		}
		for _, s := range st {
			if !(s.Point[0] >= -180 && s.Point[0] <= 180 && s.Point[1] >= -90 && s.Point[1] <= 90) {
				t.Errorf("station %+v out of range accepted", s)
			}
		}
		for _, p := range probs {
			if p.File != "fuzz" || p.Error() == "" {
				t.Errorf("problem without a place: %+v", p)
			}
		}
	})
}

func FuzzReadDistricts(f *testing.F) {
	b, _ := os.ReadFile("testdata/districts.geojson")
	f.Add(b)
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, _, err := ReadDistricts(bytes.NewReader(data), "fuzz", DistrictOptions{})
		if err != nil {
			return
		}
		for _, d := range ds {
			if err := coverage.ValidateGeometry(d.Geometry); err != nil {
				t.Errorf("district %d accepted but invalid: %v", d.Index, err)
			}
		}
	})
}

func TestGeoJSONStructure(t *testing.T) {
	tests := []struct{ name, input, fatal string }{
		{"single feature", `{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[1,2]}}`, ""},
		{"trailing data", `{"type":"FeatureCollection","features":[]} x`, "f: line 1, byte offset 43: unexpected data after the top-level object"},
		{"truncated", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]`, "f: line 1, byte offset 104: unexpected end of file in an object"},
		{"unterminated string", `{"type":"FeatureCollection","features":[{"type":"Feat`, "f: line 1, byte offset 53: unterminated string"},
	}
	for _, tc := range tests {
		_, _, err := ReadStations(strings.NewReader(tc.input), "f", StationOptions{})
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.fatal {
			t.Errorf("ReadStations(%s) error = %q, want %q", tc.name, got, tc.fatal)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, s := range []string{"0", "-0", "1", "117.123456789", "-33.000000001", "0.1", "1.7976931348", "123456789012345",
		"12.5", "-179.99999999", "1e5", "1234567890123456", "1.", "+5", "-2.5E-3", "0.30000000000000004"} {
		want, _ := strconv.ParseFloat(s, 64)
		c := coordParser{data: []byte(s + "]")}
		got, err := c.number()
		if err != nil || got != want || c.pos != len(s) {
			t.Errorf("number(%q) = %v, %v at byte %d, want %v at byte %d", s, got, err, c.pos, want, len(s))
		}
	}
	for _, s := range []string{"--1", "1.2.3", "", "]", "1e", "x"} {
		c := coordParser{data: []byte(s)}
		if v, err := c.number(); err == nil {
			t.Errorf("number(%q) = %v, want an error", s, v)
		}
	}
}

// FuzzNumber checks the coordinate number parser against strconv: what it
// accepts is a number strconv reads to the same value.
func FuzzNumber(f *testing.F) {
	for _, s := range []string{"117.123456789", "-0.5e3", "1.", " 45", "1234567890123456", "-", "+5", "1.5.3", "0.1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := coordParser{data: []byte(s)}
		c.skipSpace()
		start := c.pos
		got, err := c.number()
		if err != nil {
			return
		}
		span := s[start:c.pos]
		want, perr := strconv.ParseFloat(span, 64)
		if perr != nil || got != want {
			t.Errorf("number(%q) = %v reading %q; ParseFloat = %v, %v", s, got, span, want, perr)
		}
	})
}

// TestBareFeatureWithFeaturesKey: features split early for decoding must
// not be mixed up with the bare Feature that the document turns out to be.
func TestBareFeatureWithFeaturesKey(t *testing.T) {
	sq := `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`
	in := `{"features":[{"type":"Feature","id":"x","properties":null,"geometry":` + sq + `},{"type":"Feature","id":"y","properties":null,"geometry":` + sq + `}],
"type":"Feature","id":"bare","properties":{"name":"B"},"geometry":` + sq + `}`
	ds, probs, err := ReadDistrictsData([]byte(in), "f", DistrictOptions{})
	if err != nil || len(probs) > 0 || len(ds) != 1 || ds[0].ID != "bare" || ds[0].Name != "B" {
		t.Errorf("got %v, %v, %v; want the bare feature alone", ds, probs, err)
	}
}

// FuzzStationRecords: splitting any file into records never panics, and
// every record and problem has a place.
func FuzzStationRecords(f *testing.F) {
	f.Add([]byte("id,name,lon,lat\nS1,A,7.42,43.73\nS2,\"B\",,x\n"))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":{"type":"MultiPoint","coordinates":[[1,2],[3]]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sf, err := StationRecords(data, "f", StationOptions{})
		if err != nil {
			return
		}
		for _, r := range sf.Records {
			if r.Line < 1 {
				t.Fatalf("record without a line: %+v", r)
			}
			r.Coords()
		}
		for _, p := range sf.Unsplittable {
			if p.Line < 1 && p.Feature < 0 {
				t.Fatalf("problem without a place: %+v", p)
			}
		}
	})
}

// FuzzShapefile: any .shp and .dbf bytes give layers or errors, never a
// panic.
func FuzzShapefile(f *testing.F) {
	for _, name := range []string{"parishes", "services"} {
		shp, err1 := os.ReadFile("../cmd/covaudit/testdata/shp/" + name + ".shp")
		dbf, err2 := os.ReadFile("../cmd/covaudit/testdata/shp/" + name + ".dbf")
		if err1 == nil && err2 == nil {
			f.Add(shp[:min(len(shp), 2000)], dbf[:min(len(dbf), 2000)])
		}
	}
	f.Fuzz(func(t *testing.T, shp, dbf []byte) {
		l, err := parseShapefile("f.shp", "f", map[string][]byte{".shp": shp, ".dbf": dbf}, "")
		if err != nil {
			return
		}
		DistrictsFromLayer(l, "f.shp", DistrictOptions{})
		StationsFromLayer(l, "f.shp", StationOptions{})
	})
}

// TestStationDelays: a CSV's delay column gives stations their own delay
// in seconds; an empty cell gives none; a bad value is a problem on its
// line; a missing column is an error naming it.
func TestStationDelays(t *testing.T) {
	in := "id,lon,lat,turnout\na,1,42,60\nb,1,42,\nc,1,42,-1\nd,1,42,1e2\ne,1,42,soon\n"
	st, probs, err := ReadStations(strings.NewReader(in), "s.csv", StationOptions{DelayCol: "turnout"})
	if err != nil || len(st) != 3 || len(probs) != 2 {
		t.Fatalf("ReadStations: %+v, %v, %v", st, probs, err)
	}
	if !st[0].HasDelay || st[0].DelayS != 60 || st[1].HasDelay || !st[2].HasDelay || st[2].DelayS != 100 {
		t.Errorf("delays %+v", st)
	}
	if probs[0].Line != 4 || !strings.Contains(probs[0].Msg, "not a delay") || probs[1].Line != 6 {
		t.Errorf("problems %v", probs)
	}
	if _, _, err := ReadStations(strings.NewReader(in), "s.csv", StationOptions{DelayCol: "delay"}); err == nil || !strings.Contains(err.Error(), `no column "delay"`) {
		t.Errorf("missing column: %v", err)
	}
}

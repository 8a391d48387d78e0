package validate

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/covaudit/covaudit/internal/planar"
	"github.com/paulmach/orb"
)

// monaco returns the three test quartiers of Monaco.
func monaco(t *testing.T) []coverage.District {
	t.Helper()
	data, err := os.ReadFile("../geodata/testdata/districts.geojson")
	if err != nil {
		t.Fatal(err)
	}
	feats, probs, err := geodata.ReadDistrictsData(data, "districts.geojson", geodata.DistrictOptions{})
	if err != nil || len(probs) > 0 {
		t.Fatal(err, probs)
	}
	var ds []coverage.District
	for _, f := range feats {
		ds = append(ds, coverage.District{Name: f.Name, Geometry: f.Geometry})
	}
	return ds
}

type seen struct {
	line int
	code string
}

func found(t *testing.T, name string, data []byte, opts Options) []seen {
	t.Helper()
	res, err := File(name, data, opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []seen
	for _, f := range res.Findings {
		if f.Severity != severity(f.Code) || f.File != name || f.Message == "" {
			t.Errorf("%s: malformed finding %+v", name, f)
		}
		out = append(out, seen{f.Line, f.Code})
	}
	return out
}

// TestMixedFile: a CSV with a mix of problems gives every finding with its
// line number, and nothing else.
func TestMixedFile(t *testing.T) {
	data, err := os.ReadFile("testdata/mixed.csv")
	if err != nil {
		t.Fatal(err)
	}
	got := found(t, "mixed.csv", data, Options{Districts: monaco(t)})
	want := []seen{
		{3, "swapped-latlon"}, {4, "swapped-latlon"}, {5, "unparsable-coordinate"}, {6, "empty-coordinate"},
		{7, "null-island"}, {8, "projected-coordinates"}, {9, "out-of-range"}, {10, "duplicate-id"},
		{11, "duplicate-location"}, {12, "low-precision"}, {13, "far-outside"}, {14, "unreadable-record"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n got %v\nwant %v", got, want)
	}
}

// TestEachCode gives each finding code a small file that produces it, and
// checks that every code in Codes has one.
func TestEachCode(t *testing.T) {
	head := "id,name,lon,lat\n"
	tests := []struct {
		code      string
		data      string
		districts bool
		line      int
		fix       string // substring of the fix, when there is one
	}{
		{"invalid-utf8", head + "F1,Mairie de Gen\xe8ve,6.1432,46.2044\n", false, 2, "UTF-8"},
		{"gbk-encoding", head + "B1,\xb1\xb1\xbe\xa9\xd3\xca\xbe\xd6,116.4074,39.9042\n", false, 2, "--encoding gbk"},
		{"unreadable-record", head + "S1,\"Bad quote,7.4210,43.7300\n", false, 2, ""},
		{"empty-coordinate", head + "S1,Empty lon,,43.7300\n", false, 2, ""},
		{"unparsable-coordinate", head + "S1,Address,rue Grimaldi,43.7300\n", false, 2, ""},
		{"null-island", head + "S1,Zeros,0,0\n", false, 2, "geocode"},
		{"swapped-latlon", head + "S1,Swapped,43.7346,7.4227\n", true, 2, "longitude 7.4227, latitude 43.7346"},
		{"projected-coordinates", head + "S1,Web Mercator,826065.8,5423860.1\n", false, 2, "WGS84"},
		{"out-of-range", head + "S1,Too far east,-190.25,43.7300\n", false, 2, ""},
		{"duplicate-id", head + "S1,A,7.4234,43.7307\nS1,B,7.4190,43.7289\n", false, 3, ""},
		{"low-precision", head + "S1,Rounded,7.4,43.7\n", false, 2, ""},
		{"duplicate-location", head + "S1,A,7.4234,43.7307\nS2,B,7.42345,43.73075\n", false, 3, ""},
		{"far-outside", head + "S1,Nice,7.2620,43.7102\nS2,Genova,8.9463,44.4056\n", true, 3, ""},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.code] = true
		t.Run(tc.code, func(t *testing.T) {
			opts := Options{}
			if tc.districts {
				opts.Districts = monaco(t)
			}
			res, err := File("s.csv", []byte(tc.data), opts)
			if err != nil {
				t.Fatal(err)
			}
			var hit *Finding
			for i, f := range res.Findings {
				if f.Code == tc.code {
					hit = &res.Findings[i]
				} else if f.Severity == Error {
					t.Errorf("unexpected %s finding: %s", f.Code, f.Message)
				}
			}
			if hit == nil || hit.Line != tc.line || !strings.Contains(hit.Fix, tc.fix) {
				t.Fatalf("want %s on line %d with a fix containing %q; got %+v", tc.code, tc.line, tc.fix, res.Findings)
			}
		})
	}
	covered["crs-mismatch"] = true // TestCRSMismatch
	for _, c := range Codes {
		if !covered[c.Code] {
			t.Errorf("code %s has no test", c.Code)
		}
	}
}

// TestGeoJSONLines: GeoJSON findings carry the feature index and the line
// where the feature starts.
func TestGeoJSONLines(t *testing.T) {
	data, err := os.ReadFile("testdata/stations.geojson")
	if err != nil {
		t.Fatal(err)
	}
	res, err := File("stations.geojson", data, Options{Districts: monaco(t)})
	if err != nil {
		t.Fatal(err)
	}
	var got [][3]any
	for _, f := range res.Findings {
		got = append(got, [3]any{f.Feature, f.Line, f.Code})
	}
	want := [][3]any{{1, 5, "swapped-latlon"}, {2, 8, "unreadable-record"}, {3, 11, "duplicate-id"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("finding %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// TestEncodingGBK: with --encoding gbk the GBK file reads cleanly and its
// names come out in UTF-8.
func TestEncodingGBK(t *testing.T) {
	data, err := os.ReadFile("testdata/gbk.csv")
	if err != nil {
		t.Fatal(err)
	}
	res, err := File("gbk.csv", data, Options{Encoding: "gbk"})
	if err != nil || len(res.Findings) != 0 || res.Records != 2 {
		t.Fatalf("%v, %+v", err, res)
	}
	dec, _ := geodata.Decode(data, "gbk")
	sf, err := geodata.StationRecords(dec, "gbk.csv", geodata.StationOptions{})
	if err != nil || sf.Records[0].Name != "北京邮局" {
		t.Errorf("decoded name %q, %v", sf.Records[0].Name, err)
	}
	if _, err := File("gbk.csv", data, Options{Encoding: "latin-9"}); err == nil {
		t.Errorf("an unknown encoding was accepted")
	}
}

// TestCodesInDocs: docs/validation.md's table lists every code.
func TestCodesInDocs(t *testing.T) {
	readme, err := os.ReadFile("../docs/validation.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Codes {
		if !strings.Contains(string(readme), "| `"+c.Code+"` | "+string(c.Severity)+" |") {
			t.Errorf("docs/validation.md has no table row for %s (%s)", c.Code, c.Severity)
		}
	}
}

// TestCRSMismatch: stations written in GCJ-02 (as a Chinese web map
// geocodes them) sit about 500 m off; around small districts most fall
// outside, and reading them as GCJ-02 puts them back: a crs-mismatch
// warning that names the system. Read with --stations-crs gcj02 they are
// clean.
func TestCRSMismatch(t *testing.T) {
	gcj, _ := crs.Parse("gcj02")
	pts := [][2]float64{{116.391, 39.907}, {121.4737, 31.2304}, {113.2644, 23.1291}, {104.0665, 30.5723},
		{126.6425, 45.7567}, {91.1409, 29.6456}, {87.6168, 43.8256}, {120.1551, 30.2741}, {108.9402, 34.3416}}
	var ds []coverage.District
	var b strings.Builder
	b.WriteString("id,name,lon,lat\n")
	for i, p := range pts {
		const h = 0.002 // about 200 m
		ds = append(ds, coverage.District{Name: fmt.Sprint("D", i), Geometry: orb.MultiPolygon{{{
			{p[0] - h, p[1] - h}, {p[0] + h, p[1] - h}, {p[0] + h, p[1] + h}, {p[0] - h, p[1] + h}, {p[0] - h, p[1] - h}}}}})
		x, y := gcj.FromWGS84(p[0], p[1])
		fmt.Fprintf(&b, "S%d,Station %d,%.7f,%.7f\n", i, i, x, y)
	}
	res, err := File("s.csv", []byte(b.String()), Options{Districts: ds})
	if err != nil {
		t.Fatal(err)
	}
	var hit *Finding
	for i, f := range res.Findings {
		if f.Code == "crs-mismatch" {
			hit = &res.Findings[i]
		}
	}
	if hit == nil || !strings.Contains(hit.Message, "GCJ-02") || !strings.Contains(hit.Fix, "--stations-crs gcj02") {
		t.Fatalf("no crs-mismatch finding naming GCJ-02: %+v", res.Findings)
	}
	res, err = File("s.csv", []byte(b.String()), Options{Districts: ds, Stations: geodata.StationOptions{CRS: gcj}})
	if err != nil || len(res.Findings) != 0 {
		t.Errorf("read as GCJ-02: %v %+v", err, res.Findings)
	}
}

// TestNotACoordinate: a phone number in a coordinate column is no
// coordinate (beyond geodata.MaxProjectedM), not "projected coordinates".
func TestNotACoordinate(t *testing.T) {
	res, err := File("s.csv", []byte("id,name,lon,lat\nS1,Phone,4.0016612E+9,43.73\nS2,Mercator,826065.8,5423860.1\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%d %s %s", f.Line, f.Code, f.Message))
	}
	want := []string{"2 out-of-range value 4.0016612E+9 is not a coordinate (too large for degrees or projected metres)", "3 projected-coordinates "}
	if len(got) != 2 || got[0] != want[0] || !strings.HasPrefix(got[1], want[1]) {
		t.Errorf("findings %q, want %q", got, want)
	}
}

// TestUTF16File: a station CSV saved as UTF-16 with a byte-order mark is
// read (the reader decodes it), not reported as invalid UTF-8.
func TestUTF16File(t *testing.T) {
	text := "\ufeffid,name,lon,lat\nS1,Zeros,0,0\n"
	var data []byte
	for _, r := range text {
		data = append(data, byte(r), byte(r>>8))
	}
	got := found(t, "s.csv", data, Options{})
	if !slices.Equal(got, []seen{{2, "null-island"}}) {
		t.Errorf("findings %v, want null-island on line 2 only", got)
	}
}

// wholeCity is a 24 km x 24 km city near Shenzhen cut into 3 x 4
// districts that cover it, and n stations at seeded places: uniform over
// the city, or (inner) no nearer than 2 km to its edge. Stations are named
// after the district they lie in when named is set.
func wholeCity(seed int64, n int, inner, named bool) ([]coverage.District, []coverage.Station) {
	const lon0, lat0 = 113.95, 22.50
	dLon, dLat := 24000/(planar.MetresPerDeg*math.Cos(lat0*math.Pi/180)), 24000/planar.MetresPerDeg
	var ds []coverage.District
	for r := range 4 {
		for c := range 3 {
			x0, x1 := lon0+dLon*float64(c)/3, lon0+dLon*float64(c+1)/3
			y0, y1 := lat0+dLat*float64(r)/4, lat0+dLat*float64(r+1)/4
			ds = append(ds, coverage.District{Name: fmt.Sprintf("Ward%c%d", 'A'+c, r+1), Geometry: orb.MultiPolygon{{{
				{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}})
		}
	}
	rng := rand.New(rand.NewSource(seed))
	margin := 0.0
	if inner {
		margin = 2000.0 / 24000
	}
	var st []coverage.Station
	for i := range n {
		u, v := margin+(1-2*margin)*rng.Float64(), margin+(1-2*margin)*rng.Float64()
		p := orb.Point{lon0 + dLon*u, lat0 + dLat*v}
		name := fmt.Sprintf("station %d", i)
		if named {
			name = fmt.Sprintf("%s legal-aid station %d", ds[int(v*4)*3+int(u*3)].Name, i)
		}
		st = append(st, coverage.Station{Name: name, Point: p})
	}
	return ds, st
}

// toGCJ moves stations to GCJ-02 (as a Chinese web map geocodes them) and
// keeps those that still lie inside a district: the case where every
// station is inside and the "inside" test cannot fire.
func toGCJ(ds []coverage.District, st []coverage.Station) []coverage.Station {
	gcj, _ := crs.Parse("gcj02")
	d := newDistricts(ds)
	var out []coverage.Station
	for _, s := range st {
		x, y := gcj.FromWGS84(s.Point[0], s.Point[1])
		if d.contains(orb.Point{x, y}) {
			s.Point = orb.Point{x, y}
			out = append(out, s)
		}
	}
	return out
}

// TestCRSMismatchWholeCity: districts that cover the whole city and
// stations in GCJ-02 that all lie inside them. The clearance test fires
// (stations keep a band of the offset's width clear on one side), and on
// stations kept 2 km from the city's edge, where it cannot, the names
// test does; the same stations in WGS84 fire neither. Rates over 40
// seeds: the clearance test needs stations near the edges (300 uniform
// stations find it in about three cities of four, 600 in nearly all).
func TestCRSMismatchWholeCity(t *testing.T) {
	const seeds = 40
	cases := []struct {
		name         string
		n            int
		inner, named bool
		evidence     string
		minHits      int
	}{
		{"uniform-300", 300, false, false, "clearance", seeds * 6 / 10},
		{"uniform-600", 600, false, false, "clearance", seeds * 9 / 10},
		{"inner-named-300", 300, true, true, "names", seeds * 9 / 10},
	}
	for _, c := range cases {
		hits, wrong := 0, 0
		for seed := range int64(seeds) {
			ds, st := wholeCity(seed, c.n, c.inner, c.named)
			g := toGCJ(ds, st)
			if h, ok := LikelyCRS(g, ds); ok && h.CRS == "gcj02" {
				if h.Evidence != c.evidence {
					t.Errorf("%s seed %d: evidence %q, want %q: %s", c.name, seed, h.Evidence, c.evidence, h.Message())
				}
				if !strings.Contains(h.Message(), "likely in GCJ-02") {
					t.Errorf("message: %s", h.Message())
				}
				hits++
			}
			if h, ok := LikelyCRS(st, ds); ok {
				wrong++
				t.Logf("%s seed %d: WGS84 stations flagged: %s", c.name, seed, h.Message())
			}
		}
		t.Logf("%s: GCJ-02 found in %d of %d cities, WGS84 flagged in %d", c.name, hits, seeds, wrong)
		if hits < c.minHits || wrong > 0 {
			t.Errorf("%s: GCJ-02 found in %d of %d cities (want at least %d), WGS84 flagged in %d (want none)", c.name, hits, seeds, c.minHits, wrong)
		}
	}
	// Inner stations without names: no test can tell, and none fires.
	ds, st := wholeCity(1, 300, true, false)
	if h, ok := LikelyCRS(toGCJ(ds, st), ds); ok {
		t.Errorf("inner unnamed stations flagged: %s", h.Message())
	}
}

// TestDistrictsFollowGeodesics: containment follows the engine's geodesic
// edges (a 2° district at 59-60°N, whose north edge bows 0.0038° past
// 60°), not straight lines in longitude and latitude.
func TestDistrictsFollowGeodesics(t *testing.T) {
	d := newDistricts([]coverage.District{{Name: "North", Geometry: orb.MultiPolygon{{{{0, 59}, {2, 59}, {2, 60}, {0, 60}, {0, 59}}}}}})
	if !d.contains(orb.Point{1, 60.002}) || d.contains(orb.Point{1, 59.002}) {
		t.Errorf("(1, 60.002) inside %v (want true), (1, 59.002) inside %v (want false)", d.contains(orb.Point{1, 60.002}), d.contains(orb.Point{1, 59.002}))
	}
}

// TestLikelyCRSMovesOnlyWhatTestsUse: when the inside test cannot fire,
// LikelyCRS moves only the stations the names and clearance tests look at
// (and all of them for the median offset of a hint that fires); the
// hints are those of moving every station, on the whole-city cities in
// GCJ-02 and WGS84 of TestCRSMismatchWholeCity (clearance, names and no
// hint).
func TestLikelyCRSMovesOnlyWhatTestsUse(t *testing.T) {
	fired := map[string]int{}
	for seed := range int64(12) {
		for _, c := range []struct {
			n            int
			inner, named bool
		}{{300, false, false}, {600, false, false}, {300, true, true}} {
			ds, st := wholeCity(seed, c.n, c.inner, c.named)
			for _, in := range [][]coverage.Station{st, toGCJ(ds, st)} {
				h, ok := LikelyCRS(in, ds)
				hintMoveEvery = true
				want, wantOK := LikelyCRS(in, ds)
				hintMoveEvery = false
				if h != want || ok != wantOK {
					t.Errorf("seed %d, %+v: %+v %v, moving every station %+v %v", seed, c, h, ok, want, wantOK)
				}
				if ok {
					fired[h.Evidence]++
				}
			}
		}
	}
	t.Logf("hints compared: %v", fired)
	if fired["clearance"] == 0 || fired["names"] == 0 {
		t.Errorf("the cities fire no clearance or no names hint: %v", fired)
	}
}

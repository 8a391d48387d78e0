package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/covaudit/covaudit/geodata"
)

type nearestJSON struct {
	Points []struct {
		ID        string   `json:"id"`
		Lon       float64  `json:"lon"`
		Lat       float64  `json:"lat"`
		District  *string  `json:"district"`
		Station   *string  `json:"station"`
		DistanceM *float64 `json:"distance_m"`
		TimeS     *float64 `json:"time_s"`
		Meets     bool     `json:"meets"`
	} `json:"points"`
}

func runNearestJSON(t *testing.T, pts string, args ...string) (nearestJSON, int) {
	t.Helper()
	code, out, errOut := runCLI(t, "", append([]string{"nearest", "--points", pts, "--format", "json"}, args...)...)
	var n nearestJSON
	if err := json.Unmarshal([]byte(out), &n); err != nil {
		t.Fatalf("nearest: %v (exit %d) %s", err, code, errOut)
	}
	return n, code
}

// villages writes a grid of villages over Andorra (CSV with a population
// column) and returns its path and the points.
func villages(t *testing.T) (string, []orb.Point) {
	var b strings.Builder
	b.WriteString("id,lon,lat,population\n")
	var pts []orb.Point
	for i := range 45 {
		for j := range 35 {
			p := orb.Point{1.40 + 0.0073*float64(i), 42.42 + 0.0083*float64(j)}
			pts = append(pts, p)
			fmt.Fprintf(&b, "v%d-%d,%.6f,%.6f,%d\n", i, j, p[0], p[1], 1+(i*j)%13)
		}
	}
	path := filepath.Join(t.TempDir(), "villages.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, pts
}

// TestNearestAgreesWithCheck: two implementations of the road cost meet
// here. check --population counts, per district, the people of villages
// beyond the rule in the district's equal-area frame (coverage); nearest
// measures every village on its own (roads.Field.Cost: a frame centred on
// the village, the network's own segment index). They must agree on every
// district, and the JSON carries what the issue lists.
func TestNearestAgreesWithCheck(t *testing.T) {
	pf, _ := villages(t)
	n, code := runNearestJSON(t, pf)
	if code != 1 || len(n.Points) != 45*35 {
		t.Fatalf("exit %d, %d points", code, len(n.Points))
	}
	failing := map[string]float64{}
	people := func(id string) float64 {
		var i, j int
		fmt.Sscanf(id, "v%d-%d", &i, &j)
		return float64(1 + (i*j)%13)
	}
	outside := 0
	for _, p := range n.Points {
		if p.Station == nil || p.DistanceM == nil || p.TimeS == nil {
			t.Fatalf("point %s: missing station, distance or time", p.ID)
		}
		if p.District == nil {
			outside++
			continue
		}
		if !p.Meets {
			failing[*p.District] += people(p.ID)
		}
	}
	if outside == 0 {
		t.Error("no village outside the parishes: the grid should reach beyond Andorra")
	}
	_, out, errOut := runCLI(t, "", "check", "--population", pf, "--format", "json")
	var rep struct {
		Districts []struct {
			Name   string  `json:"name"`
			PopUnc float64 `json:"population_uncovered"`
		} `json:"districts"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v %s", err, errOut)
	}
	for _, d := range rep.Districts {
		if d.PopUnc != failing[d.Name] {
			t.Errorf("%s: check counts %v people beyond the rule, nearest %v", d.Name, d.PopUnc, failing[d.Name])
		}
	}
}

// TestRoadBracketDenseSampling: the bracket of a real district against an
// independent estimate: 20,000 random places of La Massana looked up one
// by one (nearest), the share beyond 30 minutes times the area. The
// estimate's standard error is sqrt(p (1 - p) / n) x area; it must fall
// within 4 of them of the bracket.
func TestRoadBracketDenseSampling(t *testing.T) {
	data, _ := os.ReadFile(demoParishes)
	feats, _, _ := geodata.ReadDistrictsData(data, "p", geodata.DistrictOptions{})
	var mp orb.MultiPolygon
	for _, f := range feats {
		if f.Name == "La Massana" {
			mp = f.Geometry
		}
	}
	rng := rand.New(rand.NewPCG(11, 12))
	b := mp.Bound()
	var sb strings.Builder
	sb.WriteString("id,lon,lat\n")
	n := 0
	for n < 20000 {
		p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		if planar.MultiPolygonContains(mp, p) {
			fmt.Fprintf(&sb, "p%d,%.8f,%.8f\n", n, p[0], p[1])
			n++
		}
	}
	pf := filepath.Join(t.TempDir(), "sample.csv")
	os.WriteFile(pf, []byte(sb.String()), 0o644)
	res, _ := runNearestJSON(t, pf)
	fail := 0
	for _, p := range res.Points {
		if p.District == nil || *p.District != "La Massana" {
			t.Fatalf("point %s lies in %v", p.ID, p.District)
		}
		if !p.Meets {
			fail++
		}
	}
	var d struct {
		Area, Lower, Upper float64
	}
	for _, x := range checkFigures(t).Districts {
		if x.Name == "La Massana" {
			d.Area, d.Lower, d.Upper = x.Area, x.Lower, x.Upper
		}
	}
	p := float64(fail) / float64(n)
	est := p * d.Area
	se := math.Sqrt(p*(1-p)/float64(n)) * d.Area
	gap := max(0, d.Lower-est, est-d.Upper)
	t.Logf("La Massana: bracket [%.0f, %.0f] m2, sampled %.0f ± %.0f m2", d.Lower, d.Upper, est, se)
	if gap > 4*se || d.Upper <= 0 {
		t.Errorf("sampled %.0f m2 (standard error %.0f) is %.1f standard errors from the bracket [%.0f, %.0f]", est, se, gap/se, d.Lower, d.Upper)
	}
}

// TestOSMInputs: stations and districts straight from the OSM file. The
// parishes assembled from their boundary relations have the areas of the
// GeoJSON made from the same relations; relations the extract cuts are
// reported by id (and skipped with --skip-invalid).
func TestOSMInputs(t *testing.T) {
	pbf := "../../audit/demodata/andorra-roads.osm.pbf"
	code, _, errOut := runCLI(t, "", "check", "--districts", pbf, "--district-filter", "admin_level=7", "--stations", pbf,
		"--station-filter", "amenity=police,fire_station", "--default-class", "rural", "--roads", pbf)
	if code != 2 || !strings.Contains(errOut, "relation 2172304 (Foix)") || !strings.Contains(errOut, "not in the file") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", "check", "--districts", pbf, "--district-filter", "admin_level=7", "--stations", pbf,
		"--station-filter", "amenity=police,fire_station", "--default-class", "rural", "--roads", pbf, "--skip-invalid", "--format", "json", "-q")
	var rep struct {
		Districts []struct {
			Name string  `json:"name"`
			Area float64 `json:"area_m2"`
			Rule struct {
				Kind string `json:"kind"`
			} `json:"rule"`
		} `json:"districts"`
		Summary struct {
			Stations int `json:"stations"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 {
		t.Fatalf("exit %d: %v %s", code, err, errOut)
	}
	want := map[string]float64{}
	for _, d := range checkFigures(t, "--districts", demoParishes, "--stations", demoServices).Districts {
		want[d.Name] = d.Area
	}
	if len(rep.Districts) != 7 || rep.Summary.Stations != 9 {
		t.Fatalf("%d districts, %d stations; want 7 parishes and 9 police and fire stations", len(rep.Districts), rep.Summary.Stations)
	}
	for _, d := range rep.Districts {
		if math.Abs(d.Area-want[d.Name]) > 1e-6*d.Area || d.Rule.Kind != "road-time" {
			t.Errorf("%s: %.2f m2 under %s, the GeoJSON's %.2f m2", d.Name, d.Area, d.Rule.Kind, want[d.Name])
		}
	}
}

// TestRoadUsageErrors: bad road flags and speeds files are reported, all
// bad lines at once.
func TestRoadUsageErrors(t *testing.T) {
	sp := filepath.Join(t.TempDir(), "speeds.txt")
	os.WriteFile(sp, []byte("motorway 90\nprimary fast\n# comment\ntertiary 40 50\noneway maybe\n"), 0o644)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--profile", "tank"}, []string{"car|bicycle|foot"}},
		{[]string{"--direction", "sideways"}, []string{"to-station|from-station"}},
		{[]string{"--speeds", sp}, []string{"speeds.txt:2:", "speeds.txt:4:", "speeds.txt:5:"}},
		{[]string{"--roads", "nope.osm.pbf"}, []string{"nope.osm.pbf"}},
		{[]string{"--districts", demoParishes, "--stations", "../../audit/demodata/andorra-roads.osm.pbf"}, []string{"--station-filter"}},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"check"}, c.args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d", c.args, code)
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: %q does not say %q", c.args, errOut, w)
			}
		}
	}
}

// TestRoadDirections: travelling out from the stations differs from
// travelling to them on a network with oneway streets, and the foot
// profile is slower than the car.
func TestRoadDirections(t *testing.T) {
	to := checkFigures(t)
	from := checkFigures(t, "--direction", "from-station")
	foot := checkFigures(t, "--profile", "foot")
	differ, slower := false, false
	for i := range to.Districts {
		differ = differ || to.Districts[i].Lower != from.Districts[i].Lower
		slower = slower || foot.Districts[i].Lower > to.Districts[i].Upper
	}
	if !differ || !slower {
		t.Errorf("from-station differs: %v; on foot more is uncovered: %v", differ, slower)
	}
}

// TestRoadUndecided: a pass limit inside a district's bracket makes it
// undecided: it fails, saying so, and JSON says undecided.
func TestRoadUndecided(t *testing.T) {
	var lo, hi, area float64
	for _, d := range checkFigures(t).Districts {
		if d.Name == "La Massana" {
			lo, hi, area = d.Lower, d.Upper, d.Area
		}
	}
	var rep struct {
		Districts []struct {
			Name      string `json:"name"`
			Undecided *bool  `json:"undecided"`
			Reason    string `json:"fail_reason"`
		} `json:"districts"`
	}
	// The middle of the bracket as a covered share: between the two bounds.
	mid := 100 * (1 - (lo+hi)/2/area)
	_, out, errOut := runCLI(t, "", "check", "--format", "json", "--ignore-gaps-under", "0", "--min-coverage", fmt.Sprintf("%.6f", mid))
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err, errOut)
	}
	found := false
	for _, d := range rep.Districts {
		if d.Name != "La Massana" {
			continue
		}
		found = true
		if d.Undecided == nil || !*d.Undecided || !strings.HasPrefix(d.Reason, "undecided") {
			t.Errorf("min coverage %.6f%% inside [%v, %v]: undecided %v, %q", mid, lo, hi, d.Undecided, d.Reason)
		}
	}
	if !found {
		t.Error("La Massana is not in the report")
	}
}

// TestRoadDiff: closing Canillo village's stations (police, town hall, fire
// station, each mapped twice) loses Canillo land by road. diff --roads
// must find what two checks find, within its stated error, name the
// stations and exit 1; the other parishes lose nothing.
func TestRoadDiff(t *testing.T) {
	b, _ := os.ReadFile(demoServices)
	var fc map[string]any
	json.Unmarshal(b, &fc)
	gone := map[string]bool{"n3928793751": true, "w219555998": true, "w330823762": true, "a439111996": true, "a661647524": true}
	var kept []any
	for _, f := range fc["features"].([]any) {
		if !gone[f.(map[string]any)["id"].(string)] {
			kept = append(kept, f)
		}
	}
	fc["features"] = kept
	head := filepath.Join(t.TempDir(), "head.geojson")
	hb, _ := json.Marshal(fc)
	os.WriteFile(head, hb, 0o644)
	roadsFile := "../../audit/demodata/andorra-roads.osm.pbf"
	code, out, errOut := runCLI(t, "", "diff", "--base", demoServices, "--head", head, "--roads", roadsFile, "--format", "json")
	var rep struct {
		Districts []struct {
			Name   string   `json:"name"`
			Newly  float64  `json:"newly_uncovered_m2"`
			ErrM2  *float64 `json:"err_m2"`
			Losses []struct {
				Station string `json:"station"`
			} `json:"losses"`
		} `json:"districts"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 {
		t.Fatalf("exit %d: %v %s", code, err, errOut)
	}
	before := checkFigures(t, "--districts", demoParishes, "--stations", demoServices, "--roads", roadsFile)
	after := checkFigures(t, "--districts", demoParishes, "--stations", head, "--roads", roadsFile)
	for i, d := range rep.Districts {
		want := max(0, after.Districts[i].Uncovered-before.Districts[i].Uncovered)
		if d.ErrM2 == nil {
			if d.Newly != 0 {
				t.Errorf("%s: urban district newly uncovered %v", d.Name, d.Newly)
			}
			continue
		}
		if math.Abs(d.Newly-want) > *d.ErrM2+1 {
			t.Errorf("%s: diff finds %.0f m2 newly uncovered (error %.0f), two checks %.0f", d.Name, d.Newly, *d.ErrM2, want)
		}
		if d.Name == "Canillo" && (want < 1e6 || len(d.Losses) == 0) {
			t.Errorf("Canillo: %.0f m2 lost, losses %v; want a loss named", want, d.Losses)
		}
	}
}

// TestProgressSilentOffTerminal: the progress line is for terminals only;
// written to a pipe or a buffer (CI logs, tests) it prints nothing.
func TestProgressSilentOffTerminal(t *testing.T) {
	var b strings.Builder
	p := newProgress(&b)
	p.Bytes("reading roads", 50, 100)
	p.Count("evaluating districts", 3, 7)
	p.Done()
	if b.Len() != 0 {
		t.Errorf("progress wrote %q off a terminal", b.String())
	}
	code, _, errOut := runCLI(t, "", "check", "--format", "json")
	if code != 1 || strings.Contains(errOut, "\r") {
		t.Errorf("exit %d, stderr holds a progress line: %q", code, errOut)
	}
}

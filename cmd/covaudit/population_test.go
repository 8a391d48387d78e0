package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// TestPopulationPoints: people per district and beyond the rule, against
// an independent count (point in polygon in lon/lat, distance to every
// station by GeographicLib-checked geodesics), on a grid of villages over
// Andorra; the pass rule by population; people per gap.
func TestPopulationPoints(t *testing.T) {
	var b strings.Builder
	b.WriteString("name,lon,lat,population\n")
	type village struct {
		p orb.Point
		n float64
	}
	var vs []village
	for i := range 40 {
		for j := range 30 {
			p := orb.Point{1.40 + 0.00713*float64(i), 42.42 + 0.00917*float64(j)}
			n := float64(10 + (i*j)%97)
			vs = append(vs, village{p, n})
			fmt.Fprintf(&b, "v%d-%d,%.6f,%.6f,%g\n", i, j, p[0], p[1], n)
		}
	}
	dir := t.TempDir()
	pf := filepath.Join(dir, "villages.csv")
	os.WriteFile(pf, []byte(b.String()), 0o644)

	read := func(path string) ([]geodata.DistrictFeature, [][2]float64) {
		data, _ := os.ReadFile(demoParishes)
		ds, _, _ := geodata.ReadDistrictsData(data, "p", geodata.DistrictOptions{})
		f, _ := os.Open(demoServices)
		defer f.Close()
		st, _, _ := geodata.ReadStations(f, "s", geodata.StationOptions{})
		var pts [][2]float64
		for _, s := range st {
			pts = append(pts, s.Point)
		}
		return ds, pts
	}
	ds, stations := read(demoParishes)
	_, out, errOut := runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--population", pf, "--format", "json", "--gaps", filepath.Join(dir, "gaps.geojson"))
	var rep struct {
		Districts []struct {
			Name string `json:"name"`
			Rule struct {
				RadiusM float64 `json:"radius_m"`
			} `json:"rule"`
			Pop    float64 `json:"population"`
			PopUnc float64 `json:"population_uncovered"`
			PopPct float64 `json:"population_covered_pct"`
		} `json:"districts"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Districts) != 7 {
		t.Fatalf("%v %s", err, errOut)
	}
	totalUnc := 0.0
	for i, d := range rep.Districts {
		var pop, unc float64
		for _, v := range vs {
			if !planar.MultiPolygonContains(ds[i].Geometry, v.p) {
				continue
			}
			pop += v.n
			near := math.Inf(1)
			for _, s := range stations {
				near = math.Min(near, geodesy.Distance(v.p[0], v.p[1], s[0], s[1]))
			}
			if near > d.Rule.RadiusM {
				unc += v.n
			}
		}
		if d.Name != ds[i].Name || d.Pop != pop || d.PopUnc != unc {
			t.Errorf("%s: %v people, %v uncovered; independently %v and %v", d.Name, d.Pop, d.PopUnc, pop, unc)
		}
		totalUnc += unc
	}
	if totalUnc == 0 {
		t.Fatal("no uncovered villages: the test grid misses the gaps")
	}
	// People per gap: the villages inside the drawn gaps.
	var gm struct {
		Features []struct {
			Properties struct{ Population float64 } `json:"properties"`
		} `json:"features"`
	}
	gb, _ := os.ReadFile(filepath.Join(dir, "gaps.geojson"))
	if err := json.Unmarshal(gb, &gm); err != nil || len(gm.Features) == 0 {
		t.Fatalf("gap map: %v, %d gaps", err, len(gm.Features))
	}
	inGaps := 0.0
	for _, f := range gm.Features {
		inGaps += f.Properties.Population
	}
	if inGaps != totalUnc {
		t.Errorf("gaps hold %v people, %v are uncovered", inGaps, totalUnc)
	}
	// The pass rule by population: a district fails exactly when some of
	// its people are uncovered (no gap is ignored at --ignore-gaps-under 0).
	_, out, _ = runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--population", pf, "--min-coverage-by", "population", "--ignore-gaps-under", "0", "--format", "json")
	var byPop struct {
		Districts []struct {
			Name   string  `json:"name"`
			Pass   bool    `json:"pass"`
			PopUnc float64 `json:"population_uncovered"`
			Reason string  `json:"fail_reason"`
		} `json:"districts"`
	}
	if err := json.Unmarshal([]byte(out), &byPop); err != nil || len(byPop.Districts) != 7 {
		t.Fatalf("by population: %v, %d districts", err, len(byPop.Districts))
	}
	for _, d := range byPop.Districts {
		if d.Pass != (d.PopUnc == 0) || (!d.Pass && !strings.Contains(d.Reason, "people")) {
			t.Errorf("%s: pass %v with %v people uncovered (%s)", d.Name, d.Pass, d.PopUnc, d.Reason)
		}
	}
	if code, _, errOut := runCLI(t, "", "check", "--min-coverage-by", "population"); code != 2 || !strings.Contains(errOut, "needs --population") {
		t.Errorf("--min-coverage-by population alone: exit %d %s", code, errOut)
	}
}

// TestStationsReport: the land only Mitjavila covers equals what removing
// it uncovers (diff, another code path), and the report has a row per
// station; districts gain redundant_pct.
func TestStationsReport(t *testing.T) {
	dir := t.TempDir()
	sr := filepath.Join(dir, "stations.csv")
	_, out, errOut := runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--stations-report", sr, "--format", "json")
	if !strings.Contains(out, `"redundant_pct"`) {
		t.Fatalf("no redundant_pct: %s", errOut)
	}
	b, err := os.ReadFile(sr)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(rows) != 66 || rows[0] != "id,name,lon,lat,sole_area_m2,districts" {
		t.Fatalf("%d rows, header %q", len(rows), rows[0])
	}
	var sole float64
	for _, r := range rows {
		if strings.HasPrefix(r, "n4699170492,") {
			fmt.Sscanf(strings.Split(r, ",")[4], "%g", &sole)
		}
	}
	head := editServices(t, "n4699170492", 0, true)
	_, out, _ = runCLI(t, "", "diff", "--districts", demoParishes, "--base", demoServices, "--head", head, "--format", "json")
	var d diffJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	lost := 0.0
	for _, dd := range d.Districts {
		lost += dd.NewlyUncovered
	}
	if lost < 1e4 || math.Abs(sole-lost) > 2 {
		t.Errorf("Mitjavila alone covers %.2f m2; removing it uncovers %.2f m2", sole, lost)
	}
}

// TestPopulationRaster: a GeoTIFF of people per cell over Andorra counts
// in every district (cells split by district borders and disks), and a
// raster in another system is an input error that says so.
func TestPopulationRaster(t *testing.T) {
	_, out, errOut := runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--population", "../../geodata/testdata/raster/f32-deflate-pred3-tiles.tif", "--format", "json")
	var rep struct {
		Districts []struct {
			Name   string  `json:"name"`
			Pop    float64 `json:"population"`
			PopUnc float64 `json:"population_uncovered"`
		} `json:"districts"`
		Summary struct {
			Pop float64 `json:"population"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err, errOut)
	}
	// The raster holds 2,132.25 people outside its no-data cell; all of
	// Andorra lies inside it, and not all of it covers Andorra.
	if rep.Summary.Pop <= 0 || rep.Summary.Pop >= 2132.25 {
		t.Errorf("%.2f people in Andorra", rep.Summary.Pop)
	}
	for _, d := range rep.Districts {
		if d.Pop <= 0 || d.PopUnc < 0 || d.PopUnc > d.Pop {
			t.Errorf("%s: %.2f people, %.2f uncovered", d.Name, d.Pop, d.PopUnc)
		}
	}
	// The gap map carries the raster's uncovered people, all of them.
	gaps := filepath.Join(t.TempDir(), "gaps.geojson")
	runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--population", "../../geodata/testdata/raster/f32-deflate-pred3-tiles.tif", "--gaps", gaps)
	var gm struct {
		Features []struct {
			Properties struct{ Population float64 } `json:"properties"`
		} `json:"features"`
	}
	gb, _ := os.ReadFile(gaps)
	if err := json.Unmarshal(gb, &gm); err != nil || len(gm.Features) == 0 {
		t.Fatalf("gap map: %v, %d gaps", err, len(gm.Features))
	}
	inGaps, unc := 0.0, 0.0
	for _, f := range gm.Features {
		inGaps += f.Properties.Population
	}
	for _, d := range rep.Districts {
		unc += d.PopUnc
	}
	if unc <= 0 || math.Abs(inGaps-unc) > 0.01*float64(len(gm.Features)) {
		t.Errorf("gaps hold %.2f people, %.2f are uncovered", inGaps, unc)
	}
	if code, _, errOut := runCLI(t, "", "check", "--population", "../../geodata/testdata/raster/utm.tif"); code != 2 || !strings.Contains(errOut, "EPSG:32631") {
		t.Errorf("a UTM raster: exit %d, %s", code, errOut)
	}
}

package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// bandAreaM2 is the closed form of the WGS84 area between two parallels
// and two meridians, m²: dλ b²/2 [sinφ/(1-e²sin²φ) + atanh(e sinφ)/e]
// from φ1 to φ2.
func bandAreaM2(lon1, lat1, lon2, lat2 float64) float64 {
	const a, f = 6378137.0, 1 / 298.257223563
	e2 := f * (2 - f)
	e := math.Sqrt(e2)
	b2 := a * a * (1 - e2)
	s := func(lat float64) float64 {
		x := math.Sin(lat * math.Pi / 180)
		return x/(1-e2*x*x) + math.Atanh(e*x)/e
	}
	return (lon2 - lon1) * math.Pi / 180 * b2 / 2 * (s(lat2) - s(lat1))
}

// TestOverlapArea: two districts sharing an edge are not warned about;
// two overlapping by a strip between two meridians are, with the strip's
// area (its east-west edges are 0.0005° geodesics, which part from the
// parallels by 0.03 mm: 1e-8 of the area).
func TestOverlapArea(t *testing.T) {
	// Squares whose east-west edges are drawn every 0.0001° so that they
	// follow the parallels the closed form is bounded by (an edge is a
	// geodesic: undivided, 0.02° wide, it bows a few millimetres off the
	// parallel, 1e-6 of the strip's area).
	sq := func(id string, x0, y0, x1, y1 float64) string {
		var pts []string
		n := int(math.Round((x1 - x0) / 0.0001))
		for k := 0; k <= n; k++ {
			pts = append(pts, fmt.Sprintf("[%.4f,%v]", x0+(x1-x0)*float64(k)/float64(n), y0))
		}
		for k := n; k >= 0; k-- {
			pts = append(pts, fmt.Sprintf("[%.4f,%v]", x0+(x1-x0)*float64(k)/float64(n), y1))
		}
		pts = append(pts, fmt.Sprintf("[%v,%v]", x0, y0))
		return fmt.Sprintf(`{"type":"Feature","id":%q,"properties":{"name":%q,"class":"urban"},"geometry":{"type":"Polygon","coordinates":[[%s]]}}`,
			id, strings.ToUpper(id), strings.Join(pts, ","))
	}
	in := `{"type":"FeatureCollection","features":[` +
		sq("a", 7.40, 46.90, 7.42, 46.92) + "," + // Bern
		sq("b", 7.42, 46.90, 7.44, 46.92) + "," + // shares a's east edge
		sq("c", 7.4395, 46.90, 7.46, 46.92) + "]}" // overlaps b by 0.0005°
	f := filepath.Join(t.TempDir(), "d.geojson")
	if err := os.WriteFile(f, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, errOut := runCLI(t, "lon,lat\n7.43,46.91\n", "check", "--districts", f, "--stations", "-")
	if strings.Contains(errOut, `"A" (feature 0, id "a") and "B"`) {
		t.Errorf("A and B only share an edge but are reported:\n%s", errOut)
	}
	m := regexp.MustCompile(`"B" \(feature 1, id "b"\) and "C" \(feature 2, id "c"\) overlap by ([0-9.]+) m²`).FindStringSubmatch(errOut)
	if m == nil {
		t.Fatalf("no overlap warning with an area for B and C:\n%s", errOut)
	}
	got, _ := strconv.ParseFloat(m[1], 64)
	want := bandAreaM2(7.4395, 46.90, 7.44, 46.92)
	if rel := math.Abs(got-want) / want; rel > 1e-6 {
		t.Errorf("overlap of B and C = %.1f m², closed form %.1f m² (relative %.2g, want <= 1e-6)", got, want, rel)
	}
	t.Logf("overlap %.1f m², closed form %.3f m²", got, want)
}

// TestRepairFlag: a bow-tie and a spike are refused by name without
// --repair, repaired with it (a warning with the place and the areas), and
// a ring with no area left after repair is an error naming the district.
func TestRepairFlag(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Bow","class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[7.40,46.90],[7.41,46.91],[7.41,46.90],[7.40,46.91],[7.40,46.90]]]}},
{"type":"Feature","properties":{"name":"Spiky","class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[7.42,46.90],[7.43,46.90],[7.43,46.91],[7.425,46.91],[7.425,46.92],[7.425,46.91],[7.42,46.91],[7.42,46.90]]]}}]}`
	dir := t.TempDir()
	f := filepath.Join(dir, "d.geojson")
	os.WriteFile(f, []byte(in), 0o644)
	code, _, errOut := runCLI(t, "lon,lat\n7.41,46.905\n", "check", "--districts", f, "--stations", "-")
	if code != 2 || !strings.Contains(errOut, `feature 0 (name "Bow"): polygon 0: ring 0: edges 0 and 2 cross`) || !strings.Contains(errOut, `feature 1 (name "Spiky")`) {
		t.Errorf("without --repair: exit %d, want 2 with both districts named:\n%s", code, errOut)
	}
	code, _, errOut = runCLI(t, "lon,lat\n7.41,46.905\n", "check", "--districts", f, "--stations", "-", "--repair")
	if code == 2 || !strings.Contains(errOut, `feature 0 (name "Bow"): repaired (--repair)`) || !strings.Contains(errOut, "in 2 part(s)") ||
		!strings.Contains(errOut, "(7.4050000, 46.9050000)") || !strings.Contains(errOut, `feature 1 (name "Spiky"): repaired`) {
		t.Errorf("with --repair: exit %d, want a repair warning per district:\n%s", code, errOut)
	}
	flat := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Line","class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[7.40,46.90],[7.41,46.90],[7.42,46.90],[7.41,46.90],[7.40,46.90]]]}},
{"type":"Feature","properties":{"name":"Fine","class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[7.42,46.90],[7.43,46.90],[7.43,46.91],[7.42,46.90]]]}}]}`
	os.WriteFile(f, []byte(flat), 0o644)
	code, _, errOut = runCLI(t, "lon,lat\n7.41,46.905\n", "check", "--districts", f, "--stations", "-", "--repair")
	if code != 2 || !strings.Contains(errOut, `feature 0 (name "Line")`) || !strings.Contains(errOut, "no area is left after repair") {
		t.Errorf("a ring with no area: exit %d, want 2 naming it:\n%s", code, errOut)
	}
}

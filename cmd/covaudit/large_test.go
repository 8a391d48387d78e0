package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLargeDistrictWarned: a district reaching farther from its centre
// than the error bounds were verified for (1,000 km) is audited with a
// warning that names it, in the report and on stderr; one within is not.
func TestLargeDistrictWarned(t *testing.T) {
	dir := t.TempDir()
	st := filepath.Join(dir, "s.csv")
	os.WriteFile(st, []byte("id,lon,lat\na,0,40\n"), 0o644)
	for _, c := range []struct {
		half float64 // degrees
		warn bool
	}{{10, true}, {4, false}} {
		d := filepath.Join(dir, "d.geojson")
		fc := map[string]any{"type": "FeatureCollection", "features": []any{map[string]any{"type": "Feature",
			"properties": map[string]any{"name": "big", "class": "urban"},
			"geometry":   map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{-c.half, 40 - c.half}, {c.half, 40 - c.half}, {c.half, 40 + c.half}, {-c.half, 40 + c.half}, {-c.half, 40 - c.half}}}}}}}
		b, _ := json.Marshal(fc)
		os.WriteFile(d, b, 0o644)
		code, out, errOut := runCLI(t, "", "check", "--districts", d, "--stations", st, "--format", "json")
		var rep struct {
			Warnings []string `json:"warnings"`
		}
		if code != 1 || json.Unmarshal([]byte(out), &rep) != nil {
			t.Fatalf("half %v°: exit %d, %s", c.half, code, errOut)
		}
		got := strings.Contains(strings.Join(rep.Warnings, "\n"), `district "big" reaches`)
		if got != c.warn || got != strings.Contains(errOut, `district "big" reaches`) {
			t.Errorf("half %v°: warned %v, want %v: %q / %q", c.half, got, c.warn, rep.Warnings, errOut)
		}
	}
}

// TestGeodesicSelfCrossing: rings are checked with the edges the engine
// follows, geodesics, not lines straight in longitude and latitude. A long
// edge along the 60th parallel bows north to 60.37° as a geodesic: a
// vertex at 60.2° north of the straight line crosses it, one at 60.5° does
// not, and a ring that reaches 60.2° from the south crosses the straight
// line only, and is valid.
func TestGeodesicSelfCrossing(t *testing.T) {
	dir := t.TempDir()
	st := filepath.Join(dir, "s.csv")
	os.WriteFile(st, []byte("id,lon,lat\na,10,61\n"), 0o644)
	for _, c := range []struct {
		name  string
		ring  [][2]float64
		cross bool
	}{
		{"vertex at 60.2 above", [][2]float64{{0, 60}, {20, 60}, {20, 62}, {10, 60.2}, {0, 62}, {0, 60}}, true},
		{"vertex at 60.5 above", [][2]float64{{0, 60}, {20, 60}, {20, 62}, {10, 60.5}, {0, 62}, {0, 60}}, false},
		{"vertex at 60.2 from below", [][2]float64{{20, 60}, {0, 60}, {0, 58}, {10, 60.2}, {20, 58}, {20, 60}}, false},
	} {
		d := filepath.Join(dir, "d.geojson")
		fc := map[string]any{"type": "FeatureCollection", "features": []any{map[string]any{"type": "Feature",
			"properties": map[string]any{"name": "north", "class": "urban"},
			"geometry":   map[string]any{"type": "Polygon", "coordinates": [][][2]float64{c.ring}}}}}
		b, _ := json.Marshal(fc)
		os.WriteFile(d, b, 0o644)
		code, _, errOut := runCLI(t, "", "check", "--districts", d, "--stations", st, "-q")
		got := strings.Contains(errOut, "cross as geodesics")
		if c.cross && (code != 2 || !got || !strings.Contains(errOut, "edges 0 and 2")) || !c.cross && (code != 1 || strings.Contains(errOut, "cross")) {
			t.Errorf("%s: exit %d, %q", c.name, code, errOut)
		}
	}
}

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

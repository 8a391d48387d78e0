package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDissolve: 38 strips of one municipality (shared edges with shared
// vertices) and two overlapping pieces of another, dissolved by name, give
// one district each, whose area and uncovered area equal those of the same
// land drawn as one polygon (the strips' outline, the pieces' union).
func TestDissolve(t *testing.T) {
	dir := t.TempDir()
	const n = 38
	x := func(i int) float64 { return 1.0 + 0.2*float64(i)/n }
	feature := func(name string, ring [][2]float64) map[string]any {
		return map[string]any{"type": "Feature", "properties": map[string]any{"name": name, "class": "urban"},
			"geometry": map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}}}
	}
	var pieces, whole []any
	for i := range n {
		pieces = append(pieces, feature("Strips", [][2]float64{{x(i), 42.0}, {x(i + 1), 42.0}, {x(i + 1), 42.1}, {x(i), 42.1}, {x(i), 42.0}}))
	}
	var outline [][2]float64
	for i := 0; i <= n; i++ {
		outline = append(outline, [2]float64{x(i), 42.0})
	}
	for i := n; i >= 0; i-- {
		outline = append(outline, [2]float64{x(i), 42.1})
	}
	outline = append(outline, outline[0])
	whole = append(whole, feature("Strips", outline))
	// Two squares overlapping by a quarter: their union is an L-shaped
	// octagon with the crossing points as vertices.
	a := [][2]float64{{1.3, 42.0}, {1.36, 42.0}, {1.36, 42.04}, {1.3, 42.04}, {1.3, 42.0}}
	b := [][2]float64{{1.33, 42.02}, {1.39, 42.02}, {1.39, 42.06}, {1.33, 42.06}, {1.33, 42.02}}
	pieces = append(pieces, feature("Overlapping", a), feature("Overlapping", b))
	whole = append(whole, feature("Overlapping", [][2]float64{{1.3, 42.0}, {1.36, 42.0}, {1.36, 42.02}, {1.39, 42.02}, {1.39, 42.06}, {1.33, 42.06}, {1.33, 42.04}, {1.3, 42.04}, {1.3, 42.0}}))
	write := func(name string, fs []any) string {
		b, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	st := filepath.Join(dir, "s.csv")
	os.WriteFile(st, []byte("id,lon,lat\na,1.05,42.05\nb,1.15,42.03\nc,1.34,42.03\n"), 0o644)
	type rep struct {
		Districts []struct {
			Name        string  `json:"name"`
			AreaM2      float64 `json:"area_m2"`
			UncoveredM2 float64 `json:"uncovered_m2"`
		} `json:"districts"`
		Warnings []string `json:"warnings"`
	}
	run := func(args ...string) rep {
		t.Helper()
		code, out, errOut := runCLI(t, "", append([]string{"check", "--stations", st, "--format", "json"}, args...)...)
		var r rep
		if code != 1 || json.Unmarshal([]byte(out), &r) != nil {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		return r
	}
	got := run("--districts", write("pieces.geojson", pieces), "--dissolve-by", "name")
	want := run("--districts", write("whole.geojson", whole))
	if len(got.Districts) != 2 {
		t.Fatalf("%d districts after dissolving, want 2", len(got.Districts))
	}
	for i, w := range want.Districts {
		g := got.Districts[i]
		if g.Name != w.Name || w.AreaM2 < 1e6 || w.UncoveredM2 <= 0 || math.Abs(g.AreaM2-w.AreaM2) > 1e-6*w.AreaM2 || math.Abs(g.UncoveredM2-w.UncoveredM2) > 1e-6*w.AreaM2 {
			t.Errorf("%s: area %.2f, uncovered %.2f m²; drawn as one polygon %s: %.2f, %.2f", g.Name, g.AreaM2, g.UncoveredM2, w.Name, w.AreaM2, w.UncoveredM2)
		}
	}
	if !strings.Contains(strings.Join(got.Warnings, "\n"), `38 pieces of "Strips" dissolved into one district of 1 part(s)`) {
		t.Errorf("warnings %q", got.Warnings)
	}
	// Pieces of different classes cannot be one district.
	pieces[1].(map[string]any)["properties"].(map[string]any)["class"] = "rural"
	code, _, errOut := runCLI(t, "", "check", "--stations", st, "--districts", write("mixed.geojson", pieces), "--dissolve-by", "name")
	if code != 2 || !strings.Contains(errOut, `dissolving "Strips": class "rural" differs from "urban" of feature 0`) {
		t.Errorf("mixed classes: exit %d, %q", code, errOut)
	}
}

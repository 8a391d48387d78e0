package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateFindsWhatCheckFinds: validate refuses the same districts as
// check with the same words: rings that cross themselves (a bow-tie, a
// spike), holes that cross or lie in each other, MultiPolygon parts that
// cross or lie in each other; an island in a lake and parts that touch at
// corners pass both.
func TestValidateFindsWhatCheckFinds(t *testing.T) {
	feats := []string{
		`"Bow"},"geometry":{"type":"Polygon","coordinates":[[[7.40,46.90],[7.41,46.91],[7.41,46.90],[7.40,46.91],[7.40,46.90]]]}}`,
		`"Spiky"},"geometry":{"type":"Polygon","coordinates":[[[7.42,46.90],[7.43,46.90],[7.43,46.91],[7.425,46.91],[7.425,46.92],[7.425,46.91],[7.42,46.91],[7.42,46.90]]]}}`,
		`"Holes"},"geometry":{"type":"Polygon","coordinates":[[[7.44,46.90],[7.46,46.90],[7.46,46.92],[7.44,46.92],[7.44,46.90]],[[7.445,46.905],[7.445,46.912],[7.452,46.912],[7.452,46.905],[7.445,46.905]],[[7.449,46.909],[7.449,46.915],[7.455,46.915],[7.455,46.909],[7.449,46.909]]]}}`,
		`"Parts"},"geometry":{"type":"MultiPolygon","coordinates":[[[[7.47,46.90],[7.48,46.90],[7.48,46.91],[7.47,46.91],[7.47,46.90]]],[[[7.475,46.905],[7.485,46.905],[7.485,46.915],[7.475,46.915],[7.475,46.905]]]]}}`,
		`"Nested"},"geometry":{"type":"MultiPolygon","coordinates":[[[[7.50,46.90],[7.53,46.90],[7.53,46.93],[7.50,46.93],[7.50,46.90]]],[[[7.51,46.91],[7.52,46.91],[7.52,46.92],[7.51,46.92],[7.51,46.91]]]]}}`,
		`"HoleInHole"},"geometry":{"type":"Polygon","coordinates":[[[7.54,46.90],[7.57,46.90],[7.57,46.93],[7.54,46.93],[7.54,46.90]],[[7.545,46.905],[7.545,46.925],[7.565,46.925],[7.565,46.905],[7.545,46.905]],[[7.55,46.91],[7.55,46.92],[7.56,46.92],[7.56,46.91],[7.55,46.91]]]}}`,
		`"Island"},"geometry":{"type":"MultiPolygon","coordinates":[[[[7.58,46.90],[7.61,46.90],[7.61,46.93],[7.58,46.93],[7.58,46.90]],[[7.59,46.91],[7.59,46.92],[7.60,46.92],[7.60,46.91],[7.59,46.91]]],[[[7.592,46.912],[7.598,46.912],[7.598,46.918],[7.592,46.918],[7.592,46.912]]]]}}`,
		`"Corners"},"geometry":{"type":"MultiPolygon","coordinates":[[[[7.62,46.90],[7.63,46.90],[7.63,46.91],[7.62,46.91],[7.62,46.90]]],[[[7.63,46.91],[7.64,46.91],[7.64,46.92],[7.63,46.92],[7.63,46.91]]]]}}`,
	}
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range feats {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString(`{"type":"Feature","properties":{"class":"urban","name":` + f)
	}
	b.WriteString("]}")
	dir := t.TempDir()
	path := filepath.Join(dir, "d.geojson")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	problems := func(stderr string) []string {
		var out []string
		for _, l := range strings.Split(stderr, "\n") {
			if strings.Contains(l, "d.geojson: feature ") {
				out = append(out, l)
			}
		}
		return out
	}
	stations := "lon,lat\n7.5,46.91\n"
	code, _, checkErr := runCLI(t, stations, "check", "--districts", path, "--stations", "-")
	vcode, _, validateErr := runCLI(t, stations, "validate", "--districts", path, "--stations", "-")
	if code != 2 || vcode != 2 {
		t.Fatalf("exit %d (check), %d (validate), want 2:\n%s\n%s", code, vcode, checkErr, validateErr)
	}
	cp, vp := problems(checkErr), problems(validateErr)
	if strings.Join(cp, "\n") != strings.Join(vp, "\n") {
		t.Errorf("check and validate differ:\ncheck:\n%s\nvalidate:\n%s", strings.Join(cp, "\n"), strings.Join(vp, "\n"))
	}
	want := []string{
		`feature 0 (name "Bow"): polygon 0: ring 0: edges 0 and 2 cross`,
		`feature 1 (name "Spiky"): polygon 0: ring 0: edges 2 and 4 cross`,
		`feature 2 (name "Holes"): polygon 0: ring 2: crosses polygon 0: ring 1 near`,
		`feature 3 (name "Parts"): polygon 1: ring 0: crosses polygon 0: ring 0 near`,
		`feature 4 (name "Nested"): polygon 1: ring 0: lies inside polygon 0`,
		`feature 5 (name "HoleInHole"): polygon 0: ring 2: lies inside ring 1, another hole`,
	}
	if len(cp) != len(want) {
		t.Fatalf("%d problems, want %d:\n%s", len(cp), len(want), strings.Join(cp, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(cp[i], w) {
			t.Errorf("problem %d: %s\nwant it to contain %s", i, cp[i], w)
		}
	}
}

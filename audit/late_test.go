package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/geodata/crs"
)

// TestLateWarningsInPlace: the warnings LoadForRun leaves to be found
// beside the evaluation (far stations, an unused class value, the GCJ-02
// hint, overlapping districts) come out of Run where Load puts them, after
// the reader's skipped records and before the evaluation's own.
func TestLateWarningsInPlace(t *testing.T) {
	gcj, _ := crs.Parse("gcj02")
	pts := [][2]float64{{116.391, 39.907}, {121.4737, 31.2304}, {113.2644, 23.1291}, {104.0665, 30.5723}, {108.9402, 34.3416}}
	var feats []string
	st := "id,lon,lat\nbad,x,1\nfar,10,10\n"
	for i, p := range pts {
		const h = 0.002
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","id":"d%d","properties":{"class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}}`,
			i, p[0]-h, p[1]-h, p[0]+h, p[1]-h, p[0]+h, p[1]+h, p[0]-h, p[1]+h, p[0]-h, p[1]-h))
		x, y := gcj.FromWGS84(p[0], p[1])
		st += fmt.Sprintf("s%d,%.7f,%.7f\n", i, x, y)
	}
	// A district overlapping d0.
	p := pts[0]
	feats = append(feats, fmt.Sprintf(`{"type":"Feature","id":"o","properties":{"class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}}`,
		p[0], p[1], p[0]+0.004, p[1], p[0]+0.004, p[1]+0.004, p[0], p[1]))
	dir := t.TempDir()
	d, s := filepath.Join(dir, "d.geojson"), filepath.Join(dir, "s.csv")
	if err := os.WriteFile(d, []byte(`{"type":"FeatureCollection","features":[`+strings.Join(feats, ",")+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s, []byte(st), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(load func(context.Context, Config) (*Audit, error)) *Audit {
		cfg := Default()
		cfg.Districts, cfg.Stations, cfg.SkipInvalid = d, s, true
		cfg.Classes[0].Values = []string{"urban", "metro"}
		a, err := load(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return a
	}
	want, got := run(Load), run(LoadForRun)
	if !slices.Equal(got.Warnings, want.Warnings) || got.loadWarnings != want.loadWarnings {
		t.Fatalf("LoadForRun's warnings (%d from loading):\n%s\nLoad's (%d):\n%s", got.loadWarnings, strings.Join(got.Warnings, "\n"),
			want.loadWarnings, strings.Join(want.Warnings, "\n"))
	}
	for _, w := range []string{"skipped: ", "from every district", `no district has class "metro"`, "--stations-crs gcj02", "overlap"} {
		if !slices.ContainsFunc(want.Warnings, func(s string) bool { return strings.Contains(s, w) }) {
			t.Errorf("no warning with %q: the test compares less than it should:\n%s", w, strings.Join(want.Warnings, "\n"))
		}
	}
}

// TestSettleInserts: late warnings go where the loading stopped, before
// the warnings added after it.
func TestSettleInserts(t *testing.T) {
	a := &Audit{Warnings: []string{"a", "b"}}
	a.late = startLate(2, func() []string { return []string{"c", "d"} })
	a.Warnings = append(a.Warnings, "e")
	a.settle()
	a.settle()
	if want := []string{"a", "b", "c", "d", "e"}; !slices.Equal(a.Warnings, want) {
		t.Errorf("got %q, want %q", a.Warnings, want)
	}
}

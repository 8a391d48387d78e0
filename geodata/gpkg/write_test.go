package gpkg

import (
	"path/filepath"
	"testing"

	"github.com/covaudit/covaudit/geodata"
	"github.com/paulmach/orb"
)

// TestWritePointsRoundTrip: points written with their properties read back
// as the same points (to the 1e-7 rounding), attributes and system.
func TestWritePointsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sites.gpkg")
	pts := []orb.Point{{1.5212345678, 42.5}, {-0.25, 42.123456789}}
	props := [][]geodata.Prop{
		{{Key: "id", Value: "a"}, {Key: "rank", Value: 1}, {Key: "gain_m2", Value: geodata.Fixed{V: 1234.5678, Digits: 1}}},
		{{Key: "id", Value: "b"}, {Key: "rank", Value: 2}, {Key: "gain_m2", Value: geodata.Fixed{V: 10, Digits: 1}}},
	}
	if err := WritePoints(path, "sites", pts, props, 4326); err != nil {
		t.Fatal(err)
	}
	l, err := Read(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "sites" || len(l.Features) != 2 || !l.HasCRS || !l.CRS.IsWGS84() {
		t.Fatalf("layer %q, %d features, CRS %v (declared %v)", l.Name, len(l.Features), l.CRS.Name, l.HasCRS)
	}
	for i, f := range l.Features {
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			t.Fatalf("feature %d: geometry %T, want a point", i, f.Geometry)
		}
		want := orb.Point{roundTo(pts[i][0], 7), roundTo(pts[i][1], 7)}
		if p != want {
			t.Errorf("feature %d: %v, want %v", i, p, want)
		}
		if f.Attrs["id"] != props[i][0].Value {
			t.Errorf("feature %d: id %q, want %q", i, f.Attrs["id"], props[i][0].Value)
		}
	}
	if got := l.Features[0].Attrs["gain_m2"]; got != "1234.6" {
		t.Errorf("gain_m2 %q, want 1234.6 (rounded as the text outputs)", got)
	}
}

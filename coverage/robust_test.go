package coverage

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func box(lon0, lat0, lon1, lat1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}}
}

// TestOddInputs runs the evaluation on awkward but valid inputs: it must not
// panic or fail, and its results must stay within the district's area.
func TestOddInputs(t *testing.T) {
	tests := []struct {
		name     string
		geom     orb.MultiPolygon
		stations []orb.Point
		radius   float64
	}{
		{"near the north pole", box(10, 89.5, 40, 89.9), []orb.Point{{20, 89.7}}, 2000},
		{"near the south pole", box(-40, -89.9, 10, -89.5), []orb.Point{{0, -89.7}}, 15000},
		{"wide district", box(-50, 10, 50, 12), []orb.Point{{0, 11}, {20, 11}}, 5000},
		{"tiny district", box(1, 1, 1+1e-7, 1+1e-7), []orb.Point{{1, 1.001}}, 2000},
		{"station on a vertex", box(1, 1, 1.05, 1.05), []orb.Point{{1, 1}, {1.05, 1.05}}, 2000},
		{"many stations at one place", box(1, 1, 1.05, 1.05), []orb.Point{{1.02, 1.02}, {1.02, 1.02}, {1.02, 1.02}}, 2000},
		{"stations on a line", box(1, 1, 1.1, 1.1), []orb.Point{{1.01, 1.05}, {1.03, 1.05}, {1.05, 1.05}, {1.07, 1.05}, {1.09, 1.05}}, 1500},
		{"stations on a grid", box(1, 1, 1.1, 1.1), func() []orb.Point {
			var p []orb.Point
			for i := range 5 {
				for j := range 5 {
					p = append(p, orb.Point{1 + 0.025*float64(i), 1 + 0.025*float64(j)})
				}
			}
			return p
		}(), 1400},
		{"circle through a vertex", box(0, 0, 0.1, 0.1), []orb.Point{{0.05, 0}}, 5565.974539663679},
		{"huge radius", box(1, 1, 1.1, 1.1), []orb.Point{{30, 30}}, 5e6},
		{"no station", box(1, 1, 1.1, 1.1), nil, 2000},
		{"far station", box(1, 1, 1.1, 1.1), []orb.Point{{-120, -40}}, 2000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var st []Station
			for _, p := range tc.stations {
				st = append(st, Station{Point: p})
			}
			d := District{Name: tc.name, Geometry: tc.geom, Rule: Rule{Kind: KindRadius, RadiusM: tc.radius}}
			res, err := EvaluateDistrict(&d, NewIndex(st), Options{GapPolygons: true})
			if err != nil {
				t.Fatalf("a valid input fails: %v", err)
			}
			if !(res.UncoveredM2 >= 0 && res.UncoveredM2 <= res.AreaM2) || math.IsNaN(res.CoveredPct) {
				t.Errorf("uncovered %v of area %v, covered %v%%", res.UncoveredM2, res.AreaM2, res.CoveredPct)
			}
			if len(st) > 0 && !(res.Worst.DistanceM >= 0) {
				t.Errorf("worst distance %v", res.Worst.DistanceM)
			}
			t.Logf("area %.1f m2, uncovered %.1f m2, %d gaps, worst %.1f m", res.AreaM2, res.UncoveredM2, len(res.Gaps), res.Worst.DistanceM)
		})
	}
}

func TestOpenRing(t *testing.T) {
	a, b, c := orb.Point{0, 0}, orb.Point{1, 0}, orb.Point{1, 1}
	tests := []struct {
		name string
		in   orb.Ring
		want int
	}{
		{"closed", orb.Ring{a, b, c, a}, 3},
		{"open", orb.Ring{a, b, c}, 3},
		{"closed twice", orb.Ring{a, b, c, a, a}, 3},
		{"repeated vertex", orb.Ring{a, b, b, c, a}, 3},
		{"all the same", orb.Ring{a, a, a}, 1},
	}
	for _, tc := range tests {
		if got := openRing(tc.in); len(got) != tc.want {
			t.Errorf("openRing(%s) = %v, want %d points", tc.name, got, tc.want)
		}
	}
}

package audit

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/covaudit/covaudit/coverage"
)

// TestPlaceLocatorPartitions: two districts sharing an edge (the second
// with a lake) and a third overlapping the first: a point on the shared
// edge goes to one of its two sides (never to none), a point in the lake
// to none, and where districts overlap the first in input order wins.
func TestPlaceLocatorPartitions(t *testing.T) {
	square := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	a := &Audit{Districts: []coverage.District{
		{Name: "west", Geometry: orb.MultiPolygon{{square(0, 0, 0.01, 0.01)}}},
		{Name: "east", Geometry: orb.MultiPolygon{{square(0.01, 0, 0.02, 0.01), square(0.014, 0.004, 0.016, 0.006)}}},
		{Name: "over", Geometry: orb.MultiPolygon{{square(0.005, 0.005, 0.008, 0.02)}}},
	}}
	at := a.placeLocator()
	for _, c := range []struct {
		p    orb.Point
		want int
	}{
		{orb.Point{0.002, 0.002}, 0},
		{orb.Point{0.018, 0.002}, 1},
		{orb.Point{0.015, 0.005}, -1}, // the lake
		{orb.Point{0.006, 0.006}, 0},  // west and over: west first
		{orb.Point{0.006, 0.015}, 2},
		{orb.Point{0.03, 0.005}, -1},
	} {
		if got := at(c.p); got != c.want {
			t.Errorf("%v: district %d, want %d", c.p, got, c.want)
		}
	}
	for _, y := range []float64{0.001, 0.0033, 0.0071, 0.0099} {
		if got := at(orb.Point{0.01, y}); got != 0 && got != 1 {
			t.Errorf("point on the shared edge at lat %v: district %d, want west or east", y, got)
		}
	}
}

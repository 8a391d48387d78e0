package coverage

import (
	"context"
	"math"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// lineCity is one radius district around 45N 11E, stations at the given
// east offsets (m) along the parallel's tangent in the district's frame,
// and population points every stepM metres from -lenM to lenM, each of
// density x stepM people.
func lineCity(stationsX []float64, lenM, stepM, density, radius float64) ([]Place, []District, *Index) {
	proj := geodesy.NewLAEA(11, 45)
	pt := func(x float64) orb.Point { lon, lat := proj.Inverse(x, 0); return orb.Point{lon, lat} }
	var ring orb.Ring
	for _, c := range [][2]float64{{-2e4, -2e4}, {2e4, -2e4}, {2e4, 2e4}, {-2e4, 2e4}, {-2e4, -2e4}} {
		lon, lat := proj.Inverse(c[0], c[1])
		ring = append(ring, orb.Point{lon, lat})
	}
	ds := []District{{Name: "line", Geometry: orb.MultiPolygon{{ring}}, Rule: Rule{Kind: KindRadius, RadiusM: radius}}}
	var places []Place
	for x := -lenM + stepM/2; x < lenM; x += stepM {
		places = append(places, Place{Point: pt(x), People: density * stepM})
	}
	var st []Station
	for _, x := range stationsX {
		st = append(st, Station{Point: pt(x)})
	}
	return places, ds, NewIndex(st)
}

// servedLength is the length of line served, m: the served people over
// the density.
func servedLength(c Capacitated, places []Place, pick func(Place) bool, density float64) float64 {
	s := 0.0
	for i, p := range places {
		if pick(p) {
			s += c.Served[i]
		}
	}
	return s / density
}

// TestCapacitateLineClosedForm: one station on a line of people at
// density rho per metre serves, nearest first, the stretch of length
// capacity / rho centred on it.
func TestCapacitateLineClosedForm(t *testing.T) {
	const rho, step = 0.5, 1.0
	places, ds, ix := lineCity([]float64{0}, 5000, step, rho, 3000)
	cat, err := NewCatchments(context.Background(), places, ds, ix, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, capPeople := range []float64{100, 777, 2000, 5000} {
		c := cat.Capacitate(places, []float64{capPeople}, []int{0})
		got := servedLength(c, places, func(Place) bool { return true }, rho)
		if want := math.Min(capPeople/rho, 6000); math.Abs(got-want) > 1e-9*want {
			t.Errorf("capacity %v people: served length %v m, want %v", capPeople, got, want)
		}
		// Nearest first: every served point is within half the served
		// length (plus a step) of the station.
		for i, p := range places {
			if c.Served[i] > 0 {
				x := geodesy.Distance(p.Point[0], p.Point[1], ix.Stations()[0].Point[0], ix.Stations()[0].Point[1])
				if x > got/2+step {
					t.Errorf("capacity %v: a point %v m away is served, beyond %v", capPeople, x, got/2+step)
					break
				}
			}
		}
	}
}

// TestCapacitateTwoStationsCompete: two stations 2 km apart with 1.5 km
// catchments share the 1 km between their reaches' overlap; the first in
// order takes its nearest people, the second what is left, and the order
// decides who serves the shared stretch.
func TestCapacitateTwoStationsCompete(t *testing.T) {
	const rho = 1.0
	places, ds, ix := lineCity([]float64{-1000, 1000}, 4000, 1, rho, 1500)
	cat, err := NewCatchments(context.Background(), places, ds, ix, Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := func(p Place) float64 {
		s := ix.Stations()[0].Point
		d := geodesy.Distance(p.Point[0], p.Point[1], s[0], s[1])
		if p.Point[0] < s[0] {
			return -1000 - d
		}
		return -1000 + d
	}
	// Each can serve 2,500 people (m) and reaches 3,000 m of line
	// ([-2500, 500] and [-500, 2500]), 1,000 m of it shared. In the given
	// order the first serves [-2250, 250] (nearest first), the second the
	// rest it reaches, [250, 2500]: 4,750 m, and [-2500, -2250] stays
	// over capacity although the first reaches it.
	c := cat.Capacitate(places, []float64{2500, 2500}, CapacityOrder([]float64{1, 1}, "given"))
	if got := servedLength(c, places, func(Place) bool { return true }, rho); math.Abs(got-4750) > 1e-6 {
		t.Errorf("served %v m, want 4750", got)
	}
	if math.Abs(c.ByStation[0]-2500) > 1e-6 || math.Abs(c.ByStation[1]-2250) > 1e-6 {
		t.Errorf("by station %v, want [2500 2250]", c.ByStation)
	}
	if got := servedLength(c, places, func(p Place) bool { return x(p) < -2250-1 || x(p) > 2500+1 }, rho); got != 0 {
		t.Errorf("%v m served beyond [-2250, 2500]", got)
	}
	// Capacities 1,000 and 4,000 by capacity: the larger serves first,
	// its whole reach [-500, 2500] (3,000 people; 1,000 unused); the
	// smaller reaches [-2500, 500], of which [-2500, -500] is left, and
	// serves its 1,000 nearest: [-1500, -500].
	c = cat.Capacitate(places, []float64{1000, 4000}, CapacityOrder([]float64{1000, 4000}, "capacity"))
	if c.Order[0] != 1 || math.Abs(c.ByStation[1]-3000) > 1e-6 || math.Abs(c.ByStation[0]-1000) > 1e-6 {
		t.Errorf("order %v, by station %v, want [1 0] and [1000 3000]", c.Order, c.ByStation)
	}
	if got := servedLength(c, places, func(p Place) bool { return x(p) > -1500+1 && x(p) < -500-1 }, rho); math.Abs(got-998) > 2 {
		t.Errorf("%v m of [-1500, -500] served, want all of it", got)
	}
}

// TestAccessSingleStation: 2SFCA with one station is its capacity over the
// people it reaches, for each of them, and 0 beyond.
func TestAccessSingleStation(t *testing.T) {
	places, ds, ix := lineCity([]float64{0}, 3000, 10, 2, 1000)
	cat, err := NewCatchments(context.Background(), places, ds, ix, Options{})
	if err != nil {
		t.Fatal(err)
	}
	acc := cat.Access(places, ds, []float64{7}, nil)
	want := 7 / (2 * 2000.0)
	for i, p := range places {
		s := ix.Stations()[0].Point
		d := geodesy.Distance(p.Point[0], p.Point[1], s[0], s[1])
		w := 0.0
		if d <= 1000 {
			w = want
		}
		if math.Abs(acc.Index[i]-w) > 1e-12 {
			t.Errorf("place %d at %v m: index %v, want %v", i, d, acc.Index[i], w)
		}
	}
}

// TestMembershipsEqualCatchments: the membership-only catchments of 2SFCA
// hold the same places as the exact ones, and give the same index.
func TestMembershipsEqualCatchments(t *testing.T) {
	places, ds, ix := lineCity([]float64{-700, 0, 900}, 6000, 0.37, 1, 2000)
	ds[0].Rule = Rule{Kind: KindSpeed, TimeS: 150, SpeedMS: 10, Detour: 1.25} // 1,200 m
	for _, d := range []District{ds[0], {Name: "r", Geometry: ds[0].Geometry, Rule: Rule{Kind: KindRadius, RadiusM: 1000}}} {
		dd := []District{d}
		a, err := NewCatchments(context.Background(), places, dd, ix, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := NewMemberships(context.Background(), places, dd, ix, Options{})
		if err != nil {
			t.Fatal(err)
		}
		capacity := []float64{1, 2, 3}
		ia, ib := a.Access(places, dd, capacity, nil), b.Access(places, dd, capacity, nil)
		for j := range a.Members {
			if len(a.Members[j]) != len(b.Members[j]) {
				t.Errorf("%s: station %d: %d members exact, %d by membership", d.Rule.Kind, j, len(a.Members[j]), len(b.Members[j]))
			}
		}
		for i := range ia.Index {
			if ia.Index[i] != ib.Index[i] {
				t.Errorf("%s: place %d: index %v exact, %v by membership", d.Rule.Kind, i, ia.Index[i], ib.Index[i])
				break
			}
		}
	}
}

package coverage

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// TestCriticality: two overlapping disks and a far station in a square
// district at 45N: each disk alone covers pi r^2 minus the lens, the lens
// is the redundant land, the far station covers nothing; a station
// duplicated at one place covers nothing alone; people only one station
// reaches are that station's.
func TestCriticality(t *testing.T) {
	ring, at := squareAt45(8000)
	d := []District{{Name: "sq", Geometry: orb.MultiPolygon{{ring}}, Rule: Rule{Kind: KindRadius, RadiusM: 2000}}}
	st := []Station{{ID: "a", Point: at(-1000, 0)}, {ID: "b", Point: at(1500, 0)}, {ID: "far", Point: at(30000, 0)},
		{ID: "c1", Point: at(0, 5000)}, {ID: "c2", Point: at(0, 5000)}}
	pop := NewPopulation([]orb.Point{at(-2500, 0), at(250, 0), at(2500, 0), at(0, 5500)}, []float64{10, 20, 40, 80})
	sole, red, err := Criticality(context.Background(), d, NewIndex(st), Options{Population: pop})
	if err != nil {
		t.Fatal(err)
	}
	want := math.Pi*2000*2000 - lensArea(2000, 2500)
	got := map[string]SoleCover{}
	for _, s := range sole {
		got[st[s.Station].ID] = s
	}
	for _, id := range []string{"a", "b"} {
		if math.Abs(got[id].AreaM2-want) > 1e-4*want {
			t.Errorf("%s alone covers %.1f m2, want %.1f", id, got[id].AreaM2, want)
		}
	}
	if got["a"].People != 10 || got["b"].People != 40 {
		t.Errorf("people only a and b reach: %v and %v, want 10 and 40 (the 20 in the lens are shared)", got["a"].People, got["b"].People)
	}
	for _, id := range []string{"far", "c1", "c2"} {
		if g, ok := got[id]; ok {
			t.Errorf("%s covers %v alone, want nothing", id, g)
		}
	}
	// Redundant: the lens of a and b, and the whole disk at c (two stations).
	wantRed := lensArea(2000, 2500) + math.Pi*2000*2000
	if math.Abs(red[0].RedundantM2-wantRed) > 1e-4*wantRed {
		t.Errorf("redundant land %.1f m2, want %.1f", red[0].RedundantM2, wantRed)
	}
}

// TestGapBorderStations: a square with two disks inside and one cutting
// its corner has one gap, bounded by the three circles; a far station
// does not count.
func TestGapBorderStations(t *testing.T) {
	ring, at := squareAt45(8000)
	d := []District{{Name: "sq", Geometry: orb.MultiPolygon{{ring}}, Rule: Rule{Kind: KindRadius, RadiusM: 2000}}}
	st := []Station{{Point: at(-3000, 0)}, {Point: at(3000, 0)}, {Point: at(8000, 8000)}, {Point: at(40000, 0)}}
	res, err := Evaluate(context.Background(), d, NewIndex(st), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g := res[0].Gaps; len(g) != 1 || g[0].BorderStations != 3 {
		t.Errorf("gaps %+v, want one bounded by 3 stations", g)
	}
}

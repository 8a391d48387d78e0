package coverage

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

// TestFitTable: districts sharing a tile evaluated by many workers at once
// (the fit table filled and read concurrently), by one, and with the map in
// place of the table give the same results.
func TestFitTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var ds []District
	for i := range 6 {
		for j := range 6 {
			x, y := 8+0.03*float64(i), 47+0.02*float64(j)
			ring := orb.Ring{{x, y}, {x + 0.03, y}, {x + 0.03, y + 0.02}, {x, y + 0.02}, {x, y}}
			ds = append(ds, District{Name: "d", Geometry: orb.MultiPolygon{{ring}}, Rule: Rule{Kind: KindRadius, RadiusM: 1500 + 500*float64(i%2)}})
		}
	}
	var st []Station
	for range 3000 {
		st = append(st, Station{Point: orb.Point{7.99 + 0.2*rng.Float64(), 46.99 + 0.14*rng.Float64()}})
	}
	ix := NewIndex(st)
	run := func(workers int) []Result {
		rs, err := Evaluate(context.Background(), ds, ix, Options{Workers: workers, GapPolygons: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range rs {
			rs[i].District = nil
		}
		return rs
	}
	many := run(8)
	if one := run(1); !reflect.DeepEqual(many, one) {
		t.Error("8 workers and 1 differ")
	}
	keep := denseBudget
	denseBudget = 0
	byMap := run(8)
	denseBudget = keep
	if !reflect.DeepEqual(many, byMap) {
		t.Error("the fit table and the map differ")
	}
}

package coverage

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestSelfCrossingGridMatchesSweep compares the grid search with the sweep
// on random rings, simple and not, and on a clustered ring.
func TestSelfCrossingGridMatchesSweep(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 9))
	for k := range 300 {
		n := 4 + rng.IntN(60)
		pts := make([]orb.Point, n)
		for i := range pts {
			if k%2 == 0 { // star-shaped: simple
				a := 2 * math.Pi * float64(i) / float64(n)
				r := 1 + rng.Float64()
				pts[i] = orb.Point{r * math.Cos(a), r * math.Sin(a)}
			} else { // random: mostly self-crossing
				pts[i] = orb.Point{rng.Float64(), rng.Float64()}
			}
		}
		i1, j1, _, ok1 := selfCrossing(pts)
		_, _, _, ok2 := selfCrossingSweep(pts)
		if ok1 != ok2 {
			t.Fatalf("ring %d: grid says crossing=%v (%d, %d), sweep says %v", k, ok1, i1, j1, ok2)
		}
		if k%2 == 0 && ok1 {
			t.Fatalf("star-shaped ring %d reported crossing at edges %d and %d", k, i1, j1)
		}
	}
	// 2,000 vertices on a small arc and one long closing edge: clustered.
	var pts []orb.Point
	for i := range 2000 {
		a := float64(i) / 2000 * 0.01
		pts = append(pts, orb.Point{math.Cos(a), math.Sin(a)})
	}
	pts = append(pts, orb.Point{-50, 0})
	if _, _, _, ok := selfCrossing(pts); ok {
		t.Errorf("clustered simple ring reported as crossing")
	}
}

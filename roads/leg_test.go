package roads

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLegHopelessNeverCutsAWinner: whenever Hopeless says a leg cannot
// beat a bound, Cost (with no bound) is not below it, whatever the cap;
// points lie along the segment's line beyond its ends too, where the test
// leans on the distance along the line. It also cuts most far legs.
func TestLegHopelessNeverCutsAWinner(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 12))
	cut := 0
	for range 200000 {
		a := [2]float64{r.Float64()*2000 - 1000, r.Float64()*2000 - 1000}
		b := [2]float64{a[0] + r.Float64()*800 - 400, a[1] + r.Float64()*800 - 400}
		if r.IntN(50) == 0 {
			b = a // a point segment
		}
		t0, t1 := r.Float64()*600, r.Float64()*600
		c0, c1 := t0, t1-t0
		g := NewLeg(a, b, c0, c1, 1/1.4)
		var p [2]float64
		if r.IntN(2) == 0 { // on or near the line, beyond the ends
			s := r.Float64()*3 - 1
			p = [2]float64{a[0] + s*(b[0]-a[0]) + r.NormFloat64(), a[1] + s*(b[1]-a[1]) + r.NormFloat64()}
		} else {
			p = [2]float64{r.Float64()*4000 - 2000, r.Float64()*4000 - 2000}
		}
		capM := 200 + r.Float64()*2000
		exact, _ := g.Cost(p[0], p[1], capM, math.Inf(1))
		// Bounds around the exact cost, and equal to it.
		for _, bound := range []float64{exact, math.Nextafter(exact, 0), exact * 0.999, exact * 1.001, r.Float64() * 3000} {
			if g.Hopeless(p[0], p[1], bound) {
				cut++
				if exact < bound {
					t.Fatalf("leg %v-%v (c0 %g, c1 %g) from %v cap %g: Hopeless below %g but Cost is %g", a, b, c0, c1, p, capM, bound, exact)
				}
			}
		}
	}
	if cut == 0 {
		t.Fatal("Hopeless never cut a leg")
	}
}

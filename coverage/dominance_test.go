package coverage

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDropCovered: clustered near-circles of 2 km as the stations of a
// dense city give. Every dropped ellipse is inside the kept ones at dense
// sample points, some are dropped, and the cut of the kept ellipses has
// the area of the cut of all of them.
func TestDropCovered(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 2))
	for trial := range 6 {
		var ells []ellipse
		for range 300 + 200*trial {
			c := r.IntN(4)
			x, y := 3000*float64(c%2)+r.NormFloat64()*900, 3000*float64(c/2)+r.NormFloat64()*900
			ang := r.Float64() * math.Pi
			ells = append(ells, ellipse{cx: x, cy: y, a: 2000 + r.Float64()*0.05, b: 1999.95 + r.Float64()*0.05,
				ux: math.Cos(ang), uy: math.Sin(ang)}.prepared())
		}
		kept := dropCovered(ells)
		if len(kept) >= len(ells) || len(kept) == 0 {
			t.Fatalf("trial %d: %d of %d kept", trial, len(kept), len(ells))
		}
		isKept := map[ellipse]bool{}
		for _, e := range kept {
			isKept[e] = true
		}
		for _, e := range ells {
			if isKept[e] {
				continue
			}
			for k := range 720 { // the dropped ellipse's boundary, and points inside it
				for _, s := range []float64{1, 0.7, 0.3} {
					x, y := e.at(2 * math.Pi * float64(k) / 720)
					x, y = e.cx+s*(x-e.cx), e.cy+s*(y-e.cy)
					in := false
					for i := range kept {
						if kept[i].level(x, y) < 1 {
							in = true
							break
						}
					}
					if !in {
						t.Fatalf("trial %d: (%v, %v) of a dropped ellipse is in no kept one", trial, x, y)
					}
				}
			}
		}
		region := newFrameRegion([][][2]float64{square(-6000, -6000, 9000, 9000)})
		all, some := region.cut(ells).area, region.cut(kept).area
		if math.Abs(all-some) > 1e-6*math.Max(1, all) {
			t.Errorf("trial %d: uncovered %v m2 with all %d ellipses, %v with the %d kept", trial, all, len(ells), some, len(kept))
		}
		t.Logf("trial %d: %d of %d kept, uncovered %.3f m2", trial, len(kept), len(ells), all)
	}
}

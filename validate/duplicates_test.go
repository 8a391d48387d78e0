package validate

import (
	"math/rand/v2"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// TestEarlierNearMatchesPairs compares the row sweep with every pair, on
// clusters of stations a few metres apart (repeated places among them),
// near the poles, on both sides of row edges and across the antimeridian.
func TestEarlierNearMatchesPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 7))
	var pts []orb.Point
	for _, c := range []orb.Point{{116.5, 36.2}, {-70.1, -33.4}, {10, 89.95}, {0, -89.99}, {179.9999, 0}, {180, -16.5}, {25, 70}} {
		for range 120 {
			p := orb.Point{c[0] + (rng.Float64()-0.5)*4e-4, c[1] + (rng.Float64()-0.5)*4e-4}
			if p[0] > 180 {
				p[0] -= 360 // a cluster astride the antimeridian
			}
			if rng.IntN(5) == 0 && len(pts) > 0 {
				p = pts[rng.IntN(len(pts))] // the same place again
			}
			pts = append(pts, p)
		}
	}
	for _, m := range []float64{1, 10, 35} {
		first, dist := earlierNear(pts, m)
		found := 0
		for i := range pts {
			want, wantD := -1, 0.0
			for j := range i {
				if d := geodesy.Distance(pts[i][0], pts[i][1], pts[j][0], pts[j][1]); d <= m {
					want, wantD = j, d
					break
				}
			}
			if first[i] != want || want >= 0 && dist[i] != wantD {
				t.Fatalf("m=%g point %d %v: earlier near %d (%g m), want %d (%g m)", m, i, pts[i], first[i], dist[i], want, wantD)
			}
			if want >= 0 {
				found++
			}
		}
		if found == 0 {
			t.Fatalf("m=%g: no near pair in the test data", m)
		}
	}
}

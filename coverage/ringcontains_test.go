package coverage

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// ringContains must answer as planar.RingContains does, boundary points
// and vertices included.
func TestRingContainsMatchesOrb(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 15))
	for range 200 {
		ring := orb.Ring{}
		for range 3 + r.IntN(12) {
			ring = append(ring, orb.Point{float64(r.IntN(9)), float64(r.IntN(9))})
		}
		ring = append(ring, ring[0])
		b := ring.Bound()
		for range 200 {
			p := orb.Point{float64(r.IntN(21)) / 2, float64(r.IntN(21)) / 2}
			if r.IntN(3) == 0 {
				p = ring[r.IntN(len(ring))]
			}
			if got, want := ringContains(ring, b, p), planar.RingContains(ring, p); got != want {
				t.Fatalf("ring %v, point %v: %v, want %v", ring, p, got, want)
			}
		}
	}
}

package coverage

import (
	"math"
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

// TestRingBandsMatchRingContains: the banded test answers as ringContains
// does, on rings of many vertices on a coarse grid (vertical and
// horizontal edges, points on edges, at vertices, one unit in the last
// place beside a vertex's longitude) and on rings of random vertices.
func TestRingBandsMatchRingContains(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 16))
	for trial := range 300 {
		n := 40 + r.IntN(400)
		ring := orb.Ring{}
		grid := trial%2 == 0
		for range n {
			if grid {
				ring = append(ring, orb.Point{float64(r.IntN(30)), float64(r.IntN(30))})
			} else {
				a := 2 * math.Pi * r.Float64()
				ring = append(ring, orb.Point{114 + r.Float64()*math.Cos(a), 37 + r.Float64()*math.Sin(a)})
			}
		}
		ring = append(ring, ring[0])
		b := ring.Bound()
		rb := newRingBands(ring, b)
		if len(rb.first) < 3 {
			t.Fatalf("trial %d: %d band(s): the test compares little", trial, len(rb.first)-1)
		}
		for range 400 {
			var p orb.Point
			switch r.IntN(5) {
			case 0:
				p = ring[r.IntN(len(ring))]
			case 1: // on an edge
				i := r.IntN(len(ring) - 1)
				p = orb.Point{(ring[i][0] + ring[i+1][0]) / 2, (ring[i][1] + ring[i+1][1]) / 2}
			case 2: // beside a vertex's longitude
				q := ring[r.IntN(len(ring))]
				p = orb.Point{math.Nextafter(q[0], math.Inf(2*r.IntN(2)-1)), q[1] + r.Float64() - 0.5}
			default:
				p = orb.Point{b.Min[0] - 1 + r.Float64()*(b.Max[0]-b.Min[0]+2), b.Min[1] - 1 + r.Float64()*(b.Max[1]-b.Min[1]+2)}
				if grid {
					p = orb.Point{math.Round(p[0]*2) / 2, math.Round(p[1]*2) / 2}
				}
			}
			if got, want := rb.contains(p), ringContains(ring, b, p); got != want {
				t.Fatalf("trial %d, point %v: %v, want %v", trial, p, got, want)
			}
		}
	}
}

package coverage

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestFirstAtPoint: the sort gives every station the first station at its
// point, as a map keyed by the point does (-0 and 0 one place, NaN none).
func TestFirstAtPoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 7, 1000, parallelFirstMin + 5} {
		st := make([]Station, n)
		for i := range st {
			switch k := rng.IntN(10); {
			case k == 0 && i > 0:
				st[i].Point = st[rng.IntN(i)].Point // a duplicate
			case k == 1:
				st[i].Point = orb.Point{math.Copysign(0, -1), float64(rng.IntN(3))}
			case k == 2:
				st[i].Point = orb.Point{0, float64(rng.IntN(3))}
			case k == 3:
				st[i].Point = orb.Point{math.NaN(), 1}
			default:
				st[i].Point = orb.Point{float64(rng.IntN(40)) / 8, float64(rng.IntN(40)) / 8}
			}
		}
		want := make([]int, n)
		seen := map[orb.Point]int{}
		for i, s := range st {
			if j, ok := seen[s.Point]; ok {
				want[i] = j
			} else {
				seen[s.Point] = i
				want[i] = i
			}
		}
		ix := NewIndex(st)
		for i := range st {
			if ix.first[i] != want[i] {
				t.Fatalf("n=%d: station %d %v: first %d, want %d", n, i, st[i].Point, ix.first[i], want[i])
			}
		}
	}
}

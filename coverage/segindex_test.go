package coverage

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSegIndexMatchesBruteForce: both segment indexes (the R-tree over
// groups and the packed runs of groups) return exactly the segments whose
// box meets the query box, each once, on chains of random segments (as
// ring edges and road options come) with points and jumps among them, and
// on ordinary, empty, point and line boxes.
func TestSegIndexMatchesBruteForce(t *testing.T) {
	for _, n := range []int{0, 1, 16, 17, 255 * segGroup, 256 * segGroup, 256*segGroup + 1, 20000} {
		r := rand.New(rand.NewPCG(uint64(n), 11))
		segs := make([][2][2]float64, n)
		p := [2]float64{0, 0}
		for k := range segs {
			q := [2]float64{p[0] + 100*(r.Float64()-0.5), p[1] + 100*(r.Float64()-0.5)}
			switch k % 97 {
			case 0: // a jump
				q = [2]float64{20000 * r.Float64(), 20000 * r.Float64()}
			case 1: // a point
				q = p
			}
			segs[k] = [2][2]float64{p, q}
			p = q
		}
		seg := func(k int) (a, b [2]float64) { return segs[k][0], segs[k][1] }
		for _, ix := range []struct {
			name string
			si   *segIndex
		}{{"rtree", newSegIndex(n, seg)}, {"packed", newPackedSegIndex(n, seg)}} {
			t.Run(fmt.Sprint(ix.name, n), func(t *testing.T) {
				if ix.name == "packed" && n >= segTreeFrom*segGroup && ix.si.supers == nil {
					t.Fatal("no runs of groups: the packed search is not tested")
				}
				hits := 0
				for i := range 300 {
					c := [2]float64{r.Float64()*4000 - 1000, r.Float64()*4000 - 1000}
					if n > 0 && i%3 == 0 {
						c = segs[r.IntN(n)][0]
					}
					w := [2]float64{500 * r.Float64(), 500 * r.Float64()}
					switch i % 5 {
					case 0:
						w = [2]float64{}
					case 1:
						w[0] = 0
					case 2:
						w[0] = -w[0] // empty
					}
					mn, mx := [2]float64{c[0] - w[0], c[1] - w[1]}, [2]float64{c[0] + w[0], c[1] + w[1]}
					var want, got []int
					for k := range segs {
						a, q := segs[k][0], segs[k][1]
						b := [4]float64{min(a[0], q[0]), min(a[1], q[1]), max(a[0], q[0]), max(a[1], q[1])}
						if b[0] <= mx[0] && b[2] >= mn[0] && b[1] <= mx[1] && b[3] >= mn[1] {
							want = append(want, k)
						}
					}
					ix.si.search(mn, mx, func(k int) bool { got = append(got, k); return true })
					if ix.name == "packed" && !slices.IsSorted(got) {
						t.Fatalf("box %v %v: segments not in index order", mn, mx)
					}
					slices.Sort(got)
					if !slices.Equal(got, want) {
						t.Fatalf("box %v %v: %d segments, brute force %d", mn, mx, len(got), len(want))
					}
					hits += len(want)
				}
				if n > 1000 && hits == 0 {
					t.Fatal("no box met a segment")
				}
			})
		}
	}
}

package coverage

import (
	"math"

	"github.com/tidwall/rtree"
)

// segIndex is a static spatial index of segments that come in chains, such
// as the edges of rings: consecutive segments are grouped by segGroup, and
// only the groups' boxes go into an R-tree. Building it costs a sixteenth of
// indexing every segment, and queries stay logarithmic because consecutive
// ring edges lie close together. Read-only after construction.
type segIndex struct {
	boxes [][4]float64 // per segment: min x, min y, max x, max y
	tree  rtree.RTreeG[int]
}

const segGroup = 16

func newSegIndex(n int, seg func(k int) (p, q [2]float64)) *segIndex {
	si := &segIndex{boxes: make([][4]float64, n)}
	for g := 0; g < n; g += segGroup {
		gb := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for k := g; k < min(n, g+segGroup); k++ {
			p, q := seg(k)
			b := [4]float64{math.Min(p[0], q[0]), math.Min(p[1], q[1]), math.Max(p[0], q[0]), math.Max(p[1], q[1])}
			si.boxes[k] = b
			gb = [4]float64{math.Min(gb[0], b[0]), math.Min(gb[1], b[1]), math.Max(gb[2], b[2]), math.Max(gb[3], b[3])}
		}
		si.tree.Insert([2]float64{gb[0], gb[1]}, [2]float64{gb[2], gb[3]}, g)
	}
	return si
}

// search calls fn with every segment whose box meets [mn, mx], until fn
// returns false.
func (si *segIndex) search(mn, mx [2]float64, fn func(k int) bool) {
	si.tree.Search(mn, mx, func(_, _ [2]float64, g int) bool {
		for k := g; k < min(len(si.boxes), g+segGroup); k++ {
			b := &si.boxes[k]
			if b[0] <= mx[0] && b[2] >= mn[0] && b[1] <= mx[1] && b[3] >= mn[1] {
				if !fn(k) {
					return false
				}
			}
		}
		return true
	})
}

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
	boxes  [][4]float64       // per segment: min x, min y, max x, max y
	groups [][4]float64       // per group of segGroup segments
	tree   *rtree.RTreeG[int] // over the groups, when there are many
	// supers, instead of tree in a packed index (newPackedSegIndex), are
	// the boxes of runs of segGroup consecutive groups.
	supers [][4]float64
}

// segTreeFrom is the number of groups from which the groups go into an
// R-tree; below it a query scans the group boxes.
const segTreeFrom = 256

const segGroup = 16

func newSegIndex(n int, seg func(k int) (p, q [2]float64)) *segIndex {
	si := groupSegs(n, seg)
	if len(si.groups) >= segTreeFrom {
		si.tree = &rtree.RTreeG[int]{}
		for gi, gb := range si.groups {
			si.tree.Insert([2]float64{gb[0], gb[1]}, [2]float64{gb[2], gb[3]}, gi*segGroup)
		}
	}
	return si
}

// groupSegs is the segments' boxes and their groups' boxes.
func groupSegs(n int, seg func(k int) (p, q [2]float64)) *segIndex {
	si := &segIndex{boxes: make([][4]float64, n), groups: make([][4]float64, 0, n/segGroup+1)}
	for g := 0; g < n; g += segGroup {
		gb := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for k := g; k < min(n, g+segGroup); k++ {
			p, q := seg(k)
			b := [4]float64{min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1])}
			si.boxes[k] = b
			gb = [4]float64{min(gb[0], b[0]), min(gb[1], b[1]), max(gb[2], b[2]), max(gb[3], b[3])}
		}
		si.groups = append(si.groups, gb)
	}
	return si
}

// newPackedSegIndex is newSegIndex for segments that already come in
// spatial order (such as a district's road options, which the network's
// Hilbert-packed index lists in that order): the groups are packed in runs
// of segGroup instead of being inserted into an R-tree, a query scans the
// runs' boxes, and segments come in index order.
func newPackedSegIndex(n int, seg func(k int) (p, q [2]float64)) *segIndex {
	si := groupSegs(n, seg)
	if len(si.groups) < segTreeFrom {
		return si
	}
	for g := 0; g < len(si.groups); g += segGroup {
		sb := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for _, gb := range si.groups[g:min(len(si.groups), g+segGroup)] {
			sb = [4]float64{min(sb[0], gb[0]), min(sb[1], gb[1]), max(sb[2], gb[2]), max(sb[3], gb[3])}
		}
		si.supers = append(si.supers, sb)
	}
	return si
}

// search calls fn with every segment whose box meets [mn, mx], until fn
// returns false.
func (si *segIndex) search(mn, mx [2]float64, fn func(k int) bool) {
	if si.supers != nil {
		for su, sb := range si.supers {
			if !(sb[0] <= mx[0] && sb[2] >= mn[0] && sb[1] <= mx[1] && sb[3] >= mn[1]) {
				continue
			}
			for gi := su * segGroup; gi < min(len(si.groups), (su+1)*segGroup); gi++ {
				gb := &si.groups[gi]
				if gb[0] <= mx[0] && gb[2] >= mn[0] && gb[1] <= mx[1] && gb[3] >= mn[1] {
					if !si.scanGroup(gi*segGroup, mn, mx, fn) {
						return
					}
				}
			}
		}
		return
	}
	if si.tree == nil {
		for gi, gb := range si.groups {
			if gb[0] <= mx[0] && gb[2] >= mn[0] && gb[1] <= mx[1] && gb[3] >= mn[1] {
				if !si.scanGroup(gi*segGroup, mn, mx, fn) {
					return
				}
			}
		}
		return
	}
	si.tree.Search(mn, mx, func(_, _ [2]float64, g int) bool {
		return si.scanGroup(g, mn, mx, fn)
	})
}

// scanGroup calls fn for the segments of the group starting at g whose box
// meets [mn, mx]; it reports whether to go on.
func (si *segIndex) scanGroup(g int, mn, mx [2]float64, fn func(k int) bool) bool {
	for k := g; k < min(len(si.boxes), g+segGroup); k++ {
		b := &si.boxes[k]
		if b[0] <= mx[0] && b[2] >= mn[0] && b[1] <= mx[1] && b[3] >= mn[1] {
			if !fn(k) {
				return false
			}
		}
	}
	return true
}

package roads

import (
	"math"
	"slices"
)

// segFanout is the number of children of every node of a segTree (and of
// segments in every leaf).
const segFanout = 16

// segTree is a static R-tree of a network's segments, packed in one pass:
// the segments are sorted by the Hilbert index of their box's centre and
// cut into leaves of segFanout, and each level above groups segFanout
// nodes of the one below. Building it is one sort; it holds one int32 per
// segment plus a box per node (about 2.1 bytes per segment), where an
// R-tree built by insertion holds a box per segment and node slack on top.
// A leaf's segment boxes are not stored: they are read from the network's
// node positions, exactly as an index of every segment's box would hold
// them. Read-only after construction, so safe for concurrent queries.
type segTree struct {
	ids []int32 // segments, in Hilbert order
	// boxes are the nodes' boxes (min lon, min lat, max lon, max lat),
	// level by level from the leaves up; level l starts at levels[l], and
	// its node i covers nodes (or, at level 0, ids) [i*segFanout,
	// (i+1)*segFanout) of the level below.
	boxes  [][4]float64
	levels []int
}

// segBox is segment s's lon/lat box.
func segBox(pos [][2]float64, s *Segment) [4]float64 {
	a, b := pos[s.A], pos[s.B]
	return [4]float64{min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])}
}

// newSegTree packs the segments of a network.
func newSegTree(pos [][2]float64, segs []Segment) *segTree {
	t := &segTree{}
	n := len(segs)
	if n == 0 {
		return t
	}
	// The centres' extent, for the Hilbert grid.
	lo := [2]float64{math.Inf(1), math.Inf(1)}
	hi := [2]float64{math.Inf(-1), math.Inf(-1)}
	for k := range segs {
		b := segBox(pos, &segs[k])
		c := [2]float64{(b[0] + b[2]) / 2, (b[1] + b[3]) / 2}
		lo = [2]float64{min(lo[0], c[0]), min(lo[1], c[1])}
		hi = [2]float64{max(hi[0], c[0]), max(hi[1], c[1])}
	}
	const side = 1 << 16
	scale := [2]float64{0, 0}
	for i := range 2 {
		if hi[i] > lo[i] {
			scale[i] = (side - 1) / (hi[i] - lo[i])
		}
	}
	// Hilbert index in the high 32 bits, the segment in the low: one sort
	// of plain integers orders them, ties by segment.
	keys := make([]uint64, n)
	for k := range segs {
		b := segBox(pos, &segs[k])
		x := uint32(((b[0]+b[2])/2 - lo[0]) * scale[0])
		y := uint32(((b[1]+b[3])/2 - lo[1]) * scale[1])
		keys[k] = uint64(hilbert(min(x, side-1), min(y, side-1)))<<32 | uint64(k)
	}
	slices.Sort(keys)
	t.ids = make([]int32, n)
	for i, key := range keys {
		t.ids[i] = int32(uint32(key))
	}
	keys = nil
	// Level sizes, to allocate the boxes once.
	total := 0
	for m := n; ; {
		m = (m + segFanout - 1) / segFanout
		total += m
		if m == 1 {
			break
		}
	}
	t.boxes = make([][4]float64, 0, total)
	// Leaves' boxes, then each level from the one below.
	t.levels = append(t.levels, 0)
	for g := 0; g < n; g += segFanout {
		gb := emptyBox()
		for _, k := range t.ids[g:min(n, g+segFanout)] {
			gb = unionBox(gb, segBox(pos, &segs[k]))
		}
		t.boxes = append(t.boxes, gb)
	}
	for {
		start := t.levels[len(t.levels)-1]
		below := t.boxes[start:]
		if len(below) == 1 {
			break
		}
		t.levels = append(t.levels, len(t.boxes))
		for g := 0; g < len(below); g += segFanout {
			gb := emptyBox()
			for _, b := range below[g:min(len(below), g+segFanout)] {
				gb = unionBox(gb, b)
			}
			t.boxes = append(t.boxes, gb)
		}
	}
	return t
}

func emptyBox() [4]float64 {
	return [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
}

func unionBox(a, b [4]float64) [4]float64 {
	return [4]float64{min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])}
}

// meets reports whether box b meets [mn, mx], borders included (as an
// R-tree's search counts them).
func meets(b *[4]float64, mn, mx [2]float64) bool {
	return b[0] <= mx[0] && b[2] >= mn[0] && b[1] <= mx[1] && b[3] >= mn[1]
}

// search calls fn with every segment whose box meets [mn, mx], borders
// included, until fn returns false.
func (t *segTree) search(pos [][2]float64, segs []Segment, mn, mx [2]float64, fn func(k int) bool) {
	if len(t.ids) == 0 {
		return
	}
	top := len(t.levels) - 1
	t.visit(pos, segs, top, 0, mn, mx, fn)
}

// visit searches node i of level l; it reports whether to go on.
func (t *segTree) visit(pos [][2]float64, segs []Segment, l, i int, mn, mx [2]float64, fn func(k int) bool) bool {
	if !meets(&t.boxes[t.levels[l]+i], mn, mx) {
		return true
	}
	lo := i * segFanout
	if l == 0 {
		for _, k := range t.ids[lo:min(len(t.ids), lo+segFanout)] {
			if b := segBox(pos, &segs[k]); meets(&b, mn, mx) && !fn(int(k)) {
				return false
			}
		}
		return true
	}
	n := t.levels[l] - t.levels[l-1] // nodes of level l-1
	for j := lo; j < min(n, lo+segFanout); j++ {
		if !t.visit(pos, segs, l-1, j, mn, mx, fn) {
			return false
		}
	}
	return true
}

// hilbert is the index of cell (x, y) along the Hilbert curve over a
// 2^16 x 2^16 grid.
func hilbert(x, y uint32) uint32 {
	var d uint32
	for s := uint32(1 << 15); s > 0; s >>= 1 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		// Rotate the quadrant.
		if ry == 0 {
			if rx == 1 {
				x = 1<<16 - 1 - x
				y = 1<<16 - 1 - y
			}
			x, y = y, x
		}
	}
	return d
}

package coverage

import (
	"math"

	"github.com/paulmach/orb"
)

// ringBands answers ringContains for many points of one ring, testing only
// the edges whose longitude span meets the point's longitude band. Of
// ringContains' edges (the closing pair r[0], r[len-1] and each r[i],
// r[i+1]) only those whose closed longitude range holds the point can
// count: rayIntersect gives (false, false) for the others, even where it
// nudges the point by one unit in the last place off a vertex's longitude.
// Bands are monotone in longitude, so such an edge is listed in the
// point's band; each edge of the band is tested once, and the answer (on
// an edge, else the parity of the crossings) does not depend on their
// order: it is ringContains' bit for bit.
type ringBands struct {
	b           orb.Bound
	minX, scale float64
	first       []int32 // edges of band k: edges[first[k]:first[k+1]]
	edges       [][2]orb.Point
}

// ringBandEdges is about how many edges a band holds.
const ringBandEdges = 8

func newRingBands(r orb.Ring, b orb.Bound) *ringBands {
	rb := &ringBands{b: b, minX: b.Min[0]}
	n := len(r)
	bands := max(1, min(4096, n/ringBandEdges))
	if w := b.Max[0] - b.Min[0]; w > 0 && !math.IsInf(w, 0) {
		rb.scale = float64(bands) / w
	} else {
		bands = 1
	}
	each := func(fn func(s, e orb.Point, lo, hi int)) {
		if n == 0 {
			return
		}
		band := func(s, e orb.Point) (int, int) {
			return rb.band(min(s[0], e[0]), bands), rb.band(max(s[0], e[0]), bands)
		}
		lo, hi := band(r[0], r[n-1])
		fn(r[0], r[n-1], lo, hi)
		for i := 0; i < n-1; i++ {
			lo, hi := band(r[i], r[i+1])
			fn(r[i], r[i+1], lo, hi)
		}
	}
	count := make([]int32, bands+1)
	each(func(_, _ orb.Point, lo, hi int) {
		for k := lo; k <= hi; k++ {
			count[k+1]++
		}
	})
	for k := 1; k <= bands; k++ {
		count[k] += count[k-1]
	}
	rb.first = count
	rb.edges = make([][2]orb.Point, count[bands])
	next := append([]int32(nil), count[:bands]...)
	each(func(s, e orb.Point, lo, hi int) {
		for k := lo; k <= hi; k++ {
			rb.edges[next[k]] = [2]orb.Point{s, e}
			next[k]++
		}
	})
	return rb
}

// band is the band of longitude x, clamped to [0, bands).
func (rb *ringBands) band(x float64, bands int) int {
	k := int((x - rb.minX) * rb.scale)
	return max(0, min(bands-1, k))
}

// contains is ringContains(r, b, p) for the ring and bound given to
// newRingBands.
func (rb *ringBands) contains(p orb.Point) bool {
	if !rb.b.Contains(p) {
		return false
	}
	k := rb.band(p[0], len(rb.first)-1)
	c := false
	for _, s := range rb.edges[rb.first[k]:rb.first[k+1]] {
		inter, on := rayIntersect(p, s[0], s[1])
		if on {
			return true
		}
		if inter {
			c = !c
		}
	}
	return c
}

package report

import (
	"github.com/covaudit/covaudit/internal/planar"
	"math"

	"github.com/paulmach/orb"
)

// The travel-time layer draws one square per sampled place; squares on a
// district's border are cut to the district (its parts and holes), so that
// nothing is drawn outside it. Planar in longitude-latitude, as the map
// draws them.

// timeSquare is the square drawn for a sample: centre p, side spacingM
// metres, 2% wider so that neighbours leave no seam.
func timeSquare(p orb.Point, spacingM float64) orb.Bound {
	dlat := spacingM / 2 / planar.MetresPerDeg * 1.02
	dlon := dlat / math.Max(math.Cos(p[1]*math.Pi/180), 1e-6)
	return orb.Bound{Min: orb.Point{p[0] - dlon, p[1] - dlat}, Max: orb.Point{p[0] + dlon, p[1] + dlat}}
}

// edgeIndex finds a district's edges near a box: edges bucketed by strips
// of latitude.
type edgeIndex struct {
	mp     orb.MultiPolygon
	y0, h  float64
	strips map[int][][2]orb.Point
	bounds []orb.Bound // of each ring, parts in order
}

func newEdgeIndex(mp orb.MultiPolygon, stripDeg float64) *edgeIndex {
	ix := &edgeIndex{mp: mp, h: math.Max(stripDeg, 1e-9), strips: map[int][][2]orb.Point{}}
	b := mp.Bound()
	ix.y0 = b.Min[1]
	for _, poly := range mp {
		for _, r := range poly {
			ix.bounds = append(ix.bounds, r.Bound())
			for i := range r {
				p, q := r[i], r[(i+1)%len(r)]
				if p == q {
					continue
				}
				lo, hi := ix.strip(math.Min(p[1], q[1])), ix.strip(math.Max(p[1], q[1]))
				for s := lo; s <= hi; s++ {
					ix.strips[s] = append(ix.strips[s], [2]orb.Point{p, q})
				}
			}
		}
	}
	return ix
}

func (ix *edgeIndex) strip(y float64) int { return int(math.Floor((y - ix.y0) / ix.h)) }

// crosses says whether any edge of the district meets box b.
func (ix *edgeIndex) crosses(b orb.Bound) bool {
	for s := ix.strip(b.Min[1]); s <= ix.strip(b.Max[1]); s++ {
		for _, e := range ix.strips[s] {
			if segmentMeetsBox(e[0], e[1], b) {
				return true
			}
		}
	}
	return false
}

// segmentMeetsBox says whether the segment p-q meets box b (Liang-Barsky).
func segmentMeetsBox(p, q orb.Point, b orb.Bound) bool {
	_, _, ok := planar.ClipSegment(p, q, b.Min, b.Max)
	return ok
}

// clipToBox cuts the district to box b: the rings meeting b, each clipped
// by Sutherland-Hodgman (the box is convex), drawn with the even-odd rule;
// rings outside b are dropped, rings that enclose it become the box.
func (ix *edgeIndex) clipToBox(b orb.Bound) [][]orb.Point {
	var out [][]orb.Point
	k := 0
	for _, poly := range ix.mp {
		for _, r := range poly {
			rb := ix.bounds[k]
			k++
			if !rb.Intersects(b) {
				continue
			}
			if c := clipRing(r, b); len(c) >= 3 {
				out = append(out, c)
			}
		}
	}
	return out
}

// clipRing clips a ring to the box; the result is open (no closing point),
// without repeated points or points in the middle of a straight run.
func clipRing(r orb.Ring, b orb.Bound) []orb.Point {
	pts := []orb.Point(r)
	if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
		pts = pts[:len(pts)-1]
	}
	type side struct {
		in  func(orb.Point) bool
		cut func(p, q orb.Point) orb.Point
	}
	atX := func(x float64) func(p, q orb.Point) orb.Point {
		return func(p, q orb.Point) orb.Point {
			return orb.Point{x, p[1] + (x-p[0])*(q[1]-p[1])/(q[0]-p[0])}
		}
	}
	atY := func(y float64) func(p, q orb.Point) orb.Point {
		return func(p, q orb.Point) orb.Point {
			return orb.Point{p[0] + (y-p[1])*(q[0]-p[0])/(q[1]-p[1]), y}
		}
	}
	sides := []side{
		{func(p orb.Point) bool { return p[0] >= b.Min[0] }, atX(b.Min[0])},
		{func(p orb.Point) bool { return p[0] <= b.Max[0] }, atX(b.Max[0])},
		{func(p orb.Point) bool { return p[1] >= b.Min[1] }, atY(b.Min[1])},
		{func(p orb.Point) bool { return p[1] <= b.Max[1] }, atY(b.Max[1])},
	}
	for _, s := range sides {
		if len(pts) == 0 {
			return nil
		}
		var next []orb.Point
		prev := pts[len(pts)-1]
		for _, p := range pts {
			switch {
			case s.in(p) && s.in(prev):
				next = append(next, p)
			case s.in(p):
				next = append(next, s.cut(prev, p), p)
			case s.in(prev):
				next = append(next, s.cut(prev, p))
			}
			prev = p
		}
		pts = next
	}
	// Drop repeats and collinear middles (the clip leaves long runs along
	// the box's sides).
	var out []orb.Point
	for _, p := range pts {
		if n := len(out); n > 0 && out[n-1] == p {
			continue
		}
		for len(out) >= 2 && collinear(out[len(out)-2], out[len(out)-1], p) {
			out = out[:len(out)-1]
		}
		out = append(out, p)
	}
	for len(out) >= 3 && collinear(out[len(out)-2], out[len(out)-1], out[0]) {
		out = out[:len(out)-1]
	}
	for len(out) >= 3 && collinear(out[len(out)-1], out[0], out[1]) {
		out = out[1:]
	}
	if len(out) >= 2 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	if len(out) < 3 {
		return nil
	}
	return out
}

// collinear: b lies on the line a-c (within rounding), between or not.
func collinear(a, b, c orb.Point) bool {
	cr := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	s := math.Max(math.Max(math.Abs(b[0]-a[0]), math.Abs(c[0]-a[0])), math.Max(math.Abs(b[1]-a[1]), math.Abs(c[1]-a[1])))
	return math.Abs(cr) <= 1e-12*s*s
}

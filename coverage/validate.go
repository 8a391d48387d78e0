package coverage

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// ValidateGeometry checks a district geometry: at least one polygon, every
// ring with three or more distinct vertices inside the longitude and
// latitude ranges, non-zero area, and no ring that crosses itself. The error
// names the place: "polygon 0: ring 1: edges 3 and 7 cross near (1.5, 42.5)".
// Edges are tested in longitude-latitude coordinates, which decides
// crossings correctly except for edges that nearly touch over long spans.
func ValidateGeometry(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return fmt.Errorf("empty geometry")
	}
	for pi, poly := range mp {
		if len(poly) == 0 {
			return fmt.Errorf("polygon %d: no rings", pi)
		}
		for ri, ring := range poly {
			if err := validateRing(ring); err != nil {
				return fmt.Errorf("polygon %d: ring %d: %w", pi, ri, err)
			}
		}
	}
	return nil
}

func validateRing(ring orb.Ring) error {
	for i, p := range ring {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return fmt.Errorf("vertex %d: (%v, %v) is out of range", i, p[0], p[1])
		}
	}
	pts := openRing(ring)
	if len(pts) < 3 {
		return fmt.Errorf("%d distinct vertices, need at least 3", len(pts))
	}
	if i, j, x, ok := selfCrossing(pts); ok {
		return fmt.Errorf("edges %d and %d cross near (%.7f, %.7f)", i, j, x[0], x[1])
	}
	a := 0.0
	for i := range pts {
		p, q := pts[i], pts[(i+1)%len(pts)]
		a += p[0]*q[1] - p[1]*q[0]
	}
	if a == 0 {
		return fmt.Errorf("zero area")
	}
	return nil
}

// selfCrossing finds two non-adjacent edges of a closed ring that meet
// (the pair with the smallest indexes when several do). Only edges whose
// boxes meet are tested (boxPairs): linear time for the rings of real
// boundaries.
func selfCrossing(pts []orb.Point) (int, int, orb.Point, bool) {
	n := len(pts)
	boxes := make([]rect, n)
	for i := range n {
		p, q := pts[i], pts[(i+1)%n]
		boxes[i] = rect{min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1])}
	}
	bi, bj := -1, -1
	var at orb.Point
	boxPairs(boxes, func(i32, j32 int32) {
		i, j := int(i32), int(j32)
		if j == i+1 || (i == 0 && j == n-1) {
			return
		}
		if bi >= 0 && (i > bi || i == bi && j >= bj) {
			return
		}
		if x, ok := segmentsMeet(pts[i], pts[(i+1)%n], pts[j], pts[(j+1)%n]); ok {
			bi, bj, at = i, j, x
		}
	})
	return bi, bj, at, bi >= 0
}

// segmentsMeet reports whether segments ab and cd share a point.
func segmentsMeet(a, b, c, d orb.Point) (orb.Point, bool) {
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	d1, d2, d3, d4 := o(c, d, a), o(c, d, b), o(a, b, c), o(a, b, d)
	if (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0 {
		t := d1 / (d1 - d2)
		return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
	}
	on := func(p, q, r orb.Point) bool {
		return math.Min(p[0], q[0]) <= r[0] && r[0] <= math.Max(p[0], q[0]) && math.Min(p[1], q[1]) <= r[1] && r[1] <= math.Max(p[1], q[1])
	}
	switch {
	case d1 == 0 && on(c, d, a):
		return a, true
	case d2 == 0 && on(c, d, b):
		return b, true
	case d3 == 0 && on(a, b, c):
		return c, true
	case d4 == 0 && on(a, b, d):
		return d, true
	}
	return orb.Point{}, false
}

// Overlap names two districts whose interiors share area.
type Overlap struct {
	A, B int       // indexes into the districts
	At   orb.Point // a point of the shared area or of crossing boundaries
}

// edgeIndex is a district's edges indexed in lon/lat.
type edgeIndex struct {
	segs [][2]orb.Point
	si   *segIndex
}

func newEdgeIndex(mp orb.MultiPolygon) *edgeIndex {
	n := 0
	for _, poly := range mp {
		for _, ring := range poly {
			n += len(ring)
		}
	}
	ei := &edgeIndex{segs: make([][2]orb.Point, 0, n)}
	for _, poly := range mp {
		for _, ring := range poly {
			for i := range ring {
				p, q := ring[i], ring[(i+1)%len(ring)]
				if p != q {
					ei.segs = append(ei.segs, [2]orb.Point{p, q})
				}
			}
		}
	}
	ei.si = newSegIndex(len(ei.segs), func(k int) (p, q [2]float64) { return ei.segs[k][0], ei.segs[k][1] })
	return ei
}

func (ei *edgeIndex) search(mn, mx [2]float64, fn func(e [2]orb.Point) bool) {
	ei.si.search(mn, mx, func(k int) bool { return fn(ei.segs[k]) })
}

func ptBox(p, q orb.Point) (mn, mx [2]float64) {
	return [2]float64{math.Min(p[0], q[0]), math.Min(p[1], q[1])}, [2]float64{math.Max(p[0], q[0]), math.Max(p[1], q[1])}
}

// pointIn is even-odd containment by a ray towards +x; onBorder reports a
// point within 1e-9 degrees of an edge, where containment is not decided.
func (ei *edgeIndex) pointIn(p orb.Point) (in, onBorder bool) {
	const eps = 1e-9
	ei.search([2]float64{p[0] - eps, p[1] - eps}, [2]float64{p[0] + eps, p[1] + eps}, func(e [2]orb.Point) bool {
		if distToSeg(p, e[0], e[1]) < eps {
			onBorder = true
			return false
		}
		return true
	})
	if onBorder {
		return false, true
	}
	ei.search([2]float64{p[0], p[1]}, [2]float64{math.Inf(1), p[1]}, func(e [2]orb.Point) bool {
		a, b := e[0], e[1]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])/(b[1]-a[1])*(b[0]-a[0]) {
			in = !in
		}
		return true
	})
	return in, false
}

// Overlaps finds pairs of districts whose interiors overlap: their
// boundaries cross, or one lies inside the other. Districts that only share
// a border do not overlap. Pairs come in increasing (A, B) order.
// Boundaries are compared in lon/lat. The work is spread over GOMAXPROCS
// goroutines; the result does not depend on their number.
func Overlaps(ds []District) []Overlap {
	var tr rtree.RTreeG[int]
	bounds := make([]orb.Bound, len(ds))
	for i := range ds {
		bounds[i] = ds[i].Geometry.Bound()
		tr.Insert([2]float64(bounds[i].Min), [2]float64(bounds[i].Max), i)
	}
	idx := make([]*edgeIndex, len(ds))
	workers := runtime.GOMAXPROCS(0)
	parallel := func(fn func(i int)) {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(ds); i += workers {
					fn(i)
				}
			}()
		}
		wg.Wait()
	}
	parallel(func(i int) { idx[i] = newEdgeIndex(ds[i].Geometry) })
	found := make([][]Overlap, len(ds))
	parallel(func(i int) {
		var js []int
		tr.Search([2]float64(bounds[i].Min), [2]float64(bounds[i].Max), func(_, _ [2]float64, j int) bool {
			if j > i {
				js = append(js, j)
			}
			return true
		})
		sort.Ints(js)
		for _, j := range js {
			if p, ok := interiorsOverlap(ds[i].Geometry, idx[i], ds[j].Geometry, idx[j], bounds[j]); ok {
				found[i] = append(found[i], Overlap{A: i, B: j, At: p})
			}
		}
	})
	var out []Overlap
	for _, f := range found {
		out = append(out, f...)
	}
	return out
}

// interiorsOverlap tests, in lon/lat, whether two multipolygons share
// interior: two edges cross properly, or, failing that, a ring of one has a
// point off the other's border that lies inside it (without crossings a
// ring is wholly inside or wholly outside).
func interiorsOverlap(a orb.MultiPolygon, ai *edgeIndex, b orb.MultiPolygon, bi *edgeIndex, bb orb.Bound) (orb.Point, bool) {
	var at orb.Point
	found := false
	// A's edges within B's box, found through A's index, against B's edges.
	ai.si.search([2]float64(bb.Min), [2]float64(bb.Max), func(k int) bool {
		p, q := ai.segs[k][0], ai.segs[k][1]
		mn, mx := ptBox(p, q)
		bi.search(mn, mx, func(e [2]orb.Point) bool {
			if x, ok := properCross(p, q, e[0], e[1]); ok {
				at, found = x, true
				return false
			}
			return true
		})
		return !found
	})
	if found {
		return at, true
	}
	test := func(x orb.MultiPolygon, yi *edgeIndex) (orb.Point, bool) {
		for _, poly := range x {
			for _, ring := range poly {
			points:
				for i := range ring {
					p, q := ring[i], ring[(i+1)%len(ring)]
					m := orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}
					for _, c := range [2]orb.Point{p, m} {
						if in, onBorder := yi.pointIn(c); !onBorder {
							if in {
								return c, true
							}
							break points
						}
					}
				}
			}
		}
		return orb.Point{}, false
	}
	if p, ok := test(a, bi); ok {
		return p, true
	}
	return test(b, ai)
}

// properCross reports whether segments ab and cd cross at a point interior
// to both.
func properCross(a, b, c, d orb.Point) (orb.Point, bool) {
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	d1, d2, d3, d4 := o(c, d, a), o(c, d, b), o(a, b, c), o(a, b, d)
	if d1*d2 < 0 && d3*d4 < 0 {
		t := d1 / (d1 - d2)
		return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
	}
	return orb.Point{}, false
}

func distToSeg(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := dx*dx + dy*dy
	t := 0.0
	if l > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	}
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

package coverage

import (
	"cmp"
	"fmt"
	cplanar "github.com/covaudit/covaudit/internal/planar"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"
)

// ValidateGeometry checks a district geometry on its own: at least one
// polygon, every ring with three or more distinct vertices inside the
// longitude and latitude ranges, and non-zero area. The error names the
// place: "polygon 0: ring 1: vertex 4: (200, 42.5) is out of range". Rings
// that cross themselves are found by CheckDistricts, for all districts in
// one pass, except a ring of zero signed area that crosses itself (a
// bow-tie, whose loops cancel), reported here by its crossing edges.
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
		if len(poly) == 1 {
			continue
		}
		// Holes must lie in their shell (as GEOS validity has it), and
		// leave it some area.
		// Containment follows the geodesic edges (GeodesicOutline).
		shell := openRing(poly[0])
		outline := GeodesicOutline(orb.MultiPolygon{{poly[0]}})[0][0]
		left := math.Abs(lonLatArea(shell))
		ob := outline.Bound()
		holeVerts := 0
		for _, h := range poly[1:] {
			holeVerts += len(h)
		}
		contains := func(p orb.Point) bool { return ringContains(outline, ob, p) }
		if holeVerts*len(outline) > ringBandsFrom {
			contains = newRingBands(outline, ob).contains // the same answers
		}
		for hi := 1; hi < len(poly); hi++ {
			hole := openRing(poly[hi])
			for _, p := range hole {
				if !contains(p) && !onRing(shell, p) {
					return fmt.Errorf("polygon %d: hole %d lies outside the shell (vertex (%v, %v))", pi, hi, p[0], p[1])
				}
			}
			left -= math.Abs(lonLatArea(hole))
		}
		if left <= 1e-14*math.Abs(lonLatArea(shell)) {
			return fmt.Errorf("polygon %d: its holes leave it no area", pi)
		}
	}
	return nil
}

// ringBandsFrom is the number of point-edge tests of the hole test from
// which the shell's outline is indexed by longitude bands (ringBands).
const ringBandsFrom = 1 << 14

// lonLatArea is a ring's signed area in degrees squared (for comparisons
// of a ring with its holes only).
func lonLatArea(pts []orb.Point) float64 { return cplanar.Area(pts) }

// onRing says whether p lies on an edge of the ring (to 1e-12 degrees).
func onRing(pts []orb.Point, p orb.Point) bool {
	for i := range pts {
		if distToSeg(p, pts[i], pts[(i+1)%len(pts)]) <= 1e-12 {
			return true
		}
	}
	return false
}

// ValidateCoordinates checks only what a repair cannot mend: at least one
// polygon, rings in every polygon, every vertex inside the longitude and
// latitude ranges. It is ValidateGeometry for geometries that MakeValid
// repairs next.
func ValidateCoordinates(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return fmt.Errorf("empty geometry")
	}
	for pi, poly := range mp {
		if len(poly) == 0 {
			return fmt.Errorf("polygon %d: no rings", pi)
		}
		for ri, ring := range poly {
			for i, p := range ring {
				if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
					return fmt.Errorf("polygon %d: ring %d: vertex %d: (%v, %v) is out of range", pi, ri, i, p[0], p[1])
				}
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
	a := 0.0
	for i := range pts {
		p, q := pts[i], pts[(i+1)%len(pts)]
		a += p[0]*q[1] - p[1]*q[0]
	}
	if a == 0 {
		// A bow-tie's two loops cancel: say where it crosses itself, as
		// CheckDistricts would, rather than "zero area".
		if i, j, x, ok := selfCrossing(pts); ok {
			return fmt.Errorf("edges %d and %d cross near (%.7f, %.7f)", i, j, x[0], x[1])
		}
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
func segmentsMeet(a, b, c, d orb.Point) (orb.Point, bool) { return cplanar.SegmentsMeet(a, b, c, d) }

// Overlap names two districts whose interiors share area.
type Overlap struct {
	A, B int       // indexes into the districts
	At   orb.Point // a point of the shared area or of crossing boundaries
}

// districtEdges holds the edges of many districts, in lon/lat, directed so
// that each district's interior lies on their left (outer rings
// anticlockwise, holes clockwise), ring by ring.
type districtEdges struct {
	segs   [][2]orb.Point
	boxes  []rect
	owner  []int32 // district of each edge
	ring   []int32 // ring of each edge (numbered over all districts)
	first  []int32 // per ring, its first edge; one more entry at the end
	rings  []rect  // per ring, its box
	ringOf []int32 // per district, its first ring; one more entry at the end
}

func newDistrictEdges(ds []District) *districtEdges {
	// Two passes over the districts in parallel: count the edges and rings
	// of each (without repeated points), then fill each district's stretch
	// of the arrays.
	type count struct{ edges, rings int32 }
	counts := make([]count, len(ds)+1)
	ParallelRange(len(ds), func(i int) {
		for _, poly := range ds[i].Geometry {
			for _, ring := range poly {
				counts[i+1].edges += int32(distinctRing(ring, nil))
				counts[i+1].rings++
			}
		}
	})
	for i := 1; i < len(counts); i++ {
		counts[i].edges += counts[i-1].edges
		counts[i].rings += counts[i-1].rings
	}
	n, nr := counts[len(ds)].edges, counts[len(ds)].rings
	de := &districtEdges{
		segs: make([][2]orb.Point, n), boxes: make([]rect, n), owner: make([]int32, n), ring: make([]int32, n),
		first: make([]int32, nr+1), rings: make([]rect, nr), ringOf: make([]int32, len(ds)+1),
	}
	for i := range ds {
		de.ringOf[i] = counts[i].rings
	}
	de.ringOf[len(ds)] = nr
	de.first[nr] = n
	ParallelRange(len(ds), func(i int) {
		var vs []orb.Point
		k, r := counts[i].edges, counts[i].rings
		for _, poly := range ds[i].Geometry {
			for ri, ring := range poly {
				vs = vs[:0]
				vs = slices.Grow(vs[:0], len(ring))
				m := distinctRing(ring, func(p orb.Point) { vs = append(vs, p) })
				a := 0.0
				for j := range m {
					p, q := vs[j], vs[(j+1)%m]
					a += p[0]*q[1] - p[1]*q[0]
				}
				if (ri == 0) != (a > 0) {
					slices.Reverse(vs)
				}
				de.first[r] = k
				rb := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
				for j := range m {
					p, q := vs[j], vs[(j+1)%m]
					b := rect{min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1])}
					de.segs[k], de.boxes[k], de.owner[k], de.ring[k] = [2]orb.Point{p, q}, b, int32(i), r
					rb = rect{min(rb[0], b[0]), min(rb[1], b[1]), max(rb[2], b[2]), max(rb[3], b[3])}
					k++
				}
				de.rings[r] = rb
				r++
			}
		}
	})
	return de
}

// distinctRing counts the vertices of a ring without repeated consecutive
// points and the closing point, passing each to emit when it is not nil.
func distinctRing(ring orb.Ring, emit func(orb.Point)) int {
	end := len(ring)
	for end > 1 && ring[end-1] == ring[0] {
		end--
	}
	m := 0
	for j, p := range ring[:end] {
		if j > 0 && p == ring[j-1] {
			continue
		}
		m++
		if emit != nil {
			emit(p)
		}
	}
	return m
}

// ParallelRange calls fn(i) for i in [0, n) on GOMAXPROCS goroutines, each
// taking every GOMAXPROCS-th i; it returns when all calls have.
func ParallelRange(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// next and prev give the edge after and before edge k in its ring.
func (de *districtEdges) next(k int32) int32 {
	if r := de.ring[k]; k+1 < de.first[r+1] {
		return k + 1
	} else {
		return de.first[r]
	}
}

func (de *districtEdges) prev(k int32) int32 {
	if r := de.ring[k]; k > de.first[r] {
		return k - 1
	} else {
		return de.first[r+1] - 1
	}
}

// sector is the district's interior near point x of edge k: the open angle
// swept anticlockwise from direction u to direction w.
func (de *districtEdges) sector(k int32, x orb.Point) (u, w orb.Point) {
	sub := func(p, q orb.Point) orb.Point { return orb.Point{q[0] - p[0], q[1] - p[1]} }
	e := de.segs[k]
	switch x {
	case e[0]:
		return sub(e[0], e[1]), sub(e[0], de.segs[de.prev(k)][0])
	case e[1]:
		return sub(e[1], de.segs[de.next(k)][1]), sub(e[1], e[0])
	}
	return sub(e[0], e[1]), sub(e[1], e[0])
}

// sectorEps is the angle, radians (as a sine), below which directions
// count as equal: borders that coincide up to rounding do not overlap.
const sectorEps = 1e-9

// sine of the angle from u to v.
func sine(u, v orb.Point) float64 {
	return (u[0]*v[1] - u[1]*v[0]) / math.Sqrt((u[0]*u[0]+u[1]*u[1])*(v[0]*v[0]+v[1]*v[1]))
}

// inSector reports whether direction d lies inside the open angle from u
// anticlockwise to w, by more than sectorEps.
func inSector(u, w, d orb.Point) bool {
	s := sine(u, w)
	switch {
	case s > sectorEps: // less than a half turn
		return sine(u, d) > sectorEps && sine(d, w) > sectorEps
	case s < -sectorEps: // more than a half turn: outside the rest
		return sine(w, d) <= -sectorEps || sine(d, u) <= -sectorEps
	case u[0]*w[0]+u[1]*w[1] < 0: // a half turn
		return sine(u, d) > sectorEps
	}
	return false // a spike: no interior
}

// sectorsMeet reports whether two open angles share directions: one
// starts inside the other, or both start together (and are not empty).
func sectorsMeet(u1, w1, u2, w2 orb.Point) bool {
	empty := func(u, w orb.Point) bool {
		return math.Abs(sine(u, w)) <= sectorEps && u[0]*w[0]+u[1]*w[1] > 0
	}
	if empty(u1, w1) || empty(u2, w2) {
		return false
	}
	return inSector(u1, w1, u2) || inSector(u2, w2, u1) ||
		math.Abs(sine(u1, u2)) <= sectorEps && u1[0]*u2[0]+u1[1]*u2[1] > 0
}

// meet classifies edges e and f of two districts: whether they share a
// point; if so whether they cross properly; and if not, whether the
// interiors of their districts overlap near where they meet, decided by
// the shared stretch's directions (collinear edges) or by the angles of
// both interiors at the point they share. at is a point there.
func (de *districtEdges) meet(e, f int32) (met, overlap bool, at orb.Point) {
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	a, b := de.segs[e], de.segs[f]
	// Fast paths for shared borders: the same edge both ways, and edges
	// that only share an end point where the angles are compared for
	// another pair (see below).
	switch {
	case a[0] == b[1] && a[1] == b[0]:
		return true, false, a[0]
	case a == b:
		return true, true, orb.Point{(a[0][0] + a[1][0]) / 2, (a[0][1] + a[1][1]) / 2}
	case a[1] == b[0] && o(a[0], a[1], b[1]) != 0, a[1] == b[1] && o(a[0], a[1], b[0]) != 0:
		return true, false, a[1]
	case b[1] == a[0] && o(b[0], b[1], a[1]) != 0:
		return true, false, a[0]
	}
	d1, d2, d3, d4 := o(a[0], a[1], b[0]), o(a[0], a[1], b[1]), o(b[0], b[1], a[0]), o(b[0], b[1], a[1])
	if d1*d2 < 0 && d3*d4 < 0 {
		t := d3 / (d3 - d4)
		return true, true, orb.Point{a[0][0] + t*(a[1][0]-a[0][0]), a[0][1] + t*(a[1][1]-a[0][1])}
	}
	inBox := func(s [2]orb.Point, r orb.Point) bool {
		return min(s[0][0], s[1][0]) <= r[0] && r[0] <= max(s[0][0], s[1][0]) &&
			min(s[0][1], s[1][1]) <= r[1] && r[1] <= max(s[0][1], s[1][1])
	}
	var shared [4]orb.Point
	n := 0
	if d3 == 0 && inBox(b, a[0]) {
		shared[n], n = a[0], n+1
	}
	if d4 == 0 && inBox(b, a[1]) {
		shared[n], n = a[1], n+1
	}
	if d1 == 0 && inBox(a, b[0]) {
		shared[n], n = b[0], n+1
	}
	if d2 == 0 && inBox(a, b[1]) {
		shared[n], n = b[1], n+1
	}
	if n == 0 {
		return false, false, orb.Point{}
	}
	if d1 == 0 && d2 == 0 {
		// Collinear: a shared stretch longer than a point decides by
		// direction (interiors on the same side when parallel).
		for _, p := range shared[1:n] {
			if p != shared[0] {
				dot := (a[1][0]-a[0][0])*(b[1][0]-b[0][0]) + (a[1][1]-a[0][1])*(b[1][1]-b[0][1])
				return true, dot > 0, orb.Point{(p[0] + shared[0][0]) / 2, (p[1] + shared[0][1]) / 2}
			}
		}
	}
	x := shared[0]
	// Where both edges end at x, the edges leaving x meet there too: the
	// angles are compared once, for that pair.
	if x == a[1] && (x == b[0] || x == b[1]) || x == b[1] && x == a[0] {
		return true, false, x
	}
	if x == a[0] && x == b[0] && a[1] == de.segs[de.prev(f)][0] && b[1] == de.segs[de.prev(e)][0] {
		return true, false, x // a border that goes on through x: no overlap
	}
	u1, w1 := de.sector(e, x)
	u2, w2 := de.sector(f, x)
	return true, sectorsMeet(u1, w1, u2, w2), x
}

// pointIn is even-odd containment of p in district i by a ray towards +x;
// onBorder reports a point within 1e-9 degrees of an edge.
func (de *districtEdges) pointIn(i int32, p orb.Point) (in, onBorder bool) {
	for k := de.first[de.ringOf[i]]; k < de.first[de.ringOf[i+1]]; k++ {
		b := &de.boxes[k]
		if p[1] < b[1]-1e-9 || p[1] > b[3]+1e-9 || p[0] > b[2]+1e-9 {
			continue
		}
		a, c := de.segs[k][0], de.segs[k][1]
		if distToSeg(p, a, c) < 1e-9 {
			return false, true
		}
		if (a[1] > p[1]) != (c[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])/(c[1]-a[1])*(c[0]-a[0]) {
			in = !in
		}
	}
	return in, false
}

// RingCrossing is a ring of a district that crosses itself.
type RingCrossing struct {
	District, Polygon, Ring int // indexes into the districts and the geometry
	// Err says where: "edges 3 and 7 cross near (1.5000000, 42.5000000)",
	// the pair with the smallest indexes (edge i joins vertices i and i+1
	// of the ring without its repeated points).
	Err error
	// Other is the {polygon, ring} of the same district that the ring
	// crosses or lies inside; nil for a ring that crosses itself.
	Other *[2]int
}

func (c RingCrossing) Error() string {
	return fmt.Sprintf("polygon %d: ring %d: %v", c.Polygon, c.Ring, c.Err)
}

// Checked is what CheckDistricts finds.
type Checked struct {
	Crossings []RingCrossing // by district, polygon and ring
	Overlaps  []Overlap      // by A, then B
}

// Overlaps returns the pairs of districts whose interiors overlap (see
// CheckDistricts).
func Overlaps(ds []District) []Overlap { return CheckDistricts(ds).Overlaps }

// CheckDistricts finds the rings that cross themselves, the rings of one
// district that cross or wrongly nest in each other (ringsBetween), and the pairs of
// districts whose interiors overlap: their boundaries cross, they meet
// where their interiors lie on the same side, or a ring of one lies inside
// the other. Districts that only share a border do not overlap. Geometries
// are compared in lon/lat, which decides crossings correctly except for
// edges that nearly touch over long spans; they should have passed
// ValidateGeometry.
//
// Every pair of edges whose boxes meet comes from one search over the edges
// of all districts (boxPairs), shared among GOMAXPROCS goroutines. Two
// edges of one ring that are not neighbours must not meet. Edges of two
// districts that cross properly overlap; edges that touch are decided by
// the directions of the two interiors where they touch. Of several such
// places of a pair, the one of the lowest-numbered edges is named, so the
// result does not depend on the number of goroutines. A ring that meets no
// edge of another district lies wholly inside or outside it, which one
// point decides; only rings whose box lies within the other's are tested.
func CheckDistricts(ds []District) Checked {
	de := newDistrictEdges(ds)
	bounds := make([]rect, len(ds))
	for i := range ds {
		bounds[i] = rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for _, r := range de.rings[de.ringOf[i]:de.ringOf[i+1]] {
			bounds[i] = rect{min(bounds[i][0], r[0]), min(bounds[i][1], r[1]), max(bounds[i][2], r[2]), max(bounds[i][3], r[3])}
		}
	}
	// Rings that could lie inside another district: (ring, district).
	nested := map[[2]int32]bool{}
	mayNest := make([]bool, len(de.rings))
	boxPairs(bounds, func(i, j int32) {
		for _, pair := range [2][2]int32{{i, j}, {j, i}} {
			for r := de.ringOf[pair[0]]; r < de.ringOf[pair[0]+1]; r++ {
				if within(de.rings[r], bounds[pair[1]]) {
					nested[[2]int32{r, pair[1]}] = false
					mayNest[r] = true
				}
			}
		}
	})

	type event struct {
		e, f int32 // edges, e < f
		at   orb.Point
	}
	workers := runtime.GOMAXPROCS(0)
	found := make([]map[[2]int32]event, workers)
	met := make([]map[[2]int32]bool, workers)
	for w := range found {
		found[w], met[w] = map[[2]int32]event{}, map[[2]int32]bool{}
	}
	selfMet := make([]map[int32]bool, workers)     // rings with non-neighbour edges that meet
	between := make([]map[[2]int32]event, workers) // pairs of rings of one district that cross
	for w := range selfMet {
		selfMet[w], between[w] = map[int32]bool{}, map[[2]int32]event{}
	}
	boxPairsParallel(de.boxes, workers, func(w int, e, f int32) {
		a, b := de.owner[e], de.owner[f]
		if a == b {
			if r := de.ring[e]; r == de.ring[f] && f != de.next(e) && e != de.next(f) && !selfMet[w][r] {
				s, t := de.segs[e], de.segs[f]
				if _, ok := segmentsMeet(s[0], s[1], t[0], t[1]); ok {
					selfMet[w][r] = true
				}
			} else if r != de.ring[f] {
				// Two rings of one district that cross: even-odd would
				// read a part of it as a hole or a hole as land.
				s, t := de.segs[e], de.segs[f]
				if x, ok := properCross(s[0], s[1], t[0], t[1]); ok {
					e, f := min(e, f), max(e, f)
					key := [2]int32{de.ring[e], de.ring[f]}
					if c, ok := between[w][key]; !ok || e < c.e || e == c.e && f < c.f {
						between[w][key] = event{e, f, x}
					}
				}
			}
			return
		}
		ok, overlap, x := de.meet(e, f)
		if !ok {
			return
		}
		for _, k := range [2][2]int32{{de.ring[e], b}, {de.ring[f], a}} {
			if mayNest[k[0]] {
				if _, ok := nested[k]; ok {
					met[w][k] = true
				}
			}
		}
		if overlap {
			key := [2]int32{min(a, b), max(a, b)}
			if c, ok := found[w][key]; !ok || e < c.e || e == c.e && f < c.f {
				found[w][key] = event{e, f, x}
			}
		}
	})
	overlap := map[[2]int32]event{}
	for _, m := range found {
		for k, c := range m {
			if o, ok := overlap[k]; !ok || c.e < o.e || c.e == o.e && c.f < o.f {
				overlap[k] = c
			}
		}
	}
	out := make([]Overlap, 0, len(overlap))
	for k, c := range overlap {
		out = append(out, Overlap{A: int(k[0]), B: int(k[1]), At: c.at})
	}
	// Nested rings that met nothing of the other district: one vertex.
	var checks [][2]int32
	for k := range nested {
		a, b := de.owner[de.first[k[0]]], k[1]
		if _, done := overlap[[2]int32{min(a, b), max(a, b)}]; done {
			continue
		}
		hit := false
		for _, m := range met {
			hit = hit || m[k]
		}
		if !hit {
			checks = append(checks, k)
		}
	}
	slices.SortFunc(checks, func(x, y [2]int32) int {
		if c := cmp.Compare(x[0], y[0]); c != 0 {
			return c
		}
		return cmp.Compare(x[1], y[1])
	})
	seen := map[[2]int32]bool{}
	for _, k := range checks {
		a, b := de.owner[de.first[k[0]]], k[1]
		key := [2]int32{min(a, b), max(a, b)}
		if seen[key] {
			continue
		}
		p := de.segs[de.first[k[0]]][0]
		if in, _ := de.pointIn(b, p); in {
			seen[key] = true
			out = append(out, Overlap{A: int(key[0]), B: int(key[1]), At: p})
		}
	}
	slices.SortFunc(out, func(a, b Overlap) int {
		if c := cmp.Compare(a.A, b.A); c != 0 {
			return c
		}
		return cmp.Compare(a.B, b.B)
	})
	crossings := ringCrossings(ds, selfMet)
	if more := ringsBetween(ds, de, func(yield func(k [2]int32, at orb.Point)) {
		pairs := map[[2]int32]event{}
		for _, m := range between {
			for k, c := range m {
				if o, ok := pairs[k]; !ok || c.e < o.e || c.e == o.e && c.f < o.f {
					pairs[k] = c
				}
			}
		}
		for k, c := range pairs {
			yield(k, c.at)
		}
	}); len(more) > 0 {
		crossings = append(crossings, more...)
		slices.SortFunc(crossings, func(x, y RingCrossing) int {
			other := func(c RingCrossing) [2]int {
				if c.Other == nil {
					return [2]int{-1, -1}
				}
				return *c.Other
			}
			ox, oy := other(x), other(y)
			return cmp.Or(cmp.Compare(x.District, y.District), cmp.Compare(x.Polygon, y.Polygon), cmp.Compare(x.Ring, y.Ring),
				cmp.Compare(ox[0], oy[0]), cmp.Compare(ox[1], oy[1]))
		})
	}
	return Checked{Crossings: crossings, Overlaps: out}
}

// ringsBetween names the rings of one district that cross each other
// (crossed gives each pair, as rings numbered over all districts, and a
// crossing point), and the rings that lie inside another of their
// district where even-odd reading would turn land into a hole or a hole
// into land: a polygon's shell inside another polygon's land (a
// MultiPolygon's parts must not overlap), or a hole inside another hole of
// its polygon. Rings that only touch are valid. A pair is named once, by
// its later ring.
func ringsBetween(ds []District, de *districtEdges, crossed func(yield func(k [2]int32, at orb.Point))) []RingCrossing {
	type place struct{ district, polygon, ring int }
	var at []place // per ring numbered over all districts
	for d := range ds {
		for pi, poly := range ds[d].Geometry {
			for ri := range poly {
				at = append(at, place{d, pi, ri})
			}
		}
	}
	var out []RingCrossing
	done := map[[2]int32]bool{}
	crossed(func(k [2]int32, x orb.Point) {
		done[k] = true
		p, q := at[k[1]], at[k[0]]
		out = append(out, RingCrossing{District: p.district, Polygon: p.polygon, Ring: p.ring, Other: &[2]int{q.polygon, q.ring},
			Err: fmt.Errorf("crosses polygon %d: ring %d near (%.7f, %.7f) (a district's rings must not cross)", q.polygon, q.ring, x[0], x[1])})
	})
	// inside says whether ring r lies inside ring s, by the first of its
	// vertices that is not on s.
	inside := func(r, s int32) (in, known bool) {
		for k := de.first[r]; k < de.first[r+1]; k++ {
			if in, on := de.ringPointIn(s, de.segs[k][0]); !on {
				return in, true
			}
		}
		return false, false
	}
	for d := range ds {
		r0, r1 := de.ringOf[d], de.ringOf[d+1]
		if r1-r0 < 2 {
			continue
		}
		boxes := de.rings[r0:r1]
		boxPairs(boxes, func(i, j int32) {
			for _, pr := range [2][2]int32{{r0 + i, r0 + j}, {r0 + j, r0 + i}} {
				r, s := pr[0], pr[1]
				pr, ps := at[r], at[s]
				if !within(de.rings[r], de.rings[s]) || done[[2]int32{min(r, s), max(r, s)}] {
					continue
				}
				var msg string
				switch {
				case pr.ring == 0 && ps.ring == 0 && pr.polygon != ps.polygon:
					in, ok := inside(r, s)
					if !ok || !in {
						continue
					}
					// Inside the other's shell: overlapping land unless it
					// lies in one of that polygon's holes.
					hole := false
					for h := s + 1; h < de.ringOf[d+1] && at[h].polygon == ps.polygon; h++ {
						if hin, ok := inside(r, h); ok && hin {
							hole = true
							break
						}
					}
					if hole {
						continue
					}
					msg = fmt.Sprintf("lies inside polygon %d (parts of a MultiPolygon must not overlap)", ps.polygon)
				case pr.ring > 0 && ps.ring > 0 && pr.polygon == ps.polygon:
					if in, ok := inside(r, s); !ok || !in {
						continue
					}
					msg = fmt.Sprintf("lies inside ring %d, another hole (holes must not overlap)", ps.ring)
				default:
					continue
				}
				done[[2]int32{min(r, s), max(r, s)}] = true
				v := de.segs[de.first[r]][0]
				out = append(out, RingCrossing{District: pr.district, Polygon: pr.polygon, Ring: pr.ring, Other: &[2]int{ps.polygon, ps.ring},
					Err: fmt.Errorf("%s (vertex (%.7f, %.7f))", msg, v[0], v[1])})
			}
		})
	}
	return out
}

// ringPointIn is even-odd containment of p in ring r alone; onBorder
// reports a point within 1e-9 degrees of its edges.
func (de *districtEdges) ringPointIn(r int32, p orb.Point) (in, onBorder bool) {
	for k := de.first[r]; k < de.first[r+1]; k++ {
		a, c := de.segs[k][0], de.segs[k][1]
		if distToSeg(p, a, c) < 1e-9 {
			return false, true
		}
		if (a[1] > p[1]) != (c[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])/(c[1]-a[1])*(c[0]-a[0]) {
			in = !in
		}
	}
	return in, false
}

// ringCrossings names the place of each ring found crossing itself, by the
// search of a single ring (selfCrossing), which numbers its edges as the
// input does.
func ringCrossings(ds []District, found []map[int32]bool) []RingCrossing {
	bad := map[int32]bool{}
	for _, m := range found {
		for r := range m {
			bad[r] = true
		}
	}
	if len(bad) == 0 {
		return nil
	}
	var out []RingCrossing
	r := int32(0)
	for d := range ds {
		for pi, poly := range ds[d].Geometry {
			for ri, ring := range poly {
				if bad[r] {
					if i, j, x, ok := selfCrossing(openRing(ring)); ok {
						out = append(out, RingCrossing{District: d, Polygon: pi, Ring: ri,
							Err: fmt.Errorf("edges %d and %d cross near (%.7f, %.7f)", i, j, x[0], x[1])})
					}
				}
				r++
			}
		}
	}
	return out
}

// within reports whether box a lies within box b (closed).
func within(a, b rect) bool {
	return b[0] <= a[0] && b[1] <= a[1] && a[2] <= b[2] && a[3] <= b[3]
}

// properCross reports whether segments ab and cd cross at a point interior
// to both.
func properCross(a, b, c, d orb.Point) (orb.Point, bool) { return cplanar.ProperCross(a, b, c, d) }

func distToSeg(p, a, b orb.Point) float64 { return cplanar.SegmentDistance(p, a, b) }

// ringContains is planar.RingContains (orb v0.14.0, MIT licence: points on
// the ring count as inside) given the ring's bound b, which RingContains
// recomputes for every point: the hole test above asks it for every
// vertex of every hole.
func ringContains(r orb.Ring, b orb.Bound, point orb.Point) bool {
	if !b.Contains(point) {
		return false
	}
	c, on := rayIntersect(point, r[0], r[len(r)-1])
	if on {
		return true
	}
	for i := 0; i < len(r)-1; i++ {
		inter, on := rayIntersect(point, r[i], r[i+1])
		if on {
			return true
		}
		if inter {
			c = !c
		}
	}
	return c
}

// rayIntersect is orb/planar's: whether the ray from p towards +x crosses
// the segment s-e, and whether p lies on it.
func rayIntersect(p, s, e orb.Point) (intersects, on bool) {
	if s[0] > e[0] {
		s, e = e, s
	}
	switch p[0] {
	case s[0]:
		if p[1] == s[1] {
			return false, true // p == start
		} else if s[0] == e[0] {
			// vertical segment: on it when between its ends
			if s[1] > e[1] && s[1] >= p[1] && p[1] >= e[1] {
				return false, true
			}
			if e[1] > s[1] && e[1] >= p[1] && p[1] >= s[1] {
				return false, true
			}
		}
		p[0] = math.Nextafter(p[0], math.Inf(1)) // the degenerate case
	case e[0]:
		if p[1] == e[1] {
			return false, true // p == end
		}
		p[0] = math.Nextafter(p[0], math.Inf(1))
	}
	if p[0] < s[0] || p[0] > e[0] {
		return false, false
	}
	if s[1] > e[1] {
		if p[1] > s[1] {
			return false, false
		} else if p[1] < e[1] {
			return true, false
		}
	} else {
		if p[1] > e[1] {
			return false, false
		} else if p[1] < s[1] {
			return true, false
		}
	}
	rs := (p[1] - s[1]) / (p[0] - s[0])
	ds := (e[1] - s[1]) / (e[0] - s[0])
	if rs == ds {
		return false, true
	}
	return rs <= ds, false
}

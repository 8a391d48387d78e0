package coverage

import (
	"cmp"
	"math"
	"slices"
)

// A frameRegion is a district in its equal-area frame: rings of (x, y)
// metres, closed implicitly, oriented so that the district lies to the left
// of every edge (exteriors counter-clockwise, holes clockwise).
type frameRegion struct {
	rings  [][][2]float64
	edges  []edgeRef // every ring edge, in ring order
	first  []int     // first edge (and vertex node) of each ring
	tree   *segIndex // built on first use, see index
	area   float64   // m2
	minPt  [2]float64
	maxPt  [2]float64
	perim  float64 // m
	nVerts int
}

type edgeRef struct{ ring, i int }

func newFrameRegion(rings [][][2]float64) *frameRegion {
	fr := &frameRegion{rings: rings}
	nv := 0
	for _, ring := range rings {
		nv += len(ring)
	}
	fr.edges = make([]edgeRef, 0, nv)
	fr.first = make([]int, 0, len(rings))
	fr.minPt = [2]float64{math.Inf(1), math.Inf(1)}
	fr.maxPt = [2]float64{math.Inf(-1), math.Inf(-1)}
	for r, ring := range rings {
		fr.first = append(fr.first, len(fr.edges))
		for i := range ring {
			p, q := ring[i], ring[(i+1)%len(ring)]
			fr.edges = append(fr.edges, edgeRef{r, i})
			fr.area += (p[0]*q[1] - p[1]*q[0]) / 2
			fr.perim += hypot(q[0]-p[0], q[1]-p[1])
			fr.minPt = [2]float64{min(fr.minPt[0], p[0]), min(fr.minPt[1], p[1])}
			fr.maxPt = [2]float64{max(fr.maxPt[0], p[0]), max(fr.maxPt[1], p[1])}
		}
	}
	fr.nVerts = len(fr.edges)
	return fr
}

// index returns the region's edge index, building it on first use (a
// frameRegion belongs to one goroutine).
func (fr *frameRegion) index() *segIndex {
	if fr.tree == nil {
		fr.tree = newSegIndex(len(fr.edges), fr.edge)
	}
	return fr.tree
}

func segBox(p, q [2]float64) (mn, mx [2]float64) {
	return [2]float64{min(p[0], q[0]), min(p[1], q[1])}, [2]float64{max(p[0], q[0]), max(p[1], q[1])}
}

func (fr *frameRegion) edge(k int) (p, q [2]float64) {
	e := fr.edges[k]
	ring := fr.rings[e.ring]
	return ring[e.i], ring[(e.i+1)%len(ring)]
}

// nextVertex returns the vertex node that ends edge k.
func (fr *frameRegion) nextVertex(k int) int {
	e := fr.edges[k]
	if e.i+1 == len(fr.rings[e.ring]) {
		return fr.first[e.ring]
	}
	return k + 1
}

// contains reports whether (x, y) lies inside the region (even-odd rule,
// by a ray towards +x through the edge index).
func (fr *frameRegion) contains(x, y float64) bool {
	in := false
	fr.index().search([2]float64{x, y}, [2]float64{math.Inf(1), y}, func(k int) bool {
		p, q := fr.edge(k)
		if (p[1] > y) != (q[1] > y) {
			xi := p[0] + (y-p[1])/(q[1]-p[1])*(q[0]-p[0])
			if xi > x {
				in = !in
			}
		}
		return true
	})
	return in
}

// piece is one part of the boundary of the uncovered region: a sub-segment
// of a district edge, traversed forwards, or an arc of an ellipse, traversed
// clockwise (the uncovered side of a disk's boundary is outside it). From
// and to are node ids; a whole ellipse has from = to = -1.
type piece struct {
	from, to int
	arc      bool
	ell      int     // arcs: index of the ellipse
	t0, t1   float64 // arcs: parameters, t0 < t1; traversed from t1 to t0
	ccw      bool    // arcs of a covered part (cutCovered): traversed from t0 to t1
}

// cutResult is the uncovered part of a region for one set of ellipses.
type cutResult struct {
	nodes  [][2]float64 // vertex nodes first (one per edge), then crossings
	pieces []piece
	area   float64 // uncovered area, m2 (exact up to floating point)
	arcLen float64 // length of the disks' boundary inside the region, m
}

// delaunayPairsFrom is the number of disks from which cut finds crossing
// pairs through a Delaunay triangulation of the centres rather than by
// testing every pair of overlapping boxes.
const delaunayPairsFrom = 24

type cutPoint struct {
	t    float64 // ellipse parameter or edge fraction
	node int
}

// cut computes the part of the region outside every ellipse: its area, by
// Green's theorem over district edge pieces outside all ellipses and disk
// boundary arcs inside the region, and those pieces themselves.
func (fr *frameRegion) cut(ells []ellipse) cutResult { return fr.cutMode(ells, false) }

// cutCovered is cut for the covered part of the region: the same arcs,
// traversed anticlockwise, and the district edge pieces inside some
// ellipse; its area is the covered area.
func (fr *frameRegion) cutCovered(ells []ellipse) cutResult { return fr.cutMode(ells, true) }

func (fr *frameRegion) cutMode(ells []ellipse, keepCovered bool) cutResult {
	return fr.cutPairs(ells, keepCovered, nil)
}

// cutPairs is cutMode reading and keeping the crossings of pairs of the
// first pc.n ellipses in pc (nil: none), which the caller keeps the same
// from cut to cut (see siteCuts).
func (fr *frameRegion) cutPairs(ells []ellipse, keepCovered bool, pc *pairCache) cutResult {
	res := cutResult{nodes: make([][2]float64, fr.nVerts, fr.nVerts+8*len(ells)+16), pieces: make([]piece, 0, 64)}
	for k := range fr.edges {
		p, _ := fr.edge(k)
		res.nodes[k] = p
	}
	grid := newEllGrid(ells)
	ellCuts := make([][]cutPoint, len(ells))
	// Crossings along district edges: edgeCuts[edgeCut[k]-1] for edge k
	// (0: none), since few edges have any.
	edgeCut := make([]int32, len(fr.edges))
	var edgeCuts [][]cutPoint
	vertexCut := make([]bool, fr.nVerts) // vertex nodes that lie on an ellipse
	addNode := func(x, y float64) int {
		res.nodes = append(res.nodes, [2]float64{x, y})
		return len(res.nodes) - 1
	}
	// Ellipse-ellipse crossings: one node shared by both ellipses. Pairs
	// whose common box misses the region's cannot cross inside it.
	crossPair := func(i, j int) {
		e, f := &ells[i], &ells[j]
		eb, fb := &grid.boxes[i], &grid.boxes[j]
		if max(eb[0], fb[0]) > fr.maxPt[0] || min(eb[2], fb[2]) < fr.minPt[0] ||
			max(eb[1], fb[1]) > fr.maxPt[1] || min(eb[3], fb[3]) < fr.minPt[1] {
			return
		}
		cached := pc != nil && i < pc.n && j < pc.n
		if cached {
			if xs, ok := pc.get(i, j); ok {
				for _, c := range xs {
					n := addNode(c.x, c.y)
					ellCuts[i] = append(ellCuts[i], cutPoint{c.ti, n})
					ellCuts[j] = append(ellCuts[j], cutPoint{c.tj, n})
				}
				return
			}
		}
		var xs []pairCross
		for _, t := range intersectEllipses(e, f) {
			x, y := e.at(t)
			n := addNode(x, y)
			ti, tj := e.param(x, y), f.param(x, y)
			ellCuts[i] = append(ellCuts[i], cutPoint{ti, n})
			ellCuts[j] = append(ellCuts[j], cutPoint{tj, n})
			if cached {
				xs = append(xs, pairCross{x, y, ti, tj})
			}
		}
		if cached {
			pc.put(i, j, xs)
		}
	}
	if len(ells) >= delaunayPairsFrom {
		// Equal radii: the union's boundary on disk i lies in i's Voronoi
		// cell (a point of circle i nearer to j is inside disk j), so only
		// crossings of Delaunay neighbours can be on it, and coverage along
		// a circle changes only there. Crossings with other disks lie inside
		// a third disk; leaving them out merges arcs whose status is the same.
		centres := make([][2]float64, len(ells))
		for i := range ells {
			centres[i] = [2]float64{ells[i].cx, ells[i].cy}
		}
		for _, e := range triangulate(centres).edges() {
			crossPair(e[0], e[1])
		}
	} else {
		for i := range ells {
			mn, mx := ells[i].box()
			grid.inBox(mn, mx, func(j int) {
				if j > i {
					crossPair(i, j)
				}
			})
		}
	}
	// Ellipse-edge crossings, edge by edge: an edge is short next to the
	// grid's cells, so it meets few ellipse boxes. An edge strictly inside
	// one ellipse (both ends inside: ellipses are convex) is skipped: its
	// crossings with others lie inside that disk, where leaving them out
	// merges arcs and edge pieces that are all covered (as for the pairs
	// above). Runs of edges tend to lie in the same disk.
	cover := -1
	coveredBy := func(j int, p, q [2]float64) bool {
		return ells[j].level(p[0], p[1]) < 1 && ells[j].level(q[0], q[1]) < 1
	}
	for k := range fr.edges {
		p, q := fr.edge(k)
		if cover >= 0 && coveredBy(cover, p, q) {
			continue
		}
		cover = -1
		grid.atPoint(p[0], p[1], func(j int) bool {
			if coveredBy(j, p, q) {
				cover = j
				return false
			}
			return true
		})
		if cover >= 0 {
			continue
		}
		mn, mx := segBox(p, q)
		grid.inBox(mn, mx, func(i int) {
			e := &ells[i]
			for _, s := range segmentCrossings(e, p, q) {
				if s < 1e-12 {
					ellCuts[i] = append(ellCuts[i], cutPoint{e.param(p[0], p[1]), k})
					vertexCut[k] = true
					continue
				}
				x, y := p[0]+s*(q[0]-p[0]), p[1]+s*(q[1]-p[1])
				n := addNode(x, y)
				ellCuts[i] = append(ellCuts[i], cutPoint{e.param(x, y), n})
				if edgeCut[k] == 0 {
					edgeCuts = append(edgeCuts, nil)
					edgeCut[k] = int32(len(edgeCuts))
				}
				edgeCuts[edgeCut[k]-1] = append(edgeCuts[edgeCut[k]-1], cutPoint{s, n})
			}
		})
	}
	// insideOther tests first the ellipse that answered last: neighbouring
	// arcs and edge runs tend to lie in the same disk.
	hint := -1
	insideOther := func(x, y float64, self int) bool {
		if hint >= 0 && hint != self && ells[hint].level(x, y) < 1 {
			return true
		}
		found := false
		grid.atPoint(x, y, func(j int) bool {
			if j != self && ells[j].level(x, y) < 1 {
				found, hint = true, j
				return false
			}
			return true
		})
		return found
	}
	// Arcs of the union's boundary inside the region.
	for i := range ells {
		e := &ells[i]
		cuts := ellCuts[i]
		if len(cuts) == 0 {
			x, y := e.at(0)
			if !insideOther(x, y, i) && fr.contains(x, y) {
				res.pieces = append(res.pieces, piece{from: -1, to: -1, arc: true, ell: i, t0: 0, t1: 2 * math.Pi, ccw: keepCovered})
				if keepCovered {
					res.area += math.Pi * e.a * e.b
				} else {
					res.area -= math.Pi * e.a * e.b
				}
				res.arcLen += ellipsePerimeter(e.a, e.b)
			}
			continue
		}
		slices.SortFunc(cuts, func(a, b cutPoint) int { return cmp.Compare(a.t, b.t) })
		for c := range cuts {
			a, b := cuts[c], cuts[(c+1)%len(cuts)]
			t0, t1 := a.t, b.t
			if c+1 == len(cuts) {
				t1 += 2 * math.Pi
			}
			if t1-t0 <= 0 || a.node == b.node && len(cuts) > 1 && t1-t0 < 1e-15 {
				continue
			}
			x, y := e.at((t0 + t1) / 2)
			if insideOther(x, y, i) || !fr.contains(x, y) {
				continue
			}
			na, nb := res.nodes[a.node], res.nodes[b.node]
			if keepCovered {
				res.pieces = append(res.pieces, piece{from: a.node, to: b.node, arc: true, ell: i, t0: t0, t1: t1, ccw: true})
				res.area += e.green(t0, na[0], na[1], t1, nb[0], nb[1])
			} else {
				res.pieces = append(res.pieces, piece{from: b.node, to: a.node, arc: true, ell: i, t0: t0, t1: t1})
				res.area -= e.green(t0, na[0], na[1], t1, nb[0], nb[1])
			}
			res.arcLen += (t1 - t0) * (e.a + e.b) / 2
		}
	}
	// District edge pieces outside every ellipse. Coverage can only change
	// at a crossing, so one midpoint test decides each run of pieces
	// between crossings along a ring.
	insideAny := func(x, y float64) bool { return insideOther(x, y, -1) }
	for r := range fr.rings {
		known, covered := false, false
		for k := fr.first[r]; k < fr.first[r]+len(fr.rings[r]); k++ {
			var cuts []cutPoint
			if edgeCut[k] > 0 {
				cuts = edgeCuts[edgeCut[k]-1]
			}
			if len(cuts) > 1 {
				slices.SortFunc(cuts, func(a, b cutPoint) int { return cmp.Compare(a.t, b.t) })
			}
			prevT, prevN := 0.0, k
			p, q := fr.edge(k)
			emit := func(t1 float64, n1 int, cutEnd bool) {
				if !known {
					tm := (prevT + t1) / 2
					covered = insideAny(p[0]+tm*(q[0]-p[0]), p[1]+tm*(q[1]-p[1]))
					known = true
				}
				if covered == keepCovered {
					a, b := res.nodes[prevN], res.nodes[n1]
					res.pieces = append(res.pieces, piece{from: prevN, to: n1})
					res.area += (a[0]*b[1] - a[1]*b[0]) / 2
				}
				if cutEnd {
					known = false
				}
				prevT, prevN = t1, n1
			}
			for _, c := range cuts {
				emit(c.t, c.node, true)
			}
			emit(1, fr.nextVertex(k), vertexCut[fr.nextVertex(k)])
		}
	}
	return res
}

// segmentCrossings returns the fractions s in [0, 1) along p->q where the
// segment meets the ellipse's boundary.
func segmentCrossings(e *ellipse, p, q [2]float64) []float64 {
	px, py := e.local(p[0], p[1])
	qx, qy := e.local(q[0], q[1])
	dx, dy := qx-px, qy-py
	a := dx*dx + dy*dy
	b := px*dx + py*dy // half the linear coefficient
	c := px*px + py*py - 1
	disc := b*b - a*c
	if a == 0 || disc < 0 {
		return nil
	}
	sq := math.Sqrt(disc)
	// Numerically stable pair of roots.
	var s1, s2 float64
	if b >= 0 {
		s1 = (-b - sq) / a
		s2 = c / (a * s1)
		if s1 == 0 {
			s2 = -2 * b / a
		}
	} else {
		s2 = (-b + sq) / a
		s1 = c / (a * s2)
	}
	if s1 > s2 {
		s1, s2 = s2, s1
	}
	var out []float64
	for _, s := range [2]float64{s1, s2} {
		if s > -1e-12 && s < 1-1e-12 {
			out = append(out, max(s, 0))
		}
	}
	if len(out) == 2 && out[0] == out[1] {
		out = out[:1]
	}
	return out
}

// ellipsePerimeter is Ramanujan's approximation, ample for error bounds.
func ellipsePerimeter(a, b float64) float64 {
	h := (a - b) * (a - b) / ((a + b) * (a + b))
	return math.Pi * (a + b) * (1 + 3*h/(10+math.Sqrt(4-3*h)))
}

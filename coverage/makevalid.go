package coverage

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/covaudit/covaudit/geodesy"
	cplanar "github.com/covaudit/covaudit/internal/planar"
	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// MakeValid: why it is written here. simplefeatures (v0.50.0) has the
// overlay operations (union, symmetric difference) and validation, but no
// MakeValid, and its overlay needs valid operands: it labels faces by the
// side of each ring its interior lies on, which a ring that crosses itself
// does not have. So the linework is noded and polygonised here, and the
// faces found are combined with simplefeatures' SymmetricDifference, which
// only ever sees simple rings. The algorithm is GEOS's MakeValid for
// polygons (the "linework" method, GEOS 3.8 and later, shapely's
// make_valid):
//
//  1. node every ring of every polygon together (split edges where they
//     cross or touch) and keep each resulting segment once;
//  2. polygonise: drop dangling edges (a spike that goes out and back is
//     one), trace the faces of the planar graph; the area built from them
//     is the symmetric difference of every face's shell (faces nested an
//     even number of times are in, their children out);
//  3. add that area to the result by symmetric difference, take the edges
//     on its boundary out of the linework and repeat with what is left
//     (edges inside the area, as the inner sides of a star drawn as one
//     ring), until nothing builds an area.
//
// So a bow-tie becomes two triangles, a spike goes, a hole that crosses its
// shell leaves the shell where it was inside it and becomes a part where it
// was outside, and overlapping parts of a MultiPolygon keep only what one
// of them covers. Lines left over (spikes, collapsed rings) are dropped:
// they have no area. Everything is done in longitude and latitude, as GEOS
// does for a geometry in EPSG:4326.

// RepairPlace is a place where a district's linework crossed or touched
// itself, or doubled back (a spike), and was split by MakeValid.
type RepairPlace struct {
	At orb.Point // {lon, lat}
}

// maxMakeValidRounds bounds step 3's repetitions; every round takes out
// the outer edges of every remaining component, so real geometries need
// one or two.
const maxMakeValidRounds = 1000

// MakeValid returns a valid MultiPolygon covering what GEOS's MakeValid
// would keep of mp's area (see above), and the places where the linework
// was split (crossings, touching vertices, ends of spikes), by longitude
// then latitude. Coordinates are {lon, lat}; rings may be open or
// closed. The result is empty when nothing of mp has area (a ring traced
// back on itself). MakeValid is safe for concurrent use.
func MakeValid(mp orb.MultiPolygon) (orb.MultiPolygon, []RepairPlace, error) {
	var segs [][2]orb.Point
	var next []int // the edge after each in its ring
	for _, poly := range mp {
		for _, ring := range poly {
			pts := openRing(ring)
			if len(pts) < 2 {
				continue
			}
			first := len(segs)
			for i := range pts {
				segs = append(segs, [2]orb.Point{pts[i], pts[(i+1)%len(pts)]})
				next = append(next, first+(i+1)%len(pts))
			}
		}
	}
	edges, places := nodeSegments(segs, next)
	var acc geom.Geometry
	for range maxMakeValidRounds {
		edges = dropDangles(edges)
		if len(edges) == 0 {
			break
		}
		loops, inner := faceLoops(edges)
		if len(loops) == 0 {
			break
		}
		area, err := xorRings(loops)
		if err != nil {
			return nil, places, err
		}
		if area.IsEmpty() {
			break
		}
		if acc.IsEmpty() { // the first round: nothing to combine with
			acc = area
		} else if acc, err = symDiff(acc, area); err != nil {
			return nil, places, err
		}
		edges = inner
	}
	return PolygonsOf(acc), places, nil
}

// nodeSegments splits the segments where they cross or touch one another
// and returns each piece once (as its two end points, the smaller first),
// with the places where pieces were cut or met out of order.
func nodeSegments(segs [][2]orb.Point, next []int) ([][2]orb.Point, []RepairPlace) {
	boxes := make([]rect, len(segs))
	for i, s := range segs {
		boxes[i] = rect{min(s[0][0], s[1][0]), min(s[0][1], s[1][1]), max(s[0][0], s[1][0]), max(s[0][1], s[1][1])}
	}
	cuts := make([][]orb.Point, len(segs))
	var places []RepairPlace
	seen := map[orb.Point]bool{}
	place := func(p orb.Point) {
		if !seen[p] {
			seen[p] = true
			places = append(places, RepairPlace{At: p})
		}
	}
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	onSeg := func(s [2]orb.Point, p orb.Point) bool {
		return p != s[0] && p != s[1] && o(s[0], s[1], p) == 0 &&
			min(s[0][0], s[1][0]) <= p[0] && p[0] <= max(s[0][0], s[1][0]) &&
			min(s[0][1], s[1][1]) <= p[1] && p[1] <= max(s[0][1], s[1][1])
	}
	boxPairs(boxes, func(i32, j32 int32) {
		i, j := int(i32), int(j32)
		a, b := segs[i], segs[j]
		if x, ok := cplanar.ProperCross(a[0], a[1], b[0], b[1]); ok {
			cuts[i] = append(cuts[i], x)
			cuts[j] = append(cuts[j], x)
			place(x)
			return
		}
		for _, p := range a {
			if onSeg(b, p) {
				cuts[j] = append(cuts[j], p)
				place(p)
			}
		}
		for _, p := range b {
			if onSeg(a, p) {
				cuts[i] = append(cuts[i], p)
				place(p)
			}
		}
		// Edges that are not neighbours in one ring and share an end
		// point: the linework touches itself there.
		if next[i] != j && next[j] != i && (a[0] == b[0] || a[0] == b[1] || a[1] == b[0] || a[1] == b[1]) {
			for _, p := range a {
				if p == b[0] || p == b[1] {
					place(p)
				}
			}
		}
	})
	set := map[[2]orb.Point]bool{}
	var out [][2]orb.Point
	add := func(p, q orb.Point) {
		if p == q {
			return
		}
		if q[0] < p[0] || q[0] == p[0] && q[1] < p[1] {
			p, q = q, p
		}
		k := [2]orb.Point{p, q}
		if !set[k] {
			set[k] = true
			out = append(out, k)
		}
	}
	for i, s := range segs {
		c := cuts[i]
		if len(c) == 0 {
			add(s[0], s[1])
			continue
		}
		d := orb.Point{s[1][0] - s[0][0], s[1][1] - s[0][1]}
		t := func(p orb.Point) float64 { return (p[0]-s[0][0])*d[0] + (p[1]-s[0][1])*d[1] }
		slices.SortFunc(c, func(p, q orb.Point) int { return cmp.Compare(t(p), t(q)) })
		prev := s[0]
		for _, p := range c {
			add(prev, p)
			prev = p
		}
		add(prev, s[1])
	}
	slices.SortFunc(places, func(a, b RepairPlace) int {
		if c := cmp.Compare(a.At[0], b.At[0]); c != 0 {
			return c
		}
		return cmp.Compare(a.At[1], b.At[1])
	})
	return out, places
}

// dropDangles removes, again and again, the edges with an end that no
// other edge shares: they bound no face.
func dropDangles(edges [][2]orb.Point) [][2]orb.Point {
	deg := map[orb.Point]int{}
	for _, e := range edges {
		deg[e[0]]++
		deg[e[1]]++
	}
	for {
		kept := edges[:0:0]
		for _, e := range edges {
			if deg[e[0]] == 1 || deg[e[1]] == 1 {
				deg[e[0]]--
				deg[e[1]]--
				continue
			}
			kept = append(kept, e)
		}
		if len(kept) == len(edges) {
			return kept
		}
		edges = kept
	}
}

// faceLoops traces the faces of the planar graph of edges (each face on
// the left of its half-edges) and returns the simple loops of the bounded
// faces' shells (anticlockwise cycles, split where they pass a vertex
// twice), and the edges that lie between two bounded faces (inside the
// area those build).
func faceLoops(edges [][2]orb.Point) (loops [][]orb.Point, inner [][2]orb.Point) {
	// Half-edge 2k runs edges[k][0] -> edges[k][1], 2k+1 the other way.
	from := func(h int) orb.Point { return edges[h/2][h%2] }
	to := func(h int) orb.Point { return edges[h/2][1-h%2] }
	out := map[orb.Point][]int{}
	for h := range 2 * len(edges) {
		out[from(h)] = append(out[from(h)], h)
	}
	pos := make([]int, 2*len(edges)) // index of h in its origin's list
	for v, hs := range out {
		angle := func(h int) float64 { q := to(h); return math.Atan2(q[1]-v[1], q[0]-v[0]) }
		slices.SortFunc(hs, func(a, b int) int { return cmp.Compare(angle(a), angle(b)) })
		for i, h := range hs {
			pos[h] = i
		}
	}
	next := func(h int) int {
		t := h ^ 1 // the twin, leaving the end of h
		hs := out[from(t)]
		return hs[(pos[t]-1+len(hs))%len(hs)]
	}
	cycle := make([]int, 2*len(edges))
	for i := range cycle {
		cycle[i] = -1
	}
	var positive []bool
	var verts [][]orb.Point
	for h0 := range cycle {
		if cycle[h0] >= 0 {
			continue
		}
		c := len(positive)
		var vs []orb.Point
		for h := h0; cycle[h] < 0; h = next(h) {
			cycle[h] = c
			vs = append(vs, from(h))
		}
		a := 0.0
		for i := range vs {
			p, q := vs[i], vs[(i+1)%len(vs)]
			a += (p[0]-vs[0][0])*(q[1]-vs[0][1]) - (q[0]-vs[0][0])*(p[1]-vs[0][1])
		}
		positive = append(positive, a > 0)
		verts = append(verts, vs)
	}
	for c, vs := range verts {
		if positive[c] {
			loops = append(loops, simpleLoops(vs)...)
		}
	}
	for k, e := range edges {
		if a, b := cycle[2*k], cycle[2*k+1]; a != b && positive[a] && positive[b] {
			inner = append(inner, e)
		}
	}
	return loops, inner
}

// simpleLoops splits a closed walk where it passes a vertex twice into
// loops that do not, dropping those of fewer than three vertices.
func simpleLoops(vs []orb.Point) [][]orb.Point {
	var loops [][]orb.Point
	at := map[orb.Point]int{}
	var stack []orb.Point
	emit := func(l []orb.Point) {
		if len(l) >= 3 {
			loops = append(loops, slices.Clone(l))
		}
	}
	for _, v := range vs {
		if i, ok := at[v]; ok {
			emit(stack[i:])
			for _, p := range stack[i+1:] {
				delete(at, p)
			}
			stack = stack[:i+1]
			continue
		}
		at[v] = len(stack)
		stack = append(stack, v)
	}
	emit(stack)
	return loops
}

// xorRings is the symmetric difference of the simple rings' interiors,
// combined pairwise as a balanced tree.
func xorRings(loops [][]orb.Point) (geom.Geometry, error) {
	gs := make([]geom.Geometry, 0, len(loops))
	for _, l := range loops {
		if cplanar.Area(l) == 0 {
			continue
		}
		xy := make([]float64, 0, 2*len(l)+2)
		for _, p := range l {
			xy = append(xy, p[0], p[1])
		}
		xy = append(xy, l[0][0], l[0][1])
		gs = append(gs, geom.NewPolygon([]geom.LineString{geom.NewLineString(geom.NewSequence(xy, geom.DimXY))}).AsGeometry())
	}
	for len(gs) > 1 {
		var nxt []geom.Geometry
		for i := 0; i < len(gs); i += 2 {
			if i+1 == len(gs) {
				nxt = append(nxt, gs[i])
				continue
			}
			g, err := symDiff(gs[i], gs[i+1])
			if err != nil {
				return geom.Geometry{}, err
			}
			nxt = append(nxt, g)
		}
		gs = nxt
	}
	if len(gs) == 0 {
		return geom.Geometry{}, nil
	}
	return gs[0], nil
}

func symDiff(a, b geom.Geometry) (geom.Geometry, error) {
	g, err := geom.SymmetricDifference(a, b)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("repairing: %w", err)
	}
	return g, nil
}

// PolygonsOf keeps the polygons of a simplefeatures geometry (an
// overlay's result: a Polygon, a MultiPolygon or a collection holding
// them), as an orb MultiPolygon.
func PolygonsOf(g geom.Geometry) orb.MultiPolygon {
	var polys []geom.Polygon
	switch {
	case g.IsPolygon():
		polys = append(polys, g.MustAsPolygon())
	case g.IsMultiPolygon():
		mp := g.MustAsMultiPolygon()
		for i := range mp.NumPolygons() {
			polys = append(polys, mp.PolygonN(i))
		}
	case g.IsGeometryCollection():
		gc := g.MustAsGeometryCollection()
		var out orb.MultiPolygon
		for i := range gc.NumGeometries() {
			out = append(out, PolygonsOf(gc.GeometryN(i))...)
		}
		return out
	}
	var out orb.MultiPolygon
	for _, p := range polys {
		if p.IsEmpty() {
			continue
		}
		rings := []geom.LineString{p.ExteriorRing()}
		for i := range p.NumInteriorRings() {
			rings = append(rings, p.InteriorRingN(i))
		}
		var op orb.Polygon
		for _, ls := range rings {
			seq := ls.Coordinates()
			r := make(orb.Ring, seq.Length())
			for k := range r {
				xy := seq.GetXY(k)
				r[k] = orb.Point{xy.X, xy.Y}
			}
			op = append(op, r)
		}
		out = append(out, op)
	}
	return out
}

// NeedsRepair says why a district geometry is not valid, as covaudit or
// the OGC simple features rules have it (a ring crossing or touching
// itself, a hole outside its shell, parts that overlap), or returns nil.
// It is what --repair repairs.
func NeedsRepair(mp orb.MultiPolygon) error {
	if err := ValidateGeometry(mp); err != nil {
		return err
	}
	for pi, poly := range mp {
		for ri, ring := range poly {
			if i, j, x, ok := selfCrossing(openRing(ring)); ok {
				return fmt.Errorf("polygon %d: ring %d: edges %d and %d cross near (%.7f, %.7f)", pi, ri, i, j, x[0], x[1])
			}
		}
	}
	return toGeomMulti(mp).Validate()
}

// AreaM2 is the ellipsoidal area, m², of a district geometry whose edges
// are geodesics: its rings projected into a Lambert azimuthal equal-area
// frame centred on its box, edges densified there to areaTolM (the
// engine densifies to 0.1 mm, which moves the area of a district by up to
// that times its perimeter, 1e-7 of a 3 km square). Shells add and holes subtract whatever their
// winding; a ring that crosses itself adds its loops with their signs (a
// symmetric bow-tie gives 0). Coordinates are {lon, lat}.
// areaTolM is AreaM2's densification tolerance, metres.
const areaTolM = 1e-7

func AreaM2(mp orb.MultiPolygon) float64 {
	if len(mp) == 0 {
		return 0
	}
	b := mp.Bound()
	proj := geodesy.NewLAEA((b.Min[0]+b.Max[0])/2, (b.Min[1]+b.Max[1])/2)
	total := 0.0
	for _, poly := range mp {
		for ri, ring := range poly {
			pts := openRing(ring)
			if len(pts) < 3 {
				continue
			}
			var fr [][2]float64
			x0, y0 := proj.Forward(pts[0][0], pts[0][1])
			fr = append(fr, [2]float64{x0, y0})
			for i := range pts {
				a, c := pts[i], pts[(i+1)%len(pts)]
				fr = proj.AppendGeodesic(fr, a[0], a[1], c[0], c[1], areaTolM)
			}
			if s := math.Abs(ringArea(fr[:len(fr)-1])); ri == 0 {
				total += s
			} else {
				total -= s
			}
		}
	}
	return total
}

// OverlapAreaM2 is the ellipsoidal area, m², that two district geometries
// share: their intersection by simplefeatures' overlay in longitude and
// latitude, measured as AreaM2 does. Geometries that only touch (a shared
// edge or vertex) share 0. Both must be valid (NeedsRepair nil).
func OverlapAreaM2(a, b orb.MultiPolygon) (float64, error) {
	g, err := geom.Intersection(toGeomMulti(a).AsGeometry(), toGeomMulti(b).AsGeometry())
	if err != nil {
		return 0, err
	}
	return AreaM2(PolygonsOf(g)), nil
}

// toGeomMulti converts a geometry for simplefeatures, closing its rings.
func toGeomMulti(mp orb.MultiPolygon) geom.MultiPolygon {
	var polys []geom.Polygon
	for _, p := range mp {
		var rings []geom.LineString
		for _, r := range p {
			pts := openRing(r)
			if len(pts) < 3 {
				continue
			}
			xy := make([]float64, 0, 2*len(pts)+2)
			for _, q := range pts {
				xy = append(xy, q[0], q[1])
			}
			xy = append(xy, pts[0][0], pts[0][1])
			rings = append(rings, geom.NewLineString(geom.NewSequence(xy, geom.DimXY)))
		}
		if len(rings) > 0 {
			polys = append(polys, geom.NewPolygon(rings))
		}
	}
	return geom.NewMultiPolygon(polys)
}

package roads

import (
	"math"
	"runtime"
	"sync"

	"github.com/covaudit/covaudit/geodesy"
)

// Network is a road network for one profile: nodes at {lon, lat} degrees
// (WGS84) and straight segments between them, each with its travel time in
// both directions. It is built from OpenStreetMap ways by a Builder, and
// read-only afterwards.
type Network struct {
	// Pos is every node's {lon, lat}, degrees.
	Pos [][2]float64
	// OSMID is every node's OpenStreetMap id; 0 for nodes covaudit added
	// (the points where stations join the network).
	OSMID []int64
	Segs  []Segment

	tree *segTree // segments by lon/lat box, see index
}

// Segment is one straight piece of a way, between consecutive way nodes.
type Segment struct {
	A, B int32
	// LenM is the geodesic length, metres.
	LenM float64
	// Fwd and Bwd are the travel times A to B and B to A, seconds; negative
	// when that direction cannot be used.
	Fwd, Bwd float64
	// Way is the OpenStreetMap way id.
	Way int64
}

// Builder collects ways and then their nodes' positions, so that memory
// grows with the road network, not with the file: add every way first,
// then give the positions of the nodes NeedsNode asks for. Not safe for
// concurrent use.
type Builder struct {
	prof  Profile
	ways  []wayRec
	index map[int64]int32 // OSM node id -> node
	pos   [][2]float64
	ids   []int64
	known []bool
}

type wayRec struct {
	id       int64
	nodes    []int32
	fwd, bwd float64 // km/h
}

// NewBuilder starts a network for the profile.
func NewBuilder(p Profile) *Builder {
	return &Builder{prof: p, index: make(map[int64]int32)}
}

// AddWay keeps a way when the profile can use it; nodes are its OSM node
// ids in order. It reports whether the way was kept.
func (b *Builder) AddWay(id int64, nodes []int64, tag Tags) bool {
	fwd, bwd := b.prof.WaySpeeds(tag)
	if (fwd <= 0 && bwd <= 0) || len(nodes) < 2 {
		return false
	}
	w := wayRec{id: id, nodes: make([]int32, len(nodes)), fwd: fwd, bwd: bwd}
	for i, n := range nodes {
		k, ok := b.index[n]
		if !ok {
			k = int32(len(b.ids))
			b.index[n] = k
			b.ids = append(b.ids, n)
		}
		w.nodes[i] = k
	}
	b.ways = append(b.ways, w)
	return true
}

// Ways is the number of ways kept so far.
func (b *Builder) Ways() int { return len(b.ways) }

// NeedsNode reports whether a kept way uses the OSM node.
func (b *Builder) NeedsNode(id int64) bool { _, ok := b.index[id]; return ok }

// SetNode gives a node's position, degrees.
func (b *Builder) SetNode(id int64, lon, lat float64) {
	k, ok := b.index[id]
	if !ok {
		return
	}
	if b.pos == nil {
		b.pos = make([][2]float64, len(b.ids))
		b.known = make([]bool, len(b.ids))
	}
	b.pos[k] = [2]float64{lon, lat}
	b.known[k] = true
}

// Build makes the network. Segments whose nodes are missing from the file
// (ways cut by the extract's edge) are left out and counted in missing.
func (b *Builder) Build() (n *Network, missing int) {
	if b.pos == nil {
		b.pos = make([][2]float64, len(b.ids))
		b.known = make([]bool, len(b.ids))
	}
	// Every way's segments first, in order, without their lengths; the
	// lengths (a geodesic each, most of the cost) are then measured on
	// every core, each written to its own segment.
	total := 0
	for _, w := range b.ways {
		total += len(w.nodes) - 1
	}
	n = &Network{Pos: make([][2]float64, 0, len(b.ids)), OSMID: make([]int64, 0, len(b.ids)), Segs: make([]Segment, 0, total)}
	remap := make([]int32, len(b.ids))
	for i := range remap {
		remap[i] = -1
	}
	node := func(k int32) int32 {
		if remap[k] < 0 {
			remap[k] = int32(len(n.Pos))
			n.Pos = append(n.Pos, b.pos[k])
			n.OSMID = append(n.OSMID, b.ids[k])
		}
		return remap[k]
	}
	first := make([]int32, len(b.ways)+1) // each way's first segment
	for wi, w := range b.ways {
		first[wi] = int32(len(n.Segs))
		for i := 0; i+1 < len(w.nodes); i++ {
			a, c := w.nodes[i], w.nodes[i+1]
			if !b.known[a] || !b.known[c] {
				missing++
				continue
			}
			if a == c {
				continue
			}
			n.Segs = append(n.Segs, Segment{A: node(a), B: node(c), Fwd: -1, Bwd: -1, Way: w.id})
		}
	}
	first[len(b.ways)] = int32(len(n.Segs))
	eachChunk(len(b.ways), func(lo, hi int) {
		for wi := lo; wi < hi; wi++ {
			w := &b.ways[wi]
			for k := first[wi]; k < first[wi+1]; k++ {
				s := &n.Segs[k]
				pa, pc := n.Pos[s.A], n.Pos[s.B]
				l := geodesy.Distance(pa[0], pa[1], pc[0], pc[1])
				s.LenM = l
				if w.fwd > 0 {
					s.Fwd = l / (w.fwd / 3.6)
				}
				if w.bwd > 0 {
					s.Bwd = l / (w.bwd / 3.6)
				}
			}
		}
	})
	return n, missing
}

// eachChunk calls fn on GOMAXPROCS goroutines with the chunks [lo, hi)
// of [0, n) and returns when all are done.
func eachChunk(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/64))
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i*n/workers, (i+1)*n/workers)
		}()
	}
	wg.Wait()
}

// index returns the packed R-tree of segments by lon/lat box (segtree.go),
// building it on first use.
func (n *Network) index() *segTree {
	if n.tree == nil {
		n.tree = newSegTree(n.Pos, n.Segs)
	}
	return n.tree
}

// BuildIndex builds the segment index now, so that the network can then be
// searched from several goroutines.
func (n *Network) BuildIndex() { n.index() }

// Near calls fn with every segment that may pass within m metres of the
// lon/lat box [mn, mx] (a box search with a safe margin in degrees), until
// fn returns false.
func (n *Network) Near(mn, mx [2]float64, m float64, fn func(seg int) bool) {
	dlat := m/110500 + 1e-9
	lat := max(math.Abs(mn[1]), math.Abs(mx[1])) + dlat
	dlon := m/(111000*math.Cos(min(89.9, lat)*math.Pi/180)) + 1e-9
	n.index().search(n.Pos, n.Segs, [2]float64{mn[0] - dlon, mn[1] - dlat}, [2]float64{mx[0] + dlon, mx[1] + dlat}, fn)
}

// MinLeg returns the cheapest way onto (or off) a straight segment from a
// point p, in a plane where distances are metres: the minimum over the
// segment's points q = a + x (b - a), x in [0, 1], with |p - q| <= capM, of
//
//	|p - q| x invSpeed + c0 + c1 x,
//
// where invSpeed is the access leg's s/m and c0 + c1 x the travel time along
// the road from q, seconds. ok is false when no point of the segment is
// within capM of p. See Leg, which prepares a segment for many such queries.
func MinLeg(p, a, b [2]float64, c0, c1, invSpeed, capM float64) (cost, x float64, ok bool) {
	g := NewLeg(a, b, c0, c1, invSpeed)
	cost, x = g.Cost(p[0], p[1], capM, math.Inf(1))
	return cost, x, !math.IsInf(cost, 1)
}

// Leg is a straight segment a-b prepared for the cheapest access leg from
// many points (MinLeg's problem). The cost is convex in the point of the
// segment, so the minimum is the stationary point (where the leg meets the
// road at the angle whose cosine is the ratio of the speeds) clamped to the
// part of the segment within the cap.
type Leg struct {
	ax, ay, ux, uy, l float64 // start, unit direction, length (m)
	c0, c1, inv       float64
	m, rt             float64 // cosine of the best angle (signed) and its sine when |m| < 1
	// Lo is the least road time on the segment, min(c0, c0 + c1), s.
	Lo float64
}

// NewLeg prepares segment a-b, along which the road time from the point at
// fraction x is c0 + c1 x seconds, for legs at invSpeed s/m.
func NewLeg(a, b [2]float64, c0, c1, invSpeed float64) Leg {
	g := Leg{ax: a[0], ay: a[1], l: math.Hypot(b[0]-a[0], b[1]-a[1]), c0: c0, c1: c1, inv: invSpeed, Lo: min(c0, c0+c1)}
	if g.l > 0 {
		g.ux, g.uy = (b[0]-a[0])/g.l, (b[1]-a[1])/g.l
		g.m = -c1 / g.l / invSpeed
		if math.Abs(g.m) < 1 {
			g.rt = math.Sqrt(1 - g.m*g.m)
		}
	}
	return g
}

// Ends returns the segment's end points.
func (g *Leg) Ends() (a, b [2]float64) {
	return [2]float64{g.ax, g.ay}, [2]float64{g.ax + g.l*g.ux, g.ay + g.l*g.uy}
}

// Dist is the distance, m, from (px, py) to the segment.
func (g *Leg) Dist(px, py float64) float64 {
	dx, dy := px-g.ax, py-g.ay
	s := min(g.l, max(0, dx*g.ux+dy*g.uy))
	ex, ey := dx-s*g.ux, dy-s*g.uy
	return math.Sqrt(ex*ex + ey*ey)
}

// Hopeless reports that Cost from (px, py) cannot be below bound, for any
// capM: Cost would return bound or +Inf. It takes the larger of the
// distance to the segment's line (the test Cost makes first, the same
// arithmetic) and the distance along the line beyond the segment's ends
// (shrunk by a relative 1e-9, far above rounding, since Cost's leg is
// at least that long), and is small enough to inline, so a caller scanning
// many legs skips most calls.
func (g *Leg) Hopeless(px, py, bound float64) bool {
	dx, dy := px-g.ax, py-g.ay // a point segment (l = 0, no direction) gives d = 0
	s0 := dx*g.ux + dy*g.uy
	d := max(math.Abs(dx*g.uy-dy*g.ux), max(-s0, s0-g.l)*(1-1e-9))
	return d*g.inv+g.Lo >= bound
}

// Cost is the cheapest leg from (px, py) onto the segment, at most capM
// long, plus the road time from where it meets the road, and that point's
// fraction x; +Inf when no point of the segment is within capM. When the
// cost cannot be below bound, bound is returned without computing it.
func (g *Leg) Cost(px, py, capM, bound float64) (cost, x float64) {
	dx, dy := px-g.ax, py-g.ay
	if g.l == 0 {
		r := math.Sqrt(dx*dx + dy*dy)
		if r > capM {
			return math.Inf(1), 0
		}
		return r*g.inv + g.Lo, 0
	}
	s0 := dx*g.ux + dy*g.uy
	d := math.Abs(dx*g.uy - dy*g.ux)
	if d > capM {
		return math.Inf(1), 0
	}
	if d*g.inv+g.Lo >= bound {
		return bound, 0 // cannot beat the best so far
	}
	w := math.Sqrt(max(0, capM*capM-d*d))
	lo, hi := max(0, s0-w), min(g.l, s0+w)
	if lo > hi {
		return math.Inf(1), 0
	}
	var s float64
	switch {
	case g.m >= 1:
		s = hi
	case g.m <= -1:
		s = lo
	default:
		s = min(hi, max(lo, s0+g.m*d/g.rt))
	}
	e := s - s0
	x = s / g.l
	return math.Sqrt(e*e+d*d)*g.inv + g.c0 + g.c1*x, x
}

// Stats describes a network.
type Stats struct {
	Nodes, Segments int
	// LengthM is the total length of the segments, metres.
	LengthM float64
}

// Stats counts the network.
func (n *Network) Stats() Stats {
	s := Stats{Nodes: len(n.Pos), Segments: len(n.Segs)}
	for _, g := range n.Segs {
		s.LengthM += g.LenM
	}
	return s
}

// ByLength is a copy of the network whose segment costs are their lengths,
// metres, in every direction the profile may use them: a search over it
// measures network distance instead of time (with an access speed of 1 m/s,
// legs count their metres too). Pos and OSMID are shared, not copied.
func (n *Network) ByLength() *Network {
	out := &Network{Pos: n.Pos, OSMID: n.OSMID, Segs: make([]Segment, len(n.Segs))}
	for k, s := range n.Segs {
		if s.Fwd >= 0 {
			s.Fwd = s.LenM
		}
		if s.Bwd >= 0 {
			s.Bwd = s.LenM
		}
		out.Segs[k] = s
	}
	return out
}

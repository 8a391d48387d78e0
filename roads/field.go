package roads

import (
	"cmp"
	"math"
	"slices"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/tidwall/rtree"
)

// Access is how places reach the network: a straight leg at SpeedMS to any
// point of a usable road at most CapM away. A station joins the network the
// same way.
type Access struct {
	// SpeedMS is the access leg's speed, m/s.
	SpeedMS float64
	// CapM is the longest access leg, metres.
	CapM float64
}

// Field is the travel time between every node of a network and its nearest
// station, by one multi-source Dijkstra: to the station (residents travel)
// or from it (the station's vehicle travels out). The network is a copy of
// the one given, with a node added wherever a station's best access leg
// meets a segment, so that leaving the road for a station always happens at
// a node. Read-only; safe for concurrent use.
type Field struct {
	Net *Network
	Dir Direction
	Access
	// Stations are {lon, lat} degrees.
	Stations [][2]float64
	// Time is every node's travel time, seconds, to (or from) its nearest
	// station, access leg included; +Inf when no station is reached.
	Time []float64
	// RouteM is the length of that route, metres (legs and roads).
	RouteM []float64
	// Station is the index of that station, or -1.
	Station []int32
	// Joins is the number of station access legs added.
	Joins int
	// Delay is each station's time, seconds, added to every route through
	// it (a turnout time); nil when none. See NewDelayedField.
	Delay []float64
	// WalkCapped limits walking straight to a station to CapM like every
	// other access leg. A search by length needs it (set it on a field
	// over Network.ByLength): with legs and roads counted alike, the
	// straight line to the station would otherwise always win.
	WalkCapped bool

	stTree rtree.RTreeG[int32] // stations by position, for Cost
	joins  []join              // station access legs, seg the join node (after split)
}

// join is one station access leg: station s reaches segment seg at
// fraction x (0 at A) with a leg of legM metres.
type join struct {
	seg  int
	x    float64
	s    int32
	legM float64
}

// NewField joins the stations to the network and runs one multi-source
// Dijkstra over it. Leg lengths are measured in a Lambert azimuthal
// equal-area plane centred on the station (within 1e-6 of the geodesic over
// the few kilometres of a leg); road times use the geodesic segment lengths.
func NewField(n *Network, stations [][2]float64, acc Access, dir Direction) *Field {
	return NewDelayedField(n, stations, nil, acc, dir)
}

// NewDelayedField is NewField with a time, seconds, added at every station
// (delay[i] for station i, >= 0; nil for none): a fire engine's turnout
// before it drives out, a desk's opening delay. Every route's cost,
// walking straight to the station included, grows by its station's delay.
func NewDelayedField(n *Network, stations [][2]float64, delay []float64, acc Access, dir Direction) *Field {
	inv := 1 / acc.SpeedMS
	var joins []join
	for si, st := range stations {
		proj := geodesy.NewLAEA(st[0], st[1])
		n.Near(st, st, acc.CapM, func(k int) bool {
			s := n.Segs[k]
			a, b := xy(proj, n.Pos[s.A]), xy(proj, n.Pos[s.B])
			// Leaving the road for the station: to-station travel along
			// A->B ends at x; from-station travel starts there.
			for _, d := range [2]struct {
				t    float64
				from bool
			}{{s.Fwd, false}, {s.Bwd, true}} {
				if d.t < 0 {
					continue
				}
				// Road time between the segment's end and x, as c0 + c1 x:
				// to-station along A->B ends at x (A..x), as does
				// from-station along B->A starting there (x..A); the other
				// two run between x and B.
				c0, c1 := 0.0, d.t
				if (dir == ToStation) == d.from {
					c0, c1 = d.t, -d.t
				}
				if _, x, ok := MinLeg([2]float64{}, a, b, c0, c1, inv, acc.CapM); ok {
					q := [2]float64{a[0] + x*(b[0]-a[0]), a[1] + x*(b[1]-a[1])}
					joins = append(joins, join{seg: k, x: x, s: int32(si), legM: math.Hypot(q[0], q[1])})
				}
			}
			return true
		})
	}
	net := split(n, joins)
	// The field is read from several goroutines, so the index is built
	// now; the search does not use it and runs beside it (both only
	// read the network).
	indexed := make(chan struct{})
	go func() {
		net.BuildIndex()
		close(indexed)
	}()
	f := &Field{Net: net, Dir: dir, Access: acc, Stations: stations, Joins: len(joins), Delay: delay}
	for i, s := range stations {
		f.stTree.Insert(s, s, int32(i))
	}
	f.dijkstra(joins)
	<-indexed
	f.joins = joins
	return f
}

func xy(p *geodesy.LAEA, ll [2]float64) [2]float64 {
	x, y := p.Forward(ll[0], ll[1])
	return [2]float64{x, y}
}

// split copies the network, cutting segments at the joins; it turns each
// join's segment and fraction into the new node's index in joins[i].seg.
func split(n *Network, joins []join) *Network {
	out := &Network{Pos: slices.Clone(n.Pos), OSMID: slices.Clone(n.OSMID), Segs: make([]Segment, 0, len(n.Segs)+len(joins))}
	// The joins of each segment, in join order (a counting sort by
	// segment): bySeg[start[k]:start[k+1]] are segment k's.
	start := make([]int32, len(n.Segs)+1)
	for _, j := range joins {
		start[j.seg+1]++
	}
	for k := range n.Segs {
		start[k+1] += start[k]
	}
	bySeg := make([]int, len(joins))
	next := slices.Clone(start[:len(n.Segs)])
	for i, j := range joins {
		bySeg[next[j.seg]] = i
		next[j.seg]++
	}
	next = nil
	for k, s := range n.Segs {
		js := bySeg[start[k]:start[k+1]]
		if len(js) == 0 {
			out.Segs = append(out.Segs, s)
			continue
		}
		slices.SortFunc(js, func(i, j int) int { return cmp.Compare(joins[i].x, joins[j].x) })
		prev, px := s.A, 0.0
		pa, pb := n.Pos[s.A], n.Pos[s.B]
		for _, i := range js {
			x := joins[i].x
			var node int32
			switch {
			case x <= px:
				node = prev // at the previous cut (or at A)
			case x >= 1:
				node = s.B
			default:
				node = int32(len(out.Pos))
				// The join point, linear in lon/lat between the ends
				// (segments are metres to a few hundred metres long).
				out.Pos = append(out.Pos, [2]float64{pa[0] + x*(pb[0]-pa[0]), pa[1] + x*(pb[1]-pa[1])})
				out.OSMID = append(out.OSMID, 0)
			}
			if node != prev && x > px {
				out.Segs = append(out.Segs, piece(s, prev, node, px, x))
				prev, px = node, x
			}
			joins[i].seg = int(node)
		}
		if prev != s.B {
			out.Segs = append(out.Segs, piece(s, prev, s.B, px, 1))
		}
	}
	return out
}

// piece is the part of s between fractions x0 and x1, from node a to b.
func piece(s Segment, a, b int32, x0, x1 float64) Segment {
	f := x1 - x0
	p := Segment{A: a, B: b, LenM: s.LenM * f, Fwd: -1, Bwd: -1, Way: s.Way}
	if s.Fwd >= 0 {
		p.Fwd = s.Fwd * f
	}
	if s.Bwd >= 0 {
		p.Bwd = s.Bwd * f
	}
	return p
}

// dijkstra runs the multi-source search from the join nodes (after split,
// joins[i].seg is the node). Ties between stations go to the lower index,
// so the result does not depend on the order of anything else.
func (f *Field) dijkstra(joins []join) {
	n := f.Net
	nn := len(n.Pos)
	f.Time = make([]float64, nn)
	f.RouteM = make([]float64, nn)
	f.Station = make([]int32, nn)
	for i := range f.Time {
		f.Time[i] = math.Inf(1)
		f.Station[i] = -1
	}
	g := newCSR(n, f.Dir)
	h := &heap{}
	for _, j := range joins {
		v := int32(j.seg)
		t := j.legM/f.SpeedMS + f.DelayOf(int(j.s))
		if better(t, j.s, f.Time[v], f.Station[v]) {
			f.Time[v], f.Station[v], f.RouteM[v] = t, j.s, j.legM
			h.push(t, v)
		}
	}
	g.run(h, f.Time, f.RouteM, f.Station)
}

// DelayOf is station i's delay, seconds (0 without delays).
func (f *Field) DelayOf(i int) float64 {
	if f.Delay == nil {
		return 0
	}
	return f.Delay[i]
}

func better(t float64, s int32, t0 float64, s0 int32) bool {
	return t < t0 || (t == t0 && s0 >= 0 && s < s0)
}

// csr is a directed graph in compressed rows: the edges out of node v are
// to[off[v]:off[v+1]] with their times and lengths.
type csr struct {
	off  []int32
	to   []int32
	time []float64
	lenM []float64
}

// newCSR builds the graph the search walks: for to-station it is the
// reversed road graph (from a node to the nodes that reach it), for
// from-station the road graph itself.
func newCSR(n *Network, dir Direction) *csr {
	nn := len(n.Pos)
	g := &csr{off: make([]int32, nn+1)}
	each := func(fn func(u, v int32, t, l float64)) {
		for _, s := range n.Segs {
			if s.Fwd >= 0 {
				if dir == ToStation {
					fn(s.B, s.A, s.Fwd, s.LenM)
				} else {
					fn(s.A, s.B, s.Fwd, s.LenM)
				}
			}
			if s.Bwd >= 0 {
				if dir == ToStation {
					fn(s.A, s.B, s.Bwd, s.LenM)
				} else {
					fn(s.B, s.A, s.Bwd, s.LenM)
				}
			}
		}
	}
	each(func(u, _ int32, _, _ float64) { g.off[u+1]++ })
	for v := range nn {
		g.off[v+1] += g.off[v]
	}
	m := g.off[nn]
	g.to, g.time, g.lenM = make([]int32, m), make([]float64, m), make([]float64, m)
	fill := slices.Clone(g.off[:nn])
	each(func(u, v int32, t, l float64) {
		k := fill[u]
		fill[u]++
		g.to[k], g.time[k], g.lenM[k] = v, t, l
	})
	return g
}

// run settles nodes in order of time from the heap's seeds.
func (g *csr) run(h *heap, time, route []float64, st []int32) {
	for h.len() > 0 {
		t, v := h.pop()
		if t > time[v] {
			continue // stale entry
		}
		for k := g.off[v]; k < g.off[v+1]; k++ {
			u := g.to[k]
			nt := t + g.time[k]
			if better(nt, st[v], time[u], st[u]) {
				time[u], st[u], route[u] = nt, st[v], route[v]+g.lenM[k]
				h.push(nt, u)
			}
		}
	}
}

// heap is a binary min-heap of (time, node) with lazy deletion.
type heap struct {
	key  []float64
	node []int32
}

func (h *heap) len() int { return len(h.key) }

func (h *heap) push(k float64, v int32) {
	h.key = append(h.key, k)
	h.node = append(h.node, v)
	i := len(h.key) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h.key[p] <= k {
			break
		}
		h.key[i], h.node[i] = h.key[p], h.node[p]
		i = p
	}
	h.key[i], h.node[i] = k, v
}

func (h *heap) pop() (float64, int32) {
	k, v := h.key[0], h.node[0]
	last := len(h.key) - 1
	lk, lv := h.key[last], h.node[last]
	h.key, h.node = h.key[:last], h.node[:last]
	if last == 0 {
		return k, v
	}
	i := 0
	for {
		c := 2*i + 1
		if c >= last {
			break
		}
		if c+1 < last && h.key[c+1] < h.key[c] {
			c++
		}
		if h.key[c] >= lk {
			break
		}
		h.key[i], h.node[i] = h.key[c], h.node[c]
		i = c
	}
	h.key[i], h.node[i] = lk, lv
	return k, v
}

// Linear returns, for segment k, the travel time between a point at
// fraction x along it (0 at A, 1 at B) and the nearest station by that
// segment, as c0 + c1 x, for each direction of travel along the segment;
// st[i] is the station that route reaches; ok[i] is false when that
// direction cannot be used or reaches no station. The best of the two (with
// the leg to the point) is the cost through k.
func (f *Field) Linear(k int) (c0, c1 [2]float64, st [2]int32, ok [2]bool) {
	s := f.Net.Segs[k]
	ta, tb := f.Time[s.A], f.Time[s.B]
	if f.Dir == ToStation {
		// Along A->B then from B: (1-x) Fwd + T(B); along B->A: x Bwd + T(A).
		if s.Fwd >= 0 && !math.IsInf(tb, 1) {
			c0[0], c1[0], st[0], ok[0] = s.Fwd+tb, -s.Fwd, f.Station[s.B], true
		}
		if s.Bwd >= 0 && !math.IsInf(ta, 1) {
			c0[1], c1[1], st[1], ok[1] = ta, s.Bwd, f.Station[s.A], true
		}
		return
	}
	// From the station to A then along A->B: T(A) + x Fwd; or to B then
	// back: T(B) + (1-x) Bwd.
	if s.Fwd >= 0 && !math.IsInf(ta, 1) {
		c0[0], c1[0], st[0], ok[0] = ta, s.Fwd, f.Station[s.A], true
	}
	if s.Bwd >= 0 && !math.IsInf(tb, 1) {
		c0[1], c1[1], st[1], ok[1] = s.Bwd+tb, -s.Bwd, f.Station[s.B], true
	}
	return
}

// Cost is a place's travel time, seconds, to (or from) its nearest station:
// the best of walking straight to a station and every access leg of at
// most CapM to a road point, each leg measured in a plane centred on the
// place. It returns the station (-1 when none is reached: +Inf time) and the
// route's length, metres.
func (f *Field) Cost(lon, lat float64) (t float64, station int, routeM float64) {
	t, station = math.Inf(1), -1
	proj := geodesy.NewLAEA(lon, lat)
	inv := 1 / f.SpeedMS
	pt := [2]float64{lon, lat}
	f.Net.Near(pt, pt, f.CapM, func(k int) bool {
		s := f.Net.Segs[k]
		a, b := xy(proj, f.Net.Pos[s.A]), xy(proj, f.Net.Pos[s.B])
		c0, c1, _, ok := f.Linear(k)
		for i := range 2 {
			if !ok[i] {
				continue
			}
			c, x, fine := MinLeg([2]float64{}, a, b, c0[i], c1[i], inv, f.CapM)
			if !fine {
				continue
			}
			// The node the route leaves the segment by, for the station.
			end := s.B
			if (i == 1) != (f.Dir == FromStation) {
				end = s.A
			}
			if better(c, f.Station[end], t, int32(station)) {
				q := [2]float64{a[0] + x*(b[0]-a[0]), a[1] + x*(b[1]-a[1])}
				along := x * s.LenM
				if end == s.B {
					along = (1 - x) * s.LenM
				}
				t, station, routeM = c, int(f.Station[end]), math.Hypot(q[0], q[1])+along+f.RouteM[end]
			}
		}
		return true
	})
	// Walking straight to a station: only stations that can beat the best
	// so far are measured (in a box 1% wider than the walk can reach), or,
	// when no road reaches one, the nearest by geodesic distance.
	walk := func(i int, s [2]float64) {
		d := geodesy.Distance(lon, lat, s[0], s[1])
		if f.WalkCapped && d > f.CapM {
			return
		}
		if c := d*inv + f.DelayOf(i); c < t || (c == t && i < station) {
			t, station, routeM = c, i, d
		}
	}
	if math.IsInf(t, 1) {
		f.stTree.Nearby(rtree.BoxDist[float64, int32](pt, pt, nil), func(mn, _ [2]float64, i int32, d2 float64) bool {
			// Stations come in order of distance in degrees (d2 is its
			// square); a station D degrees away is at least D x 110.5 km x
			// cos(|lat| + D) away, so the search stops once that passes
			// the best walk.
			deg := math.Sqrt(d2)
			if f.WalkCapped && deg*110500*math.Cos(min(89.9, math.Abs(lat)+deg)*math.Pi/180) > f.CapM*1.01+1 {
				return false
			}
			if !math.IsInf(t, 1) && deg*110500*math.Cos(min(89.9, math.Abs(lat)+deg)*math.Pi/180) > t*f.SpeedMS*1.01+1 {
				return false
			}
			walk(int(i), mn)
			return true
		})
		return t, station, routeM
	}
	reach := t*f.SpeedMS*1.01 + 1
	dlat := reach / 110500 // degrees of latitude are longer
	dlon := reach / (111000 * math.Cos(min(89.9, math.Abs(lat)+dlat)*math.Pi/180))
	f.stTree.Search([2]float64{lon - dlon, lat - dlat}, [2]float64{lon + dlon, lat + dlat}, func(mn, _ [2]float64, i int32) bool {
		walk(int(i), mn)
		return true
	})
	return t, station, routeM
}

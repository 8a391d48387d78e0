package coverage

import (
	"math"
	"slices"
	"sort"
)

// The road rule's gaps are the uncovered land, drawn: the union U of the
// quadtree's uncovered cells and, in each undecided (finest) cell, the part
// where the cost exceeds the limit by marching squares (the cost minus the
// limit at the cell's corners, interpolated linearly along its sides; a
// saddle is resolved by the mean of the corners), intersected exactly with
// the district in its equal-area frame (its densified geodesic rings, every
// part and hole).
//
// Drawing:
//   - U's boundary is the cells' sides where the land across is not in U (of
//     the same kind), found through the quadtree's neighbours, and the
//     contour chords of the undecided cells. Every corner of an uncovered
//     cell costs more than the limit and every corner of a covered one at
//     most the limit (the cell tests bound the whole closed cell), so the
//     pieces of neighbouring cells fit: a side shared by two cells of U
//     cancels, and covered and uncovered cells never touch.
//   - The district's boundary cuts U as the distance-rule cut does: U's
//     boundary pieces inside the district and the district's edges inside U,
//     split where they cross (each crossing computed once and shared), are
//     chained into rings; exteriors take the holes they contain.
//   - A gap's AreaM2 is the area of its drawn rings in the frame (equal-area,
//     so ellipsoidal). Per district the gaps add up to the uncovered cells
//     (exactly clipped: UncoveredLowerM2) plus the contoured part of the
//     undecided ones (between none and all of them): within the bracket
//     [UncoveredLowerM2, UncoveredUpperM2]. Nothing is dropped, so the
//     slivers are floating point only: the tests hold them under 1e-6 of
//     the district's area plus 1 m2 (the accuracy contract allows max(0.5%, 1 ha)).
//     The only land that could be lost is a ring the chaining cannot close
//     or a hole no exterior holds, neither seen on the demo or the tests.
//   - Kinds: uncovered cells carry theirs (no-access when no usable road or
//     station is within the cap of the cell's centre, the cells split to
//     kindCoarser levels above the finest where the cap's line crosses
//     them); an undecided cell is no-access when its centre is farther than
//     cap - h from every road and station (the cell reaches past the cap's
//     line: the cost jumps there, and what is uncovered in it lies beyond),
//     travel-time otherwise. Each kind is drawn on its own, so the boundary
//     between a no-access and a travel-time gap runs along cell sides (cells
//     of at most 2^kindCoarser finest cells where the cap's line crosses
//     uncovered land, finest cells along the contour); the two drawings
//     share that boundary and do not overlap.

// gapDraw is the drawing of one district's road gaps.
type gapDraw struct {
	rs     *roadSetup
	leaves []roadLeaf
	lists  []leafLists
	spans  []span  // across's buffer
	ox, oy float64 // the finest lattice's origin, frame m
	cellM  float64 // the finest cell's side, m
	depth  int     // the finest cells' depth
	tree   map[uint64]int32
	kind   []bool // per leaf: no-access
	fval   map[uint64]float64
	lim    float64 // clamp of the corner values, s
}

// treeKey packs a quadtree node (depth, column, row).
func treeKey(d int, i, j int64) uint64 { return uint64(d)<<58 | uint64(i)<<29 | uint64(j) }

// gapSeg is a directed piece of U's boundary (U on its left), and whether
// it lies in a cell wholly inside the district.
type gapSeg struct {
	a, b   [2]float64
	inside bool
}

// span is a stretch [a, b] of a cell's side, finest lattice units, and
// whether the land across it is in U of the cell's kind.
type span struct {
	a, b int64
	same bool
}

// maxGapDepth is the deepest quadtree the drawing packs (29 bits a
// coordinate).
const maxGapDepth = 28

// gaps draws the road gaps of a district from the final pass's leaves (see
// above). gapAt maps a frame point to the index of the gap drawn there, or
// -1.
func (rs *roadSetup) gaps(leaves []roadLeaf, lists []leafLists, polygons bool, cellM float64) (gaps []Gap, gapAt func(x, y float64) int) {
	none := func(x, y float64) int { return -1 }
	if len(leaves) == 0 {
		return nil, none
	}
	fr := rs.f.region
	half := max(fr.maxPt[0]-fr.minPt[0], fr.maxPt[1]-fr.minPt[1])/2 + 1
	g := &gapDraw{rs: rs, leaves: leaves, lists: lists, cellM: cellM,
		ox: (fr.minPt[0]+fr.maxPt[0])/2 - half, oy: (fr.minPt[1]+fr.maxPt[1])/2 - half,
		tree: make(map[uint64]int32, 2*len(leaves)), kind: make([]bool, len(leaves)),
		fval: make(map[uint64]float64, 2*len(leaves)), lim: 1.5 * cellM * rs.inv}
	g.depth = int(math.Round(math.Log2(2 * half / cellM)))
	if g.depth > maxGapDepth {
		return nil, none
	}
	// The quadtree: leaves, and every ancestor as an inner node (-1).
	for li := range leaves {
		d, i, j := g.node(li)
		g.tree[treeKey(d, i, j)] = int32(li)
		for d > 0 {
			d, i, j = d-1, i>>1, j>>1
			k := treeKey(d, i, j)
			if _, ok := g.tree[k]; ok {
				break
			}
			g.tree[k] = -1
		}
		l := &leaves[li]
		if l.undecided {
			h := l.half * math.Sqrt2
			g.kind[li] = !g.rs.accessWithin(l.x, l.y, lists[l.lists].acc, rs.cap-h)
		} else {
			g.kind[li] = l.noAccess
		}
	}
	var segs [2][]gapSeg
	for li := range leaves {
		k := 0
		if g.kind[li] {
			k = 1
		}
		segs[k] = g.boundary(li, segs[k])
	}
	type drawn struct {
		rings [][][2]float64 // exterior first
		area  float64
		kind  bool
	}
	var all []drawn
	for k, noAcc := range [2]bool{false, true} {
		if len(segs[k]) == 0 {
			continue
		}
		rings := g.clip(segs[k], noAcc)
		for _, grp := range groupDrawn(rings) {
			d := drawn{kind: noAcc}
			for _, r := range grp {
				d.rings = append(d.rings, rings[r])
				d.area += ringArea(rings[r])
			}
			if d.area > 0 {
				all = append(all, d)
			}
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].area > all[b].area })
	gaps = make([]Gap, len(all))
	for i, d := range all {
		gaps[i] = Gap{AreaM2: d.area, Kind: GapTravelTime}
		if d.kind {
			gaps[i].Kind = GapNoAccess
		}
		if polygons {
			for _, r := range d.rings {
				gaps[i].Polygon = append(gaps[i].Polygon, rs.f.lonLatRing(r))
			}
		}
	}
	var at *ringLocator
	return gaps, func(x, y float64) int {
		if at == nil {
			var rings [][][][2]float64
			for _, d := range all {
				rings = append(rings, d.rings)
			}
			at = newRingLocator(rings)
		}
		return at.find(x, y)
	}
}

// node returns a leaf's quadtree node.
func (g *gapDraw) node(li int) (d int, i, j int64) {
	l := &g.leaves[li]
	d = g.depth - int(math.Round(math.Log2(2*l.half/g.cellM)))
	side := 2 * l.half
	return d, int64(math.Floor((l.x - g.ox) / side)), int64(math.Floor((l.y - g.oy) / side))
}

// pt is a finest lattice point in the frame.
func (g *gapDraw) pt(i, j int64) [2]float64 {
	return [2]float64{g.ox + float64(i)*g.cellM, g.oy + float64(j)*g.cellM}
}

// accessWithin reports whether a usable road segment of acc or a station
// lies within r of (x, y).
func (rs *roadSetup) accessWithin(x, y float64, acc []int32, r float64) bool {
	for _, k := range acc {
		sg := &rs.accSeg[k]
		if pointSegDist(x, y, sg[0], sg[1]) <= r {
			return true
		}
	}
	for _, s := range rs.stations {
		if math.Hypot(x-s[0], y-s[1]) <= r {
			return true
		}
	}
	return false
}

// deepest returns the deepest node present in the tree on the path from
// the root to node (d, i, j) at depth d, its depth and value (-2 when
// not even the root is). Presence is monotone along the path (every
// ancestor of a present node is present), so a bisection finds it.
func (g *gapDraw) deepest(d int, i, j int64) (int, int32) {
	if v, ok := g.tree[treeKey(d, i, j)]; ok {
		return d, v
	}
	lo, hi, val := -1, d-1, int32(-2) // lo: deepest known present; hi+1: shallowest known absent
	for lo < hi {
		m := (lo + hi + 1) / 2
		if v, ok := g.tree[treeKey(m, i>>(d-m), j>>(d-m))]; ok {
			lo, val = m, v
		} else {
			hi = m - 1
		}
	}
	return lo, val
}

// value is the cost minus the limit at a finest lattice point, clamped to
// +-lim (the cost jumps where the cap cuts an option off), through the
// options and stations of the undecided leaf li, which hold every one that
// can bring some place of its closed cell within the limit: the sign is
// exact.
func (g *gapDraw) value(li int, i, j int64) float64 {
	k := uint64(i)<<32 | uint64(j)
	if v, ok := g.fval[k]; ok {
		return v
	}
	p := g.pt(i, j)
	ls := &g.lists[g.leaves[li].lists]
	c, _ := g.rs.costAt(p[0], p[1], ls.opts, ls.sts, g.rs.cap)
	v := min(g.lim, max(-g.lim, c-g.rs.T))
	g.fval[k] = v
	return v
}

// sideDirs: bottom, right, top, left (counter-clockwise), the neighbour's
// offset.
var sideDirs = [4][2]int64{{0, -1}, {1, 0}, {0, 1}, {-1, 0}}

// across returns the stretches of side dir of node (d, i, j), ascending
// along the side, and whether the land across each is a leaf of U of kind
// noAcc. The slice is reused by the next call.
func (g *gapDraw) across(d int, i, j int64, dir int, noAcc bool) []span {
	n := int64(1) << (g.depth - d)
	lo := i * n
	if dir%2 == 1 {
		lo = j * n
	}
	whole := func(same bool) []span { return append(g.spans[:0], span{lo, lo + n, same}) }
	ni, nj := i+sideDirs[dir][0], j+sideDirs[dir][1]
	if ni < 0 || nj < 0 || ni >= 1<<d || nj >= 1<<d {
		return whole(false)
	}
	dd, v := g.deepest(d, ni, nj)
	switch {
	case dd == d && v < 0:
		g.spans = g.descend(d, ni, nj, dir, noAcc, g.spans[:0])
		return g.spans
	case v >= 0:
		return whole(g.kind[v] == noAcc)
	}
	return whole(false)
}

// sameAcross reports whether the land across side dir of a finest node
// is a leaf of U of kind noAcc.
func (g *gapDraw) sameAcross(d int, i, j int64, dir int, noAcc bool) bool {
	ni, nj := i+sideDirs[dir][0], j+sideDirs[dir][1]
	if ni < 0 || nj < 0 || ni >= 1<<d || nj >= 1<<d {
		return false
	}
	_, v := g.deepest(d, ni, nj)
	return v >= 0 && g.kind[v] == noAcc
}

// descend collects the stretches of the inner node (d, i, j)'s side that
// faces back across dir.
func (g *gapDraw) descend(d int, i, j int64, dir int, noAcc bool, out []span) []span {
	d++
	n := int64(1) << (g.depth - d)
	for c := range int64(2) {
		ci, cj := 2*i+c, 2*j+c
		switch dir {
		case 0: // the node is below: its top row
			cj = 2*j + 1
		case 1: // right: its left column
			ci = 2 * i
		case 2: // above: its bottom row
			cj = 2 * j
		case 3: // left: its right column
			ci = 2*i + 1
		}
		lo := ci * n
		if dir%2 == 1 {
			lo = cj * n
		}
		v, ok := g.tree[treeKey(d, ci, cj)]
		switch {
		case !ok:
			out = append(out, span{lo, lo + n, false})
		case v >= 0:
			out = append(out, span{lo, lo + n, g.kind[v] == noAcc})
		default:
			out = g.descend(d, ci, cj, dir, noAcc, out)
		}
	}
	return out
}

// corners of a cell of side n at (i0, j0), counter-clockwise from the
// bottom left; side s runs from corner s to corner s+1.
func cellCorners(i0, j0, n int64) [4][2]int64 {
	return [4][2]int64{{i0, j0}, {i0 + n, j0}, {i0 + n, j0 + n}, {i0, j0 + n}}
}

// boundary appends leaf li's pieces of U's boundary.
func (g *gapDraw) boundary(li int, out []gapSeg) []gapSeg {
	l := &g.leaves[li]
	d, i, j := g.node(li)
	n := int64(1) << (g.depth - d)
	cs := cellCorners(i*n, j*n, n)
	if !l.undecided {
		for s := range 4 {
			sp := g.across(d, i, j, s, g.kind[li])
			for k := 0; k < len(sp); k++ {
				if sp[k].same {
					continue
				}
				a, b := sp[k].a, sp[k].b
				for k+1 < len(sp) && !sp[k+1].same {
					k++
					b = sp[k].b
				}
				var p, q [2]float64
				switch s {
				case 0:
					p, q = g.pt(a, cs[0][1]), g.pt(b, cs[0][1])
				case 1:
					p, q = g.pt(cs[1][0], a), g.pt(cs[1][0], b)
				case 2:
					p, q = g.pt(b, cs[2][1]), g.pt(a, cs[2][1])
				case 3:
					p, q = g.pt(cs[3][0], b), g.pt(cs[3][0], a)
				}
				out = append(out, gapSeg{p, q, l.inside})
			}
		}
		return out
	}
	f, pts, x, leave := g.march(li, i, j)
	for s := range 4 {
		a, b := s, (s+1)%4
		if f[a] <= 0 && f[b] <= 0 {
			continue
		}
		if g.sameAcross(d, i, j, s, g.kind[li]) {
			continue
		}
		switch {
		case f[a] > 0 && f[b] > 0:
			out = append(out, gapSeg{pts[a], pts[b], l.inside})
		case f[a] > 0:
			out = append(out, gapSeg{pts[a], x[s], l.inside})
		default:
			out = append(out, gapSeg{x[s], pts[b], l.inside})
		}
	}
	ch, nc := g.chords(f, leave)
	for _, c := range ch[:nc] {
		out = append(out, gapSeg{x[c[0]], x[c[1]], l.inside})
	}
	return out
}

// march evaluates an undecided (finest) cell: the corner values, the corner
// points, the crossing on each side whose ends differ in sign, and for each
// side whether U leaves the cell's boundary there (counter-clockwise).
func (g *gapDraw) march(li int, i, j int64) (f [4]float64, pts, x [4][2]float64, leave [4]int8) {
	cs := cellCorners(i, j, 1)
	for c := range 4 {
		f[c] = g.value(li, cs[c][0], cs[c][1])
		pts[c] = g.pt(cs[c][0], cs[c][1])
	}
	for s := range 4 {
		a, b := s, (s+1)%4
		if (f[a] > 0) == (f[b] > 0) {
			continue
		}
		// The crossing from the side's lower lattice end, so that both
		// cells sharing the side find the same point.
		lo, hi := a, b
		if s >= 2 {
			lo, hi = b, a
		}
		t := f[lo] / (f[lo] - f[hi])
		p := pts[lo]
		if s%2 == 0 {
			x[s] = [2]float64{p[0] + t*g.cellM, p[1]}
		} else {
			x[s] = [2]float64{p[0], p[1] + t*g.cellM}
		}
		if f[a] > 0 {
			leave[s] = 1
		} else {
			leave[s] = -1
		}
	}
	return
}

// chords returns the contour chords of a marched cell as pairs of sides
// (from the side where U leaves the cell's boundary to the side where it
// comes back): each leaving crossing joins the next entering one
// counter-clockwise, or, in a saddle whose mean corner value is not above
// the limit, the previous one (the two positive corners stay apart).
func (g *gapDraw) chords(f [4]float64, leave [4]int8) (out [2][2]int, n int) {
	saddle := leave[0] != 0 && leave[1] != 0 && leave[2] != 0 && leave[3] != 0
	apart := saddle && f[0]+f[1]+f[2]+f[3] <= 0
	for s := range 4 {
		if leave[s] != 1 {
			continue
		}
		for k := 1; k < 4; k++ {
			e := (s + k) % 4
			if apart {
				e = (s + 4 - k) % 4
			}
			if leave[e] == -1 {
				out[n] = [2]int{s, e}
				n++
				break
			}
		}
	}
	return out, n
}

// cellPolys is U's part of an undecided cell: one convex polygon, or two
// (a saddle kept apart).
func (g *gapDraw) cellPolys(li int, i, j int64) [][][2]float64 {
	f, pts, x, leave := g.march(li, i, j)
	chs, nc := g.chords(f, leave)
	ch := chs[:nc]
	if len(ch) == 0 {
		if f[0] > 0 {
			return [][][2]float64{pts[:]}
		}
		return nil
	}
	// walk follows the cell's boundary counter-clockwise from the entering
	// crossing on side e to the next leaving one.
	walk := func(poly [][2]float64, e int) ([][2]float64, int) {
		poly = append(poly, x[e])
		s := e
		for range 4 {
			s = (s + 1) % 4
			poly = append(poly, pts[s])
			if leave[s] == 1 {
				break
			}
		}
		return append(poly, x[s]), s
	}
	target := func(l int) int {
		for _, c := range ch {
			if c[0] == l {
				return c[1]
			}
		}
		return -1
	}
	if len(ch) == 2 && f[0]+f[1]+f[2]+f[3] > 0 {
		// A connected saddle: the hexagon through both chords.
		poly, l := walk(nil, ch[0][1])
		poly, _ = walk(poly, target(l))
		return [][][2]float64{poly}
	}
	var polys [][][2]float64
	for _, c := range ch {
		poly, _ := walk(nil, c[1])
		polys = append(polys, poly)
	}
	return polys
}

// inU reports whether a frame point lies in U's part of kind noAcc.
func (g *gapDraw) inU(x, y float64, noAcc bool) bool {
	fi := int64(math.Floor((x - g.ox) / g.cellM))
	fj := int64(math.Floor((y - g.oy) / g.cellM))
	top := int64(1) << g.depth
	if fi < 0 || fj < 0 || fi >= top || fj >= top {
		return false
	}
	if _, v := g.deepest(g.depth, fi, fj); v < 0 || g.kind[v] != noAcc {
		return false
	} else if !g.leaves[v].undecided {
		return true
	} else {
		for _, p := range g.cellPolys(int(v), fi, fj) {
			if pointInRing([2]float64{x, y}, p) {
				return true
			}
		}
	}
	return false
}

// segCross returns where segments a-b and p-q cross: the parameters on
// each; parallel segments do not cross.
func segCross(a, b, p, q [2]float64) (t, s float64, ok bool) {
	rx, ry := b[0]-a[0], b[1]-a[1]
	sx, sy := q[0]-p[0], q[1]-p[1]
	den := rx*sy - ry*sx
	if den == 0 {
		return 0, 0, false
	}
	wx, wy := p[0]-a[0], p[1]-a[1]
	t = (wx*sy - wy*sx) / den
	s = (wx*ry - wy*rx) / den
	if t < 0 || t > 1 || s < 0 || s > 1 {
		return 0, 0, false
	}
	return t, s, true
}

type crossAt struct {
	t    float64
	node int32
}

// clip intersects U's part of one kind, given by its boundary pieces, with
// the district, and returns the rings of the result (frame m, the land on
// the left: exteriors counter-clockwise, holes clockwise).
func (g *gapDraw) clip(segs []gapSeg, noAcc bool) [][][2]float64 {
	fr := g.rs.f.region
	ids := make(map[[2]float64]int32)
	var pos [][2]float64
	node := func(p [2]float64) int32 {
		if id, ok := ids[p]; ok {
			return id
		}
		id := int32(len(pos))
		ids[p] = id
		pos = append(pos, p)
		return id
	}
	var from, to []int32
	add := func(a, b int32) {
		if a != b {
			from, to = append(from, a), append(to, b)
		}
	}
	dCross := make(map[int][]crossAt)
	var ts []crossAt
	for _, sg := range segs {
		a, b := sg.a, sg.b
		na, nb := node(a), node(b)
		if sg.inside {
			add(na, nb)
			continue
		}
		ts = ts[:0]
		mn, mx := segBox(a, b)
		fr.index().search(mn, mx, func(k int) bool {
			p, q := fr.edge(k)
			t, s, ok := segCross(a, b, p, q)
			if !ok {
				return true
			}
			var id int32
			switch {
			case t <= 1e-12:
				id = na
			case t >= 1-1e-12:
				id = nb
			default:
				id = node([2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
			}
			ts = append(ts, crossAt{t, id})
			dCross[k] = append(dCross[k], crossAt{s, id})
			return true
		})
		slices.SortStableFunc(ts, func(x, y crossAt) int { return cmpF(x.t, y.t) })
		prev := na
		for _, c := range append(ts, crossAt{1, nb}) {
			if c.node == prev {
				continue
			}
			p, q := pos[prev], pos[c.node]
			if fr.contains((p[0]+q[0])/2, (p[1]+q[1])/2) {
				add(prev, c.node)
			}
			prev = c.node
		}
	}
	// The district's edges inside U.
	for k := range fr.edges {
		p, q := fr.edge(k)
		cs := dCross[k]
		if len(cs) == 0 {
			if !g.mayMeet(p, q) {
				continue
			}
			if g.inU((p[0]+q[0])/2, (p[1]+q[1])/2, noAcc) {
				add(node(p), node(q))
			}
			continue
		}
		slices.SortStableFunc(cs, func(x, y crossAt) int { return cmpF(x.t, y.t) })
		prev := node(p)
		for _, c := range append(cs, crossAt{1, node(q)}) {
			if c.node == prev {
				continue
			}
			a, b := pos[prev], pos[c.node]
			if g.inU((a[0]+b[0])/2, (a[1]+b[1])/2, noAcc) {
				add(prev, c.node)
			}
			prev = c.node
		}
	}
	return chainRings(pos, from, to)
}

// mayMeet reports whether a district edge's box meets some leaf (the root
// cell holds every leaf; a quick test before locating its midpoint).
func (g *gapDraw) mayMeet(p, q [2]float64) bool {
	top := g.cellM * float64(int64(1)<<g.depth)
	return max(p[0], q[0]) >= g.ox && min(p[0], q[0]) <= g.ox+top && max(p[1], q[1]) >= g.oy && min(p[1], q[1]) <= g.oy+top
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// chainRings joins directed pieces (from[k] -> to[k], node positions pos)
// into closed rings. Where several pieces leave a node (cells touching at a
// corner), the ring turns left most sharply. A chain that cannot close
// ends where it stops. Collinear vertices are dropped.
func chainRings(pos [][2]float64, from, to []int32) [][][2]float64 {
	row := make([]int32, len(pos)+1)
	for _, f := range from {
		row[f+1]++
	}
	for n := 1; n < len(row); n++ {
		row[n] += row[n-1]
	}
	out := make([]int32, len(from))
	fill := slices.Clone(row[:len(pos)])
	for k, f := range from {
		out[fill[f]] = int32(k)
		fill[f]++
	}
	used := make([]bool, len(from))
	var rings [][][2]float64
	for k := range from {
		if used[k] {
			continue
		}
		used[k] = true
		ring := [][2]float64{pos[from[k]]}
		start, prev, at := from[k], from[k], to[k]
		for at != start {
			ring = append(ring, pos[at])
			best, bestA := -1, math.Inf(-1)
			p, c := pos[prev], pos[at]
			for _, e := range out[row[at]:row[at+1]] {
				if used[e] {
					continue
				}
				q := pos[to[e]]
				ang := math.Atan2((c[0]-p[0])*(q[1]-c[1])-(c[1]-p[1])*(q[0]-c[0]), (c[0]-p[0])*(q[0]-c[0])+(c[1]-p[1])*(q[1]-c[1]))
				if best < 0 || ang > bestA {
					best, bestA = int(e), ang
				}
			}
			if best < 0 {
				break
			}
			used[best] = true
			prev, at = at, to[best]
		}
		if r := dropCollinear(ring); len(r) >= 3 {
			rings = append(rings, r)
		}
	}
	return rings
}

// dropCollinear removes the vertices of a closed ring that lie exactly on
// the line of their neighbours, going straight on.
func dropCollinear(r [][2]float64) [][2]float64 {
	n := len(r)
	if n < 3 {
		return r
	}
	out := make([][2]float64, 0, n)
	for i := range r {
		p, c, q := r[(i+n-1)%n], r[i], r[(i+1)%n]
		cr := (c[0]-p[0])*(q[1]-c[1]) - (c[1]-p[1])*(q[0]-c[0])
		dot := (c[0]-p[0])*(q[0]-c[0]) + (c[1]-p[1])*(q[1]-c[1])
		if cr == 0 && dot > 0 {
			continue
		}
		out = append(out, c)
	}
	return out
}

// groupDrawn groups rings into polygons: each exterior (positive area),
// then the holes whose first vertex lies in it, each hole going to the
// smallest such exterior.
func groupDrawn(rings [][][2]float64) [][]int {
	type ext struct {
		ring     int
		area     float64
		mn, mx   [2]float64
		children []int
	}
	var exts []ext
	area := make([]float64, len(rings))
	for i, r := range rings {
		area[i] = ringArea(r)
		if area[i] > 0 {
			mn, mx := ringBox(r)
			exts = append(exts, ext{ring: i, area: area[i], mn: mn, mx: mx})
		}
	}
	for i, r := range rings {
		if area[i] >= 0 {
			continue
		}
		p := r[0]
		best := -1
		for e := range exts {
			x := &exts[e]
			if p[0] < x.mn[0] || p[0] > x.mx[0] || p[1] < x.mn[1] || p[1] > x.mx[1] || best >= 0 && x.area >= exts[best].area {
				continue
			}
			if pointInRing(holeProbe(r), rings[x.ring]) {
				best = e
			}
		}
		if best >= 0 {
			exts[best].children = append(exts[best].children, i)
		}
	}
	out := make([][]int, len(exts))
	for e, x := range exts {
		out[e] = append([]int{x.ring}, x.children...)
	}
	return out
}

// holeProbe is a point just inside a hole ring's outside (to the right of
// its first edge's middle, where the enclosing land is): a vertex of a hole
// may lie on its exterior.
func holeProbe(r [][2]float64) [2]float64 {
	p, q := r[0], r[1%len(r)]
	dx, dy := q[0]-p[0], q[1]-p[1]
	l := math.Hypot(dx, dy)
	if l == 0 {
		return p
	}
	e := min(1e-3, l/4) / l
	// Holes run clockwise with the land on their left: the enclosing
	// exterior's land is to the left.
	return [2]float64{(p[0]+q[0])/2 - dy*e, (p[1]+q[1])/2 + dx*e}
}

func ringBox(r [][2]float64) (mn, mx [2]float64) {
	mn = [2]float64{math.Inf(1), math.Inf(1)}
	mx = [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, p := range r {
		mn = [2]float64{min(mn[0], p[0]), min(mn[1], p[1])}
		mx = [2]float64{max(mx[0], p[0]), max(mx[1], p[1])}
	}
	return
}

// ringLocator finds the polygon containing a point among disjoint
// polygons (rings: exterior first), by a ray towards +x through an index
// of their edges.
type ringLocator struct {
	edges [][2][2]float64
	owner []int32
	ix    *segIndex
}

func newRingLocator(polys [][][][2]float64) *ringLocator {
	rl := &ringLocator{}
	for g, poly := range polys {
		for _, r := range poly {
			for i := range r {
				rl.edges = append(rl.edges, [2][2]float64{r[i], r[(i+1)%len(r)]})
				rl.owner = append(rl.owner, int32(g))
			}
		}
	}
	rl.ix = newSegIndex(len(rl.edges), func(k int) (p, q [2]float64) { return rl.edges[k][0], rl.edges[k][1] })
	return rl
}

func (rl *ringLocator) find(x, y float64) int {
	odd := map[int32]bool{}
	rl.ix.search([2]float64{x, y}, [2]float64{math.Inf(1), y}, func(k int) bool {
		p, q := rl.edges[k][0], rl.edges[k][1]
		if (p[1] > y) != (q[1] > y) && p[0]+(y-p[1])/(q[1]-p[1])*(q[0]-p[0]) > x {
			odd[rl.owner[k]] = !odd[rl.owner[k]]
		}
		return true
	})
	best := -1
	for g, o := range odd {
		if o && (best < 0 || int(g) < best) {
			best = int(g)
		}
	}
	return best
}

package coverage

import (
	"fmt"
	"github.com/covaudit/covaudit/internal/planar"
	"math"
	"slices"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/covaudit/covaudit/roads"
	"github.com/paulmach/orb"
)

// The road rules (KindRoadTime, KindRoadDistance) are evaluated on an adaptive grid with certified
// bounds, in the district's equal-area frame, where access legs are
// straight lines measured in frame metres: within 2e-6 of the geodesic at
// 10 km from the frame's centre, 1.7e-5 at 50 km, 4.9e-5 at 100 km
// (frameDistortion states the bound). The bracket certifies this model, in
// the frame, not the geodesic legs.
//
// The cost of a place p is the least of walking straight to a station,
// |p - s| / va, and, over every road segment within the access cap of p and
// both directions of travel along it, the access leg to a road point q plus
// the time along the road from q and on to the station (roads.Leg,
// roads.Field.Linear). It is 1/va-Lipschitz except where the cap cuts an
// option off, so a square cell with centre m and half-diagonal h is
//   - covered when the cost at m, counting only options whose leg from m is
//     at most cap - h (usable from every point of the cell), plus h / va,
//     is within the limit;
//   - uncovered when the cost at m, counting options up to cap + h (no point
//     of the cell can use more), minus h / va, is beyond it;
//   - undecided otherwise, and split in four.
// Cells are split depth-first to a depth chosen so that the undecided area
// is at most the tolerance; the uncovered area then lies in
// [uncovered cells, uncovered + undecided cells], each cell's area clipped
// exactly to the district.

// roadOpt is one way onto the road network in the frame: a segment and
// direction of travel along it (frame metres), and the station it leads to.
type roadOpt struct {
	roads.Leg
	st int32 // the station the route reaches (Index order)
}

// roadSetup is what a district's road evaluation needs, in its frame.
type roadSetup struct {
	f        *frame
	T        float64   // limit, s
	inv      float64   // 1 / access speed, s/m
	cap      float64   // access cap, m
	opts     []roadOpt // every option; those of useful can bring a place within the limit
	useful   []int32
	stations [][2]float64 // frame positions of the stations that may matter
	stIdx    []int        // their indices in the Index
	stDelay  []float64    // their delays, s (see roads.Field.Delay)
	walkCap  bool         // walks to stations are access legs, at most the cap (roads.Field.WalkCapped)
	field    *roads.Field
	optIndex *segIndex // the options' segments
	accSeg   [][2][2]float64
}

func newRoadSetup(f *frame, d *District, ix *Index, field *roads.Field) *roadSetup {
	rs := &roadSetup{f: f, T: d.Rule.Limit(), inv: 1 / field.SpeedMS, cap: field.CapM, field: field, walkCap: field.WalkCapped}
	b := f.bound
	reach := rs.T*field.SpeedMS + 1
	for _, i := range ix.distinct(ix.Near(b, reach)) {
		p := ix.stations[i].Point
		x, y := f.proj.Forward(p[0], p[1])
		rs.stations = append(rs.stations, [2]float64{x, y})
		rs.stIdx = append(rs.stIdx, i)
		rs.stDelay = append(rs.stDelay, field.DelayOf(i))
	}
	net := field.Net
	// The segments first (the index's order), so that the options and
	// access segments are allocated once; a node's frame position is
	// kept in a small cache, as neighbouring segments share nodes.
	var ks []int32
	net.Near(b.Min, b.Max, rs.cap*1.01+1, func(k int) bool {
		ks = append(ks, int32(k))
		return true
	})
	rs.accSeg = make([][2][2]float64, 0, len(ks))
	rs.opts = make([]roadOpt, 0, 2*len(ks))
	rs.useful = make([]int32, 0, 2*len(ks))
	const cacheSize = 1024
	var cacheNode [cacheSize]int32
	var cacheXY [cacheSize][2]float64
	for i := range cacheNode {
		cacheNode[i] = -1
	}
	toFrame := func(v int32) (float64, float64) {
		c := v & (cacheSize - 1)
		if cacheNode[c] != v {
			p := net.Pos[v]
			x, y := f.proj.Forward(p[0], p[1])
			cacheNode[c], cacheXY[c] = v, [2]float64{x, y}
		}
		return cacheXY[c][0], cacheXY[c][1]
	}
	for _, k32 := range ks {
		k := int(k32)
		s := net.Segs[k]
		ax, ay := toFrame(s.A)
		bx, by := toFrame(s.B)
		rs.accSeg = append(rs.accSeg, [2][2]float64{{ax, ay}, {bx, by}})
		c0, c1, sti, ok := field.Linear(k)
		for i := range 2 {
			if !ok[i] {
				continue
			}
			o := roadOpt{Leg: roads.NewLeg([2]float64{ax, ay}, [2]float64{bx, by}, c0[i], c1[i], rs.inv), st: sti[i]}
			if o.Lo <= rs.T {
				rs.useful = append(rs.useful, int32(len(rs.opts)))
			}
			rs.opts = append(rs.opts, o)
		}
	}
	rs.optIndex = newPackedSegIndex(len(rs.opts), func(k int) (p, q [2]float64) { return rs.opts[k].Ends() })
	return rs
}

// walkCost is the least cost of walking straight from a frame point to one
// of the stations sts (legs up to capM when walking is capped), and the
// station reached (Index order), or -1.
func (rs *roadSetup) walkCost(x, y float64, sts []int32, capM float64) (float64, int) {
	best, st := math.Inf(1), -1
	for _, i := range sts {
		s := rs.stations[i]
		d := math.Hypot(x-s[0], y-s[1])
		if rs.walkCap && d > capM {
			continue
		}
		if c := d*rs.inv + rs.stDelay[i]; c < best {
			best, st = c, rs.stIdx[i]
		}
	}
	return best, st
}

// costAt is the cost at a frame point over the given options and stations
// with legs up to capM (capM < 0: walking only), and the station reached
// (Index order), or -1.
func (rs *roadSetup) costAt(x, y float64, opts []int32, sts []int32, capM float64) (float64, int) {
	best, st := rs.walkCost(x, y, sts, capM)
	if capM < 0 {
		return best, st
	}
	for _, i := range opts {
		o := &rs.opts[i]
		if o.Hopeless(x, y, best) {
			continue // Cost would return best or +Inf
		}
		if c, _ := o.Cost(x, y, capM, best); c < best {
			best, st = c, int(o.st)
		}
	}
	return best, st
}

// ttChunk is how many travel-time samples of a row share one search of
// the options' index.
const ttChunk = 4

// costAtSeeded is costAt over legs up to capM, with the same cost and
// station, and the option that gives it (-1 for a walk or none). seed, when
// not -1, is one of opts (the winner of a nearby place): its cost is
// computed first, and any option whose cost's lower bound is beyond it
// (with a margin far above rounding) cannot give the least cost and is not
// evaluated further. The others are compared in the order of opts, as
// costAt does, so ties go to the same option.
func (rs *roadSetup) costAtSeeded(x, y float64, opts []int32, sts []int32, capM float64, seed int32) (float64, int, int32) {
	best, st := rs.walkCost(x, y, sts, capM)
	win := int32(-1)
	lim := math.Inf(1)
	if seed >= 0 {
		if b0, _ := rs.opts[seed].Cost(x, y, capM, math.Inf(1)); b0 < math.Inf(1) {
			lim = b0 + 1e-9*(1+math.Abs(b0))
		}
	}
	for _, i := range opts {
		o := &rs.opts[i]
		b := min(best, lim)
		if o.Hopeless(x, y, b) {
			continue // Cost would return b or +Inf
		}
		if c, _ := o.Cost(x, y, capM, b); c < best && c < lim {
			best, st, win = c, int(o.st), i
		}
	}
	return best, st, win
}

// Cell states.
const (
	cellCovered = iota
	cellUncovered
	cellUndecided
)

// roadLeaf is a final cell of the quadtree that is not covered.
type roadLeaf struct {
	x, y, half float64 // centre and half side, frame m
	area       float64 // inside the district, m2
	undecided  bool
	noAccess   bool
	inside     bool  // for drawing (roadgaps.go): wholly inside the district
	lists      int32 // undecided cells: their leafLists in roadPass.lists
}

// leafLists are, for drawing an undecided cell (roadgaps.go), the options
// and stations that can bring some place of it within the limit and (at
// least) the usable segments within cap + h of its centre.
type leafLists struct{ opts, sts, acc []int32 }

// roadPass is the outcome of one depth-first pass.
type roadPass struct {
	covered, uncovered, undecided, noAccess float64 // m2
	leaves                                  []roadLeaf
	lists                                   []leafLists // of the undecided leaves
	cells                                   int
}

// pass evaluates the district's quadtree to maxDepth.
func (rs *roadSetup) pass(maxDepth int, keepLeaves bool) roadPass {
	var out roadPass
	fr := rs.f.region
	cx, cy := (fr.minPt[0]+fr.maxPt[0])/2, (fr.minPt[1]+fr.maxPt[1])/2
	half := max(fr.maxPt[0]-fr.minPt[0], fr.maxPt[1]-fr.minPt[1])/2 + 1
	opts := rs.useful
	sts := make([]int32, len(rs.stations))
	for i := range sts {
		sts[i] = int32(i)
	}
	all := make([]int32, len(rs.accSeg))
	for i := range all {
		all[i] = int32(i)
	}
	rs.cell(&out, cx, cy, half, 0, maxDepth, opts, sts, &lazyAccess{list: all, done: true}, keepLeaves, false)
	return out
}

// cell evaluates one cell and recurses into its quarters.
// inside says the cell is known to lie wholly inside the district; acc
// holds (at least) the usable segments within cap + h of the cell's
// centre, for the no-access test, computed when first needed.
func (rs *roadSetup) cell(out *roadPass, x, y, half float64, depth, maxDepth int, opts, sts []int32, acc *lazyAccess, keep, inside bool) {
	out.cells++
	area := 4 * half * half
	if !inside {
		area, inside = rs.f.region.squareArea(x, y, half)
		if area <= 0 {
			return
		}
	}
	h := half * math.Sqrt2
	lh := h * rs.inv
	// Keep what can bring some place of the cell within the limit.
	var o2, s2 []int32
	for _, i := range opts {
		o := &rs.opts[i]
		if d := o.Dist(x, y); d <= rs.cap+h && d*rs.inv+o.Lo-lh <= rs.T {
			o2 = append(o2, i)
		}
	}
	for _, i := range sts {
		s := rs.stations[i]
		d := math.Hypot(x-s[0], y-s[1])
		if rs.walkCap && d > rs.cap+h {
			continue
		}
		if d*rs.inv+rs.stDelay[i]-lh <= rs.T {
			s2 = append(s2, i)
		}
	}
	state := cellUndecided
	if len(o2) == 0 && len(s2) == 0 {
		state = cellUncovered
	} else if cin, _ := rs.costAt(x, y, o2, s2, rs.cap-h); cin+lh <= rs.T {
		state = cellCovered
	} else if cout, _ := rs.costAt(x, y, o2, s2, rs.cap+h); cout-lh > rs.T {
		state = cellUncovered
	}
	switch state {
	case cellCovered:
		out.covered += area
		return
	case cellUncovered:
		rs.uncoveredCell(out, x, y, half, depth, maxDepth, area, inside, keep, acc.get(rs))
		return
	}
	if depth >= maxDepth {
		out.undecided += area
		if keep {
			out.leaves = append(out.leaves, roadLeaf{x: x, y: y, half: half, area: area, undecided: true, inside: inside, lists: int32(len(out.lists))})
			out.lists = append(out.lists, leafLists{o2, s2, acc.get(rs)})
		}
		return
	}
	q := half / 2
	a2 := acc
	if depth%3 == 0 {
		a2 = &lazyAccess{parent: acc, x: x, y: y, half: half}
	}
	for _, c := range [4][2]float64{{-q, -q}, {q, -q}, {-q, q}, {q, q}} {
		rs.cell(out, x+c[0], y+c[1], q, depth+1, maxDepth, o2, s2, a2, keep, inside)
	}
}

// kindCoarser is how many levels above the finest cells the split between
// no-access and travel-time gaps stops: the split only sorts uncovered land
// into two kinds, it does not change the bracket, and the cap's line runs
// along every road.
const kindCoarser = 3

// uncoveredCell records a cell known to be uncovered, splitting it (to
// kindCoarser levels above the pass's depth) where the no-access line
// crosses it: a place is no-access when no usable road and no station is
// within the cap. Cells still straddling the line go by their centre.
//
// acc holds (at least) the usable segments within cap + h of the centre.
func (rs *roadSetup) uncoveredCell(out *roadPass, x, y, half float64, depth, maxDepth int, area float64, inside bool, keep bool, acc []int32) {
	h := half * math.Sqrt2
	d := rs.accessDist(x, y, acc)
	noAcc := d > rs.cap+h
	if d > rs.cap-h && d <= rs.cap+h && depth < maxDepth-kindCoarser {
		q := half / 2
		acc2 := rs.narrowAccess(acc, x, y, half, depth)
		for _, c := range [4][2]float64{{-q, -q}, {q, -q}, {-q, q}, {q, q}} {
			cx, cy := x+c[0], y+c[1]
			a := q * q * 4
			in := inside
			if !inside {
				a, in = rs.f.region.squareArea(cx, cy, q)
				if a <= 0 {
					continue
				}
			}
			out.cells++
			rs.uncoveredCell(out, cx, cy, q, depth+1, maxDepth, a, in, keep, acc2)
		}
		return
	}
	if d > rs.cap-h && d <= rs.cap+h {
		noAcc = d > rs.cap // finest cells straddling the line go by their centre
	}
	out.uncovered += area
	if noAcc {
		out.noAccess += area
	}
	if keep {
		out.leaves = append(out.leaves, roadLeaf{x: x, y: y, half: half, area: area, noAccess: noAcc, inside: inside})
	}
}

// lazyAccess is a cell's access list (see narrowAccess), narrowed from its
// parent's only when a cell below needs it: most cells of a district are
// covered or split further and never look at it, and narrowing is a
// distance test of every segment of the parent's list. The list is the one
// narrowing at every third level would give, whenever it is computed.
type lazyAccess struct {
	parent     *lazyAccess
	x, y, half float64 // the cell that narrows
	list       []int32
	done       bool
}

// get is the list, narrowing (and keeping) it and its ancestors' first.
func (a *lazyAccess) get(rs *roadSetup) []int32 {
	if !a.done {
		a.list = rs.nearAccess(a.parent.get(rs), a.x, a.y, a.half)
		a.done, a.parent = true, nil
	}
	return a.list
}

// narrowAccess is the access list a cell hands its quarters: every third
// level it keeps only the segments within its own cap + h (a list for a
// larger ball is still right for a smaller one inside it, only longer).
func (rs *roadSetup) narrowAccess(acc []int32, x, y, half float64, depth int) []int32 {
	if depth%3 != 0 {
		return acc
	}
	return rs.nearAccess(acc, x, y, half)
}

// nearAccess keeps the segments of acc within cap + h of the centre of the
// cell of half side half.
func (rs *roadSetup) nearAccess(acc []int32, x, y, half float64) []int32 {
	lim := rs.cap + half*math.Sqrt2
	var out []int32
	for _, k := range acc {
		sg := &rs.accSeg[k]
		if pointSegDist(x, y, sg[0], sg[1]) <= lim {
			out = append(out, k)
		}
	}
	return out
}

// accessDist is the distance, m, from (x, y) to the nearest usable road
// segment of acc or station (+Inf when there is none).
func (rs *roadSetup) accessDist(x, y float64, acc []int32) float64 {
	best := math.Inf(1)
	for _, s := range rs.stations {
		best = min(best, math.Hypot(x-s[0], y-s[1]))
	}
	for _, k := range acc {
		sg := &rs.accSeg[k]
		best = min(best, pointSegDist(x, y, sg[0], sg[1]))
	}
	return best
}

func pointSegDist(x, y float64, a, b [2]float64) float64 {
	return planar.SegmentDistance([2]float64{x, y}, a, b)
}

// squareArea is the area, m2, of the part of the region inside the square
// of centre (x, y) and half side half, and whether the square lies wholly
// inside. It uses Green's theorem: the region's edges clipped to the
// square, plus the parts of the square's sides inside the region.
func (fr *frameRegion) squareArea(x, y, half float64) (float64, bool) {
	mn := [2]float64{x - half, y - half}
	mx := [2]float64{x + half, y + half}
	if mx[0] < fr.minPt[0] || mn[0] > fr.maxPt[0] || mx[1] < fr.minPt[1] || mn[1] > fr.maxPt[1] {
		return 0, false
	}
	side := 2 * half
	var edges []int
	fr.index().search(mn, mx, func(k int) bool {
		edges = append(edges, k)
		return true
	})
	if len(edges) == 0 {
		if fr.contains(x, y) {
			return side * side, true
		}
		return 0, false
	}
	a := 0.0
	// Region edges inside the square (Liang-Barsky clipping).
	for _, k := range edges {
		p, q := fr.edge(k)
		t0, t1, ok := clipSeg(p, q, mn, mx)
		if !ok {
			continue
		}
		ax, ay := p[0]+t0*(q[0]-p[0]), p[1]+t0*(q[1]-p[1])
		bx, by := p[0]+t1*(q[0]-p[0]), p[1]+t1*(q[1]-p[1])
		a += (ax*by - ay*bx) / 2
	}
	// The square's sides, counter-clockwise, cut where region edges cross
	// them; the pieces inside the region count.
	corners := [5][2]float64{mn, {mx[0], mn[1]}, mx, {mn[0], mx[1]}, mn}
	for s := range 4 {
		p, q := corners[s], corners[s+1]
		ts := []float64{0, 1}
		for _, k := range edges {
			e0, e1 := fr.edge(k)
			if t, ok := segmentParam(p, q, e0, e1); ok {
				ts = append(ts, t)
			}
		}
		slices.Sort(ts)
		for i := 0; i+1 < len(ts); i++ {
			if ts[i+1]-ts[i] <= 0 {
				continue
			}
			tm := (ts[i] + ts[i+1]) / 2
			if !fr.contains(p[0]+tm*(q[0]-p[0]), p[1]+tm*(q[1]-p[1])) {
				continue
			}
			ax, ay := p[0]+ts[i]*(q[0]-p[0]), p[1]+ts[i]*(q[1]-p[1])
			bx, by := p[0]+ts[i+1]*(q[0]-p[0]), p[1]+ts[i+1]*(q[1]-p[1])
			a += (ax*by - ay*bx) / 2
		}
	}
	return min(side*side, max(0, a)), false
}

// clipSeg clips p->q to the box, returning the kept parameter interval.
func clipSeg(p, q, mn, mx [2]float64) (t0, t1 float64, ok bool) {
	t0, t1 = 0, 1
	d := [2]float64{q[0] - p[0], q[1] - p[1]}
	for i := range 2 {
		if d[i] == 0 {
			if p[i] < mn[i] || p[i] > mx[i] {
				return 0, 0, false
			}
			continue
		}
		a, b := (mn[i]-p[i])/d[i], (mx[i]-p[i])/d[i]
		if a > b {
			a, b = b, a
		}
		t0, t1 = max(t0, a), min(t1, b)
		if t0 >= t1 {
			return 0, 0, false
		}
	}
	return t0, t1, true
}

// TravelTimes summarises a district's travel times over its area.
type TravelTimes struct {
	// MedianS, P95S and MaxS are over a regular grid of Samples places of
	// the district, SpacingM apart (equal-area frame, so every sample
	// stands for the same area); MaxS is the largest sampled, a lower
	// bound of the true maximum.
	MedianS, P95S, MaxS float64
	Samples             int
	SpacingM            float64
	// Grid holds the sampled places ({lon, lat}) and TimesS their travel
	// times, seconds, in grid order: a map of travel times.
	Grid   []orb.Point
	TimesS []float64
}

// roadSamples is the number of grid places the travel-time statistics aim
// for per district.
const roadSamples = 2000

// evaluateRoadDistrict evaluates a district under the road rule.
func evaluateRoadDistrict(d *District, ix *Index, opts Options, f *frame) (Result, error) {
	field := opts.roadField(d.Rule)
	if field == nil {
		return Result{}, fmt.Errorf("the %s rule needs road network %d (Options.Roads): %w", d.Rule.Kind, d.Rule.Network, ErrBadRule)
	}
	rs := newRoadSetup(f, d, ix, field)
	res := Result{District: d, AreaM2: f.region.area, Worst: Worst{Station: -1, DistanceM: -1}}
	tol := opts.RoadTolerance
	if tol <= 0 {
		tol = 0.001
	}
	tolM2 := tol * res.AreaM2
	fr := f.region
	half := max(fr.maxPt[0]-fr.minPt[0], fr.maxPt[1]-fr.minPt[1])/2 + 1
	// A first pass to cells of about 64 m tells how wide the undecided band
	// is; each further level halves it.
	depth := max(0, int(math.Ceil(math.Log2(half/32))))
	p := rs.pass(depth, true)
	for p.undecided > tolM2 && half/math.Exp2(float64(depth)) > 0.01 {
		need := max(1, int(math.Ceil(math.Log2(p.undecided/tolM2))))
		depth += need
		if opts.ctx != nil && opts.ctx.Err() != nil {
			return Result{}, opts.ctx.Err()
		}
		p = rs.pass(depth, true)
	}
	// A signal during the last pass stops the run before the gaps, the
	// people and the travel times are drawn from it.
	if opts.ctx != nil && opts.ctx.Err() != nil {
		return Result{}, opts.ctx.Err()
	}
	res.RoadCells = p.cells
	res.RoadCellM = 2 * half / math.Exp2(float64(depth))
	res.UncoveredLowerM2 = p.uncovered
	res.UncoveredUpperM2 = min(res.AreaM2, p.uncovered+p.undecided)
	res.UncoveredM2 = (res.UncoveredLowerM2 + res.UncoveredUpperM2) / 2
	res.NoAccessM2 = p.noAccess
	res.ToleranceMet = p.undecided <= tolM2
	if res.AreaM2 > 0 {
		res.CoveredPct = 100 * (1 - res.UncoveredM2/res.AreaM2)
	}
	var gapAt func(x, y float64) int
	res.Gaps, gapAt = rs.gaps(p.leaves, p.lists, opts.GapPolygons, res.RoadCellM)
	if opts.ctx != nil && opts.ctx.Err() != nil {
		return Result{}, opts.ctx.Err()
	}
	if opts.Population != nil {
		rs.people(opts.Population, &res, gapAt, opts.IgnoreGapsUnderM2)
	}
	tt, w, wc := rs.travelTimes(ix)
	res.Travel, res.Worst, res.WorstCost = &tt, w, wc
	res.Stations = len(rs.stations)
	// The pass rule counts the upper bound (undecided land as uncovered),
	// less the gaps too small to count.
	small := 0.0
	for _, g := range res.Gaps {
		if g.AreaM2 < opts.IgnoreGapsUnderM2 {
			small += g.AreaM2
		}
	}
	counted := max(0, res.UncoveredUpperM2-small)
	countedLo := max(0, res.UncoveredLowerM2-small)
	pct := func(u float64) float64 {
		if res.AreaM2 <= 0 {
			return 100
		}
		return 100 * (1 - u/res.AreaM2)
	}
	passUpper := pct(counted) >= opts.MinCoveragePct
	passLower := pct(countedLo) >= opts.MinCoveragePct
	if opts.PassByPopulation {
		// People are counted place by place, exactly: no bracket.
		share := 100.0
		if res.Population > 0 {
			share = 100 * (1 - res.CountedUncoveredPopulation/res.Population)
		}
		passUpper = share >= opts.MinCoveragePct
		passLower = passUpper
		if !passUpper {
			res.Pass = false
			res.Fail = &Failure{ByPopulation: true, People: res.CountedUncoveredPopulation, Population: res.Population,
				CoveredPct: share, CoveredPctUpper: share, MinPct: opts.MinCoveragePct, IgnoreUnderM2: opts.IgnoreGapsUnderM2}
			res.CountedUncoveredM2 = counted
			return res, nil
		}
	}
	res.Pass = passUpper
	res.CountedUncoveredM2 = counted
	if !passUpper {
		res.Undecided = passLower
		res.Fail = &Failure{Undecided: passLower, CountedLowerM2: countedLo, CountedUpperM2: counted, Gaps: countAtLeast(res.Gaps, opts.IgnoreGapsUnderM2),
			CoveredPct: pct(counted), CoveredPctUpper: pct(countedLo), MinPct: opts.MinCoveragePct, IgnoreUnderM2: opts.IgnoreGapsUnderM2}
	}
	return res, nil
}

// people counts the population of a district under the road rule: a
// point is uncovered when its cost exceeds the limit (exact, place by
// place); a raster cell counts by its centre (inside the district, and
// covered or not as a whole: an approximation at the scale of a cell).
// Uncovered people go to the gap drawn where they are.
func (rs *roadSetup) people(pop *Population, res *Result, gapAt func(x, y float64) int, ignoreUnderM2 float64) {
	beyond := rs.beyond()
	rs.eachPlace(pop, func(c, x, y float64) {
		res.Population += c
		if !beyond(x, y) {
			return
		}
		res.UncoveredPopulation += c
		if g := gapAt(x, y); g >= 0 {
			res.Gaps[g].Population += c
		}
	})
	res.CountedUncoveredPopulation = res.UncoveredPopulation
	for _, g := range res.Gaps {
		if g.AreaM2 < ignoreUnderM2 {
			res.CountedUncoveredPopulation -= g.Population
		}
	}
}

// beyond returns a function saying whether a place of the frame is beyond
// the rule's limit (its cost, exact, exceeds it). The function is not safe
// for concurrent use.
func (rs *roadSetup) beyond() func(x, y float64) bool {
	var near []int32
	sts := make([]int32, len(rs.stations))
	for i := range sts {
		sts[i] = int32(i)
	}
	return func(x, y float64) bool {
		near = near[:0]
		rs.optIndex.search([2]float64{x - rs.cap, y - rs.cap}, [2]float64{x + rs.cap, y + rs.cap}, func(k int) bool {
			near = append(near, int32(k))
			return true
		})
		cost, _ := rs.costAt(x, y, near, sts, rs.cap)
		return cost > rs.T
	}
}

// eachPlace calls fn with the people and frame position of each
// population place of the district: the points inside it, or the centres
// of the raster cells inside it (a cell's people count at its centre).
func (rs *roadSetup) eachPlace(pop *Population, fn func(c, x, y float64)) {
	if g := pop.grid; g != nil {
		b := rs.f.bound
		c0 := max(0, int(math.Floor((b.Min[0]-g.X0)/g.DX)))
		c1 := min(g.Width-1, int(math.Floor((b.Max[0]-g.X0)/g.DX)))
		r0 := max(0, int(math.Floor((g.Y0-b.Max[1])/g.DY)))
		r1 := min(g.Height-1, int(math.Floor((g.Y0-b.Min[1])/g.DY)))
		for row := r0; row <= r1; row++ {
			for col := c0; col <= c1; col++ {
				v := g.Values[row*g.Width+col]
				if !(v > 0) {
					continue
				}
				x, y := rs.f.proj.Forward(g.X0+(float64(col)+0.5)*g.DX, g.Y0-(float64(row)+0.5)*g.DY)
				if rs.f.region.contains(x, y) {
					fn(v, x, y)
				}
			}
		}
		return
	}
	rs.f.eachPoint(pop, func(i int, x, y float64) { fn(pop.counts[i], x, y) })
}

// travelTimes samples the district on a regular grid: median, 95th
// percentile and maximum of the cost, and the worst sampled place.
func (rs *roadSetup) travelTimes(ix *Index) (TravelTimes, Worst, float64) {
	fr := rs.f.region
	spacing := math.Max(1, math.Sqrt(fr.area/roadSamples))
	var near, chunk []int32
	var sts []int32
	for i := range rs.stations {
		sts = append(sts, int32(i))
	}
	boxes := rs.optIndex.boxes
	seed := int32(-1) // the option that won the sample before, if any
	var costs []float64
	var grid []orb.Point
	worst, worstCost := Worst{Station: -1, DistanceM: -1}, -1.0
	var wx, wy float64
	wst := -1
	for y := fr.minPt[1] + spacing/2; y < fr.maxPt[1]; y += spacing {
		// The options index is searched once for a chunk of
		// ttChunk samples of the row, and each sample keeps the
		// chunk's options whose box meets its own cap box: the same
		// options, in the same order, as searching for each sample.
		chunkEnd := math.Inf(-1)
		for x := fr.minPt[0] + spacing/2; x < fr.maxPt[0]; x += spacing {
			if !fr.contains(x, y) {
				continue
			}
			if x > chunkEnd {
				chunkEnd = x + ttChunk*spacing
				chunk = chunk[:0]
				rs.optIndex.search([2]float64{x - rs.cap - 1, y - rs.cap}, [2]float64{chunkEnd + rs.cap + 1, y + rs.cap}, func(k int) bool {
					chunk = append(chunk, int32(k))
					return true
				})
			}
			mn, mx := [2]float64{x - rs.cap, y - rs.cap}, [2]float64{x + rs.cap, y + rs.cap}
			near = near[:0]
			seeded := false
			for _, k := range chunk {
				b := &boxes[k]
				if b[0] <= mx[0] && b[2] >= mn[0] && b[1] <= mx[1] && b[3] >= mn[1] {
					near = append(near, k)
					seeded = seeded || k == seed
				}
			}
			if !seeded {
				seed = -1
			}
			// The setup holds only the stations within walking reach of
			// the limit, so a cost above it is checked against the nearest
			// station on foot.
			c, st, win := rs.costAtSeeded(x, y, near, sts, rs.cap, seed)
			seed = win
			if c > rs.T && !rs.walkCap {
				if si, dm := ix.Nearest(rs.f.toLonLat(x, y)); dm*rs.inv+rs.field.DelayOf(si) < c {
					c, st = dm*rs.inv+rs.field.DelayOf(si), si
				}
			}
			costs = append(costs, c)
			grid = append(grid, rs.f.toLonLat(x, y))
			if c > worstCost {
				worstCost, wx, wy, wst = c, x, y, st
			}
		}
	}
	if len(costs) == 0 {
		return TravelTimes{}, worst, 0
	}
	times := slices.Clone(costs)
	slices.Sort(costs)
	q := func(p float64) float64 { return costs[min(len(costs)-1, int(p*float64(len(costs))))] }
	tt := TravelTimes{MedianS: q(0.5), P95S: q(0.95), MaxS: costs[len(costs)-1], Samples: len(costs), SpacingM: spacing,
		Grid: grid, TimesS: times}
	ll := rs.f.toLonLat(wx, wy)
	worst = Worst{Point: ll, Station: wst, DistanceM: math.Inf(1)}
	if wst >= 0 {
		p := ix.stations[wst].Point
		worst.DistanceM = geodesy.Distance(ll[0], ll[1], p[0], p[1])
	}
	return tt, worst, worstCost
}

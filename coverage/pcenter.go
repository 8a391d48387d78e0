package coverage

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// The p-center objective: place N new sites among candidates, the stations
// staying, so that the largest cost from any place of the districts to its
// nearest station is least. Costs of different rules are made comparable by
// their limits: a place's cost counts as a ratio, cost / the rule's limit
// (1 is the limit itself), so with one rule the objective is the largest
// distance or time itself, divided by the limit.
//
// Under the distance rules (radius, speed) a district's largest cost for a
// set of sites is exact: the geodesic farthest place of worstIn. Under the
// road rules it is the largest cost at sample places (the grid of the
// audit's travel times, about 2,000 places per district), each site's
// costs found by one network search from it.
//
// The lower bound (PCenterResult.LowerBound) holds for every choice of N
// sites among the candidates. It is a dispersion argument over places of
// the districts: take places p_0..p_N, and r* the least of (a) every
// p_i's cost from the stations alone, c0(p_i), and (b) for every pair, the
// least over the candidates c of max(cost_c(p_i), cost_c(p_j)). For any
// r < r*, every p_i needs a new site within r (no station serves it within
// r) and no single candidate serves two of them within r, so N sites
// cannot bring all N+1 within r: the optimum is > r, hence >= r*. A single
// place p gives the bound min(c0(p), least cost_c(p) over the
// candidates) too. Both use places only, so they hold for the continuous
// objective and for the sampled one alike. The places are chosen greedily,
// farthest first.

// PCenterResult is the outcome of PCenter.
type PCenterResult struct {
	// Sites are the candidates chosen, in the order added.
	Sites []int
	// Start is the objective with the stations alone; Value with the sites
	// (ratios to the limits, see PCenter).
	Start, Value float64
	// Worst is the district and place where Value is reached.
	WorstDistrict int
	WorstPoint    orb.Point
	// LowerBound: no N candidates bring the objective below it; Witnesses
	// are the places of the dispersion argument that gives it.
	LowerBound float64
	Witnesses  []orb.Point
	// Swaps made by the local improvement after the greedy choice.
	Swaps int
	// DistrictValue is each district's largest cost ratio with the sites.
	DistrictValue []float64
}

// Gap is the relative optimality gap, (Value - LowerBound) / Value, or 0.
func (r *PCenterResult) Gap() float64 {
	if r.Value <= 0 || math.IsInf(r.Value, 1) {
		return 0
	}
	return max(0, (r.Value-r.LowerBound)/r.Value)
}

// pcenter holds what PCenter evaluates a set of sites with.
type pcenter struct {
	districts []District
	frames    []*frame
	cands     []orb.Point
	// Distance districts: cost ratio per metre, the largest distance with
	// the stations alone (no site farther from the district's box can
	// matter), and the stations within it.
	scale []float64
	w0    []float64
	local [][]Station
	// Road districts: sample places, their district, ratio with the
	// stations alone, and per candidate the samples it serves better
	// (sorted by sample).
	samples []orb.Point
	sampleD []int
	c0      []float64
	byCand  [][]pcEntry
	roadIdx [][]int // per district: its samples
}

type pcEntry struct {
	j int32 // sample, or candidate in the per-sample lists
	r float64
}

// limitOf is the rule's limit; a ratio of cost to it is what PCenter
// compares.
func limitOf(r Rule) float64 {
	l := r.Limit()
	if l <= 0 {
		return 1
	}
	return l
}

func newPCenter(ctx context.Context, districts []District, ix *Index, cands []orb.Point, opts Options) (*pcenter, error) {
	n := len(districts)
	pc := &pcenter{districts: districts, cands: cands, frames: make([]*frame, n), scale: make([]float64, n),
		w0: make([]float64, n), local: make([][]Station, n), roadIdx: make([][]int, n)}
	fs := newFrameSet()
	var roadDs []int
	for d := range districts {
		rule := districts[d].Rule
		if err := rule.Validate(); err != nil {
			return nil, err
		}
		f, err := newFrame(districts[d].Geometry, fs)
		if err != nil {
			return nil, fmt.Errorf("district %d (%s): %w", d, districts[d].Name, err)
		}
		pc.frames[d] = f
		if rule.ByRoad() {
			if opts.RoadsFor == nil || opts.roadField(rule) == nil {
				return nil, fmt.Errorf("district %d (%s): siting under the %s rule needs Options.Roads and Options.RoadsFor: %w", d, districts[d].Name, rule.Kind, ErrBadRule)
			}
			roadDs = append(roadDs, d)
			continue
		}
		pc.scale[d] = rule.Cost(1) / limitOf(rule)
	}
	// The distance districts' farthest places with the stations alone.
	if _, err := eachIndex(ctx, n, opts.withDefaults().Workers, func(d int) error {
		if districts[d].Rule.ByRoad() {
			return nil
		}
		f := pc.frames[d]
		w, _ := f.worstIn(f.region.rings, ix, 0, -1)
		pc.w0[d] = w.DistanceM
		if math.IsInf(w.DistanceM, 1) {
			return nil
		}
		for _, i := range ix.Near(f.bound, w.DistanceM*(1+1e-6)+1) {
			pc.local[d] = append(pc.local[d], ix.stations[i])
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if len(roadDs) == 0 {
		return pc, nil
	}
	// Road districts: the audit's travel-time grid.
	for _, d := range roadDs {
		rule := districts[d].Rule
		field := opts.roadField(rule)
		fr := pc.frames[d].region
		spacing := math.Max(1, math.Sqrt(fr.area/roadSamples))
		for y := fr.minPt[1] + spacing/2; y < fr.maxPt[1]; y += spacing {
			for x := fr.minPt[0] + spacing/2; x < fr.maxPt[0]; x += spacing {
				if !fr.contains(x, y) {
					continue
				}
				p := pc.frames[d].toLonLat(x, y)
				c, _, _ := field.Cost(p[0], p[1])
				pc.roadIdx[d] = append(pc.roadIdx[d], len(pc.samples))
				pc.samples = append(pc.samples, p)
				pc.sampleD = append(pc.sampleD, d)
				pc.c0 = append(pc.c0, c/limitOf(rule))
			}
		}
	}
	build := fieldsFor(districts, opts.RoadsFor)
	pc.byCand = make([][]pcEntry, len(cands))
	if _, err := eachIndex(ctx, len(cands), opts.withDefaults().Workers, func(c int) error {
		fields := build([]Station{{Point: cands[c]}})
		var out []pcEntry
		for j, p := range pc.samples {
			rule := districts[pc.sampleD[j]].Rule
			t, _, _ := fields[rule.Network].Cost(p[0], p[1])
			if r := t / limitOf(rule); r < pc.c0[j] {
				out = append(out, pcEntry{int32(j), r})
			}
		}
		pc.byCand[c] = out
		return nil
	}); err != nil {
		return nil, err
	}
	return pc, nil
}

// startValue is district d's largest cost ratio with the stations alone.
func (pc *pcenter) startValue(d int) (float64, orb.Point) {
	return pc.eval(d, nil)
}

// eval is district d's largest cost ratio with the sites (candidate
// indexes) added, and its place.
func (pc *pcenter) eval(d int, sites []int) (float64, orb.Point) {
	v, p, _ := pc.evalAbove(d, sites, -1)
	return v, p
}

// evalAbove is eval that may stop early: when the district's largest cost
// ratio cannot exceed floor (>= 0), it returns ok false and no value.
func (pc *pcenter) evalAbove(d int, sites []int, floor float64) (float64, orb.Point, bool) {
	if pc.districts[d].Rule.ByRoad() {
		best, at := -1.0, orb.Point{}
		cur := make(map[int32]float64, len(pc.roadIdx[d]))
		for _, s := range sites {
			for _, e := range pc.byCand[s] {
				if pc.sampleD[e.j] != d {
					continue
				}
				if v, ok := cur[e.j]; !ok || e.r < v {
					cur[e.j] = e.r
				}
			}
		}
		for _, j := range pc.roadIdx[d] {
			v := pc.c0[j]
			if u, ok := cur[int32(j)]; ok && u < v {
				v = u
			}
			if v > best {
				best, at = v, pc.samples[j]
			}
		}
		if floor >= 0 && best <= floor {
			return 0, orb.Point{}, false
		}
		return best, at, true
	}
	f := pc.frames[d]
	sts := pc.local[d]
	reach := expand(f.bound, pc.w0[d]*(1+1e-6)+1)
	if math.IsInf(pc.w0[d], 1) {
		reach = orb.Bound{Min: orb.Point{-360, -90}, Max: orb.Point{360, 90}}
	}
	added := false
	for _, s := range sites {
		if reach.Contains(pc.cands[s]) {
			if !added {
				sts = slices.Clone(sts)
				added = true
			}
			sts = append(sts, Station{Point: pc.cands[s]})
		}
	}
	fl := -1.0
	if floor >= 0 && pc.scale[d] > 0 {
		fl = floor / pc.scale[d]
	}
	w, ok := f.worstIn(f.region.rings, NewIndex(sts), 0, fl)
	if !ok {
		return 0, orb.Point{}, false
	}
	if floor >= 0 && w.DistanceM*pc.scale[d] <= floor {
		return 0, orb.Point{}, false
	}
	return w.DistanceM * pc.scale[d], w.Point, true
}

// reaches says whether site c can change district d's value when d's
// largest cost ratio is now v: it must be nearer than that to some place.
func (pc *pcenter) reaches(d, c int, v float64) bool {
	if pc.districts[d].Rule.ByRoad() {
		for _, e := range pc.byCand[c] {
			if pc.sampleD[e.j] == d {
				return true
			}
		}
		return false
	}
	if math.IsInf(v, 1) || pc.scale[d] == 0 {
		return true
	}
	return expand(pc.frames[d].bound, v/pc.scale[d]*(1+1e-6)+1).Contains(pc.cands[c])
}

// improvesAt says whether candidate c serves place p of district d at a
// ratio below v (a site that does not cannot lower the objective there).
func (pc *pcenter) improvesAt(d, c int, p orb.Point, v float64) bool {
	if pc.districts[d].Rule.ByRoad() {
		for _, e := range pc.byCand[c] {
			if pc.samples[e.j] == p && e.r < v {
				return true
			}
		}
		return false
	}
	q := pc.cands[c]
	return geodesy.Distance(p[0], p[1], q[0], q[1])*pc.scale[d] < v
}

// state is a set of sites and every district's value with it.
type pcState struct {
	sites []int
	val   []float64
	at    []orb.Point
}

func (s *pcState) max() (float64, int) {
	best, bd := -1.0, -1
	for d, v := range s.val {
		if v > best {
			best, bd = v, d
		}
	}
	return best, bd
}

// try evaluates the state with site out (an index into sites, or -1)
// replaced by candidate in (or in added): the new values of the districts
// either can change, and the objective; it gives up (ok false) once the
// objective cannot beat bound.
func (pc *pcenter) try(s *pcState, out, in int, bound float64) (next map[int]float64, at map[int]orb.Point, obj float64, ok bool) {
	sites := slices.Clone(s.sites)
	if out >= 0 {
		sites[out] = in
	} else {
		sites = append(sites, in)
	}
	var affected []int
	for d, v := range s.val {
		if pc.reaches(d, in, v) || out >= 0 && pc.reaches(d, s.sites[out], v) {
			affected = append(affected, d)
		}
	}
	// The objective over the districts no swap touches.
	obj = -1
	touched := map[int]bool{}
	for _, d := range affected {
		touched[d] = true
	}
	for d, v := range s.val {
		if !touched[d] {
			obj = max(obj, v)
		}
	}
	if obj >= bound {
		return nil, nil, obj, false
	}
	// The worst district first: it decides most trials.
	slices.SortStableFunc(affected, func(a, b int) int { return cmp.Compare(s.val[b], s.val[a]) })
	next, at = map[int]float64{}, map[int]orb.Point{}
	for _, d := range affected {
		v, p := pc.eval(d, sites)
		next[d], at[d] = v, p
		obj = max(obj, v)
		if obj >= bound {
			return nil, nil, obj, false
		}
	}
	return next, at, obj, true
}

// value is the objective of a set of sites, measured from scratch.
func (pc *pcenter) value(sites []int) float64 {
	v := -1.0
	for d := range pc.districts {
		u, _ := pc.eval(d, sites)
		v = max(v, u)
	}
	return v
}

// PCenter places add new sites among cands ({lon, lat}) so that the largest
// cost ratio (cost / the rule's limit) from any place of the districts to
// its nearest station or site is least (see the comment at the top of this
// file for the model and the lower bound).
//
// The search is greedy (each step adds the candidate that lowers the
// objective most, among those that serve the current farthest place
// better), then improved by swapping a site for a candidate that serves
// the farthest place better while the objective falls. Ties go to the lower
// candidate index, so the result does not depend on the workers.
func PCenter(ctx context.Context, districts []District, ix *Index, cands []orb.Point, add int, opts Options) (*PCenterResult, error) {
	pc, err := newPCenter(ctx, districts, ix, cands, opts)
	if err != nil {
		return nil, err
	}
	s := &pcState{val: make([]float64, len(districts)), at: make([]orb.Point, len(districts))}
	for d := range districts {
		s.val[d], s.at[d] = pc.startValue(d)
	}
	res := &PCenterResult{WorstDistrict: -1}
	res.Start, _ = s.max()
	used := map[int]bool{}
	apply := func(out, in int, next map[int]float64, at map[int]orb.Point) {
		if out >= 0 {
			delete(used, s.sites[out])
			s.sites[out] = in
		} else {
			s.sites = append(s.sites, in)
		}
		used[in] = true
		for d, v := range next {
			s.val[d], s.at[d] = v, at[d]
		}
	}
	// helpers lists the unused candidates that serve the current farthest
	// place better than now.
	helpers := func() []int {
		v, d := s.max()
		var out []int
		if d < 0 {
			return out
		}
		for c := range cands {
			if !used[c] && pc.improvesAt(d, c, s.at[d], v) {
				out = append(out, c)
			}
		}
		return out
	}
	for len(s.sites) < add {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cur, _ := s.max()
		hs := helpers()
		if len(hs) == 0 {
			break // no candidate can lower the objective
		}
		best, bestC := math.Inf(1), -1
		var bn map[int]float64
		var ba map[int]orb.Point
		for _, c := range hs {
			bound := best
			if bestC < 0 {
				bound = math.Inf(1)
			}
			next, at, obj, ok := pc.try(s, -1, c, bound)
			if ok && obj < best {
				best, bestC, bn, ba = obj, c, next, at
			}
		}
		if bestC < 0 || !(best < cur) && !math.IsInf(cur, 1) {
			break
		}
		apply(-1, bestC, bn, ba)
	}
	// Swaps: replace a site by a candidate serving the farthest place
	// better while the objective falls.
	for pass := 0; pass < 4*max(1, len(s.sites)); pass++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cur, _ := s.max()
		improved := false
		hs := helpers()
		for k := range s.sites {
			for _, c := range hs {
				next, at, obj, ok := pc.try(s, k, c, cur)
				if ok && obj < cur*(1-1e-9) {
					apply(k, c, next, at)
					res.Swaps++
					improved = true
					break
				}
			}
			if improved {
				break
			}
		}
		if !improved {
			break
		}
	}
	res.Sites = slices.Clone(s.sites)
	res.Value, res.WorstDistrict = s.max()
	if res.WorstDistrict >= 0 {
		res.WorstPoint = s.at[res.WorstDistrict]
	}
	res.DistrictValue = slices.Clone(s.val)
	res.LowerBound, res.Witnesses = pc.lowerBound(ctx, s, add, res.Value)
	return res, nil
}

// pcBoundSamples is the number of grid places per distance district the
// lower bound looks among (beside each district's farthest place).
const pcBoundSamples = 200

// lowerBound is the dispersion bound (see the top of the file) over add+1
// places chosen farthest first among sample places: each district's
// farthest place from the stations, a grid in the distance districts and
// the road samples.
func (pc *pcenter) lowerBound(ctx context.Context, s *pcState, add int, value float64) (float64, []orb.Point) {
	type place struct {
		p    orb.Point
		d    int
		c0   float64
		list []pcEntry // candidates serving it below c0, sorted by candidate
	}
	var ps []place
	// Places whose cost from the stations is below the threshold cannot
	// lift the bound above it; half the value found keeps the work small.
	thr := value / 2
	for d := range pc.districts {
		if pc.districts[d].Rule.ByRoad() {
			continue
		}
		f := pc.frames[d]
		v, p := pc.startValue(d)
		pts := []orb.Point{p}
		fr := f.region
		spacing := math.Max(1, math.Sqrt(fr.area/pcBoundSamples))
		for y := fr.minPt[1] + spacing/2; y < fr.maxPt[1]; y += spacing {
			for x := fr.minPt[0] + spacing/2; x < fr.maxPt[0]; x += spacing {
				if fr.contains(x, y) {
					pts = append(pts, f.toLonLat(x, y))
				}
			}
		}
		ix := NewIndex(pc.local[d])
		for i, q := range pts {
			c := v
			if i > 0 {
				_, dist := ix.Nearest(q)
				c = dist * pc.scale[d]
			}
			if c >= thr {
				ps = append(ps, place{p: q, d: d, c0: c})
			}
		}
	}
	for j, q := range pc.samples {
		if pc.c0[j] >= thr {
			ps = append(ps, place{p: q, d: pc.sampleD[j], c0: pc.c0[j]})
		}
	}
	if len(ps) == 0 {
		return 0, nil
	}
	// Keep the 4,000 farthest.
	slices.SortStableFunc(ps, func(a, b place) int { return cmp.Compare(b.c0, a.c0) })
	ps = ps[:min(len(ps), 4000)]
	// Each place's candidate list.
	cix := make([]Station, len(pc.cands))
	for i, c := range pc.cands {
		cix[i] = Station{Point: c}
	}
	candIx := NewIndex(cix)
	sampleAt := map[orb.Point]int{}
	for j, q := range pc.samples {
		sampleAt[q] = j
	}
	perSample := map[int][]pcEntry{}
	for c, list := range pc.byCand {
		for _, e := range list {
			perSample[int(e.j)] = append(perSample[int(e.j)], pcEntry{int32(c), e.r})
		}
	}
	for i := range ps {
		if ctx.Err() != nil {
			return 0, nil
		}
		p := &ps[i]
		if pc.districts[p.d].Rule.ByRoad() {
			p.list = perSample[sampleAt[p.p]]
			continue
		}
		if math.IsInf(p.c0, 1) {
			for c, q := range pc.cands {
				p.list = append(p.list, pcEntry{int32(c), geodesy.Distance(p.p[0], p.p[1], q[0], q[1]) * pc.scale[p.d]})
			}
			continue
		}
		for _, c := range candIx.Near(orb.Bound{Min: p.p, Max: p.p}, p.c0/pc.scale[p.d]) {
			q := pc.cands[c]
			if r := geodesy.Distance(p.p[0], p.p[1], q[0], q[1]) * pc.scale[p.d]; r < p.c0 {
				p.list = append(p.list, pcEntry{int32(c), r})
			}
		}
		slices.SortFunc(p.list, func(a, b pcEntry) int { return cmp.Compare(a.j, b.j) })
	}
	// share is the least ratio at which one candidate serves both.
	share := func(a, b *place) float64 {
		best := math.Inf(1)
		i, j := 0, 0
		for i < len(a.list) && j < len(b.list) {
			switch {
			case a.list[i].j < b.list[j].j:
				i++
			case a.list[i].j > b.list[j].j:
				j++
			default:
				best = min(best, max(a.list[i].r, b.list[j].r))
				i++
				j++
			}
		}
		return best
	}
	// Single places: min(c0, best candidate).
	lb, single := 0.0, 0
	for i := range ps {
		v := ps[i].c0
		for _, e := range ps[i].list {
			v = min(v, e.r)
		}
		if v > lb {
			lb, single = v, i
		}
	}
	// Dispersion: farthest first.
	chosen := []int{0}
	key := make([]float64, len(ps))
	for i := range ps {
		key[i] = ps[i].c0
	}
	key[0] = -1
	for len(chosen) < add+1 {
		last := &ps[chosen[len(chosen)-1]]
		bi := -1
		for i := range ps {
			if key[i] < 0 {
				continue
			}
			key[i] = min(key[i], share(last, &ps[i]))
			if bi < 0 || key[i] > key[bi] {
				bi = i
			}
		}
		if bi < 0 {
			break
		}
		chosen = append(chosen, bi)
		key[bi] = -1
	}
	rstar := math.Inf(1)
	if len(chosen) == add+1 {
		for a, i := range chosen {
			rstar = min(rstar, ps[i].c0)
			for _, j := range chosen[a+1:] {
				rstar = min(rstar, share(&ps[i], &ps[j]))
			}
		}
	} else {
		rstar = 0
	}
	wit := []orb.Point{ps[single].p}
	if rstar >= lb {
		wit = wit[:0]
		lb = rstar
		for _, i := range chosen {
			wit = append(wit, ps[i].p)
		}
	}
	if math.IsInf(lb, 1) {
		lb = value
	}
	return lb, wit
}

// SiteFigures measures what the sites (candidate indexes, in order) cover
// one after the other, as Suggest reports its own sites: each one's gain
// of land and people given those before it, and what stays uncovered.
func SiteFigures(districts []District, ix *Index, cands []orb.Point, sites []int, opts Options) (*SuggestResult, error) {
	s, err := newSuggester(districts, ix, opts, nil)
	if err != nil {
		return nil, err
	}
	res := &SuggestResult{ByPeople: s.byPeople}
	res.UncoveredM2, res.UncoveredPeople = s.totals()
	for _, c := range sites {
		m2, ppl := s.gain(cands[c])
		s.add(cands[c])
		site := Site{Candidate: c, Point: cands[c], GainM2: m2, GainPeople: ppl}
		site.UncoveredM2, site.UncoveredPeople = s.totals()
		res.Sites = append(res.Sites, site)
	}
	return res, nil
}

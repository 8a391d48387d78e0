package coverage

import (
	"container/heap"
	"context"
	"fmt"
	cplanar "github.com/covaudit/covaudit/internal/planar"
	"math"
	"slices"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Site is a suggested station site, in the order chosen.
type Site struct {
	Candidate  int // index into the candidates
	Point      orb.Point
	GainM2     float64 // uncovered land it covers, given the sites before it
	GainPeople float64
	// UncoveredM2 and UncoveredPeople are what stays uncovered in all
	// districts once this site and those before it are added.
	UncoveredM2, UncoveredPeople float64
}

// SuggestResult is the outcome of Suggest.
type SuggestResult struct {
	Sites []Site
	// UncoveredM2 and UncoveredPeople before any site.
	UncoveredM2, UncoveredPeople float64
	// ByPeople: the objective was people (Options.Population), not land.
	ByPeople bool
	// Swaps made by the local improvement after the greedy choice.
	Swaps int
	// LowerBound is a lower bound on the number of sites any choice among
	// the candidates needs to cover what the chosen sites cover: that
	// objective divided by the largest single gain, rounded up.
	LowerBound int
}

// suggester holds the districts' frames and what the stations and the
// sites chosen so far cover.
type suggester struct {
	districts []District
	frames    []*frame
	radius    []float64
	ells      [][]ellipse // per district: disks of the stations and chosen sites
	unc       []float64   // per district: uncovered land now
	people    [][]int     // per district: uncovered population points now
	pop       *Population
	byPeople  bool
	// road: the districts under the road rules (nil without any); open:
	// which of its places are still uncovered.
	road *roadSites
	open []bool
	// sites: per distance district, the candidates added (gainAt, addAt).
	sites [][]int
}

// reaches says whether a site at p may cover part of distance district d
// (road districts are measured by roadSites).
func (s *suggester) reaches(d int, p orb.Point) bool {
	if s.districts[d].Rule.ByRoad() {
		return false
	}
	b := expand(s.frames[d].bound, s.radius[d])
	return b.Contains(p)
}

// gain is what adding a site at p covers now: land, and people.
func (s *suggester) gain(p orb.Point) (m2, ppl float64) {
	for d := range s.districts {
		if !s.reaches(d, p) {
			continue
		}
		f, r := s.frames[d], s.radius[d]
		if s.byPeople {
			for _, i := range s.people[d] {
				q := s.pop.points[i]
				if geodesy.Distance(p[0], p[1], q[0], q[1]) <= r {
					ppl += s.pop.counts[i]
				}
			}
			continue
		}
		e, _ := fitEllipse(f.proj, p[0], p[1], r)
		after := max(0, min(f.region.area, f.region.cut(append(s.ells[d][:len(s.ells[d]):len(s.ells[d])], e)).area))
		m2 += s.unc[d] - after
	}
	if s.road != nil {
		if w := s.road.gain(p, s.open); s.byPeople {
			ppl += w
		} else {
			m2 += w
		}
	}
	return max(0, m2), ppl
}

// gainAt is gain for candidate c, its cuts read through sc: the same
// figures, each list of sites cut once.
func (s *suggester) gainAt(sc *siteCuts, c int) (m2, ppl float64) {
	p := sc.cands[c]
	for d := range s.districts {
		if !s.reaches(d, p) {
			continue
		}
		if s.byPeople {
			r := s.radius[d]
			for _, i := range s.people[d] {
				q := s.pop.points[i]
				if geodesy.Distance(p[0], p[1], q[0], q[1]) <= r {
					ppl += s.pop.counts[i]
				}
			}
			continue
		}
		m2 += s.unc[d] - sc.uncovered(d, append(s.sites[d][:len(s.sites[d]):len(s.sites[d])], c))
	}
	if s.road != nil {
		if w := s.road.gain(p, s.open); s.byPeople {
			ppl += w
		} else {
			m2 += w
		}
	}
	return max(0, m2), ppl
}

// landGain fills a site's GainM2 when sites are chosen by people (gainAt
// then measures no land): the uncovered land before it, after the sites of
// res before it, less the land after it.
func (s *suggester) landGain(res *SuggestResult, site *Site) {
	if !s.byPeople {
		return
	}
	before := res.UncoveredM2
	if n := len(res.Sites); n > 0 {
		before = res.Sites[n-1].UncoveredM2
	}
	site.GainM2 = max(0, before-site.UncoveredM2)
}

// dropPeopleWithin forgets the uncovered people of district d within r
// metres (geodesic) of a new site at p.
func (s *suggester) dropPeopleWithin(d int, p orb.Point, r float64) {
	kept := s.people[d][:0]
	for _, i := range s.people[d] {
		q := s.pop.points[i]
		if geodesy.Distance(p[0], p[1], q[0], q[1]) > r {
			kept = append(kept, i)
		}
	}
	s.people[d] = kept
}

// coverRoadsFrom closes the road samples a new site at p covers and
// measures the road districts' uncovered land again.
func (s *suggester) coverRoadsFrom(p orb.Point) {
	if s.road == nil {
		return
	}
	for _, j := range s.road.covers(p) {
		s.open[j] = false
	}
	for d := range s.districts {
		if s.districts[d].Rule.ByRoad() && !s.byPeople {
			s.unc[d] = s.road.uncovered(s.open, d)
		}
	}
}

// knownAt says whether gainAt(sc, c) reads only cuts already measured.
func (s *suggester) knownAt(sc *siteCuts, c int) bool {
	for d := range s.districts {
		if !s.byPeople && s.reaches(d, sc.cands[c]) && !sc.known(d, append(s.sites[d][:len(s.sites[d]):len(s.sites[d])], c)) {
			return false
		}
	}
	return true
}

// addAt is add for candidate c, its cuts read through sc.
func (s *suggester) addAt(sc *siteCuts, c int) {
	p := sc.cands[c]
	for d := range s.districts {
		if !s.reaches(d, p) {
			continue
		}
		r := s.radius[d]
		s.sites[d] = append(s.sites[d], c)
		s.ells[d] = append(s.ells[d], sc.fit(d, c))
		s.unc[d] = sc.uncovered(d, s.sites[d])
		s.dropPeopleWithin(d, p, r)
	}
	s.coverRoadsFrom(p)
}

// firstBounds sets first[i] to candidate i's first gain, or with
// pending[i] to an upper bound on it: under the distance rules, land
// objective, the least of the district's uncovered land, the disk's area
// and the open cells the disk meets, with a margin well above the cut's
// rounding. s holds no sites yet.
func (s *suggester) firstBounds(ctx context.Context, sc *siteCuts, workers int, first []float64, pending []bool) error {
	if s.byPeople {
		_, err := eachIndex(ctx, len(first), workers, func(i int) error {
			_, first[i] = s.gainAt(sc, i)
			return nil
		})
		return err
	}
	// District by district, so that only a grid per worker is held: the
	// candidates that reach it, and their terms.
	reach := make([][]int, len(s.districts))
	for i, p := range sc.cands {
		for d := range s.districts {
			if s.reaches(d, p) {
				reach[d] = append(reach[d], i)
			}
		}
	}
	terms := make([][]float64, len(s.districts))
	if _, err := eachIndex(ctx, len(s.districts), workers, func(d int) error {
		if len(reach[d]) == 0 {
			return nil
		}
		cells := newOpenCells(s.frames[d].region, s.ells[d], s.radius[d])
		terms[d] = make([]float64, len(reach[d]))
		for k, i := range reach[d] {
			e := sc.fit(d, i)
			area := math.Pi * e.a * e.b
			terms[d][k] = min(s.unc[d], area, cells.within(e.cx, e.cy, max(e.a, e.b))) + 1e-4*(area+s.unc[d]) + 1
		}
		return nil
	}); err != nil {
		return err
	}
	clear(first)
	for d := range s.districts {
		for k, i := range reach[d] {
			first[i] += terms[d][k]
		}
	}
	_, err := eachIndex(ctx, len(first), workers, func(i int) error {
		if s.road != nil {
			first[i] += s.road.gain(sc.cands[i], s.open)
		}
		pending[i] = first[i] > 0
		return nil
	})
	return err
}

// clone is an independent copy of the siting state (the frames, the
// population and the road districts' covers are shared, unchanged).
func (s *suggester) clone() *suggester {
	t := *s
	t.ells, t.people, t.sites = make([][]ellipse, len(s.ells)), make([][]int, len(s.people)), make([][]int, len(s.districts))
	for d := range s.ells {
		t.ells[d] = slices.Clone(s.ells[d])
		t.people[d] = slices.Clone(s.people[d])
		if d < len(s.sites) {
			t.sites[d] = slices.Clone(s.sites[d])
		}
	}
	t.unc, t.open = slices.Clone(s.unc), slices.Clone(s.open)
	return &t
}

// add makes a site at p part of the coverage.
func (s *suggester) add(p orb.Point) {
	for d := range s.districts {
		if !s.reaches(d, p) {
			continue
		}
		f, r := s.frames[d], s.radius[d]
		e, _ := fitEllipse(f.proj, p[0], p[1], r)
		s.ells[d] = append(s.ells[d], e)
		s.unc[d] = max(0, min(f.region.area, f.region.cut(s.ells[d]).area))
		s.dropPeopleWithin(d, p, r)
	}
	s.coverRoadsFrom(p)
}

func (s *suggester) totals() (m2, ppl float64) {
	for d := range s.districts {
		if s.districts[d].Rule.ByRoad() && s.byPeople {
			ppl += s.road.uncovered(s.open, d)
			continue
		}
		m2 += s.unc[d]
		if s.pop != nil {
			for _, i := range s.people[d] {
				ppl += s.pop.counts[i]
			}
		}
	}
	return m2, ppl
}

// newSuggester sets up the siting state; road, when not nil, is the road
// districts' state of an earlier suggester of the same stations (its
// candidates' covers are kept).
func newSuggester(districts []District, ix *Index, opts Options, road *roadSites) (*suggester, error) {
	s := &suggester{districts: districts, pop: opts.Population, byPeople: opts.Population != nil && opts.Population.grid == nil,
		frames: make([]*frame, len(districts)), radius: make([]float64, len(districts)),
		ells: make([][]ellipse, len(districts)), unc: make([]float64, len(districts)), people: make([][]int, len(districts)), sites: make([][]int, len(districts))}
	fs := newFrameSet()
	for d := range districts {
		if err := districts[d].Rule.Validate(); err != nil {
			return nil, err
		}
		f, err := newFrame(districts[d].Geometry, fs)
		if err != nil {
			return nil, err
		}
		r := districts[d].Rule.RadiusMeters()
		s.frames[d], s.radius[d] = f, r
		if districts[d].Rule.ByRoad() {
			if opts.RoadsFor == nil || opts.roadField(districts[d].Rule) == nil {
				return nil, fmt.Errorf("district %d (%s): siting under the %s rule needs Options.Roads and Options.RoadsFor: %w", d, districts[d].Name, districts[d].Rule.Kind, ErrBadRule)
			}
			continue
		}
		s.ells[d], _ = f.ellipses(ix, ix.Near(f.bound, r), r)
		s.unc[d] = max(0, min(f.region.area, f.region.cut(s.ells[d]).area))
		if s.pop != nil {
			f.eachPoint(s.pop, func(i int, _, _ float64) {
				if _, dist := ix.Nearest(s.pop.points[i]); dist > r {
					s.people[d] = append(s.people[d], i)
				}
			})
		}
	}
	for d := range districts {
		if districts[d].Rule.ByRoad() {
			if s.road == nil {
				if s.road = road; road == nil {
					s.road = newRoadSites(s, opts)
				}
				s.open = slices.Clone(s.road.uncov)
			}
			if !s.byPeople {
				s.unc[d] = s.road.uncovered(s.open, d)
			}
		}
	}
	return s, nil
}

// Suggest chooses station sites among candidates ({lon, lat}) that cover
// the most uncovered people (with opts.Population) or land, under each
// district's rule: add sites, or with untilCovered as many as it takes
// (stopping when no candidate covers anything more; the caller checks the
// pass rule).
//
// The choice is greedy with lazy evaluation (covered land and people are
// monotone submodular in the set of sites, so a candidate's gain only
// shrinks as sites are added, and the greedy choice of N sites covers at
// least 1 - 1/e of what the best N could: Nemhauser, Wolsey and Fisher
// 1978), then improved by swapping a chosen site for one of the 30 best
// other candidates while that covers more (fixed-N runs only). For
// untilCovered the greedy is within 1 + ln n of the fewest sites (n the
// number of people, or of square metres), and LowerBound says how few could
// possibly do.
func Suggest(ctx context.Context, districts []District, ix *Index, cands []orb.Point, add int, untilCovered bool, opts Options) (*SuggestResult, error) {
	s, err := newSuggester(districts, ix, opts, nil)
	if err != nil {
		return nil, err
	}
	// Every cut of a district with a list of sites is measured once (sc),
	// and start keeps the state before any site for the swaps.
	sc := newSiteCuts(s, cands)
	start := s.clone()
	res := &SuggestResult{ByPeople: s.byPeople}
	res.UncoveredM2, res.UncoveredPeople = s.totals()
	value := func(m2, ppl float64) float64 {
		if s.byPeople {
			return ppl
		}
		return m2
	}
	// Under the road rules each candidate's cover takes a network search:
	// they run on every worker first.
	workers := opts.withDefaults().Workers
	if s.road != nil {
		if _, err := eachIndex(ctx, len(cands), workers, func(i int) error { s.road.covers(cands[i]); return nil }); err != nil {
			return nil, err
		}
	}
	// Lazy greedy: bounds start at the first gains, pushed in candidate
	// order so that the choice does not depend on the workers. A first
	// gain is measured only when the choice needs it: until then the heap
	// holds a bound above it (pending), which is cheap (see openCells);
	// the heap's top is always made exact before it counts, so the choice
	// is the one of measuring every first gain.
	first := make([]float64, len(cands))
	pending := make([]bool, len(cands))
	h := &gainHeap{}
	if err := start.firstBounds(ctx, sc, workers, first, pending); err != nil {
		return nil, err
	}
	for i := range cands {
		if first[i] > 0 {
			heap.Push(h, gainItem{i: i, bound: first[i], pending: pending[i]})
		}
	}
	// resolve measures the first gains of the pending items at the top of
	// h whose bound is above floor, on every worker: all at once above a
	// finite floor (each is needed), a few at a time until the top is
	// exact without one.
	resolve := func(h *gainHeap, floor float64) error {
		most := len(cands)
		if math.IsInf(floor, -1) {
			most = 2 * workers
		}
		for h.Len() > 0 && (*h)[0].pending && (*h)[0].bound > floor {
			var batch []int
			for h.Len() > 0 && (*h)[0].pending && (*h)[0].bound > floor && len(batch) < most {
				batch = append(batch, heap.Pop(h).(gainItem).i)
			}
			if _, err := eachIndex(ctx, len(batch), workers, func(k int) error {
				first[batch[k]] = value(start.gainAt(sc, batch[k]))
				return nil
			}); err != nil {
				return err
			}
			for _, i := range batch {
				if pending[i] = false; first[i] > 0 {
					heap.Push(h, gainItem{i: i, bound: first[i]})
				}
			}
		}
		return nil
	}
	limit := add
	if untilCovered {
		limit = len(cands)
	}
	for len(res.Sites) < limit {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := resolve(h, math.Inf(-1)); err != nil {
			return nil, err
		}
		if h.Len() == 0 {
			break
		}
		if !s.byPeople && workers > 1 {
			// The gains the next pops may ask for, on every worker: the
			// memo keeps them for the checks below.
			var next []gainItem
			for h.Len() > 0 && len(next) < workers {
				next = append(next, heap.Pop(h).(gainItem))
			}
			for _, it := range next {
				heap.Push(h, it)
			}
			if !s.knownAt(sc, next[0].i) {
				eachIndex(ctx, len(next), workers, func(i int) error {
					if !next[i].pending {
						s.gainAt(sc, next[i].i)
					}
					return nil
				})
			}
		}
		top := heap.Pop(h).(gainItem)
		m2, ppl := s.gainAt(sc, top.i)
		g := value(m2, ppl)
		// Only a bound above g can stop the choice: those are made exact.
		if err := resolve(h, g); err != nil {
			return nil, err
		}
		if h.Len() > 0 && !(*h)[0].pending && g < (*h)[0].bound {
			if g > 0 {
				heap.Push(h, gainItem{i: top.i, bound: g})
			}
			continue
		}
		if g <= 0 {
			break
		}
		s.addAt(sc, top.i)
		site := Site{Candidate: top.i, Point: cands[top.i], GainM2: m2, GainPeople: ppl}
		site.UncoveredM2, site.UncoveredPeople = s.totals()
		s.landGain(res, &site)
		res.Sites = append(res.Sites, site)
	}
	// ranked returns the n candidates (not in skip) of the largest first
	// gains, ties to the lower index, measuring the pending ones needed.
	ranked := func(n int, skip map[int]bool) ([]int, error) {
		r := &gainHeap{}
		for i := range cands {
			if !skip[i] && first[i] > 0 {
				*r = append(*r, gainItem{i: i, bound: first[i], pending: pending[i]})
			}
		}
		heap.Init(r)
		var out []int
		for len(out) < n {
			if err := resolve(r, math.Inf(-1)); err != nil {
				return nil, err
			}
			if r.Len() == 0 {
				break
			}
			out = append(out, heap.Pop(r).(gainItem).i)
		}
		return out, nil
	}
	if !untilCovered && len(res.Sites) > 1 {
		chosen := map[int]bool{}
		for _, st := range res.Sites {
			chosen[st.Candidate] = true
		}
		pool, err := ranked(30, chosen)
		if err != nil {
			return nil, err
		}
		res.Swaps = improve(ctx, districts, cands, pool, res, value, start, sc, workers)
	}
	best := 0.0
	if len(res.Sites) > 0 {
		top, err := ranked(1, nil)
		if err != nil {
			return nil, err
		}
		if len(top) > 0 {
			best = first[top[0]]
		}
	}
	if n := len(res.Sites); n > 0 && best > 0 {
		last := res.Sites[n-1]
		covered := value(res.UncoveredM2-last.UncoveredM2, res.UncoveredPeople-last.UncoveredPeople)
		res.LowerBound = int(math.Ceil(covered/best - 1e-9))
	}
	return res, nil
}

// improve swaps a chosen site for one of pool (the 30 best other
// candidates by first gain, best first) while the set covers more; a swap changes only the districts
// the two sites reach, which alone are measured again. It re-ranks the
// final set greedily for the cumulative figures and returns the number of
// swaps. base is the state before any site; the trials of one chosen site
// are cut on every worker ahead of the scan that accepts them in order.
func improve(ctx context.Context, districts []District, cands []orb.Point, pool []int, res *SuggestResult, value func(m2, ppl float64) float64, base *suggester, sc *siteCuts, workers int) int {
	set := make([]int, len(res.Sites))
	in := map[int]bool{}
	for i, st := range res.Sites {
		set[i] = st.Candidate
		in[st.Candidate] = true
	}
	// The sites of set that reach land district d, in set's order.
	landList := func(d int, set []int) []int {
		var list []int
		for _, c := range set {
			if base.reaches(d, cands[c]) {
				list = append(list, c)
			}
		}
		return list
	}
	// What the sites of set cover in district d, beyond the stations.
	covered := func(d int, set []int) float64 {
		r := base.radius[d]
		if districts[d].Rule.ByRoad() {
			pts := make([]orb.Point, len(set))
			for i, c := range set {
				pts[i] = cands[c]
			}
			return base.road.coveredBy(d, pts)
		}
		if base.byPeople {
			ppl := 0.0
			for _, i := range base.people[d] {
				q := base.pop.points[i]
				for _, c := range set {
					if p := cands[c]; base.reaches(d, p) && geodesy.Distance(p[0], p[1], q[0], q[1]) <= r {
						ppl += base.pop.counts[i]
						break
					}
				}
			}
			return ppl
		}
		return base.unc[d] - sc.uncovered(d, landList(d, set))
	}
	reach := func(c int) []int {
		var out []int
		for d := range districts {
			if base.reaches(d, cands[c]) {
				out = append(out, d)
			}
		}
		if base.road != nil {
			out = append(out, base.road.reaches(cands[c])...)
		}
		return out
	}
	// affected are the districts a swap of set[k] for q changes, in order.
	affected := func(k, q int) []int {
		ds := append(reach(set[k]), reach(q)...)
		slices.Sort(ds)
		return slices.Compact(ds)
	}
	// prefetch cuts the land districts of the trials of set[k] against
	// pool[from:] on every worker (the scan below then reads them).
	prefetch := func(k, from int) {
		if base.byPeople {
			return
		}
		type job struct {
			d    int
			list []int
		}
		var jobs []job
		seen := map[string]bool{}
		for _, q := range pool[from:] {
			if in[q] {
				continue
			}
			trial := append([]int{}, set...)
			trial[k] = q
			for _, d := range affected(k, q) {
				if districts[d].Rule.ByRoad() {
					continue
				}
				list := landList(d, trial)
				if key := cutKey(d, list); !seen[key] && !sc.known(d, list) {
					seen[key] = true
					jobs = append(jobs, job{d, list})
				}
			}
		}
		if len(jobs) > 1 {
			eachIndex(ctx, len(jobs), workers, func(i int) error { sc.uncovered(jobs[i].d, jobs[i].list); return nil })
		}
	}
	cur := make([]float64, len(districts))
	for d := range districts {
		cur[d] = covered(d, set)
	}
	swaps := 0
	for pass := 0; pass < 2; pass++ {
		improved := false
		for k := range set {
			prefetch(k, 0)
			for qi, q := range pool {
				if in[q] || ctx.Err() != nil {
					continue
				}
				trial := append([]int{}, set...)
				trial[k] = q
				delta, next := 0.0, map[int]float64{}
				for _, d := range affected(k, q) {
					next[d] = covered(d, trial)
					delta += next[d] - cur[d]
				}
				if delta > 1e-6 {
					in[set[k]], in[q] = false, true
					set = trial
					for d, v := range next {
						cur[d] = v
					}
					swaps++
					improved = true
					prefetch(k, qi+1)
				}
			}
		}
		if !improved {
			break
		}
	}
	if swaps == 0 {
		return 0
	}
	// Rank the final set greedily again, for the cumulative figures.
	s := base.clone()
	left := append([]int{}, set...)
	res.Sites = res.Sites[:0]
	for len(left) > 0 {
		bi, bv, bm, bp := 0, -1.0, 0.0, 0.0
		for i, c := range left {
			m2, ppl := s.gainAt(sc, c)
			if v := value(m2, ppl); v > bv {
				bi, bv, bm, bp = i, v, m2, ppl
			}
		}
		c := left[bi]
		s.addAt(sc, c)
		site := Site{Candidate: c, Point: cands[c], GainM2: bm, GainPeople: bp}
		site.UncoveredM2, site.UncoveredPeople = s.totals()
		s.landGain(res, &site)
		res.Sites = append(res.Sites, site)
		left = append(left[:bi], left[bi+1:]...)
	}
	return swaps
}

type gainItem struct {
	i     int
	bound float64
	// pending: bound is an upper bound on the first gain, not yet measured.
	pending bool
}

// gainHeap is a max-heap of candidates by their bound, ties to the lower
// index (so the choice does not depend on the heap's history).
type gainHeap []gainItem

func (h gainHeap) Len() int { return len(h) }
func (h gainHeap) Less(a, b int) bool {
	return h[a].bound > h[b].bound || h[a].bound == h[b].bound && h[a].i < h[b].i
}
func (h gainHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *gainHeap) Push(x any)   { *h = append(*h, x.(gainItem)) }
func (h *gainHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// GapCandidates generates candidate sites when the planner gives none: the
// centres of a grid of cells of side spacing metres over every gap, kept
// where they fall in the gap, and every gap's farthest place. Evaluate
// with GapPolygons supplies the gaps.
func GapCandidates(results []Result, spacingM float64) []orb.Point {
	var out []orb.Point
	for _, r := range results {
		for _, g := range r.Gaps {
			if g.Worst != nil && g.Worst.Station >= 0 {
				out = append(out, g.Worst.Point)
			}
			if len(g.Polygon) == 0 {
				continue
			}
			b := g.Polygon.Bound()
			lat0 := (b.Min[1] + b.Max[1]) / 2
			dLat := spacingM / cplanar.MetresPerDeg
			dLon := spacingM / (cplanar.MetresPerDeg * math.Max(0.05, math.Cos(lat0*math.Pi/180)))
			for y := b.Min[1] + dLat/2; y < b.Max[1]; y += dLat {
				for x := b.Min[0] + dLon/2; x < b.Max[0]; x += dLon {
					if planar.PolygonContains(g.Polygon, orb.Point{x, y}) {
						out = append(out, orb.Point{x, y})
					}
				}
			}
		}
	}
	return out
}

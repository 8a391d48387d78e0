package coverage

import (
	"cmp"
	"container/heap"
	"context"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// referenceSuggest is Suggest as it was before the cuts were memoized and
// the first gains bounded: every first gain measured, every cut done
// again (the swaps' districts summed in order). Suggest must choose the
// same sites with the same figures.
func referenceSuggest(ctx context.Context, districts []District, ix *Index, cands []orb.Point, add int, untilCovered bool, opts Options) (*SuggestResult, error) {
	s, err := newSuggester(districts, ix, opts, nil)
	if err != nil {
		return nil, err
	}
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
	// Lazy greedy: bounds start at the first gains, measured on every
	// worker (gain reads the suggester and changes nothing), then pushed in
	// candidate order so that the choice does not depend on the workers.
	h := &gainHeap{}
	first := make([]float64, len(cands))
	if _, err := eachIndex(ctx, len(cands), workers, func(i int) error { first[i] = value(s.gain(cands[i])); return nil }); err != nil {
		return nil, err
	}
	for i := range cands {
		if first[i] > 0 {
			heap.Push(h, gainItem{i: i, bound: first[i]})
		}
	}
	limit := add
	if untilCovered {
		limit = len(cands)
	}
	chosen := map[int]bool{}
	for len(res.Sites) < limit && h.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		top := heap.Pop(h).(gainItem)
		m2, ppl := s.gain(cands[top.i])
		g := value(m2, ppl)
		if h.Len() > 0 && g < (*h)[0].bound {
			if g > 0 {
				heap.Push(h, gainItem{i: top.i, bound: g})
			}
			continue
		}
		if g <= 0 {
			break
		}
		s.add(cands[top.i])
		chosen[top.i] = true
		site := Site{Candidate: top.i, Point: cands[top.i], GainM2: m2, GainPeople: ppl}
		site.UncoveredM2, site.UncoveredPeople = s.totals()
		s.landGain(res, &site) // by people: the land from the totals (TestSuggestAgainstExhaustive)
		res.Sites = append(res.Sites, site)
	}
	if !untilCovered && len(res.Sites) > 1 {
		res.Swaps = referenceImprove(ctx, districts, ix, cands, first, res, opts, value, s.road)
	}
	best := 0.0
	for _, f := range first {
		best = math.Max(best, f)
	}
	if n := len(res.Sites); n > 0 && best > 0 {
		last := res.Sites[n-1]
		covered := value(res.UncoveredM2-last.UncoveredM2, res.UncoveredPeople-last.UncoveredPeople)
		res.LowerBound = int(math.Ceil(covered/best - 1e-9))
	}
	return res, nil
}

// improve swaps a chosen site for one of the 30 best other candidates by
// first gain while the set covers more; a swap changes only the districts
// the two sites reach, which alone are measured again. It re-ranks the
// final set greedily for the cumulative figures and returns the number of
// swaps.
func referenceImprove(ctx context.Context, districts []District, ix *Index, cands []orb.Point, first []float64, res *SuggestResult, opts Options, value func(m2, ppl float64) float64, road *roadSites) int {
	base, err := newSuggester(districts, ix, opts, road)
	if err != nil {
		return 0
	}
	set := make([]int, len(res.Sites))
	in := map[int]bool{}
	for i, st := range res.Sites {
		set[i] = st.Candidate
		in[st.Candidate] = true
	}
	var pool []int
	for i := range cands {
		if !in[i] && first[i] > 0 {
			pool = append(pool, i)
		}
	}
	slices.SortStableFunc(pool, func(a, b int) int { return cmp.Compare(first[b], first[a]) })
	pool = pool[:min(len(pool), 30)]
	// What the sites of set cover in district d, beyond the stations.
	fits := map[[2]int]ellipse{}
	covered := func(d int, set []int) float64 {
		f, r := base.frames[d], base.radius[d]
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
		ells := append([]ellipse{}, base.ells[d]...)
		for _, c := range set {
			if !base.reaches(d, cands[c]) {
				continue
			}
			e, ok := fits[[2]int{c, d}]
			if !ok {
				e, _ = fitEllipse(f.proj, cands[c][0], cands[c][1], r)
				fits[[2]int{c, d}] = e
			}
			ells = append(ells, e)
		}
		return base.unc[d] - max(0, min(f.region.area, f.region.cut(ells).area))
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
	cur := make([]float64, len(districts))
	for d := range districts {
		cur[d] = covered(d, set)
	}
	swaps := 0
	for pass := 0; pass < 2; pass++ {
		improved := false
		for k := range set {
			for _, q := range pool {
				if in[q] || ctx.Err() != nil {
					continue
				}
				trial := append([]int{}, set...)
				trial[k] = q
				affected := map[int]bool{}
				for _, d := range append(reach(set[k]), reach(q)...) {
					affected[d] = true
				}
				delta, next := 0.0, map[int]float64{}
				ds := slices.Sorted(maps.Keys(affected))
				for _, d := range ds {
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
	s, _ := newSuggester(districts, ix, opts, road)
	left := append([]int{}, set...)
	res.Sites = res.Sites[:0]
	for len(left) > 0 {
		bi, bv, bm, bp := 0, -1.0, 0.0, 0.0
		for i, c := range left {
			m2, ppl := s.gain(cands[c])
			if v := value(m2, ppl); v > bv {
				bi, bv, bm, bp = i, v, m2, ppl
			}
		}
		c := left[bi]
		s.add(cands[c])
		site := Site{Candidate: c, Point: cands[c], GainM2: bm, GainPeople: bp}
		site.UncoveredM2, site.UncoveredPeople = s.totals()
		s.landGain(res, &site) // by people: the land from the totals (TestSuggestAgainstExhaustive)
		res.Sites = append(res.Sites, site)
		left = append(left[:bi], left[bi+1:]...)
	}
	return swaps
}

// TestSuggestMatchesReference: Suggest (memoized cuts, bounded first
// gains, cuts on every worker) gives the result of the plain lazy greedy,
// to the last bit, for land and people, fixed N and until covered, with
// repeated candidates whose gains tie exactly.
func TestSuggestMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 33))
	p := geodesy.NewLAEA(11, 45)
	at := func(x, y float64) orb.Point { lon, lat := p.Inverse(x, y); return orb.Point{lon, lat} }
	swaps := 0
	for trial := range 6 {
		ds, ix := synthCity(t, 3, 12+trial*4, 4)
		var cands []orb.Point
		for range 40 {
			cands = append(cands, at((rng.Float64()-0.5)*12000, (rng.Float64()-0.5)*12000))
		}
		// Ties: the same place twice, and a grid whose disks are whole.
		cands = append(cands, cands[3], cands[7])
		for x := -4000.0; x <= 4000; x += 2000 {
			cands = append(cands, at(x, 5000))
		}
		var pop *Population
		if trial%3 == 2 {
			var pts []orb.Point
			var n []float64
			for range 300 {
				pts = append(pts, at((rng.Float64()-0.5)*12000, (rng.Float64()-0.5)*12000))
				n = append(n, float64(1+rng.IntN(40)))
			}
			pop = NewPopulation(pts, n)
		}
		for _, until := range []bool{false, true} {
			for _, workers := range []int{1, 2, 4} {
				opts := Options{Population: pop, Workers: workers}
				want, err := referenceSuggest(context.Background(), ds, ix, cands, 2+trial, until, opts)
				if err != nil {
					t.Fatal(err)
				}
				got, err := Suggest(context.Background(), ds, ix, cands, 2+trial, until, opts)
				if err != nil {
					t.Fatal(err)
				}
				swaps += want.Swaps
				if !reflect.DeepEqual(got, want) {
					t.Errorf("trial %d, until covered %v, %d workers:\n got %+v\nwant %+v", trial, until, workers, got, want)
				}
			}
		}
	}
	t.Logf("swaps made by the reference: %d", swaps)
}

// TestFirstBoundsAboveGains: the bounds the lazy greedy starts from are
// never below the first gains they stand for.
func TestFirstBoundsAboveGains(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 34))
	p := geodesy.NewLAEA(11, 45)
	ds, ix := synthCity(t, 4, 60, 3)
	var cands []orb.Point
	for range 300 {
		lon, lat := p.Inverse((rng.Float64()-0.5)*14000, (rng.Float64()-0.5)*14000)
		cands = append(cands, orb.Point{lon, lat})
	}
	s, err := newSuggester(ds, ix, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := newSiteCuts(s, cands)
	ub, pending := make([]float64, len(cands)), make([]bool, len(cands))
	if err := s.firstBounds(context.Background(), sc, 2, ub, pending); err != nil {
		t.Fatal(err)
	}
	tight := 0.0
	for i := range cands {
		g, _ := s.gain(cands[i])
		if g > ub[i] || g > 0 && !pending[i] {
			t.Fatalf("candidate %d: first gain %.6f, bound %.6f (pending %v)", i, g, ub[i], pending[i])
		}
		if g > 1e6 {
			tight = max(tight, ub[i]/g)
		}
	}
	t.Logf("largest bound over gain above 1 km²: %.3f", tight)
}

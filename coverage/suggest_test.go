package coverage

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// TestSuggestAgainstExhaustive: on small cities, N sites chosen by Suggest
// cover at least 1 - 1/e of what the best N among the candidates cover (by
// trying every set), for land and for people; and the figures it reports
// are what the sites really cover.
func TestSuggestAgainstExhaustive(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 21))
	p := geodesy.NewLAEA(11, 45)
	at := func(x, y float64) orb.Point { lon, lat := p.Inverse(x, y); return orb.Point{lon, lat} }
	worst := 1.0
	for trial := range 4 {
		ds, ix := synthCity(t, 2, 6, 5)
		var cands []orb.Point
		for range 9 {
			cands = append(cands, at((rng.Float64()-0.5)*10000, (rng.Float64()-0.5)*10000))
		}
		var pop *Population
		if trial%2 == 1 {
			var pts []orb.Point
			var n []float64
			for range 200 {
				pts = append(pts, at((rng.Float64()-0.5)*10000, (rng.Float64()-0.5)*10000))
				n = append(n, float64(1+rng.IntN(50)))
			}
			pop = NewPopulation(pts, n)
		}
		opts := Options{Population: pop}
		const k = 3
		res, err := Suggest(context.Background(), ds, ix, cands, k, false, opts)
		if err != nil {
			t.Fatal(err)
		}
		// What a set covers, from scratch.
		covers := func(set []int) float64 {
			s, _ := newSuggester(ds, ix, opts, nil)
			b0, p0 := s.totals()
			for _, c := range set {
				s.add(cands[c])
			}
			b1, p1 := s.totals()
			if pop != nil {
				return p0 - p1
			}
			return b0 - b1
		}
		best := 0.0
		for a := range cands {
			for b := a + 1; b < len(cands); b++ {
				for c := b + 1; c < len(cands); c++ {
					best = math.Max(best, covers([]int{a, b, c}))
				}
			}
		}
		var set []int
		for _, s := range res.Sites {
			set = append(set, s.Candidate)
		}
		got := covers(set)
		last := res.Sites[len(res.Sites)-1]
		claimed := res.UncoveredM2 - last.UncoveredM2
		if pop != nil {
			claimed = res.UncoveredPeople - last.UncoveredPeople
		}
		if math.Abs(got-claimed) > 1e-6*math.Max(1, got) {
			t.Errorf("trial %d: the sites cover %.3f, Suggest says %.3f", trial, got, claimed)
		}
		// Each site's land, by people as by land: the drop it makes in
		// the uncovered land after the sites before it.
		before, landSum := res.UncoveredM2, 0.0
		for i, st := range res.Sites {
			if drop := before - st.UncoveredM2; math.Abs(st.GainM2-drop) > 1e-6*math.Max(1, drop) {
				t.Errorf("trial %d site %d: covers %.3f m2 of land, the uncovered land falls by %.3f", trial, i, st.GainM2, drop)
			}
			before, landSum = st.UncoveredM2, landSum+st.GainM2
		}
		if landSum <= 0 {
			t.Errorf("trial %d: the sites cover no land: the test compares nothing", trial)
		}
		if best > 0 {
			worst = math.Min(worst, got/best)
		}
		if got < (1-1/math.E)*best {
			t.Errorf("trial %d: %d sites cover %.1f, the best %d cover %.1f: below 1 - 1/e", trial, k, got, k, best)
		}
	}
	t.Logf("worst ratio to the exhaustive optimum over the trials: %.4f (guarantee 0.6321)", worst)
}

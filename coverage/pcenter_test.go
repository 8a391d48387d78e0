package coverage

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// TestPCenterAgainstExhaustive: on small cities, under the radius rule and
// with a district under the speed rule, the value PCenter reports is what
// its sites give (measured again from scratch), its lower bound is at most
// the best value of every set of N candidates (found by trying them all),
// and that best is at most PCenter's value.
func TestPCenterAgainstExhaustive(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 33))
	p := geodesy.NewLAEA(11, 45)
	at := func(x, y float64) orb.Point { lon, lat := p.Inverse(x, y); return orb.Point{lon, lat} }
	var sumGap, sumOpt, worstOpt float64
	trials := 0
	for trial := range 6 {
		ds, ix := synthCity(t, 2, 6, 5)
		if trial%2 == 1 {
			ds[0].Rule = Rule{Kind: KindSpeed, TimeS: 600, SpeedMS: 40 / 3.6, Detour: 1.3}
		}
		var cands []orb.Point
		for range 9 {
			cands = append(cands, at((rng.Float64()-0.5)*10000, (rng.Float64()-0.5)*10000))
		}
		for _, k := range []int{1, 2, 3} {
			res, err := PCenter(context.Background(), ds, ix, cands, k, Options{})
			if err != nil {
				t.Fatal(err)
			}
			pc, err := newPCenter(context.Background(), ds, ix, cands, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := pc.value(res.Sites); math.Abs(got-res.Value) > 1e-9*got {
				t.Errorf("trial %d, N=%d: the sites %v give %.9f, PCenter says %.9f", trial, k, res.Sites, got, res.Value)
			}
			if got := pc.value(nil); math.Abs(got-res.Start) > 1e-9*got {
				t.Errorf("trial %d, N=%d: the stations give %.9f, PCenter's start is %.9f", trial, k, got, res.Start)
			}
			best := math.Inf(1)
			var set []int
			var rec func(from int)
			rec = func(from int) {
				if len(set) == k {
					best = min(best, pc.value(set))
					return
				}
				for c := from; c < len(cands); c++ {
					set = append(set, c)
					rec(c + 1)
					set = set[:len(set)-1]
				}
			}
			rec(0)
			if res.LowerBound > best*(1+1e-12) {
				t.Errorf("trial %d, N=%d: lower bound %.6f above the exhaustive optimum %.6f", trial, k, res.LowerBound, best)
			}
			if best > res.Value*(1+1e-12) {
				t.Errorf("trial %d, N=%d: exhaustive optimum %.6f above PCenter's value %.6f", trial, k, best, res.Value)
			}
			if res.LowerBound <= 0 || res.LowerBound > res.Value {
				t.Errorf("trial %d, N=%d: lower bound %.6f, value %.6f", trial, k, res.LowerBound, res.Value)
			}
			if len(res.Witnesses) == 0 {
				t.Errorf("trial %d, N=%d: no witness places for the bound", trial, k)
			}
			sumGap += res.Gap()
			sumOpt += res.Value / best
			worstOpt = max(worstOpt, res.Value/best)
			trials++
		}
	}
	t.Logf("over %d runs: value / exhaustive optimum %.6f on average, %.6f at worst; mean gap to the lower bound %.1f%%", trials, sumOpt/float64(trials), worstOpt, 100*sumGap/float64(trials))
}

// TestPCenterValueIsTheFarthestPlace: the value of a set of sites is the
// largest distance from a place of the districts to a station or site: no
// place of a dense grid is farther, and one comes within the grid's
// half-diagonal of it.
func TestPCenterValueIsTheFarthestPlace(t *testing.T) {
	ds, ix := synthCity(t, 2, 6, 5)
	p := geodesy.NewLAEA(11, 45)
	at := func(x, y float64) orb.Point { lon, lat := p.Inverse(x, y); return orb.Point{lon, lat} }
	cands := []orb.Point{at(-2500, -2500), at(2500, 2500), at(-2500, 2500)}
	pc, err := newPCenter(context.Background(), ds, ix, cands, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sites := []int{0, 2}
	all := append([]Station{}, ix.Stations()...)
	for _, s := range sites {
		all = append(all, Station{Point: cands[s]})
	}
	withSites := NewIndex(all)
	for d := range ds {
		v, _ := pc.eval(d, sites)
		vm := v * limitOf(ds[d].Rule)
		const step = 50.0
		far := 0.0
		for y := -5000.0; y <= 5000; y += step {
			for x := -5000.0; x <= 5000; x += step {
				q := at(x, y)
				if !planar.MultiPolygonContains(ds[d].Geometry, q) {
					continue
				}
				_, dist := withSites.Nearest(q)
				far = max(far, dist)
			}
		}
		if far > vm*(1+1e-9) {
			t.Errorf("district %d: a grid place is %.3f m from every station, the value says %.3f m", d, far, vm)
		}
		if far < vm-step*math.Sqrt2 {
			t.Errorf("district %d: the grid's farthest place is %.3f m, the value %.3f m: more than a cell apart", d, far, vm)
		}
	}
}

// BenchmarkPCenter places 5 sites among 10,000 random candidates in the
// city of BenchmarkSuggest (289 districts of 9 km, 5,000 stations).
func BenchmarkPCenter(b *testing.B) {
	ds, ix := synthCity(b, 17, 5000, 9)
	rng := rand.New(rand.NewPCG(benchSeed(b), 23))
	p := geodesy.NewLAEA(11, 45)
	cands := make([]orb.Point, 10000)
	for i := range cands {
		lon, lat := p.Inverse((rng.Float64()-0.5)*153e3, (rng.Float64()-0.5)*153e3)
		cands[i] = orb.Point{lon, lat}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var r *PCenterResult
	var err error
	for range b.N {
		if r, err = PCenter(context.Background(), ds, ix, cands, 5, Options{}); err != nil || len(r.Sites) != 5 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(r.Gap()*100, "gap%")
	b.ReportMetric(r.Start/r.Value, "start/value")
}

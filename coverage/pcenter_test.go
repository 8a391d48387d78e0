package coverage

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/covaudit/covaudit/roads"
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

// TestPCenterRoadAgainstExhaustive: under a road-time rule on a grid of
// footways, the value of a set of sites is the largest time at the sample
// places as one search from the stations and sites together finds it, and
// the value, the lower bound and the exhaustive optimum are ordered.
func TestPCenterRoadAgainstExhaustive(t *testing.T) {
	lon0, lat0 := -3.0, 40.0
	pos := map[int64][2]float64{}
	id := func(i, j int) int64 { return int64(i*100 + j + 1000) }
	for i := -5; i <= 5; i++ {
		for j := -5; j <= 5; j++ {
			lon, lat := lon0, lat0
			if j != 0 {
				lon, lat = geodesy.Direct(lon, lat, 0, float64(j)*400)
			}
			if i != 0 {
				lon, lat = geodesy.Direct(lon, lat, 90, float64(i)*400)
			}
			pos[id(i, j)] = [2]float64{lon, lat}
		}
	}
	b := roads.NewBuilder(roads.Foot())
	w := int64(1)
	for k := -5; k <= 5; k++ {
		var row, col []int64
		for m := -5; m <= 5; m++ {
			row = append(row, id(m, k))
			col = append(col, id(k, m))
		}
		for _, nodes := range [][]int64{row, col} {
			b.AddWay(w, nodes, func(k string) string { return map[string]string{"highway": "footway"}[k] })
			w++
		}
	}
	for nid, ll := range pos {
		b.SetNode(nid, ll[0], ll[1])
	}
	net, _ := b.Build()
	acc := roads.Access{SpeedMS: 5 / 3.6, CapM: 150}
	fieldOf := func(sts []Station) *roads.Field {
		p := make([][2]float64, len(sts))
		for i, s := range sts {
			p[i] = [2]float64{s.Point[0], s.Point[1]}
		}
		return roads.NewField(net, p, acc, roads.ToStation)
	}
	stations := []Station{{Point: orb.Point(pos[id(-5, -5)])}}
	ix := NewIndex(stations)
	d := []District{{Name: "grid", Geometry: lonLatBox(lon0, lat0, 1800), Rule: Rule{Kind: KindRoadTime, TimeS: 900}}}
	opts := Options{Roads: []*roads.Field{fieldOf(stations)}, RoadsFor: func(_ int, sts []Station) *roads.Field { return fieldOf(sts) }}
	var cands []orb.Point
	for _, ij := range [][2]int{{0, 0}, {3, 3}, {-3, 3}, {3, -3}, {5, 5}, {0, 4}, {-4, 0}} {
		cands = append(cands, orb.Point(pos[id(ij[0], ij[1])]))
	}
	pc, err := newPCenter(context.Background(), d, ix, cands, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{1, 2} {
		res, err := PCenter(context.Background(), d, ix, cands, k, opts)
		if err != nil {
			t.Fatal(err)
		}
		// The value by one search from the stations and the sites.
		all := append([]Station{}, stations...)
		for _, s := range res.Sites {
			all = append(all, Station{Point: cands[s]})
		}
		f := fieldOf(all)
		far := 0.0
		for _, p := range pc.samples {
			c, _, _ := f.Cost(p[0], p[1])
			far = max(far, c/900)
		}
		if math.Abs(far-res.Value) > 1e-9*far {
			t.Errorf("N=%d: one search from stations and sites %v gives %.9f, PCenter says %.9f", k, res.Sites, far, res.Value)
		}
		best := math.Inf(1)
		for a := range cands {
			if k == 1 {
				best = min(best, pc.value([]int{a}))
				continue
			}
			for b := a + 1; b < len(cands); b++ {
				best = min(best, pc.value([]int{a, b}))
			}
		}
		if res.LowerBound > best*(1+1e-12) || best > res.Value*(1+1e-12) || res.LowerBound <= 0 {
			t.Errorf("N=%d: lower bound %.6f, exhaustive optimum %.6f, value %.6f: not in order", k, res.LowerBound, best, res.Value)
		}
		t.Logf("N=%d: start %.4f, value %.4f, optimum %.4f, bound %.4f", k, res.Start, res.Value, best, res.LowerBound)
	}
}

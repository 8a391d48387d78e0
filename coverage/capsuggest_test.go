package coverage

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// capCity is a random city for the capacitated objective: one radius
// district 12 km square around 45N 11E, population points clustered and
// spread, stations of capacities 0 to 4 units, candidates; the
// catchments hold the stations then the candidates.
func capCity(rng *rand.Rand, nPlaces, nStations, nCands int, radius float64) ([]Place, *Catchments, []float64) {
	proj := geodesy.NewLAEA(11, 45)
	at := func(x, y float64) orb.Point { lon, lat := proj.Inverse(x, y); return orb.Point{lon, lat} }
	var ring orb.Ring
	for _, c := range [][2]float64{{-6e3, -6e3}, {6e3, -6e3}, {6e3, 6e3}, {-6e3, 6e3}, {-6e3, -6e3}} {
		ring = append(ring, at(c[0], c[1]))
	}
	ds := []District{{Name: "c", Geometry: orb.MultiPolygon{{ring}}, Rule: Rule{Kind: KindRadius, RadiusM: radius}}}
	var places []Place
	for i := range nPlaces {
		x, y := (rng.Float64()-0.5)*11e3, (rng.Float64()-0.5)*11e3
		if i%2 == 0 {
			x, y = rng.NormFloat64()*1500, rng.NormFloat64()*1500
		}
		places = append(places, Place{Point: at(x, y), People: float64(1 + rng.IntN(300))})
	}
	var st []Station
	var capacity []float64
	for range nStations {
		st = append(st, Station{Point: at((rng.Float64()-0.5)*11e3, (rng.Float64()-0.5)*11e3)})
		capacity = append(capacity, float64(rng.IntN(5)))
	}
	for range nCands {
		st = append(st, Station{Point: at((rng.Float64()-0.5)*11e3, (rng.Float64()-0.5)*11e3)})
	}
	c, err := NewCatchments(context.Background(), places, ds, NewIndex(st), Options{})
	if err != nil {
		panic(err)
	}
	return places, c, capacity
}

// TestCapacitatedGainIsExact: the incremental gain of every candidate, in
// every state greedy passes through, equals Capacitate run from scratch
// with the candidate added minus without it, under both orders and new
// capacities below, between and above the stations'.
func TestCapacitatedGainIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 71))
	checked := 0
	for trial := range 8 {
		places, c, capacity := capCity(rng, 150, 8, 10, 1500+float64(trial)*200)
		ns := len(capacity)
		for _, order := range []string{"capacity", "given"} {
			for _, newCap := range []float64{0.5, 2, 3, 6} {
				ppu := 400.0
				cs := &capSiter{places: places, c: c, capacity: capacity, newCap: newCap, ppu: ppu, orderBy: order}
				res, err := CapacitatedSuggest(context.Background(), places, c, capacity, newCap, ppu, order, 3, 2)
				if err != nil {
					t.Fatal(err)
				}
				cs.sorted = sortedMembers(c)
				var set []int
				for step := 0; step <= len(res.Sites); step++ {
					st := cs.state(set)
					sc := st.newScratch()
					base := sum(cs.full(set).Served)
					for k := range len(c.Members) - ns {
						got := st.gain(ns+k, sc)
						want := sum(cs.full(append(set[:len(set):len(set)], k)).Served) - base
						if math.Abs(got-want) > 1e-9*max(1, base) {
							t.Fatalf("trial %d, order %s, capacity %v, sites %v: candidate %d gains %.9f incrementally, %.9f from scratch", trial, order, newCap, set, k, got, want)
						}
						checked++
					}
					if step < len(res.Sites) {
						set = append(set, res.Sites[step].Candidate)
					}
				}
			}
		}
	}
	t.Logf("%d gains checked", checked)
}

// sortedMembers is every catchment nearest first (an insertion sort:
// stable, ties in place order).
func sortedMembers(c *Catchments) [][]Member {
	out := make([][]Member, len(c.Members))
	for j, ms := range c.Members {
		out[j] = append([]Member{}, ms...)
		stableByCost(out[j])
	}
	return out
}

func stableByCost(ms []Member) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].Cost < ms[j-1].Cost; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// TestCapacitatedSuggestAgainstExhaustive: on small cities, every set of
// N candidates is served from scratch; greedy's value is what its sites
// give, at most the best set's, which is at most the upper bound; for
// N = 1 greedy finds the best.
func TestCapacitatedSuggestAgainstExhaustive(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 72))
	var ratioSum float64
	runs := 0
	for trial := range 8 {
		places, c, capacity := capCity(rng, 120, 6, 9, 1800)
		for _, order := range []string{"capacity", "given"} {
			newCap := []float64{1, 2.5, 5}[trial%3]
			cs := &capSiter{places: places, c: c, capacity: capacity, newCap: newCap, ppu: 500, orderBy: order}
			nc := len(c.Members) - len(capacity)
			for _, n := range []int{1, 2, 3} {
				res, err := CapacitatedSuggest(context.Background(), places, c, capacity, newCap, 500, order, n, 2)
				if err != nil {
					t.Fatal(err)
				}
				got := res.Served
				var set []int
				for _, s := range res.Sites {
					set = append(set, s.Candidate)
					got = s.Served
				}
				if again := sum(cs.full(set).Served); math.Abs(again-got) > 1e-9*max(1, got) {
					t.Errorf("trial %d, N=%d: the sites %v serve %.6f, reported %.6f", trial, n, set, again, got)
				}
				if math.Abs(sum(res.Final.Served)-got) > 1e-9*max(1, got) {
					t.Errorf("trial %d, N=%d: Final serves %.6f, the last site says %.6f", trial, n, sum(res.Final.Served), got)
				}
				best := res.Served // fewer sites when none helps: any set of at most N
				var cur []int
				var rec func(from int)
				rec = func(from int) {
					if len(cur) == n {
						best = max(best, sum(cs.full(cur).Served))
						return
					}
					for k := from; k < nc; k++ {
						cur = append(cur, k)
						rec(k + 1)
						cur = cur[:len(cur)-1]
					}
				}
				rec(0)
				tol := 1e-9 * max(1, best)
				if got > best+tol {
					t.Errorf("trial %d, %s, N=%d: greedy serves %.6f, more than the best set's %.6f", trial, order, n, got, best)
				}
				if best > res.UpperBound+tol {
					t.Errorf("trial %d, %s, N=%d: the best set serves %.6f, above the bound %.6f", trial, order, n, best, res.UpperBound)
				}
				if n == 1 && got < best-tol {
					t.Errorf("trial %d, %s: greedy's one site serves %.6f, the best candidate %.6f", trial, order, got, best)
				}
				if best > res.Served {
					ratioSum += (got - res.Served) / (best - res.Served)
					runs++
				}
			}
		}
	}
	if runs == 0 {
		t.Fatal("no instance where a site helps")
	}
	t.Logf("greedy's gain / best gain, mean over %d runs: %.4f", runs, ratioSum/float64(runs))
}

// TestCapacitatedGreedyNoGuarantee is the counterexample of the docs: an
// existing station E (1 person of capacity) reaches u1, u2, u3 (nearest
// first, 1 person each); a second, D, reaches u2 only; both serve after
// the new sites (capacity 2). Candidate a reaches only z (0.1 person); b
// reaches u1, c reaches u2. Alone, b or c takes a person E or D would
// have served, and E moves on to the one D would have: no gain. Together
// they free E for u3: one person more. Greedy takes a first (0.1), then
// nothing helps; the best pair {b, c} serves 1 more.
func TestCapacitatedGreedyNoGuarantee(t *testing.T) {
	places := []Place{{People: 1}, {People: 1}, {People: 1}, {People: 0.1}} // u1, u2, u3, z
	c := &Catchments{Members: [][]Member{
		{{0, 1}, {1, 2}, {2, 3}}, // E
		{{1, 1}},                 // D
		{{3, 1}},                 // a
		{{0, 1}},                 // b
		{{1, 1}},                 // c
	}}
	capacity := []float64{1, 1}
	res, err := CapacitatedSuggest(context.Background(), places, c, capacity, 2, 1, "capacity", 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	cs := &capSiter{places: places, c: c, capacity: capacity, newCap: 2, ppu: 1, orderBy: "capacity"}
	opt := sum(cs.full([]int{1, 2}).Served) - res.Served
	if len(res.Sites) != 1 || res.Sites[0].Candidate != 0 {
		t.Fatalf("greedy chose %+v, want candidate a alone", res.Sites)
	}
	g := res.Sites[0].Gain
	if math.Abs(g-0.1) > 1e-12 || math.Abs(opt-1) > 1e-12 {
		t.Fatalf("greedy gains %v, the pair {b, c} %v; want 0.1 and 1", g, opt)
	}
	for k := 1; k <= 2; k++ {
		if alone := sum(cs.full([]int{k}).Served) - res.Served; alone != 0 {
			t.Errorf("candidate %d alone gains %v, want 0", k, alone)
		}
	}
	if res.UpperBound < res.Served+opt {
		t.Errorf("bound %v below the best pair's %v", res.UpperBound, res.Served+opt)
	}
}

// TestCapacitatedSuggestWorkers: the sites and figures do not depend on
// the number of workers.
func TestCapacitatedSuggestWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 73))
	places, c, capacity := capCity(rng, 400, 12, 40, 1500)
	one, err := CapacitatedSuggest(context.Background(), places, c, capacity, 3, 300, "capacity", 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	four, err := CapacitatedSuggest(context.Background(), places, c, capacity, 3, 300, "capacity", 5, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one, four) {
		t.Errorf("1 worker: %+v\n4 workers: %+v", one.Sites, four.Sites)
	}
	if len(one.Sites) == 0 {
		t.Error("no site chosen")
	}
}

// TestFlowCutBeatsSequential: E (1 person) reaches u1 then u2, D (1
// person) reaches u1 only; in order E, D the sequential assignment serves
// 1 (E takes u1, D finds nobody) but the stations can serve 2 (D u1, E
// u2): the flow cut is 2, the bound a planner can read the order's cost
// from. Two stations over one place of 3 people cut at 2 and 3 people.
func TestFlowCutBeatsSequential(t *testing.T) {
	places := []Place{{People: 1}, {People: 1}}
	c := &Catchments{Members: [][]Member{{{0, 1}, {1, 2}}, {{0, 1}}}}
	if got := sum(c.Capacitate(places, []float64{1, 1}, []int{0, 1}).Served); got != 1 {
		t.Fatalf("sequential serves %v, want 1", got)
	}
	cut, err := flowCut(context.Background(), places, c.Members, []float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(cut-2) > 1e-12 {
		t.Errorf("flow cut %v, want 2", cut)
	}
	for _, tc := range []struct{ a, b, want float64 }{{1, 1, 2}, {2, 2, 3}, {0.5, 0.25, 0.75}} {
		got, _ := flowCut(context.Background(), []Place{{People: 3}}, [][]Member{{{0, 1}}, {{0, 1}}}, []float64{tc.a, tc.b})
		if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("capacities %v, %v over 3 people: cut %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

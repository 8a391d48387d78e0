package audit

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/covaudit/covaudit/coverage"
)

// accessAudit runs the Andorra parishes against testdata/access's
// stations (with capacities) and population points: urban parishes at
// 2 km, rural ones at 30 minutes by car.
func accessAudit(t *testing.T, workers int) *Audit {
	t.Helper()
	cfg := Default()
	cfg.Districts, cfg.Stations = "demodata/andorra-parishes.geojson", "testdata/access/stations.csv"
	cfg.Population = "testdata/access/population.csv"
	cfg.Roads.File = DemoRoads
	cfg.Classes[1].Rule = RuleSpec{Kind: coverage.KindRoadTime, TimeS: 30 * 60}
	cfg.Columns.CapacityCol = "capacity"
	cfg.Access = AccessConfig{Method: "2sfca", Capacitated: true, PeoplePerUnit: 2000, CapacityOrder: "capacity"}
	cfg.Workers = workers
	a, err := Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAccessMatchesReference compares 2SFCA, E2SFCA (zones and Gaussian)
// and capacitated coverage with scripts/reference/access_2sfca.py's
// independent computation (GeographicLib distances, networkx road times,
// numerically minimised access legs) to 1e-9 relative.
func TestAccessMatchesReference(t *testing.T) {
	var fx struct {
		Places []struct {
			Line     int    `json:"line"`
			District string `json:"district"`
		} `json:"places"`
		Methods map[string]struct {
			Index  []float64 `json:"index"`
			Ratio  []float64 `json:"ratio"`
			Demand []float64 `json:"demand"`
		} `json:"-"`
		Capacitated struct {
			Served    []float64 `json:"served"`
			ByStation []float64 `json:"by_station"`
		} `json:"capacitated"`
		Sizes []int `json:"catchment_sizes"`
	}
	b, err := os.ReadFile("testdata/access/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	json.Unmarshal(b, &raw)
	fx.Methods = map[string]struct {
		Index  []float64 `json:"index"`
		Ratio  []float64 `json:"ratio"`
		Demand []float64 `json:"demand"`
	}{}
	for _, m := range []string{"2sfca", "e2sfca", "gaussian"} {
		v := fx.Methods[m]
		if err := json.Unmarshal(raw[m], &v); err != nil {
			t.Fatal(err)
		}
		fx.Methods[m] = v
	}
	a := accessAudit(t, 2)
	ar := a.access
	if len(ar.places) != len(fx.Places) {
		t.Fatalf("%d places, the reference has %d", len(ar.places), len(fx.Places))
	}
	for i, p := range fx.Places {
		if got := a.Districts[ar.places[i].District].Name; got != p.District {
			t.Errorf("place %d (line %d): district %q, want %q", i, p.Line, got, p.District)
		}
	}
	rural, shared := 0, 0
	for j, ms := range ar.catch.Members {
		if len(ms) != fx.Sizes[j] {
			t.Errorf("station %d (%s): %d places in its catchment, the reference has %d", j, a.Stations[j].ID, len(ms), fx.Sizes[j])
		}
		for _, m := range ms {
			if a.Districts[ar.places[m.Place].District].Rule.ByRoad() {
				rural++
			}
		}
	}
	for _, r := range ar.catch.Reached {
		if r > 1 {
			shared++
		}
	}
	if rural < 100 || shared < 50 {
		t.Fatalf("the fixture does not exercise what it should: %d road memberships, %d places in several catchments", rural, shared)
	}
	tol := 1e-9
	near := func(got, want float64) bool {
		return got == want || math.Abs(got-want) <= tol*math.Max(math.Abs(got), math.Abs(want))
	}
	check := func(name string, got, want []float64) {
		t.Helper()
		bad := 0
		for i := range want {
			if !near(got[i], want[i]) {
				if bad < 5 {
					t.Errorf("%s[%d] = %.15g, reference %.15g", name, i, got[i], want[i])
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d differ by more than %g relative", name, bad, len(want), tol)
		}
	}
	zones := make([]coverage.Decay, len(a.Districts))
	gauss := make([]coverage.Decay, len(a.Districts))
	for i, d := range a.Districts {
		zones[i], gauss[i] = defaultDecay(d.Rule.Limit()), coverage.Decay{Gaussian: true}
	}
	for name, decay := range map[string][]coverage.Decay{"2sfca": nil, "e2sfca": zones, "gaussian": gauss} {
		// The Gaussian weighs the costs themselves, not only which zone
		// they fall in: road times that agree to microseconds (the
		// reference's legs are minimised numerically) give weights near
		// the limit, where they vanish, that agree to 1e-7 relative.
		tol = map[bool]float64{false: 1e-9, true: 1e-6}[name == "gaussian"]
		acc := ar.catch.Access(ar.places, a.Districts, ar.capacity, decay)
		want := fx.Methods[name]
		check(name+" index", acc.Index, want.Index)
		check(name+" ratio", acc.Ratio, want.Ratio)
		check(name+" demand", acc.Demand, want.Demand)
	}
	tol = 1e-9
	check("served", ar.capac.Served, fx.Capacitated.Served)
	check("served by station", ar.capac.ByStation, fx.Capacitated.ByStation)
	// 2SFCA hands out every station's capacity to the people it reaches.
	var people, supply float64
	for i, p := range ar.places {
		people += p.People * ar.access.Index[i]
	}
	for j, c := range ar.capacity {
		if ar.access.Demand[j] > 0 {
			supply += c
		}
	}
	if !near(people, supply) {
		t.Errorf("sum of people x index = %v, want the capacity of the stations with demand %v", people, supply)
	}
}

// TestAccessRoadCostsMatchField checks the per-station road catchments
// against the audit's own nearest-station field: a place's cheapest
// station in the catchments costs what the field says.
func TestAccessRoadCostsMatchField(t *testing.T) {
	a := accessAudit(t, 2)
	ar := a.access
	best := make([]float64, len(ar.places))
	for i := range best {
		best[i] = math.Inf(1)
	}
	for _, ms := range ar.catch.Members {
		for _, m := range ms {
			best[m.Place] = min(best[m.Place], m.Cost)
		}
	}
	n := 0
	for i, p := range ar.places {
		r := a.Districts[p.District].Rule
		if !r.ByRoad() {
			continue
		}
		c, _, _ := a.opts.Roads[r.Network].Cost(p.Point[0], p.Point[1])
		if c > r.Limit() {
			if !math.IsInf(best[i], 1) {
				t.Errorf("place %d: in a catchment at %v s, the field says %v s, beyond the limit", i, best[i], c)
			}
			continue
		}
		n++
		if math.Abs(best[i]-c) > 1e-9*c {
			t.Errorf("place %d: cheapest station %.12g s, the field says %.12g s", i, best[i], c)
		}
	}
	if n < 50 {
		t.Fatalf("only %d road places within the limit", n)
	}
}

// TestAccessWorkers: one worker or two, the same figures, bit for bit.
func TestAccessWorkers(t *testing.T) {
	a1, a2 := accessAudit(t, 1), accessAudit(t, 2)
	if !slices.Equal(a1.access.access.Index, a2.access.access.Index) || !slices.Equal(a1.access.capac.Served, a2.access.capac.Served) {
		t.Error("the indices or the served people differ between 1 and 2 workers")
	}
	j1, _ := json.Marshal(a1.Report())
	j2, _ := json.Marshal(a2.Report())
	if string(j1) != string(j2) {
		t.Error("the reports differ between 1 and 2 workers")
	}
}

package audit

import (
	"context"
	"encoding/json"
	"math"
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
	fx := readAccessFixture(t, "testdata/access/expected.json")
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
	matchAccessFixture(t, a, fx, 100, 50)
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
	if !relNear(people, supply, 1e-9) {
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

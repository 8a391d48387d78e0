package roads_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/roads"
)

const andorraPBF = "../audit/demodata/andorra-roads.osm.pbf"

// TestAndorraTimesMatchNetworkX compares the multi-source search on the
// Andorra extract with networkx's, run once by
// scripts/reference/road_times.py (the car profile written out again from
// its documentation, GeographicLib lengths): 300 nodes to 1 second (they
// agree to microseconds), on paths that use oneway, roundabout and
// maxspeed ways, with access=private ways that would shorten some of them.
func TestAndorraTimesMatchNetworkX(t *testing.T) {
	var fx struct {
		Sources []int64 `json:"sources"`
		Using   struct {
			Oneway, Roundabout, Maxspeed int
		} `json:"paths_using"`
		Private int `json:"sampled_faster_if_private_driven"`
		Graph   struct {
			Nodes int `json:"nodes"`
		} `json:"graph"`
		Nodes []struct {
			ID   int64   `json:"id"`
			Time float64 `json:"time_s"`
		} `json:"nodes"`
	}
	b, err := os.ReadFile("testdata/andorra-car-times.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Nodes) < 200 || fx.Using.Oneway == 0 || fx.Using.Roundabout == 0 || fx.Using.Maxspeed == 0 || fx.Private == 0 {
		t.Fatalf("the fixture does not exercise what it should: %d nodes, paths using %+v, %d faster through private ways", len(fx.Nodes), fx.Using, fx.Private)
	}
	net, _, err := geodata.ReadRoads(context.Background(), geodata.OSMSource{Name: andorraPBF}, roads.Car(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(net.Pos) != fx.Graph.Nodes {
		t.Errorf("%d road nodes, networkx has %d", len(net.Pos), fx.Graph.Nodes)
	}
	id := map[int64]int{}
	for i, v := range net.OSMID {
		id[v] = i
	}
	var st [][2]float64
	for _, s := range fx.Sources {
		st = append(st, net.Pos[id[s]])
	}
	// A 1 mm cap: each source joins the network at its own node only.
	f := roads.NewField(net, st, roads.Access{SpeedMS: 5 / 3.6, CapM: 1e-3}, roads.ToStation)
	worst := 0.0
	for _, n := range fx.Nodes {
		k, ok := id[n.ID]
		if !ok {
			t.Errorf("node %d: not in the network", n.ID)
			continue
		}
		d := math.Abs(f.Time[k] - n.Time)
		worst = max(worst, d)
		// GeographicLib's lengths against Vincenty's differ by micrometres;
		// 0.1 ms over routes of up to an hour leaves room for nothing else.
		if d > 1e-4 {
			t.Errorf("node %d: %.6f s, networkx %.6f s", n.ID, f.Time[k], n.Time)
		}
	}
	t.Logf("%d nodes, largest difference %.2g s", len(fx.Nodes), worst)
}

// BenchmarkFieldAndorra: joining the 65 demo services to the Andorra car
// network (25,504 segments) and the multi-source search.
func BenchmarkFieldAndorra(b *testing.B) {
	net, _, err := geodata.ReadRoads(context.Background(), geodata.OSMSource{Name: andorraPBF}, roads.Car(), nil)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open("../audit/demodata/andorra-services.geojson")
	if err != nil {
		b.Fatal(err)
	}
	sts, _, err := geodata.ReadStations(f, "services", geodata.StationOptions{})
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	var pos [][2]float64
	for _, s := range sts {
		pos = append(pos, s.Point)
	}
	net.BuildIndex()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		roads.NewField(net, pos, roads.Access{SpeedMS: 5 / 3.6, CapM: 1000}, roads.ToStation)
	}
}

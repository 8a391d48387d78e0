package roads

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
)

// Test networks live near (1.5 E, 42.5 N); at is a point dx metres east and
// dy metres north of there, through the geodesic direct problem.
func at(dx, dy float64) [2]float64 {
	lon, lat := 1.5, 42.5
	if dy != 0 {
		lon, lat = geodesy.Direct(lon, lat, 0, dy)
	}
	if dx != 0 {
		lon, lat = geodesy.Direct(lon, lat, 90, dx)
	}
	return [2]float64{lon, lat}
}

// way is a test way: node ids and tags.
type way struct {
	nodes []int64
	tags  map[string]string
}

func build(t testing.TB, p Profile, nodes map[int64][2]float64, ways []way) *Network {
	t.Helper()
	b := NewBuilder(p)
	for i, w := range ways {
		b.AddWay(int64(i+1), w.nodes, func(k string) string { return w.tags[k] })
	}
	for id, ll := range nodes {
		if b.NeedsNode(id) {
			b.SetNode(id, ll[0], ll[1])
		}
	}
	n, missing := b.Build()
	if missing != 0 {
		t.Fatalf("%d segments miss nodes", missing)
	}
	return n
}

var walk = Access{SpeedMS: 5 / 3.6, CapM: 1000}

// node returns the network node of an OSM node id.
func node(t *testing.T, n *Network, id int64) int {
	for k, v := range n.OSMID {
		if v == id {
			return k
		}
	}
	t.Fatalf("no node %d", id)
	return -1
}

func TestPointAtMidEdge(t *testing.T) {
	// A straight two-way residential road (25 km/h) 2 km north; the station
	// stands on its north end.
	nodes := map[int64][2]float64{1: at(0, 0), 2: at(0, 2000)}
	n := build(t, Car(), nodes, []way{{[]int64{1, 2}, map[string]string{"highway": "residential"}}})
	f := NewField(n, [][2]float64{at(0, 2000)}, walk, ToStation)
	vr, va := 25/3.6, 5/3.6
	for _, c := range []struct {
		desc string
		p    [2]float64
		want float64
	}{
		{"on the road at mid-edge", at(0, 1000), 1000 / vr},
		// Leave the road at the angle whose cosine is va/vr.
		{"100 m beside mid-edge", at(100, 1000), 1000/vr + 100*math.Sqrt(1-(va/vr)*(va/vr))/va},
		{"at the far end", at(0, 0), 2000 / vr},
	} {
		got, st, _ := f.Cost(c.p[0], c.p[1])
		if st != 0 || math.Abs(got-c.want) > 0.05 {
			t.Errorf("%s: cost %.3f s (station %d), want %.3f s", c.desc, got, st, c.want)
		}
	}
}

func TestOneWayLoop(t *testing.T) {
	// A one-way square loop 1 -> 2 -> 3 -> 4 -> 1, sides 1 km; the station
	// stands on node 1. Going out to node 2 is one side; coming back from
	// it is three.
	nodes := map[int64][2]float64{1: at(0, 0), 2: at(1000, 0), 3: at(1000, 1000), 4: at(0, 1000)}
	ways := []way{{[]int64{1, 2, 3, 4, 1}, map[string]string{"highway": "tertiary", "oneway": "yes"}}}
	n := build(t, Car(), nodes, ways)
	v := 40 / 3.6
	to := NewField(n, [][2]float64{at(0, 0)}, walk, ToStation)
	from := NewField(n, [][2]float64{at(0, 0)}, walk, FromStation)
	k := node(t, n, 2)
	side := n.Segs[0].LenM
	if got, want := to.Time[k], (3*side)/v; math.Abs(got-want) > 0.5 {
		t.Errorf("to-station from node 2: %.2f s, want about %.2f s (three sides)", got, want)
	}
	if got, want := from.Time[k], side/v; math.Abs(got-want) > 1e-9 {
		t.Errorf("from-station to node 2: %.2f s, want %.2f s (one side)", got, want)
	}
	// The roundabout tag implies oneway: same answer without oneway=yes.
	ways[0].tags = map[string]string{"highway": "tertiary", "junction": "roundabout"}
	rb := NewField(build(t, Car(), nodes, ways), [][2]float64{at(0, 0)}, walk, ToStation)
	if math.Abs(rb.Time[k]-to.Time[k]) > 1e-9 {
		t.Errorf("roundabout: %.2f s, want the oneway loop's %.2f s", rb.Time[k], to.Time[k])
	}
}

func TestPrivateShortcutUnused(t *testing.T) {
	// 1 -- 2 directly is private; the public way goes round by 3.
	nodes := map[int64][2]float64{1: at(0, 0), 2: at(3000, 0), 3: at(1500, 2000)}
	ways := []way{
		{[]int64{1, 2}, map[string]string{"highway": "primary", "access": "private"}},
		{[]int64{1, 3, 2}, map[string]string{"highway": "primary"}},
	}
	n := build(t, Car(), nodes, ways)
	f := NewField(n, [][2]float64{at(0, 0)}, walk, ToStation)
	detour := geodesy.Distance(at(0, 0)[0], at(0, 0)[1], at(1500, 2000)[0], at(1500, 2000)[1]) +
		geodesy.Distance(at(1500, 2000)[0], at(1500, 2000)[1], at(3000, 0)[0], at(3000, 0)[1])
	if got, want := f.Time[node(t, n, 2)], detour/(65/3.6); math.Abs(got-want) > 1e-6 {
		t.Errorf("node 2: %.3f s, want the detour's %.3f s", got, want)
	}
	// Without the access tag the shortcut is taken.
	ways[0].tags = map[string]string{"highway": "primary"}
	n = build(t, Car(), nodes, ways)
	f = NewField(n, [][2]float64{at(0, 0)}, walk, ToStation)
	if got, want := f.Time[node(t, n, 2)], 3000/(65/3.6); math.Abs(got-want) > 0.01 {
		t.Errorf("public shortcut: node 2 at %.3f s, want %.3f s", got, want)
	}
}

func TestPointFarFromRoads(t *testing.T) {
	// A road 2 km long; the station 300 m off its south end, joined by a
	// leg; a place 1.2 km east of the road reaches no road, and walks.
	nodes := map[int64][2]float64{1: at(0, 0), 2: at(0, 2000)}
	n := build(t, Car(), nodes, []way{{[]int64{1, 2}, map[string]string{"highway": "residential"}}})
	st := at(300, 0)
	f := NewField(n, [][2]float64{st}, walk, ToStation)
	va := walk.SpeedMS
	p := at(1200, 2000)
	got, s, _ := f.Cost(p[0], p[1])
	want := geodesy.Distance(p[0], p[1], st[0], st[1]) / va
	if s != 0 || math.Abs(got-want) > 1e-9 {
		t.Errorf("place 1.2 km from the road: %.2f s, want the walk's %.2f s", got, want)
	}
	// The station off the network: from node 2 the road, then a leg that
	// leaves the road before its end at the angle whose cosine is va/vr.
	m := va / (25 / 3.6)
	if got, want := f.Time[node(t, n, 2)], n.Segs[0].LenM/(25/3.6)+300*math.Sqrt(1-m*m)/va; math.Abs(got-want) > 0.05 {
		t.Errorf("node 2: %.2f s, want %.2f s (road, then leg)", got, want)
	}
	// A station 1.5 km from the road never joins it.
	f = NewField(n, [][2]float64{at(1500, 0)}, walk, ToStation)
	if f.Joins != 0 || !math.IsInf(f.Time[node(t, n, 1)], 1) {
		t.Errorf("station 1.5 km off: %d joins, node 1 at %v s; want none and +Inf", f.Joins, f.Time[node(t, n, 1)])
	}
}

// TestMinLegBrute compares MinLeg's closed form with a dense scan.
func TestMinLegBrute(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		p := [2]float64{rng.Float64()*2000 - 1000, rng.Float64()*2000 - 1000}
		a := [2]float64{rng.Float64()*2000 - 1000, rng.Float64()*2000 - 1000}
		b := [2]float64{rng.Float64()*2000 - 1000, rng.Float64()*2000 - 1000}
		c0, c1 := rng.Float64()*500, (rng.Float64()*2-1)*400
		inv, capM := 0.72, 200+rng.Float64()*1200
		got, _, ok := MinLeg(p, a, b, c0, c1, inv, capM)
		best, found := math.Inf(1), false
		for k := 0; k <= 100000; k++ {
			x := float64(k) / 100000
			q := [2]float64{a[0] + x*(b[0]-a[0]), a[1] + x*(b[1]-a[1])}
			r := math.Hypot(p[0]-q[0], p[1]-q[1])
			if r <= capM {
				found = true
				best = min(best, r*inv+c0+c1*x)
			}
		}
		if ok != found || (ok && (got > best+1e-9 || best-got > 0.02)) {
			t.Fatalf("case %d: MinLeg %v %v, scan %v %v", i, got, ok, best, found)
		}
	}
}

// TestDijkstraBrute compares the multi-source search with Bellman-Ford on
// random networks with one-way streets.
func TestDijkstraBrute(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 30 {
		nodes := map[int64][2]float64{}
		for i := int64(1); i <= 40; i++ {
			nodes[i] = at(rng.Float64()*5000, rng.Float64()*5000)
		}
		var ways []way
		for range 80 {
			a, b := rng.Int64N(40)+1, rng.Int64N(40)+1
			tags := map[string]string{"highway": []string{"primary", "residential", "track"}[rng.IntN(3)]}
			if rng.IntN(3) == 0 {
				tags["oneway"] = "yes"
			}
			ways = append(ways, way{[]int64{a, b}, tags})
		}
		n := build(t, Car(), nodes, ways)
		var st [][2]float64
		for range 3 {
			st = append(st, n.Pos[rng.IntN(len(n.Pos))])
		}
		for _, dir := range []Direction{ToStation, FromStation} {
			// A 1 mm cap: stations join only the nodes they stand on.
			f := NewField(n, st, Access{SpeedMS: walk.SpeedMS, CapM: 1e-3}, dir)
			want := make([]float64, len(f.Net.Pos))
			for i := range want {
				want[i] = math.Inf(1)
			}
			for i, p := range f.Net.Pos {
				for _, s := range st {
					if d := geodesy.Distance(p[0], p[1], s[0], s[1]); d <= 1e-3 {
						want[i] = min(want[i], d/walk.SpeedMS)
					}
				}
			}
			for range len(want) {
				for _, s := range f.Net.Segs {
					relax := func(u, v int32, c float64) {
						if c < 0 {
							return
						}
						if dir == ToStation {
							want[u] = min(want[u], want[v]+c)
						} else {
							want[v] = min(want[v], want[u]+c)
						}
					}
					relax(s.A, s.B, s.Fwd)
					relax(s.B, s.A, s.Bwd)
				}
			}
			for i := range want {
				if math.Abs(want[i]-f.Time[i]) > 1e-6 && !(math.IsInf(want[i], 1) && math.IsInf(f.Time[i], 1)) {
					t.Fatalf("trial %d %v node %d: Dijkstra %v, Bellman-Ford %v", trial, dir, i, f.Time[i], want[i])
				}
			}
		}
	}
}

// TestCostWalkNearest: far from every road, Cost walks to the nearest
// station, found through the station index; checked against every station.
func TestCostWalkNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	nodes := map[int64][2]float64{1: at(0, 0), 2: at(0, 500)}
	n := build(t, Car(), nodes, []way{{[]int64{1, 2}, map[string]string{"highway": "residential"}}})
	var st [][2]float64
	for range 300 {
		st = append(st, at(rng.Float64()*80000-40000, rng.Float64()*80000-40000))
	}
	f := NewField(n, st, walk, ToStation)
	for range 300 {
		p := at(rng.Float64()*100000-50000, rng.Float64()*100000-50000)
		got, s, _ := f.Cost(p[0], p[1])
		want, ws := math.Inf(1), -1
		for i, q := range st {
			if c := geodesy.Distance(p[0], p[1], q[0], q[1]) / walk.SpeedMS; c < want {
				want, ws = c, i
			}
		}
		if got > want+1e-9 {
			t.Fatalf("at %v: %.3f s by station %d, but station %d is %.3f s away on foot", p, got, s, ws, want)
		}
	}
}

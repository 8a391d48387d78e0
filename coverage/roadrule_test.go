package coverage

import (
	"context"
	"math"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/covaudit/covaudit/roads"
	"github.com/paulmach/orb"
)

// roadCase builds a network from way node lists (positions by id) and
// returns the field for one station.
func roadField(t testing.TB, p roads.Profile, pos map[int64][2]float64, ways [][]int64, tags []map[string]string, station [2]float64, acc roads.Access, dir roads.Direction) *roads.Field {
	t.Helper()
	b := roads.NewBuilder(p)
	for i, w := range ways {
		tg := tags[i]
		b.AddWay(int64(i+1), w, func(k string) string { return tg[k] })
	}
	for id, ll := range pos {
		b.SetNode(id, ll[0], ll[1])
	}
	n, missing := b.Build()
	if missing != 0 {
		t.Fatalf("%d segments miss nodes", missing)
	}
	return roads.NewField(n, [][2]float64{station}, acc, dir)
}

// lonLatBox is a district: the geodesic box of half side m metres around
// (lon, lat).
func lonLatBox(lon, lat, m float64) orb.MultiPolygon {
	_, s := geodesy.Direct(lon, lat, 180, m)
	_, n := geodesy.Direct(lon, lat, 0, m)
	w, _ := geodesy.Direct(lon, lat, 270, m)
	e, _ := geodesy.Direct(lon, lat, 90, m)
	return orb.MultiPolygon{{{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}}}
}

// hullExtra is the area a cone adds to a disk of radius r: the convex hull
// of the disk and a point at distance d from its centre, less the disk.
func hullExtra(r, d float64) float64 {
	if d <= r {
		return 0
	}
	return r*math.Sqrt(d*d-r*r) - r*r*math.Acos(r/d)
}

// TestRoadStraightClosedForm: a straight road through the station, no
// access cap. A place at distance y from the road, x along it, is covered
// when some road point q reaches it: the union of disks around the road of
// radius va (T - |q| / vr) is the convex hull of the station's walking disk
// (radius R = va T) and the two points the road reaches in time T (vr T
// away). Its area is pi R^2 plus what each cone adds; the bracket must hold
// it. A oneway road keeps one cone: the one whose residents drive towards
// the station (to-station), or the one the station drives into
// (from-station).
func TestRoadStraightClosedForm(t *testing.T) {
	lon0, lat0 := 10.0, 45.0
	const half = 8000.0
	west, _ := geodesy.Direct(lon0, lat0, 270, 6000)
	east, _ := geodesy.Direct(lon0, lat0, 90, 6000)
	pos := map[int64][2]float64{1: {west, lat0}, 2: {lon0, lat0}, 3: {east, lat0}}
	// Snap 1 and 3 onto the parallel's geodesics from the station.
	_, lw := geodesy.Direct(lon0, lat0, 270, 6000)
	_, le := geodesy.Direct(lon0, lat0, 90, 6000)
	pos[1], pos[3] = [2]float64{west, lw}, [2]float64{east, le}
	acc := roads.Access{SpeedMS: 5 / 3.6, CapM: 1e5}
	const T = 600.0
	d := District{Name: "box", Geometry: lonLatBox(lon0, lat0, half), Rule: Rule{Kind: KindRoadTime, TimeS: T}}
	f, err := newFrame(d.Geometry, newFrameSet())
	if err != nil {
		t.Fatal(err)
	}
	xy := func(p [2]float64) [2]float64 { x, y := f.proj.Forward(p[0], p[1]); return [2]float64{x, y} }
	s, w, e := xy(pos[2]), xy(pos[1]), xy(pos[3])
	vr := 25 / 3.6
	R := acc.SpeedMS * T
	// The road's time is over geodesic length; in the frame a chord of
	// frame length lf is driven at vr lf / geodesic length.
	reach := func(end [2]float64, ll [2]float64) float64 {
		lf := math.Hypot(end[0]-s[0], end[1]-s[1])
		lg := geodesy.Distance(lon0, lat0, ll[0], ll[1])
		return vr * lf / lg * T
	}
	westCone, eastCone := hullExtra(R, reach(w, pos[1])), hullExtra(R, reach(e, pos[3]))
	st := [2]float64{lon0, lat0}
	for _, c := range []struct {
		desc string
		tags map[string]string
		dir  roads.Direction
		cov  float64
	}{
		{"two-way", map[string]string{"highway": "residential"}, roads.ToStation, math.Pi*R*R + westCone + eastCone},
		{"oneway east, to-station", map[string]string{"highway": "residential", "oneway": "yes"}, roads.ToStation, math.Pi*R*R + westCone},
		{"oneway east, from-station", map[string]string{"highway": "residential", "oneway": "yes"}, roads.FromStation, math.Pi*R*R + eastCone},
	} {
		t.Run(c.desc, func(t *testing.T) {
			field := roadField(t, roads.Car(), pos, [][]int64{{1, 2, 3}}, []map[string]string{c.tags}, st, acc, c.dir)
			ix := NewIndex([]Station{{Point: orb.Point(st)}})
			res, err := EvaluateDistrict(&d, ix, Options{Roads: []*roads.Field{field}, RoadTolerance: 1e-4})
			if err != nil {
				t.Fatal(err)
			}
			want := res.AreaM2 - c.cov
			if !(res.UncoveredLowerM2 <= want && want <= res.UncoveredUpperM2) {
				t.Errorf("uncovered bracket [%.1f, %.1f] m2 misses the closed form %.1f m2", res.UncoveredLowerM2, res.UncoveredUpperM2, want)
			}
			if w := res.UncoveredUpperM2 - res.UncoveredLowerM2; w > 1e-4*res.AreaM2 || !res.ToleranceMet {
				t.Errorf("bracket width %.1f m2, tolerance %.1f m2 (met %v)", w, 1e-4*res.AreaM2, res.ToleranceMet)
			}
			t.Logf("bracket [%.1f, %.1f], truth %.1f, %d cells of %.2f m", res.UncoveredLowerM2, res.UncoveredUpperM2, want, res.RoadCells, res.RoadCellM)
		})
	}
}

// TestRoadGridAtWalkingSpeed: on foot, roads at the access speed bring no
// one closer, so the covered part is the walking disk of radius va T.
func TestRoadGridAtWalkingSpeed(t *testing.T) {
	lon0, lat0 := -3.0, 40.0
	pos := map[int64][2]float64{}
	var ways [][]int64
	var tags []map[string]string
	id := func(i, j int) int64 { return int64(i*100 + j + 1000) }
	for i := -6; i <= 6; i++ {
		for j := -6; j <= 6; j++ {
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
	for k := -6; k <= 6; k++ {
		var row, col []int64
		for m := -6; m <= 6; m++ {
			row = append(row, id(m, k))
			col = append(col, id(k, m))
		}
		ways = append(ways, row, col)
		tags = append(tags, map[string]string{"highway": "footway"}, map[string]string{"highway": "footway"})
	}
	acc := roads.Access{SpeedMS: 5 / 3.6, CapM: 150}
	st := pos[id(0, 0)]
	field := roadField(t, roads.Foot(), pos, ways, tags, st, acc, roads.ToStation)
	const T = 900.0
	d := District{Name: "grid", Geometry: lonLatBox(lon0, lat0, 2000), Rule: Rule{Kind: KindRoadTime, TimeS: T}}
	ix := NewIndex([]Station{{Point: orb.Point(st)}})
	res, err := EvaluateDistrict(&d, ix, Options{Roads: []*roads.Field{field}, RoadTolerance: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	R := acc.SpeedMS * T
	want := res.AreaM2 - math.Pi*R*R
	if !(res.UncoveredLowerM2 <= want && want <= res.UncoveredUpperM2) {
		t.Errorf("uncovered bracket [%.1f, %.1f] m2 misses the closed form %.1f m2", res.UncoveredLowerM2, res.UncoveredUpperM2, want)
	}
	t.Logf("bracket [%.1f, %.1f], truth %.1f, %d cells", res.UncoveredLowerM2, res.UncoveredUpperM2, want, res.RoadCells)
}

// TestRoadNoAccess: land beyond the cap of every road and station is a
// no-access gap; a district with a road and a station at its centre has a
// ring of no-access land around the covered strip.
func TestRoadNoAccess(t *testing.T) {
	lon0, lat0 := 2.0, 48.0
	n1, l1 := geodesy.Direct(lon0, lat0, 0, 3000)
	s1, l2 := geodesy.Direct(lon0, lat0, 180, 3000)
	pos := map[int64][2]float64{1: {s1, l2}, 2: {lon0, lat0}, 3: {n1, l1}}
	acc := roads.Access{SpeedMS: 5 / 3.6, CapM: 500}
	st := [2]float64{lon0, lat0}
	field := roadField(t, roads.Car(), pos, [][]int64{{1, 2, 3}}, []map[string]string{{"highway": "primary"}}, st, acc, roads.ToStation)
	d := District{Name: "box", Geometry: lonLatBox(lon0, lat0, 3000), Rule: Rule{Kind: KindRoadTime, TimeS: 1800}}
	res, err := Evaluate(context.Background(), []District{d}, NewIndex([]Station{{Point: orb.Point(st)}}), Options{Roads: []*roads.Field{field}, GapPolygons: true})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	// Within 30 min everything near the road is covered (primary, 6 km):
	// covered is the 500 m strip along the road, both ends capped by the
	// district, united with the walking disk (2.5 km): the no-access land
	// is the rest. The strip's half-width is the cap.
	if len(r.Gaps) == 0 || r.Gaps[0].Kind != GapNoAccess {
		t.Fatalf("gaps %+v, want a no-access gap first", r.Gaps)
	}
	if r.NoAccessM2 < r.UncoveredLowerM2*0.999 || r.NoAccessM2 > r.UncoveredUpperM2 {
		t.Errorf("no-access %.0f m2 outside the uncovered bracket [%.0f, %.0f]", r.NoAccessM2, r.UncoveredLowerM2, r.UncoveredUpperM2)
	}
	// The drawn polygons follow the gaps to within a pixel: their areas
	// agree with the exact ones to a pixel's width along the outline.
	proj := geodesy.NewLAEA(lon0, lat0)
	for i, g := range r.Gaps {
		if g.Polygon == nil {
			t.Fatalf("gap %d: no polygon", i)
		}
		drawn, perim := 0.0, 0.0
		for _, ring := range g.Polygon {
			xy := make([][2]float64, len(ring))
			for k, p := range ring {
				xy[k][0], xy[k][1] = proj.Forward(p[0], p[1])
			}
			drawn += ringArea(xy)
			for k := 1; k < len(xy); k++ {
				perim += hypot(xy[k][0]-xy[k-1][0], xy[k][1]-xy[k-1][1])
			}
		}
		if tol := perim*max(r.RoadCellM, 2*3000*2/512.0)/2 + 1; math.Abs(drawn-g.AreaM2) > tol { // half a pixel (at most 2 x 6 km / 512) along the outline
			t.Errorf("gap %d: drawn %.0f m2, exact %.0f m2 (tolerance %.0f)", i, drawn, g.AreaM2, tol)
		}
	}
	t.Logf("uncovered [%.0f, %.0f], no-access %.0f, gaps %d", r.UncoveredLowerM2, r.UncoveredUpperM2, r.NoAccessM2, len(r.Gaps))
}

// TestRoadDistanceClosedForm: under road-distance (network metres plus
// legs, legs capped at C, walking to the station an access leg too) a
// straight road through the station covers, at limit D, the places with
// a leg of at most C to a road point q and |leg| + |q| <= D. The best q is
// the nearest allowed to the station, so at offset x along the road and y
// across it (|y| <= C) the cost is C + |x| - sqrt(C^2 - y^2) beyond the
// station's own disk: a stadium of area 4 C (D - C) + pi C^2.
func TestRoadDistanceClosedForm(t *testing.T) {
	lon0, lat0 := 10.0, 45.0
	const C, D = 200.0, 2000.0
	west, lw := geodesy.Direct(lon0, lat0, 270, 6000)
	east, le := geodesy.Direct(lon0, lat0, 90, 6000)
	pos := map[int64][2]float64{1: {west, lw}, 2: {lon0, lat0}, 3: {east, le}}
	b := roads.NewBuilder(roads.Foot())
	b.AddWay(1, []int64{1, 2, 3}, func(k string) string { return map[string]string{"highway": "footway"}[k] })
	for id, ll := range pos {
		b.SetNode(id, ll[0], ll[1])
	}
	n, _ := b.Build()
	field := roads.NewField(n.ByLength(), [][2]float64{{lon0, lat0}}, roads.Access{SpeedMS: 1, CapM: C}, roads.ToStation)
	field.WalkCapped = true
	d := District{Name: "box", Geometry: lonLatBox(lon0, lat0, 4000), Rule: Rule{Kind: KindRoadDistance, DistanceM: D}}
	ix := NewIndex([]Station{{Point: orb.Point{lon0, lat0}}})
	res, err := EvaluateDistrict(&d, ix, Options{Roads: []*roads.Field{field}, RoadTolerance: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	// The road's metres are geodesic; a frame chord along the parallel is
	// longer by its scale, which a 1e-5 relative margin absorbs.
	want := res.AreaM2 - (4*C*(D-C) + math.Pi*C*C)
	slack := 1e-5 * 4 * C * D
	if !(res.UncoveredLowerM2-slack <= want && want <= res.UncoveredUpperM2+slack) {
		t.Errorf("uncovered bracket [%.1f, %.1f] m2 misses the closed form %.1f m2", res.UncoveredLowerM2, res.UncoveredUpperM2, want)
	}
	if w := res.UncoveredUpperM2 - res.UncoveredLowerM2; w > 1e-4*res.AreaM2 {
		t.Errorf("bracket width %.1f m2, tolerance %.1f m2", w, 1e-4*res.AreaM2)
	}
	// Without the walking cap the straight line to the station always
	// wins: the covered part would be the disk of radius D.
	field.WalkCapped = false
	open, err := EvaluateDistrict(&d, ix, Options{Roads: []*roads.Field{field}, RoadTolerance: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	if disk := res.AreaM2 - math.Pi*D*D; math.Abs(open.UncoveredM2-disk) > 1e-3*res.AreaM2 {
		t.Errorf("uncapped walk: uncovered %.1f m2, the disk leaves %.1f m2", open.UncoveredM2, disk)
	}
	t.Logf("stadium: bracket [%.1f, %.1f], truth %.1f", res.UncoveredLowerM2, res.UncoveredUpperM2, want)
}

// TestRoadDelayShiftsTheLimit: a delay of δ at the station covers what
// a limit of T - δ without it covers (the straight road's hull, closed
// form), and Field.Cost is δ more everywhere.
func TestRoadDelayShiftsTheLimit(t *testing.T) {
	lon0, lat0 := 10.0, 45.0
	west, lw := geodesy.Direct(lon0, lat0, 270, 6000)
	east, le := geodesy.Direct(lon0, lat0, 90, 6000)
	pos := map[int64][2]float64{1: {west, lw}, 2: {lon0, lat0}, 3: {east, le}}
	acc := roads.Access{SpeedMS: 5 / 3.6, CapM: 1e5}
	st := [2]float64{lon0, lat0}
	plain := roadField(t, roads.Car(), pos, [][]int64{{1, 2, 3}}, []map[string]string{{"highway": "residential"}}, st, acc, roads.ToStation)
	const T, delay = 660.0, 60.0
	delayed := roads.NewDelayedField(plain.Net, [][2]float64{st}, []float64{delay}, acc, roads.ToStation)
	for _, p := range [][2]float64{{10.01, 45.001}, {9.97, 44.999}, {10.0, 45.02}, {10.05, 45.0}} {
		a, _, _ := plain.Cost(p[0], p[1])
		b, _, _ := delayed.Cost(p[0], p[1])
		if math.Abs(b-a-delay) > 1e-9 {
			t.Errorf("at %v: %.9f s with the delay, %.9f s without", p, b, a)
		}
	}
	d := District{Name: "box", Geometry: lonLatBox(lon0, lat0, 8000), Rule: Rule{Kind: KindRoadTime, TimeS: T, DelayS: delay}}
	f, _ := newFrame(d.Geometry, newFrameSet())
	xy := func(p [2]float64) [2]float64 { x, y := f.proj.Forward(p[0], p[1]); return [2]float64{x, y} }
	s, w, e := xy(pos[2]), xy(pos[1]), xy(pos[3])
	vr, R := 25/3.6, acc.SpeedMS*(T-delay)
	reach := func(end, ll [2]float64) float64 {
		return vr * math.Hypot(end[0]-s[0], end[1]-s[1]) / geodesy.Distance(lon0, lat0, ll[0], ll[1]) * (T - delay)
	}
	cov := math.Pi*R*R + hullExtra(R, reach(w, pos[1])) + hullExtra(R, reach(e, pos[3]))
	res, err := EvaluateDistrict(&d, NewIndex([]Station{{Point: orb.Point(st)}}), Options{Roads: []*roads.Field{delayed}, RoadTolerance: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	if want := res.AreaM2 - cov; !(res.UncoveredLowerM2 <= want && want <= res.UncoveredUpperM2) {
		t.Errorf("uncovered bracket [%.1f, %.1f] m2 misses the closed form %.1f m2 (limit %g s less the %g s delay)", res.UncoveredLowerM2, res.UncoveredUpperM2, want, T, delay)
	}
}

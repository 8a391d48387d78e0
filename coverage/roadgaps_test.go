package coverage_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodesy"
	"github.com/covaudit/covaudit/roads"
	"github.com/paulmach/orb"
)

// The checks here measure the drawn gaps independently of the clipper that
// drew them: areas by the shoelace formula in a Lambert equal-area frame of
// the test's own, and the part of the drawing inside the district by
// scanlines (on every row, the gaps' and the district's crossings, paired
// even-odd into intervals, and the intervals' common length).

// sliverBound is the most the gaps of a district may miss of the reported
// uncovered bracket, m2: the max(0.5% of the district, 1 ha).
func sliverBound(areaM2 float64) float64 { return max(0.005*areaM2, 1e4) }

// tightSlivers is what the drawing actually loses, m2 (floating point in
// the exact cut and areas): 1e-6 of the district plus 1 m2.
func tightSlivers(areaM2 float64) float64 { return 1e-6*areaM2 + 1 }

type projRings [][][2]float64

func project(p *geodesy.LAEA, poly orb.Polygon) projRings {
	var out projRings
	for _, r := range poly {
		xy := make([][2]float64, 0, len(r))
		for _, q := range r {
			x, y := p.Forward(q[0], q[1])
			xy = append(xy, [2]float64{x, y})
		}
		if len(xy) > 1 && xy[0] == xy[len(xy)-1] {
			xy = xy[:len(xy)-1]
		}
		out = append(out, xy)
	}
	return out
}

func shoelace(rs projRings) float64 {
	a := 0.0
	for _, r := range rs {
		for i := range r {
			p, q := r[i], r[(i+1)%len(r)]
			a += p[0]*q[1] - p[1]*q[0]
		}
	}
	return a / 2
}

// rowIntervals returns, per row y0 + (k + 1/2) dy, the x intervals inside
// the rings (even-odd).
func rowIntervals(rs projRings, y0, dy float64, rows int) [][]float64 {
	out := make([][]float64, rows)
	for _, r := range rs {
		for i := range r {
			p, q := r[i], r[(i+1)%len(r)]
			lo, hi := min(p[1], q[1]), max(p[1], q[1])
			k0 := max(0, int(math.Ceil((lo-y0)/dy-0.5)))
			for k := k0; k < rows; k++ {
				y := y0 + (float64(k)+0.5)*dy
				if y >= hi {
					break
				}
				if (p[1] > y) != (q[1] > y) {
					out[k] = append(out[k], p[0]+(y-p[1])/(q[1]-p[1])*(q[0]-p[0]))
				}
			}
		}
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

// overlap is the common length of two even-odd crossing lists.
func overlap(a, b []float64) float64 {
	s := 0.0
	for i := 0; i+1 < len(a); i += 2 {
		for j := 0; j+1 < len(b); j += 2 {
			s += max(0, min(a[i+1], b[j+1])-max(a[i], b[j]))
		}
	}
	return s
}

func length(a []float64) float64 {
	s := 0.0
	for i := 0; i+1 < len(a); i += 2 {
		s += a[i+1] - a[i]
	}
	return s
}

// scan measures, by rows dy apart, the area of the gaps and the area of
// the gaps inside each of the regions.
func scan(gaps []projRings, regions []projRings, dy float64) (drawn float64, inside []float64) {
	y0, y1 := math.Inf(1), math.Inf(-1)
	for _, g := range gaps {
		for _, r := range g {
			for _, p := range r {
				y0, y1 = min(y0, p[1]), max(y1, p[1])
			}
		}
	}
	if math.IsInf(y0, 1) {
		return 0, make([]float64, len(regions))
	}
	rows := int(math.Ceil((y1-y0)/dy)) + 1
	var reg [][][]float64
	for _, r := range regions {
		reg = append(reg, rowIntervals(r, y0, dy, rows))
	}
	inside = make([]float64, len(regions))
	for _, g := range gaps {
		gi := rowIntervals(g, y0, dy, rows)
		for k := range rows {
			drawn += length(gi[k]) * dy
			for r := range reg {
				inside[r] += overlap(gi[k], reg[r][k]) * dy
			}
		}
	}
	return drawn, inside
}

// gapCheck is one district's measured gaps.
type gapCheck struct {
	sum, drawn, scanned, inside float64
	parts                       []float64 // scanned gap area inside each extra region
}

// checkGaps asserts what the issue asks of a road district's gaps and
// returns the measurements. extra are further regions (lon/lat) whose
// overlap with the gaps is measured.
func checkGaps(t *testing.T, r coverage.Result, dy float64, extra ...orb.Polygon) gapCheck {
	t.Helper()
	name := r.District.Name
	b := r.District.Geometry.Bound()
	proj := geodesy.NewLAEA((b.Min[0]+b.Max[0])/2, (b.Min[1]+b.Max[1])/2)
	var dist projRings
	for _, poly := range r.District.Geometry {
		dist = append(dist, project(proj, poly)...)
	}
	var c gapCheck
	var gaps []projRings
	for i, g := range r.Gaps {
		if g.Kind != coverage.GapNoAccess && g.Kind != coverage.GapTravelTime {
			t.Errorf("%s: gap %d: kind %q", name, i, g.Kind)
		}
		if len(g.Polygon) == 0 {
			t.Fatalf("%s: gap %d has no polygon", name, i)
		}
		pr := project(proj, g.Polygon)
		for k, ring := range pr {
			if a := shoelace(projRings{ring}); (k == 0) != (a > 0) {
				t.Errorf("%s: gap %d: ring %d of signed area %.1f m2 (exterior counter-clockwise, holes clockwise)", name, i, k, a)
			}
		}
		a := shoelace(pr)
		if math.Abs(a-g.AreaM2) > 1e-5*g.AreaM2+1 {
			t.Errorf("%s: gap %d: area_m2 %.1f, its drawn polygon %.1f m2", name, i, g.AreaM2, a)
		}
		c.sum += g.AreaM2
		c.drawn += a
		gaps = append(gaps, pr)
	}
	regions := []projRings{dist}
	for _, e := range extra {
		regions = append(regions, project(proj, e))
	}
	scanned, in := scan(gaps, regions, dy)
	c.scanned, c.inside, c.parts = scanned, in[0], in[1:]
	lo, hi := r.UncoveredLowerM2, r.UncoveredUpperM2
	if s := sliverBound(r.AreaM2); c.sum < lo-s || c.sum > hi+s {
		t.Errorf("%s: gaps add up to %.0f m2, the bracket is [%.0f, %.0f] and the sliver bound %.0f m2", name, c.sum, lo, hi, s)
	}
	if s := tightSlivers(r.AreaM2); c.sum < lo-s || c.sum > hi+s {
		t.Errorf("%s: gaps add up to %.1f m2, outside the bracket [%.1f, %.1f] by more than %.1f m2", name, c.sum, lo, hi, s)
	}
	// The scan agrees with the shoelace to the rows' resolution: a gap's
	// outline crossed between rows counts at most a row's height.
	if math.Abs(c.scanned-c.drawn) > 0.01*c.drawn+1 {
		t.Errorf("%s: scanned %.0f m2 of gaps, shoelace %.0f m2", name, c.scanned, c.drawn)
	}
	if c.scanned > 0 && c.inside < 0.995*c.scanned {
		t.Errorf("%s: %.0f of %.0f m2 drawn lies inside the district (%.3f%%)", name, c.inside, c.scanned, 100*c.inside/c.scanned)
	}
	return c
}

// TestRoadGapsAndorra: the demo's rural parishes by road (the CLI's
// defaults: car, to the station, 30 minutes, 5 km/h legs of at most 1 km,
// a bracket of 0.1%): per district the gaps add up to the reported
// uncovered area, and what is drawn lies inside.
func TestRoadGapsAndorra(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the demo's road network")
	}
	const dir = "../audit/demodata/"
	fd, err := os.ReadFile(dir + "andorra-parishes.geojson")
	if err != nil {
		t.Fatal(err)
	}
	feats, _, err := geodata.ReadDistrictsData(fd, "andorra-parishes.geojson", geodata.DistrictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := os.Open(dir + "andorra-services.geojson")
	if err != nil {
		t.Fatal(err)
	}
	sts, _, err := geodata.ReadStations(fs, "andorra-services.geojson", geodata.StationOptions{})
	fs.Close()
	if err != nil {
		t.Fatal(err)
	}
	net, _, err := geodata.ReadRoads(context.Background(), geodata.OSMSource{Name: dir + "andorra-roads.osm.pbf"}, roads.Car(), nil)
	if err != nil {
		t.Fatal(err)
	}
	net.BuildIndex()
	var pos [][2]float64
	for _, s := range sts {
		pos = append(pos, s.Point)
	}
	field := roads.NewField(net, pos, roads.Access{SpeedMS: 5 / 3.6, CapM: 1000}, roads.ToStation)
	var ds []coverage.District
	for _, f := range feats {
		if f.Class == "rural" {
			ds = append(ds, coverage.District{ID: f.ID, Name: f.Name, Class: f.Class, Geometry: f.Geometry, Rule: coverage.Rule{Kind: coverage.KindRoadTime, TimeS: 1800}})
		}
	}
	if len(ds) != 5 {
		t.Fatalf("%d rural parishes, want 5", len(ds))
	}
	res, err := coverage.Evaluate(context.Background(), ds, coverage.NewIndex(sts), coverage.Options{Roads: []*roads.Field{field}, RoadTolerance: 0.001, GapPolygons: true})
	if err != nil {
		t.Fatal(err)
	}
	var tab strings.Builder
	fmt.Fprintln(&tab, "| district | reported uncovered km² [bracket] | sum of gaps' area_m2 | drawn area | drawn area inside (scanned) | gaps | sum - lower, upper - sum (m²) |")
	for _, r := range res {
		if r.UncoveredLowerM2 <= 0 || len(r.Gaps) == 0 {
			t.Errorf("%s: uncovered [%.0f, %.0f] m2 in %d gaps: the demo's rural parishes all have gaps", r.District.Name, r.UncoveredLowerM2, r.UncoveredUpperM2, len(r.Gaps))
			continue
		}
		c := checkGaps(t, r, 5)
		fmt.Fprintf(&tab, "| %s | %.3f [%.3f, %.3f] | %.3f | %.3f | %.3f (%.3f) | %d | %.1f, %.1f |\n", r.District.Name, r.UncoveredM2/1e6, r.UncoveredLowerM2/1e6, r.UncoveredUpperM2/1e6,
			c.sum/1e6, c.drawn/1e6, c.inside/1e6, c.scanned/1e6, len(r.Gaps), c.sum-r.UncoveredLowerM2, r.UncoveredUpperM2-c.sum)
	}
	t.Log("\n" + tab.String())
}

// box is a geodesic box ring of half side m metres around (lon, lat),
// counter-clockwise, or clockwise for a hole.
func box(lon, lat, m float64, hole bool) orb.Ring {
	_, s := geodesy.Direct(lon, lat, 180, m)
	_, n := geodesy.Direct(lon, lat, 0, m)
	w, _ := geodesy.Direct(lon, lat, 270, m)
	e, _ := geodesy.Direct(lon, lat, 90, m)
	r := orb.Ring{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}
	if hole {
		slices.Reverse(r)
	}
	return r
}

// TestRoadGapsExclavesAndHole: a district of three parts, the main one
// with a hole, and two exclaves 20 and 25 km away with no road: both
// exclaves are wholly uncovered (no-access) and drawn; nothing is drawn in
// the hole or outside; the same bytes on one worker or four.
func TestRoadGapsExclavesAndHole(t *testing.T) {
	lon0, lat0 := 1.0, 44.0
	// A primary road west to east through the main part, a station on it,
	// and a side street north that ends in a dead end.
	pos := map[int64][2]float64{}
	for k := int64(-5); k <= 5; k++ {
		lon, lat := geodesy.Direct(lon0, lat0, 90, float64(k)*1000)
		pos[k+100] = [2]float64{lon, lat}
	}
	n1, l1 := geodesy.Direct(lon0, lat0, 10, 2500)
	pos[200] = [2]float64{n1, l1}
	b := roads.NewBuilder(roads.Car())
	var main []int64
	for k := int64(95); k <= 105; k++ {
		main = append(main, k)
	}
	tags := []map[string]string{{"highway": "primary"}, {"highway": "residential"}}
	b.AddWay(1, main, func(k string) string { return tags[0][k] })
	b.AddWay(2, []int64{100, 200}, func(k string) string { return tags[1][k] })
	for id, ll := range pos {
		b.SetNode(id, ll[0], ll[1])
	}
	net, missing := b.Build()
	if missing != 0 {
		t.Fatalf("%d segments miss nodes", missing)
	}
	st := [2]float64{lon0, lat0}
	// 10 minutes: the walking disk (833 m) and the strip along the roads
	// that a 5 km/h leg of at most 400 m and the drive bring within it.
	field := roads.NewField(net, [][2]float64{st}, roads.Access{SpeedMS: 5 / 3.6, CapM: 400}, roads.ToStation)
	hl, hla := geodesy.Direct(lon0, lat0, 200, 2000)
	hole := box(hl, hla, 600, true)
	eLon, eLat := geodesy.Direct(lon0, lat0, 90, 20000)
	nLon, nLat := geodesy.Direct(lon0, lat0, 0, 25000)
	exA := orb.Polygon{box(eLon, eLat, 1000, false)}
	exB := orb.Polygon{box(nLon, nLat, 700, false)}
	d := coverage.District{ID: "x", Name: "three parts", Geometry: orb.MultiPolygon{
		{box(lon0, lat0, 4000, false), hole}, exA, exB,
	}, Rule: coverage.Rule{Kind: coverage.KindRoadTime, TimeS: 600}}
	ix := coverage.NewIndex([]coverage.Station{{Point: orb.Point(st)}})
	opts := coverage.Options{Roads: []*roads.Field{field}, RoadTolerance: 0.001, GapPolygons: true, Workers: 1}
	res, err := coverage.Evaluate(context.Background(), []coverage.District{d}, ix, opts)
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	c := checkGaps(t, r, 2, exA, exB, orb.Polygon{slices.Clone(hole)})
	proj := geodesy.NewLAEA(lon0, lat0)
	for i, ex := range []orb.Polygon{exA, exB} {
		a := shoelace(project(proj, ex))
		if c.parts[i] < 0.999*a {
			t.Errorf("exclave %d: %.0f m2, %.0f of it in a gap", i, a, c.parts[i])
		}
		// The exclave's gap is no-access: no road within the cap.
		found := false
		for _, g := range r.Gaps {
			if g.Kind == coverage.GapNoAccess && math.Abs(g.AreaM2-a) < 1e-6*a+1 {
				found = true
			}
		}
		if !found {
			t.Errorf("exclave %d (%.0f m2): no no-access gap of its area", i, a)
		}
	}
	if c.parts[2] > 1 {
		t.Errorf("%.1f m2 of gaps drawn in the district's hole", c.parts[2])
	}
	var noAcc, tt int
	for _, g := range r.Gaps {
		if g.Kind == coverage.GapNoAccess {
			noAcc++
		} else {
			tt++
		}
	}
	if noAcc < 3 || tt == 0 {
		t.Errorf("%d no-access and %d travel-time gaps: want the two exclaves and the main part's land beyond the cap, and land near the road too far by it", noAcc, tt)
	}
	t.Logf("uncovered [%.0f, %.0f], gaps %.0f (drawn %.0f, scanned %.0f, inside %.0f) in %d gaps (%d no-access), exclaves %.0f and %.0f, hole %.1f",
		r.UncoveredLowerM2, r.UncoveredUpperM2, c.sum, c.drawn, c.scanned, c.inside, len(r.Gaps), noAcc, c.parts[0], c.parts[1], c.parts[2])
	// Without polygons, the same gaps: the areas come from the drawing
	// whether or not it is returned.
	bare := opts
	bare.GapPolygons = false
	nb, err := coverage.Evaluate(context.Background(), []coverage.District{d}, ix, bare)
	if err != nil {
		t.Fatal(err)
	}
	if len(nb[0].Gaps) != len(r.Gaps) {
		t.Fatalf("%d gaps without polygons, %d with", len(nb[0].Gaps), len(r.Gaps))
	}
	for i, g := range nb[0].Gaps {
		if g.AreaM2 != r.Gaps[i].AreaM2 || g.Kind != r.Gaps[i].Kind || g.Polygon != nil {
			t.Errorf("gap %d without polygons: %.3f m2 %s (polygon %v), with: %.3f m2 %s", i, g.AreaM2, g.Kind, g.Polygon != nil, r.Gaps[i].AreaM2, r.Gaps[i].Kind)
		}
	}
	opts.Workers = 4
	again, err := coverage.Evaluate(context.Background(), []coverage.District{d, d, d}, ix, opts)
	if err != nil {
		t.Fatal(err)
	}
	for k := range again {
		if !reflect.DeepEqual(again[k].Gaps, r.Gaps) {
			t.Errorf("evaluation %d on 4 workers: gaps differ from one worker's", k)
		}
	}
}

package coverage

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// selfCrossingBrute tests every pair of non-adjacent edges.
func selfCrossingBrute(pts []orb.Point) (int, int, bool) {
	n := len(pts)
	for i := range n {
		for j := i + 2; j < n; j++ {
			if i == 0 && j == n-1 {
				continue
			}
			if _, ok := segmentsMeet(pts[i], pts[(i+1)%n], pts[j], pts[(j+1)%n]); ok {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// TestSelfCrossingMatchesBruteForce compares the search with testing every
// pair of edges on random rings, simple and not, and on clustered rings.
func TestSelfCrossingMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 9))
	for k := range 400 {
		n := 4 + rng.IntN(120)
		pts := make([]orb.Point, n)
		for i := range pts {
			switch k % 4 {
			case 0: // star-shaped: simple
				a := 2 * math.Pi * float64(i) / float64(n)
				r := 1 + rng.Float64()
				pts[i] = orb.Point{r * math.Cos(a), r * math.Sin(a)}
			case 1: // random: mostly self-crossing
				pts[i] = orb.Point{rng.Float64(), rng.Float64()}
			case 2: // a comb on a grid of 1/8: collinear and touching edges
				pts[i] = orb.Point{float64(rng.IntN(8)) / 8, float64(rng.IntN(8)) / 8}
			case 3: // star-shaped with one spike that may cross the others
				a := 2 * math.Pi * float64(i) / float64(n)
				r := 1 + 0.1*rng.Float64()
				if i == n/2 {
					r = 3 * rng.Float64()
					a += rng.Float64() - 0.5
				}
				pts[i] = orb.Point{r * math.Cos(a), r * math.Sin(a)}
			}
		}
		i1, j1, _, ok1 := selfCrossing(pts)
		i2, j2, ok2 := selfCrossingBrute(pts)
		if ok1 != ok2 || ok1 && (i1 != i2 || j1 != j2) {
			t.Fatalf("ring %d: search says crossing=%v (%d, %d), brute force %v (%d, %d)", k, ok1, i1, j1, ok2, i2, j2)
		}
		if k%4 == 0 && ok1 {
			t.Fatalf("star-shaped ring %d reported crossing at edges %d and %d", k, i1, j1)
		}
	}
	// 2,000 vertices on a small arc and one long closing edge: clustered.
	var pts []orb.Point
	for i := range 2000 {
		a := float64(i) / 2000 * 0.01
		pts = append(pts, orb.Point{math.Cos(a), math.Sin(a)})
	}
	pts = append(pts, orb.Point{-50, 0})
	if _, _, _, ok := selfCrossing(pts); ok {
		t.Errorf("clustered simple ring reported as crossing")
	}
	// The same with a notch that crosses the arc near its middle.
	pts = append(pts[:1000:1000], orb.Point{1.001, 0.005}, orb.Point{0.99, 0.0049})
	pts = append(pts, orb.Point{-50, 0})
	i1, j1, _, ok1 := selfCrossing(pts)
	i2, j2, ok2 := selfCrossingBrute(pts)
	if ok1 != ok2 || i1 != i2 || j1 != j2 {
		t.Errorf("notched ring: search (%d, %d, %v), brute force (%d, %d, %v)", i1, j1, ok1, i2, j2, ok2)
	}
}

// TestBoxPairs checks that every pair of meeting boxes is reported, and no
// other, on uniform, clustered, identical and long boxes.
func TestBoxPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 11))
	for k := range 60 {
		n := 1 + rng.IntN(400)
		boxes := make([]rect, n)
		for i := range boxes {
			var x, y, w, h float64
			switch k % 5 {
			case 0:
				x, y, w, h = rng.Float64(), rng.Float64(), rng.Float64()*0.05, rng.Float64()*0.05
			case 1: // clustered: most in a tiny corner
				s := 1.0
				if rng.IntN(10) > 0 {
					s = 1e-4
				}
				x, y, w, h = rng.Float64()*s, rng.Float64()*s, rng.Float64()*s*0.05, rng.Float64()*s*0.05
			case 2: // identical
				x, y, w, h = 0.5, 0.5, 0.01, 0.01
			case 3: // long and thin, some spanning everything
				x, y, w, h = rng.Float64(), rng.Float64(), rng.Float64(), 0
				if rng.IntN(20) == 0 {
					x, w = 0, 1
				}
			case 4: // points on a line
				x, y = rng.Float64(), 0.25
			}
			boxes[i] = rect{x, y, x + w, y + h}
		}
		got := map[[2]int32]bool{}
		boxPairs(boxes, func(i, j int32) {
			if i >= j {
				t.Fatalf("case %d: pair (%d, %d) not ordered", k, i, j)
			}
			if !rectsMeet(&boxes[i], &boxes[j]) {
				t.Fatalf("case %d: pair (%d, %d) does not meet", k, i, j)
			}
			got[[2]int32{i, j}] = true
		})
		want := 0
		for i := range boxes {
			for j := i + 1; j < len(boxes); j++ {
				if rectsMeet(&boxes[i], &boxes[j]) {
					want++
					if !got[[2]int32{int32(i), int32(j)}] {
						t.Fatalf("case %d: pair (%d, %d) missed", k, i, j)
					}
				}
			}
		}
		if len(got) != want {
			t.Fatalf("case %d: %d pairs, want %d", k, len(got), want)
		}
	}
}

// overlapsRaster is the truth for districts drawn on a grid of 1/4:
// each quarter cell is wholly inside or outside each district, so two
// districts overlap exactly when some cell centre lies inside both.
func overlapsRaster(ds []District) map[[2]int]bool {
	in := func(p orb.Point, mp orb.MultiPolygon) bool {
		inside := false
		for _, poly := range mp {
			for _, ring := range poly {
				for k := range ring {
					a, b := ring[k], ring[(k+1)%len(ring)]
					if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])/(b[1]-a[1])*(b[0]-a[0]) {
						inside = !inside
					}
				}
			}
		}
		return inside
	}
	const cells = 4 * 16
	cover := make([][]bool, len(ds))
	for i := range ds {
		cover[i] = make([]bool, cells*cells)
		for c := range cover[i] {
			cover[i][c] = in(orb.Point{(float64(c%cells) + 0.5) / 4, (float64(c/cells) + 0.5) / 4}, ds[i].Geometry)
		}
	}
	out := map[[2]int]bool{}
	for i := range ds {
		for j := i + 1; j < len(ds); j++ {
			for c := range cover[i] {
				if cover[i][c] && cover[j][c] {
					out[[2]int{i, j}] = true
					break
				}
			}
		}
	}
	return out
}

// TestOverlapsMatchesRaster compares Overlaps with the truth on random
// layouts on a grid of 1/4 (shared borders, corners that touch, T-junctions,
// nesting with and without touching, crossings, duplicates, multipolygons,
// holes, either winding) and on hand-made cases.
func TestOverlapsMatchesRaster(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 13))
	sq := func(x, y, w, h float64) orb.Ring {
		return orb.Ring{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}
	}
	check := func(name string, ds []District) {
		t.Helper()
		want := overlapsRaster(ds)
		got := Overlaps(ds)
		for i, o := range got {
			if i > 0 && (o.A < got[i-1].A || o.A == got[i-1].A && o.B <= got[i-1].B) {
				t.Fatalf("%s: pairs out of order: %v", name, got)
			}
			if !want[[2]int{o.A, o.B}] {
				t.Fatalf("%s: (%d, %d) reported, not overlapping: %v / %v", name, o.A, o.B, ds[o.A].Geometry, ds[o.B].Geometry)
			}
		}
		if len(got) != len(want) {
			for p := range want {
				missed := true
				for _, o := range got {
					missed = missed && (o.A != p[0] || o.B != p[1])
				}
				if missed {
					t.Errorf("%s: missed (%d, %d): %v / %v", name, p[0], p[1], ds[p[0]].Geometry, ds[p[1]].Geometry)
				}
			}
			t.FailNow()
		}
	}
	for k := range 300 {
		var ds []District
		for range 2 + rng.IntN(12) {
			q := func(n int) float64 { return float64(rng.IntN(n)) / 4 }
			x, y := float64(rng.IntN(8))+q(2), float64(rng.IntN(8))+q(2)
			w, h := float64(1+rng.IntN(3))+q(3), float64(1+rng.IntN(3))+q(3)
			var mp orb.MultiPolygon
			switch rng.IntN(4) {
			case 0: // two parts
				mp = orb.MultiPolygon{{sq(x, y, w, h)}, {sq(x+w+float64(rng.IntN(3)), y, 1, 1)}}
			case 1: // with a hole
				hole := sq(x+1, y+1, w, h)
				hole.Reverse()
				mp = orb.MultiPolygon{{sq(x, y, w+2, h+2), hole}}
			case 2: // with a T-junction vertex on its bottom edge
				r := sq(x, y, w, h)
				mp = orb.MultiPolygon{{append(orb.Ring{r[0], {x + 0.5, y}}, r[1:]...)}}
			default:
				mp = orb.MultiPolygon{{sq(x, y, w, h)}}
			}
			if rng.IntN(3) == 0 {
				mp[0][0].Reverse()
			}
			ds = append(ds, District{Geometry: mp})
		}
		if rng.IntN(5) == 0 { // a duplicate
			ds = append(ds, District{Geometry: ds[0].Geometry.Clone()})
		}
		check(fmt.Sprintf("layout %d", k), ds)
	}
	tri := func(pts ...orb.Point) orb.MultiPolygon { return orb.MultiPolygon{{append(orb.Ring(pts), pts[0])}} }
	square := orb.MultiPolygon{{sq(0, 0, 4, 4)}}
	for _, c := range []struct {
		name string
		ds   []District
	}{
		{"triangle inside touching a corner", []District{{Geometry: square}, {Geometry: tri(orb.Point{0, 0}, orb.Point{2, 1}, orb.Point{1, 2})}}},
		{"triangle outside touching a corner", []District{{Geometry: square}, {Geometry: tri(orb.Point{0, 0}, orb.Point{-2, -1}, orb.Point{-1, -2})}}},
		{"triangle inside touching an edge", []District{{Geometry: square}, {Geometry: tri(orb.Point{2, 0}, orb.Point{3, 1}, orb.Point{1, 1})}}},
		{"triangle outside touching an edge", []District{{Geometry: square}, {Geometry: tri(orb.Point{2, 0}, orb.Point{1, -1}, orb.Point{3, -1})}}},
		{"squares meeting at a corner", []District{{Geometry: square}, {Geometry: orb.MultiPolygon{{sq(4, 4, 1, 1)}}}}},
		{"square inside, no contact", []District{{Geometry: square}, {Geometry: orb.MultiPolygon{{sq(1, 1, 1, 1)}}}}},
		{"square cut through two corners of a diamond", []District{{Geometry: tri(orb.Point{2, 1}, orb.Point{3, 2}, orb.Point{2, 3}, orb.Point{1, 2})}, {Geometry: orb.MultiPolygon{{sq(0, 2, 4, 2)}}}}},
		{"square touching two corners of a diamond", []District{{Geometry: tri(orb.Point{2, 1}, orb.Point{3, 2}, orb.Point{2, 3}, orb.Point{1, 2})}, {Geometry: orb.MultiPolygon{{sq(0, 3, 4, 2)}}}}},
		{"square in a hole", []District{{Geometry: orb.MultiPolygon{{sq(0, 0, 4, 4), sq(1, 1, 2, 2)}}}, {Geometry: orb.MultiPolygon{{sq(1, 1, 2, 2)}}}}},
	} {
		check(c.name, c.ds)
	}
}

// TestCheckDistrictsCrossings: the one-pass search over many districts
// names exactly the rings that cross themselves, with the edges the search
// of a single ring names, whatever the other districts around them.
func TestCheckDistrictsCrossings(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 17))
	var ds []District
	var want []RingCrossing
	total := 0
	for d := range 60 {
		var mp orb.MultiPolygon
		for pi := range 1 + rng.IntN(2) {
			var poly orb.Polygon
			for ri := range 1 + rng.IntN(2) {
				n := 4 + rng.IntN(40)
				ox, oy := float64(rng.IntN(5)), float64(rng.IntN(5))
				ring := make(orb.Ring, n)
				random := rng.IntN(3) == 0
				total++
				for i := range ring {
					if random { // random: mostly crossing
						ring[i] = orb.Point{ox + rng.Float64(), oy + rng.Float64()}
					} else { // star-shaped: simple
						a := 2 * math.Pi * float64(i) / float64(n)
						r := 0.3 + 0.2*rng.Float64()
						ring[i] = orb.Point{ox + 0.5 + r*math.Cos(a), oy + 0.5 + r*math.Sin(a)}
					}
				}
				ring = append(ring, ring[0])
				if i, j, ok := selfCrossingBrute(openRing(ring)); ok {
					want = append(want, RingCrossing{District: d, Polygon: pi, Ring: ri, Err: fmt.Errorf("edges %d and %d", i, j)})
				}
				poly = append(poly, ring)
			}
			mp = append(mp, poly)
		}
		ds = append(ds, District{Geometry: mp})
	}
	all := CheckDistricts(ds).Crossings
	var got, between []RingCrossing
	for _, c := range all {
		if c.Other == nil {
			got = append(got, c)
		} else {
			between = append(between, c)
		}
	}
	checkRingsBetween(t, ds, between, false)
	if len(got) != len(want) {
		t.Fatalf("%d rings reported crossing, want %d", len(got), len(want))
	}
	for k, g := range got {
		w := want[k]
		if g.District != w.District || g.Polygon != w.Polygon || g.Ring != w.Ring || !strings.HasPrefix(g.Err.Error(), w.Err.Error()+" cross near") {
			t.Errorf("crossing %d: got %v (%d/%d/%d), want %v (%d/%d/%d)", k, g.Err, g.District, g.Polygon, g.Ring, w.Err, w.District, w.Polygon, w.Ring)
		}
	}
	if len(want) < 10 || len(want) > total-10 {
		t.Errorf("%d crossing rings of %d: the test does not mix simple and crossing rings", len(want), total)
	}
}

// checkRingsBetween compares the rings of one district reported crossing
// or nesting in each other with a brute-force search: every pair of rings
// with edges that cross properly, named by its later ring; else a shell
// inside another polygon's land, or a hole inside another hole, by one
// vertex off the other ring.
func checkRingsBetween(t *testing.T, ds []District, got []RingCrossing, needBoth bool) {
	t.Helper()
	type ref struct{ d, p, r int }
	var want []string
	crossing := 0
	for d, dist := range ds {
		var rings []ref
		for pi, poly := range dist.Geometry {
			for ri := range poly {
				rings = append(rings, ref{d, pi, ri})
			}
		}
		ring := func(x ref) []orb.Point { return openRing(dist.Geometry[x.p][x.r]) }
		cross := func(a, b ref) bool {
			pa, pb := ring(a), ring(b)
			for i := range pa {
				for j := range pb {
					if _, ok := properCross(pa[i], pa[(i+1)%len(pa)], pb[j], pb[(j+1)%len(pb)]); ok {
						return true
					}
				}
			}
			return false
		}
		in := func(a, b ref) bool { // a vertex of a, off b, inside b
			for _, v := range ring(a) {
				if !onRing(ring(b), v) {
					return planarRingContains(ring(b), v)
				}
			}
			return false
		}
		crossed := map[[2]int]bool{}
		for i := range rings {
			for j := i + 1; j < len(rings); j++ {
				if cross(rings[i], rings[j]) {
					crossed[[2]int{i, j}] = true
					crossing++
					q := rings[i]
					want = append(want, fmt.Sprintf("%d/%d/%d crosses polygon %d: ring %d", d, rings[j].p, rings[j].r, q.p, q.r))
				}
			}
		}
		for i, a := range rings {
			for j, b := range rings {
				if i == j || crossed[[2]int{min(i, j), max(i, j)}] {
					continue
				}
				switch {
				case a.r == 0 && b.r == 0 && a.p != b.p && in(a, b):
					inHole := false
					for h := 1; h < len(dist.Geometry[b.p]); h++ {
						inHole = inHole || in(a, ref{d, b.p, h})
					}
					if !inHole {
						want = append(want, fmt.Sprintf("%d/%d/%d lies inside polygon %d", d, a.p, a.r, b.p))
					}
				case a.r > 0 && b.r > 0 && a.p == b.p && in(a, b):
					want = append(want, fmt.Sprintf("%d/%d/%d lies inside ring %d", d, a.p, a.r, b.r))
				}
			}
		}
	}
	var have []string
	for _, c := range got {
		msg := c.Err.Error()
		for _, cut := range []string{" near", ",", " ("} {
			if i := strings.Index(msg, cut); i >= 0 {
				msg = msg[:i]
			}
		}
		have = append(have, fmt.Sprintf("%d/%d/%d %s", c.District, c.Polygon, c.Ring, msg))
	}
	slices.Sort(want)
	slices.Sort(have)
	if !slices.Equal(have, want) {
		t.Errorf("rings of one district crossing or nesting:\n got %q\nwant %q", have, want)
	}
	t.Logf("%d pairs of rings cross, %d rings nest", crossing, len(want)-crossing)
	if needBoth && (crossing < 5 || len(want)-crossing < 5) {
		t.Errorf("%d pairs of rings cross and %d nest: the test needs both", crossing, len(want)-crossing)
	}
}

// TestRingsOfOneDistrict: rings of one district that cross, a part inside
// another part's land, a hole inside another hole are found, and islands
// in lakes, parts apart and holes apart are not, as a brute-force search
// finds them, on districts of random simple (star-shaped) rings.
func TestRingsOfOneDistrict(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 29))
	star := func(cx, cy, r float64, cw bool) orb.Ring {
		n := 5 + rng.IntN(12)
		ring := make(orb.Ring, n)
		for i := range ring {
			a := 2 * math.Pi * float64(i) / float64(n)
			if cw {
				a = -a
			}
			rr := r * (0.8 + 0.2*rng.Float64())
			ring[i] = orb.Point{cx + rr*math.Cos(a), cy + rr*math.Sin(a)}
		}
		return append(ring, ring[0])
	}
	var ds []District
	for range 300 {
		var mp orb.MultiPolygon
		for range 1 + rng.IntN(3) {
			cx, cy, r := rng.Float64(), rng.Float64(), 0.1+0.4*rng.Float64()
			poly := orb.Polygon{star(cx, cy, r, false)}
			for range rng.IntN(3) {
				// Holes near the middle of their shell: inside it, some
				// crossing or inside each other.
				poly = append(poly, star(cx+0.3*r*(rng.Float64()-0.5), cy+0.3*r*(rng.Float64()-0.5), r*(0.1+0.5*rng.Float64()), true))
			}
			mp = append(mp, poly)
		}
		ds = append(ds, District{Geometry: mp})
	}
	var between []RingCrossing
	for _, c := range CheckDistricts(ds).Crossings {
		if c.Other != nil {
			between = append(between, c)
		}
	}
	checkRingsBetween(t, ds, between, true)
}

// planarRingContains is even-odd containment of p in an open ring.
func planarRingContains(pts []orb.Point, p orb.Point) bool {
	in := false
	for i := range pts {
		a, c := pts[i], pts[(i+1)%len(pts)]
		if (a[1] > p[1]) != (c[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])/(c[1]-a[1])*(c[0]-a[0]) {
			in = !in
		}
	}
	return in
}

// TestValidateGeometryBowTie: a ring whose two loops cancel is reported by
// the edges that cross and where, not as "zero area"; a ring of zero area
// that does not cross itself still is.
func TestValidateGeometryBowTie(t *testing.T) {
	for _, c := range []struct {
		name string
		ring orb.Ring
		want string
	}{
		{"bow-tie", orb.Ring{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}, "polygon 0: ring 0: edges 0 and 2 cross near (0.5000000, 0.5000000)"},
		{"bow-tie at Andorra", orb.Ring{{1.5, 42.5}, {1.55, 42.55}, {1.55, 42.5}, {1.5, 42.55}, {1.5, 42.5}}, "polygon 0: ring 0: edges 0 and 2 cross near (1.5250000, 42.5250000)"},
		{"collinear", orb.Ring{{0, 0}, {1, 0}, {2, 0}, {0, 0}}, "polygon 0: ring 0: "},
	} {
		err := ValidateGeometry(orb.MultiPolygon{{c.ring}})
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("ValidateGeometry(%s) = %v, want %q", c.name, err, c.want)
		}
	}
}

// TestGeodesicOutline: a district 2° wide at 59-60°N whose edges are
// geodesics: its north edge bows 0.0038° north of the parallel, its south
// edge as far into it (GeographicLib: 60.0037852° at lon 1). Tests drawn
// straight on the outline follow the geodesics; on the vertices alone they
// would not.
func TestGeodesicOutline(t *testing.T) {
	mp := orb.MultiPolygon{{{{0, 59}, {2, 59}, {2, 60}, {0, 60}, {0, 59}}}}
	out := GeodesicOutline(mp)
	for _, c := range []struct {
		p  orb.Point
		in bool
	}{{orb.Point{1, 60.002}, true}, {orb.Point{1, 60.0045}, false}, {orb.Point{1, 59.002}, false}, {orb.Point{1, 59.0045}, true}} {
		if got := planar.MultiPolygonContains(out, c.p); got != c.in {
			t.Errorf("%v: inside %v, want %v", c.p, got, c.in)
		}
	}
	// Straight lines between the vertices decide both near points the
	// other way: the case tests something.
	if planar.MultiPolygonContains(mp, orb.Point{1, 60.002}) || !planar.MultiPolygonContains(mp, orb.Point{1, 59.002}) {
		t.Errorf("straight lines agree with the geodesics here")
	}
	// The highest point of the north edge, against GeographicLib.
	top := -90.0
	for _, p := range out[0][0] {
		top = max(top, p[1])
	}
	if math.Abs(top-60.00378516253697) > 1e-6 {
		t.Errorf("north edge's top %.9f, GeographicLib 60.003785163", top)
	}
	short := orb.MultiPolygon{{{{0, 0}, {0.0005, 0}, {0.0005, 0.0005}, {0, 0}}}}
	if o := GeodesicOutline(short); &o[0][0][0] != &short[0][0][0] {
		t.Errorf("a district without long edges was copied")
	}
}

// TestGeodesicOutlineSharedEdge: two districts sharing a long edge, each
// going round the other way, get the same points on it, so no sliver of
// overlap appears between them.
func TestGeodesicOutlineSharedEdge(t *testing.T) {
	a := GeodesicOutline(orb.MultiPolygon{{{{0, 59}, {2, 59}, {2, 60}, {0, 60}, {0, 59}}}})
	b := GeodesicOutline(orb.MultiPolygon{{{{0, 60}, {2, 60}, {2, 61}, {0, 61}, {0, 60}}}})
	var north, south []orb.Point
	for _, p := range a[0][0] {
		if p[1] > 59.5 {
			north = append(north, p)
		}
	}
	for _, p := range b[0][0] {
		if p[1] < 60.5 {
			south = append(south, p)
		}
	}
	if len(north) < 100 {
		t.Fatalf("%d points on the shared edge", len(north))
	}
	in := map[orb.Point]bool{}
	for _, p := range north {
		in[p] = true
	}
	up := map[orb.Point]bool{}
	for _, p := range south {
		if !in[p] {
			t.Fatalf("point %v of the upper district's edge is not on the lower's", p)
		}
		up[p] = true
	}
	if len(up) != len(in) {
		t.Fatalf("%d points on the lower district's edge, %d on the upper's", len(in), len(up))
	}
	if ov := Overlaps([]District{{Geometry: a}, {Geometry: b}}); len(ov) != 0 {
		t.Errorf("districts sharing a geodesic edge overlap: %+v", ov)
	}
}

// TestBoxGridWorkers: the top-level grid built on several workers is the
// one a single worker builds (the same cells, each in the same order), on
// uniform, clustered and degenerate boxes above the size where the passes
// are shared.
func TestBoxGridWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 12))
	for k := range 4 {
		n := gridParallelMin + rng.IntN(gridParallelMin)
		boxes := make([]rect, n)
		for i := range boxes {
			x, y, w, h := rng.Float64(), rng.Float64(), rng.Float64()*0.002, rng.Float64()*0.002
			switch k {
			case 1: // clustered
				if rng.IntN(10) > 0 {
					x, y = x*1e-3, y*1e-3
				}
			case 2: // on a horizontal line: one row of cells
				y, h = 0.5, 0
			case 3: // large next to the cells: no grid
				w = rng.Float64()
			}
			boxes[i] = rect{x, y, x + w, y + h}
		}
		idx := make([]int32, n)
		for i := range idx {
			idx[i] = int32(n - 1 - i) // not in box order
		}
		want, okW := newBoxGrid(boxes, idx, 1)
		for _, workers := range []int{2, 3, 7} {
			got, ok := newBoxGrid(boxes, idx, workers)
			if ok != okW || got.gx != want.gx || got.gy != want.gy || !slices.Equal(got.start, want.start) || !slices.Equal(got.items, want.items) {
				t.Fatalf("case %d, %d workers: grid %dx%d (ok %v, %d items), one worker's %dx%d (ok %v, %d items)",
					k, workers, got.gx, got.gy, ok, len(got.items), want.gx, want.gy, okW, len(want.items))
			}
		}
		if k < 3 && !okW {
			t.Fatalf("case %d: no grid: the test compares nothing", k)
		}
	}
}

package coverage

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// degenerateSites are site sets on which floating-point in-circle tests
// go wrong: a square grid (every cell's four corners cocircular), points on
// a few lines, a rounded lattice rotated slightly (nearly cocircular
// quadruples everywhere, as a station list rounded to 1e-7 degrees and
// projected gives), and clusters of duplicates and near-duplicates.
func degenerateSites(seed uint64) map[string][][2]float64 {
	rng := rand.New(rand.NewPCG(seed, 11))
	out := map[string][][2]float64{}
	var grid [][2]float64
	for i := range 30 {
		for j := range 30 {
			grid = append(grid, [2]float64{float64(i) * 40, float64(j) * 40})
		}
	}
	out["grid"] = grid
	var lines [][2]float64
	for i := range 400 {
		t := float64(i) * 7.5
		lines = append(lines, [2]float64{t, 0.5 * t}, [2]float64{t, 1000}, [2]float64{1500, t})
	}
	out["lines"] = lines
	var rot [][2]float64
	s, c := math.Sincos(1e-7)
	for i := range 40 {
		for j := range 40 {
			x, y := 1e5+float64(i)*11.1, 4e6+float64(j)*11.1
			x, y = x*c-y*s, x*s+y*c
			rot = append(rot, [2]float64{math.Round(x*100) / 100, math.Round(y*100) / 100})
		}
	}
	out["rotated"] = rot
	var dup [][2]float64
	for range 60 {
		cx, cy := rng.Float64()*3000, rng.Float64()*3000
		for range 12 {
			p := [2]float64{cx, cy}
			switch rng.IntN(3) {
			case 1:
				p[0] += 1e-9 * rng.Float64()
			case 2:
				p = [2]float64{cx + 40*math.Cos(float64(rng.IntN(8))*math.Pi/4), cy + 40*math.Sin(float64(rng.IntN(8))*math.Pi/4)}
			}
			dup = append(dup, p)
		}
	}
	out["duplicates"] = dup
	return out
}

// TestTriangulateDegenerate checks the triangulation of degenerate site
// sets (see checkDelaunay).
func TestTriangulateDegenerate(t *testing.T) {
	for name, pts := range degenerateSites(benchSeed(t)) {
		t.Run(name, func(t *testing.T) { checkDelaunay(t, pts) })
	}
}

// TestTriangulateNearCollinear triangulates 223 stations of the
// 1,000,000-station city (gen_synth.py city --districts 300 --stations
// 1000000 --size-km 160 --spacing 40, district D0153, in its frame; the
// four outermost sites of the district's set come first, so that the
// super-triangle is as it was). Three of them are almost on a line along
// x, the direction the former sweep inserted in: their circumcircle's
// floating-point centre was on the wrong side, the cavities stopped being
// star-shaped and four triangles came out clockwise, so Delaunay edges
// were missing and the district's farthest place was reported at 19 m
// instead of 318 m.
func TestTriangulateNearCollinear(t *testing.T) {
	data, err := os.ReadFile("testdata/near-collinear-sites.txt")
	if err != nil {
		t.Fatal(err)
	}
	var pts [][2]float64
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var p [2]float64
		if _, err := fmt.Sscan(line, &p[0], &p[1]); err != nil {
			t.Fatal(err)
		}
		pts = append(pts, p)
	}
	checkDelaunay(t, pts)
}

// checkDelaunay checks, with exact in-circle tests, that no site lies
// strictly inside the circle of any triangle, that the triangles tile the
// super-triangle (none is clockwise and their areas add up to its area),
// that every site but a repeated one has a triangle, and that walking the
// Delaunay graph finds the nearest site.
func checkDelaunay(t *testing.T, pts [][2]float64) {
	t.Helper()
	d := triangulate(pts)
	used := make([]bool, len(d.pts))
	area := 0.0
	for _, tr := range d.tris {
		a, b, c := d.pts[tr.v[0]], d.pts[tr.v[1]], d.pts[tr.v[2]]
		if orient(a, b, c) <= 0 {
			t.Fatalf("triangle %v is not counter-clockwise", tr.v)
		}
		area += ((b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])) / 2
		for _, v := range tr.v {
			used[v] = true
		}
		r := math.Sqrt(tr.r2) * (1 + 1e-6)
		for i, p := range pts {
			if i == tr.v[0] || i == tr.v[1] || i == tr.v[2] {
				continue
			}
			if !math.IsInf(r, 1) && (math.Abs(p[0]-tr.cx) > r || math.Abs(p[1]-tr.cy) > r) {
				continue // clearly outside: spare the exact test
			}
			if inCircle(a, b, c, p) > 0 {
				t.Fatalf("site %d %v inside the circumcircle of triangle %v", i, p, tr.v)
			}
		}
	}
	s0, s1, s2 := d.pts[d.n], d.pts[d.n+1], d.pts[d.n+2]
	want := ((s1[0]-s0[0])*(s2[1]-s0[1]) - (s1[1]-s0[1])*(s2[0]-s0[0])) / 2
	if math.Abs(area-want) > 1e-9*want {
		t.Errorf("triangles cover %g of the super-triangle's %g: they overlap or leave holes", area, want)
	}
	first := map[[2]float64]int{}
	mn, mx := pts[0], pts[0]
	for i, p := range pts {
		if _, ok := first[p]; !ok {
			first[p] = i
		}
		if !used[first[p]] {
			t.Fatalf("site %d %v has no triangle", i, p)
		}
		mn = [2]float64{min(mn[0], p[0]), min(mn[1], p[1])}
		mx = [2]float64{max(mx[0], p[0]), max(mx[1], p[1])}
	}
	rng := rand.New(rand.NewPCG(benchSeed(t), 13))
	for k := range 300 {
		q := [2]float64{mn[0] + rng.Float64()*(mx[0]-mn[0]), mn[1] + rng.Float64()*(mx[1]-mn[1])}
		got, _ := d.nearest(q, first[pts[k%len(pts)]])
		best := 0
		for j := range pts {
			if dist2(pts[j], q) < dist2(pts[best], q) {
				best = j
			}
		}
		if dist2(pts[got], q) != dist2(pts[best], q) {
			t.Fatalf("nearest(%v) = site %d at %g m, want %d at %g m", q, got,
				math.Sqrt(dist2(pts[got], q)), best, math.Sqrt(dist2(pts[best], q)))
		}
	}
}

func TestPredicatesExact(t *testing.T) {
	// Points on a line through large coordinates: floating point cannot
	// decide, the exact path must say collinear.
	a, b := [2]float64{4e6 + 0.1, 4e6 + 0.3}, [2]float64{4e6 + 0.7, 4e6 + 2.1}
	c := [2]float64{4e6 + 1.3, 4e6 + 3.9}
	if got, want := orient(a, b, c), orientExact(a, b, c); got != want {
		t.Errorf("orient = %d, exact %d", got, want)
	}
	for i := range 1000 {
		rng := rand.New(rand.NewPCG(uint64(i), 17))
		p := func() [2]float64 { return [2]float64{1e5 + float64(rng.IntN(5))*10, 4e6 + float64(rng.IntN(5))*10} }
		a, b, c, d := p(), p(), p(), p()
		if o := orient(a, b, c); o != orientExact(a, b, c) {
			t.Fatalf("orient%v = %d, exact %d", [3][2]float64{a, b, c}, o, orientExact(a, b, c))
		}
		if orient(a, b, c) > 0 {
			if got, want := inCircle(a, b, c, d), inCircleExact(a, b, c, d); got != want {
				t.Fatalf("inCircle%v = %d, exact %d", [4][2]float64{a, b, c, d}, got, want)
			}
		}
	}
}

package coverage

import (
	"math"
	"testing"
)

func square(x0, y0, x1, y1 float64) [][2]float64 {
	return [][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
}

func circle(x, y, r float64) ellipse { return ellipse{cx: x, cy: y, a: r, b: r, ux: 1}.prepared() }

// segmentArea is the area of the part of a disk of radius r beyond a chord at
// distance d from the centre.
func segmentArea(r, d float64) float64 {
	return r*r*math.Acos(d/r) - d*math.Sqrt(r*r-d*d)
}

// lensArea is the area of the intersection of two disks of radius r whose
// centres are d apart.
func lensArea(r, d float64) float64 {
	return 2*r*r*math.Acos(d/(2*r)) - d/2*math.Sqrt(4*r*r-d*d)
}

// TestCutPlanar checks the exact area routine on planar cases with closed
// forms: the frame geometry before any ellipsoid enters.
func TestCutPlanar(t *testing.T) {
	const r = 2000.0
	sq := square(-5000, -5000, 5000, 5000)
	hole := [][2]float64{{-500, -500}, {-500, 500}, {500, 500}, {500, -500}} // clockwise
	tests := []struct {
		name  string
		rings [][][2]float64
		ells  []ellipse
		want  float64
	}{
		{"no stations", [][][2]float64{sq}, nil, 1e8},
		{"disk inside", [][][2]float64{sq}, []ellipse{circle(0, 0, r)}, 1e8 - math.Pi*r*r},
		{"disk cut by an edge", [][][2]float64{sq}, []ellipse{circle(4000, 0, r)}, 1e8 - (math.Pi*r*r - segmentArea(r, 1000))},
		{"disk in a corner", [][][2]float64{sq}, []ellipse{circle(5000, 5000, r)}, 1e8 - math.Pi*r*r/4},
		{"station outside", [][][2]float64{sq}, []ellipse{circle(6500, 0, r)}, 1e8 - segmentArea(r, 1500)},
		{"overlapping disks", [][][2]float64{sq}, []ellipse{circle(-1000, 0, r), circle(1500, 0, r)}, 1e8 - (2*math.Pi*r*r - lensArea(r, 2500))},
		{"three disks", [][][2]float64{sq}, []ellipse{circle(-2500, 0, r), circle(0, 0, r), circle(2500, 0, r)},
			1e8 - (3*math.Pi*r*r - 2*lensArea(r, 2500) + lensArea(r, 5000))},
		{"hole inside disk", [][][2]float64{sq, hole}, []ellipse{circle(0, 0, r)}, 1e8 - math.Pi*r*r},
		{"hole, no disk", [][][2]float64{sq, hole}, nil, 1e8 - 1e6},
		{"two parts", [][][2]float64{square(0, 0, 10000, 10000), square(20000, 0, 30000, 10000)},
			[]ellipse{circle(5000, 5000, r), circle(20000, 5000, r)}, 2e8 - 1.5*math.Pi*r*r},
		{"covered", [][][2]float64{square(-100, -100, 100, 100)}, []ellipse{circle(0, 0, r)}, 0},
		{"disk covering the hole edge", [][][2]float64{sq, hole}, []ellipse{circle(500, 0, r)}, 1e8 - 1e6 - (math.Pi*r*r - 1e6)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fr := newFrameRegion(tc.rings)
			got := fr.cut(tc.ells)
			if math.Abs(got.area-tc.want) > 1e-6 {
				t.Errorf("cut(%s) uncovered = %.6f m2, want %.6f m2 (diff %.3g)", tc.name, got.area, tc.want, got.area-tc.want)
			}
			// The covered part: its area is the rest of the region, and its
			// pieces close into rings whose areas sum to it.
			cov := fr.cutCovered(tc.ells)
			if math.Abs(cov.area-(fr.area-tc.want)) > 1e-6 {
				t.Errorf("cutCovered(%s) = %.6f m2, want %.6f m2", tc.name, cov.area, fr.area-tc.want)
			}
			for _, res := range []*cutResult{&got, &cov} {
				sum := 0.0
				for _, g := range res.rings(tc.ells) {
					sum += g.area
					line := res.polyline(tc.ells, g, 0.01)
					if d := math.Abs(ringArea(line) - g.area); d > 1e-3*math.Abs(g.area)+1 {
						t.Errorf("%s: a ring of area %.3f m2 is drawn with area %.3f m2", tc.name, g.area, ringArea(line))
					}
				}
				if math.Abs(sum-res.area) > 1e-6 {
					t.Errorf("%s: rings sum to %.6f m2, pieces to %.6f m2", tc.name, sum, res.area)
				}
			}
		})
	}
}

func TestRealRoots(t *testing.T) {
	// A pair of roots 1e-9 apart is conditioned to sqrt(eps): both must be
	// found, each to 1e-7.
	tests := []struct {
		name string
		c    []float64
		want []float64
		tol  float64
	}{
		{"quartic 4 roots", polyFromRoots(-2, -0.5, 1, 3), []float64{-2, -0.5, 1, 3}, 1e-12},
		{"close pair", polyFromRoots(1, 1+1e-9, 5, 7), []float64{1, 1 + 1e-9, 5, 7}, 1e-7},
		{"quadratic", []float64{-4, 0, 1}, []float64{-2, 2}, 1e-12},
		{"no real roots", []float64{1, 0, 1, 0, 1}, nil, 0},
	}
	for _, tc := range tests {
		got := realRoots(tc.c)
		if len(got) != len(tc.want) {
			t.Errorf("realRoots(%s) = %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > tc.tol*(1+math.Abs(tc.want[i])) {
				t.Errorf("realRoots(%s) = %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}

// polyFromRoots returns the coefficients of prod (s - r_i), constant term first.
func polyFromRoots(rs ...float64) []float64 {
	c := []float64{1}
	for _, r := range rs {
		n := make([]float64, len(c)+1)
		for i, v := range c {
			n[i+1] += v
			n[i] -= r * v
		}
		c = n
	}
	return c
}

func TestIntersectEllipses(t *testing.T) {
	e := ellipse{cx: 0, cy: 0, a: 2000.03, b: 1999.98, ux: math.Cos(0.3), uy: math.Sin(0.3)}.prepared()
	f := ellipse{cx: 2500, cy: 100, a: 2000.01, b: 1999.99, ux: math.Cos(1.1), uy: math.Sin(1.1)}.prepared()
	ts := intersectEllipses(&e, &f)
	if len(ts) != 2 {
		t.Fatalf("intersectEllipses: %d crossings, want 2", len(ts))
	}
	for _, tt := range ts {
		x, y := e.at(tt)
		if l := f.level(x, y); math.Abs(l-1) > 1e-12 {
			t.Errorf("crossing (%v, %v) has level %v on the other ellipse, want 1", x, y, l)
		}
	}
	// Four crossings: two ellipses with the same centre, axes swapped.
	g := ellipse{a: 2000.5, b: 1999.5, ux: 1}.prepared()
	h := ellipse{a: 2000.5, b: 1999.5, ux: 0, uy: 1}.prepared()
	if n := len(intersectEllipses(&g, &h)); n != 4 {
		t.Errorf("crossed ellipses: %d crossings, want 4", n)
	}
	far := circle(5000, 0, 2000)
	if n := len(intersectEllipses(&e, &far)); n != 0 {
		t.Errorf("disjoint ellipses: %d crossings, want 0", n)
	}
}

// TestIntersectPaths checks that the fast path (mean circles polished by
// Newton) and the quartic agree on crossing pairs.
func TestIntersectPaths(t *testing.T) {
	for _, d := range []float64{100, 1000, 2500, 3500, 3990} {
		for _, ang := range []float64{0, 0.7, 2} {
			e := ellipse{cx: 0, cy: 0, a: 2000.02, b: 1999.97, ux: math.Cos(ang), uy: math.Sin(ang)}.prepared()
			f := ellipse{cx: d * math.Cos(ang+0.3), cy: d * math.Sin(ang+0.3), a: 2000.01, b: 1999.99, ux: math.Cos(1.1), uy: math.Sin(1.1)}.prepared()
			fast, quart := intersectEllipses(&e, &f), intersectEllipsesQuartic(&e, &f)
			if len(fast) != len(quart) {
				t.Errorf("d=%v: fast path %d crossings, quartic %d", d, len(fast), len(quart))
				continue
			}
			for _, tf := range fast {
				ok := false
				for _, tq := range quart {
					x1, y1 := e.at(tf)
					x2, y2 := e.at(tq)
					if math.Hypot(x1-x2, y1-y2) < 1e-7 {
						ok = true
					}
				}
				if !ok {
					t.Errorf("d=%v: fast crossing at t=%v not found by the quartic %v", d, tf, quart)
				}
			}
		}
	}
}

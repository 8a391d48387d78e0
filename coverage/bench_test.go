package coverage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// benchSeed returns the seed of synthetic benchmark inputs: COVAUDIT_SEED
// when set, else 1; it is logged so that a run can be repeated.
func benchSeed(tb testing.TB) uint64 {
	tb.Helper()
	seed := uint64(1)
	if s := os.Getenv("COVAUDIT_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			tb.Fatalf("COVAUDIT_SEED=%q: %v", s, err)
		}
		seed = v
	}
	tb.Logf("seed: %d (set COVAUDIT_SEED to repeat)", seed)
	return seed
}

// synthCity builds n x n square districts of cellKm km (edges densified
// every 100 m, so that they carry realistic vertex counts) around 45N 11E,
// and m stations, 70% clustered around a few towns.
func synthCity(tb testing.TB, n, m int, cellKm float64) ([]District, *Index) {
	rng := rand.New(rand.NewPCG(benchSeed(tb), 7))
	proj := geodesy.NewLAEA(11, 45)
	cell := cellKm * 1000
	half := float64(n) * cell / 2
	var ds []District
	for i := range n {
		for j := range n {
			x0, y0 := -half+float64(i)*cell, -half+float64(j)*cell
			var ring orb.Ring
			corners := [][2]float64{{x0, y0}, {x0 + cell, y0}, {x0 + cell, y0 + cell}, {x0, y0 + cell}}
			for c := range 4 {
				a, b := corners[c], corners[(c+1)%4]
				k := int(cell / 100)
				for s := range k {
					t := float64(s) / float64(k)
					lon, lat := proj.Inverse(a[0]+t*(b[0]-a[0]), a[1]+t*(b[1]-a[1]))
					ring = append(ring, orb.Point{lon, lat})
				}
			}
			ring = append(ring, ring[0])
			ds = append(ds, District{Name: fmt.Sprintf("D%d", len(ds)), Geometry: orb.MultiPolygon{{ring}},
				Rule: Rule{Kind: KindRadius, RadiusM: 2000}})
		}
	}
	towns := make([][2]float64, 3+n*n/20)
	for t := range towns {
		towns[t] = [2]float64{(rng.Float64() - 0.5) * 2 * half, (rng.Float64() - 0.5) * 2 * half}
	}
	st := make([]Station, m)
	for i := range st {
		var x, y float64
		if rng.Float64() < 0.7 {
			t := towns[rng.IntN(len(towns))]
			x, y = t[0]+rng.NormFloat64()*cell*0.8, t[1]+rng.NormFloat64()*cell*0.8
		} else {
			x, y = (rng.Float64()-0.5)*2*half, (rng.Float64()-0.5)*2*half
		}
		lon, lat := proj.Inverse(x, y)
		st[i] = Station{ID: strconv.Itoa(i), Point: orb.Point{lon, lat}}
	}
	return ds, NewIndex(st)
}

// outerVertices counts the vertices of the districts' first outer rings
// (synthCity's districts have one ring each).
func outerVertices(ds []District) int {
	n := 0
	for _, d := range ds {
		n += len(d.Geometry[0][0])
	}
	return n
}

func BenchmarkEvaluate(b *testing.B) {
	for _, size := range []struct{ n, m int }{{10, 1500}, {17, 5000}} {
		b.Run(fmt.Sprintf("districts=%d/stations=%d", size.n*size.n, size.m), func(b *testing.B) {
			ds, ix := synthCity(b, size.n, size.m, 9)
			vertices := outerVertices(ds)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := Evaluate(context.Background(), ds, ix, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(ds)*b.N)/b.Elapsed().Seconds(), "districts/s")
			b.ReportMetric(float64(vertices*b.N)/b.Elapsed().Seconds(), "vertices/s")
		})
	}
}

func BenchmarkCheckDistricts(b *testing.B) {
	ds, _ := synthCity(b, 17, 10, 9)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if c := CheckDistricts(ds); len(c.Overlaps) != 0 || len(c.Crossings) != 0 {
			b.Fatalf("tiling reported %d overlaps and %d crossing rings", len(c.Overlaps), len(c.Crossings))
		}
	}
	b.ReportMetric(float64(len(ds)*b.N)/b.Elapsed().Seconds(), "districts/s")
}

func BenchmarkFitEllipse(b *testing.B) {
	p := geodesy.NewLAEA(11, 45)
	b.ReportAllocs()
	for i := range b.N {
		fitEllipse(p, 11.1+float64(i%100)*1e-3, 45.2, 2000)
	}
}

func BenchmarkTriangulate(b *testing.B) {
	for _, n := range []int{50, 500} {
		b.Run(fmt.Sprintf("sites=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(benchSeed(b), 3))
			pts := make([][2]float64, n)
			for i := range pts {
				pts[i] = [2]float64{rng.Float64() * 1e4, rng.Float64() * 1e4}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				triangulate(pts)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "sites/s")
		})
	}
}

// TestTriangulateDelaunay checks the empty-circle property on random sites:
// no site lies strictly inside a triangle's circumcircle.
func TestTriangulateDelaunay(t *testing.T) {
	rng := rand.New(rand.NewPCG(benchSeed(t), 5))
	pts := make([][2]float64, 300)
	for i := range pts {
		pts[i] = [2]float64{rng.Float64() * 1e4, rng.Float64() * 1e4}
	}
	d := triangulate(pts)
	real := 0
	for _, tr := range d.tris {
		if tr.v[0] >= d.n || tr.v[1] >= d.n || tr.v[2] >= d.n {
			continue
		}
		real++
		for i, p := range pts {
			if i == tr.v[0] || i == tr.v[1] || i == tr.v[2] {
				continue
			}
			if dd := dist2(p, [2]float64{tr.cx, tr.cy}); dd < tr.r2*(1-1e-9) {
				t.Fatalf("site %d inside the circumcircle of triangle %v", i, tr.v)
			}
		}
	}
	// A triangulation of n points in general position with h on the hull
	// has 2n - 2 - h triangles: at least n - 2 and at most 2n - 5.
	if real < len(pts)-2 || real > 2*len(pts)-5 {
		t.Errorf("%d real triangles for %d sites", real, len(pts))
	}
	for i := range pts {
		q := [2]float64{pts[i][0] + 1, pts[i][1] - 1}
		got, _ := d.nearest(q, (i+17)%len(pts))
		best := 0
		for j := range pts {
			if dist2(pts[j], q) < dist2(pts[best], q) {
				best = j
			}
		}
		if got != best {
			t.Errorf("nearest(%v) = site %d, want %d", q, got, best)
		}
	}
}

func BenchmarkValidateGeometry(b *testing.B) {
	ds, _ := synthCity(b, 17, 10, 9)
	vertices := outerVertices(ds)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, d := range ds {
			if err := ValidateGeometry(d.Geometry); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(vertices*b.N)/b.Elapsed().Seconds(), "vertices/s")
}

// BenchmarkSuggest chooses 10 sites among 10,000 candidates on a city the
// size of the medium synthetic one (289 districts, 5,000 stations).
func BenchmarkSuggest(b *testing.B) {
	ds, ix := synthCity(b, 17, 5000, 9)
	rng := rand.New(rand.NewPCG(benchSeed(b), 23))
	p := geodesy.NewLAEA(11, 45)
	cands := make([]orb.Point, 10000)
	for i := range cands {
		lon, lat := p.Inverse((rng.Float64()-0.5)*153e3, (rng.Float64()-0.5)*153e3)
		cands[i] = orb.Point{lon, lat}
	}
	b.ResetTimer()
	for range b.N {
		res, err := Suggest(context.Background(), ds, ix, cands, 10, false, Options{})
		if err != nil || len(res.Sites) != 10 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(cands)*b.N)/b.Elapsed().Seconds(), "candidates/s")
}

// BenchmarkRasterPopulation evaluates that city with a 1,000 x 1,000-cell
// population raster over it (cells of about 150 m), every cell split by
// district borders and disks.
func BenchmarkRasterPopulation(b *testing.B) {
	ds, ix := synthCity(b, 17, 5000, 9)
	p := geodesy.NewLAEA(11, 45)
	west, south := p.Inverse(-77e3, -77e3)
	east, north := p.Inverse(77e3, 77e3)
	g := &Grid{Width: 1000, Height: 1000, X0: west, Y0: north, DX: (east - west) / 1000, DY: (north - south) / 1000, Values: make([]float64, 1000*1000)}
	for i := range g.Values {
		g.Values[i] = float64(i % 17)
	}
	opts := Options{Population: NewRasterPopulation(g)}
	b.ResetTimer()
	for range b.N {
		if _, err := Evaluate(context.Background(), ds, ix, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(g.Values)*b.N)/b.Elapsed().Seconds(), "cells/s")
}

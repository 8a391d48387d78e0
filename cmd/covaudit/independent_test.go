package main

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// TestDemoAgainstSampling checks the demo audit against an independent
// estimate: 8,000 equal-area random points per parish, each measured to
// its nearest station by geodesic distance. The uncovered share must agree
// within 4 standard errors, no sampled point may be farther from a station
// than the reported worst point (beyond 1 mm), and the worst point must lie
// in its district.
func TestDemoAgainstSampling(t *testing.T) {
	if testing.Short() {
		t.Skip("sampling check skipped in -short mode")
	}
	feats, _, err := geodata.ReadDistricts(bytes.NewReader(mustRead(t, demoParishes)), "demo", geodata.DistrictOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stations, _, err := geodata.ReadStations(bytes.NewReader(mustRead(t, demoServices)), "demo", geodata.StationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ix := coverage.NewIndex(stations)
	rng := rand.New(rand.NewPCG(20261128, 1))
	for _, f := range feats {
		for _, r := range []float64{2000, 3000} {
			d := coverage.District{Name: f.Name, Geometry: f.Geometry, Rule: coverage.Rule{Kind: coverage.KindRadius, RadiusM: r}}
			res, err := coverage.Evaluate(context.Background(), []coverage.District{d}, ix, coverage.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := res[0]
			b := f.Geometry.Bound()
			s0, s1 := math.Sin(b.Min[1]*math.Pi/180), math.Sin(b.Max[1]*math.Pi/180)
			const n = 8000
			inside, beyond := 0, 0
			maxD := 0.0
			for inside < n {
				lon := b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0])
				lat := math.Asin(s0+rng.Float64()*(s1-s0)) * 180 / math.Pi
				p := orb.Point{lon, lat}
				if !planar.MultiPolygonContains(f.Geometry, p) {
					continue
				}
				inside++
				_, dist := ix.Nearest(p)
				if dist > r {
					beyond++
				}
				maxD = math.Max(maxD, dist)
			}
			share := float64(beyond) / n
			want := got.UncoveredM2 / got.AreaM2
			se := math.Sqrt(math.Max(want*(1-want), 1/float64(n)) / n)
			if math.Abs(share-want) > 4*se {
				t.Errorf("%s at %v m: sampled uncovered share %.4f, covaudit %.4f (4 SE = %.4f)", f.Name, r, share, want, 4*se)
			}
			if maxD > got.Worst.DistanceM+1e-3 {
				t.Errorf("%s at %v m: a sampled point is %.3f m from any station, beyond the reported worst %.3f m", f.Name, r, maxD, got.Worst.DistanceM)
			}
			if !planar.MultiPolygonContains(f.Geometry, got.Worst.Point) && boundaryDistDeg(f.Geometry, got.Worst.Point) > 1e-7 {
				t.Errorf("%s: worst point %v is outside the district", f.Name, got.Worst.Point)
			}
			t.Logf("%-20s r=%4.0f: uncovered %.4f (sampled %.4f +- %.4f), worst %.2f m (sampled max %.2f m)", f.Name, r, want, share, se, got.Worst.DistanceM, maxD)
		}
	}
}

// boundaryDistDeg is the planar distance, degrees, from p to the nearest
// boundary edge: the worst place is often a boundary vertex, which planar
// containment calls outside.
func boundaryDistDeg(mp orb.MultiPolygon, p orb.Point) float64 {
	best := math.Inf(1)
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 0; i+1 < len(ring); i++ {
				best = math.Min(best, planar.DistanceFromSegment(ring[i], ring[i+1], p))
			}
		}
	}
	return best
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

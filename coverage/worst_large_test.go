package coverage

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// TestWorstInLargeDistricts: in districts up to 1,800 km across, where
// frame distances are off by up to 0.5%, the pruned candidate search finds
// the worst place that measuring every candidate finds, no place of a dense sample is
// farther (geodesic) from its nearest station than the reported worst
// point (a grid refined by pattern search from its local maxima), and the
// reported distance is the worst point's exact distance.
func TestWorstInLargeDistricts(t *testing.T) {
	for _, c := range []struct {
		name      string
		lat, half float64 // centre latitude, half side in degrees
		stations  int
		seed      uint64
	}{{"200 km", 45, 1, 6, 1}, {"900 km", 45, 4, 8, 2}, {"1,800 km", 40, 8, 9, 3}, {"1,800 km at 60N", 60, 8, 7, 4}, {"1,800 km, 12 stations", 30, 8, 12, 5}} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, c.seed))
			ring := orb.Ring{{-c.half, c.lat - c.half}, {c.half, c.lat - c.half}, {c.half, c.lat + c.half}, {-c.half, c.lat + c.half}, {-c.half, c.lat - c.half}}
			// Stations on the corners keep the worst place off the boundary's
			// vertices: it is a Voronoi vertex or a bisector's crossing.
			var st []Station
			for _, p := range ring[:4] {
				st = append(st, Station{Point: p})
			}
			for range c.stations {
				st = append(st, Station{Point: orb.Point{(rng.Float64()*2 - 1) * c.half, c.lat + (rng.Float64()*2-1)*c.half}})
			}
			ix := NewIndex(st)
			d := District{Name: c.name, Geometry: orb.MultiPolygon{{ring}}, Rule: Rule{Kind: KindRadius, RadiusM: 10e3}}
			res, err := EvaluateDistrict(&d, ix, Options{})
			if err != nil {
				t.Fatal(err)
			}
			w := res.Worst
			// Every candidate measured exactly (a window of half the best
			// keeps them all): the pruned search must find the same place.
			keep := frameDistortion
			frameDistortion = func(float64) float64 { return 0.5 }
			all, err := EvaluateDistrict(&d, ix, Options{})
			frameDistortion = keep
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(all.Worst.DistanceM-w.DistanceM) > 1e-3 {
				t.Errorf("worst %.3f m; measuring every candidate finds %.3f m", w.DistanceM, all.Worst.DistanceM)
			}
			exact := math.Inf(1)
			for _, s := range st {
				exact = math.Min(exact, geodesy.Distance(w.Point[0], w.Point[1], s.Point[0], s.Point[1]))
			}
			if math.Abs(exact-w.DistanceM) > 1e-3 {
				t.Errorf("worst point %v reported at %.3f m, its nearest station is %.3f m away", w.Point, w.DistanceM, exact)
			}
			// The edges are geodesics; sample inside the lon/lat square shrunk
			// by 5% so every sample lies inside the district (its edges bow
			// toward the pole by up to 0.3 degrees here).
			near := func(lon, lat float64) float64 {
				lon = math.Max(-c.half*0.95, math.Min(c.half*0.95, lon))
				lat = math.Max(c.lat-c.half*0.95, math.Min(c.lat+c.half*0.95, lat))
				d := math.Inf(1)
				for _, s := range st {
					d = math.Min(d, geodesy.Distance(lon, lat, s.Point[0], s.Point[1]))
				}
				return d
			}
			// A grid, then a pattern search from each of its local maxima.
			const n = 120
			step := 1.9 * c.half / n
			grid := make([][]float64, n+1)
			for i := range grid {
				grid[i] = make([]float64, n+1)
				for j := range grid[i] {
					grid[i][j] = near(-c.half*0.95+step*float64(i), c.lat-c.half*0.95+step*float64(j))
				}
			}
			sampleMax := 0.0
			for i := 1; i < n; i++ {
				for j := 1; j < n; j++ {
					v := grid[i][j]
					if v < grid[i-1][j] || v < grid[i+1][j] || v < grid[i][j-1] || v < grid[i][j+1] {
						continue
					}
					lon, lat, h := -c.half*0.95+step*float64(i), c.lat-c.half*0.95+step*float64(j), step
					for h > 1e-7 {
						moved := false
						for _, dl := range [][2]float64{{h, 0}, {-h, 0}, {0, h}, {0, -h}, {h, h}, {-h, -h}, {h, -h}, {-h, h}} {
							if u := near(lon+dl[0], lat+dl[1]); u > v {
								lon, lat, v, moved = lon+dl[0], lat+dl[1], u, true
								break
							}
						}
						if !moved {
							h /= 2
						}
					}
					sampleMax = math.Max(sampleMax, v)
				}
			}
			if sampleMax > w.DistanceM+1e-3 {
				t.Errorf("a sampled place is %.3f m from every station, beyond the reported worst %.3f m", sampleMax, w.DistanceM)
			}
			t.Logf("worst %.1f m, sample max %.1f m", w.DistanceM, sampleMax)
		})
	}
}

package coverage

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestWorstDense: with thousands of stations around a district, the first
// pass over the sites near it (worstIn) finds the farthest place, its
// distance and its station that all the sites give, bit for bit; also when
// a void among the stations sends it back to all of them.
func TestWorstDense(t *testing.T) {
	for _, c := range []struct {
		name  string
		n     int
		voidM float64 // radius of a void without stations at the centre
		seed  uint64
	}{{"clustered", 12000, 0, 1}, {"uniform", 6000, 0, 2}, {"void", 12000, 1500, 3}} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, c.seed))
			const lon0, lat0 = 10.0, 50.0
			mlon := 1 / (111320 * math.Cos(lat0*math.Pi/180))
			mlat := 1 / 111320.0
			// An irregular octagon about 8 km across, with a hole.
			var ring, hole orb.Ring
			for k := range 8 {
				a := 2 * math.Pi * float64(k) / 8
				rr := 4000 * (0.8 + 0.4*rng.Float64())
				ring = append(ring, orb.Point{lon0 + rr*math.Cos(a)*mlon, lat0 + rr*math.Sin(a)*mlat})
				hole = append(hole, orb.Point{lon0 + 2500*mlon + 300*math.Cos(-a)*mlon, lat0 + 300*math.Sin(-a)*mlat})
			}
			ring = append(ring, ring[0])
			hole = append(hole, hole[0])
			var st []Station
			var centres [][2]float64
			for range 40 {
				centres = append(centres, [2]float64{(rng.Float64()*2 - 1) * 7000, (rng.Float64()*2 - 1) * 7000})
			}
			for len(st) < c.n {
				var x, y float64
				if c.name == "uniform" || rng.IntN(3) == 0 {
					x, y = (rng.Float64()*2-1)*7000, (rng.Float64()*2-1)*7000
				} else {
					ce := centres[rng.IntN(len(centres))]
					x, y = ce[0]+rng.NormFloat64()*600, ce[1]+rng.NormFloat64()*600
				}
				if math.Hypot(x, y) < c.voidM {
					continue
				}
				// Rounded to 1e-7 degrees, as station files are.
				p := orb.Point{math.Round((lon0+x*mlon)*1e7) / 1e7, math.Round((lat0+y*mlat)*1e7) / 1e7}
				st = append(st, Station{Point: p})
			}
			ix := NewIndex(st)
			d := District{Name: c.name, Geometry: orb.MultiPolygon{{ring, hole}}, Rule: Rule{Kind: KindRadius, RadiusM: 2000}}
			got, err := EvaluateDistrict(&d, ix, Options{})
			if err != nil {
				t.Fatal(err)
			}
			keep := denseMin
			denseMin = math.MaxInt
			all, err := EvaluateDistrict(&d, ix, Options{})
			denseMin = keep
			if err != nil {
				t.Fatal(err)
			}
			if got.UncoveredM2 != 0 {
				t.Fatalf("uncovered %.1f m2: the case should be covered", got.UncoveredM2)
			}
			if got.Worst != all.Worst {
				t.Errorf("worst %+v; all the sites give %+v", got.Worst, all.Worst)
			}
			t.Logf("worst %.3f m at %v", got.Worst.DistanceM, got.Worst.Point)
		})
	}
}

package coverage

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// accessBenchCity is the 289-district, 5,000-station city of
// BenchmarkEvaluate (every district at 2 km) with 100,000 population
// points spread over it, each in the square district holding it.
func accessBenchCity(b *testing.B) ([]District, *Index, []Place) {
	const n, cellKm = 17, 9.0
	ds, ix := synthCity(b, n, 5000, cellKm)
	rng := rand.New(rand.NewPCG(benchSeed(b), 11))
	proj := geodesy.NewLAEA(11, 45)
	half := n * cellKm * 1000 / 2
	places := make([]Place, 100000)
	for i := range places {
		x, y := (rng.Float64()-0.5)*2*half*0.999, (rng.Float64()-0.5)*2*half*0.999
		lon, lat := proj.Inverse(x, y)
		col, row := int((x+half)/(cellKm*1000)), int((y+half)/(cellKm*1000))
		places[i] = Place{Point: orb.Point{lon, lat}, People: float64(1 + rng.IntN(500)), District: col*n + row}
	}
	return ds, ix, places
}

// BenchmarkAccess2SFCA: 2SFCA over 100,000 population points of the
// medium-sized city (catchments and both steps); compare with
// BenchmarkPopulationPoints, the audit counting the same people.
func BenchmarkAccess2SFCA(b *testing.B) {
	ds, ix, places := accessBenchCity(b)
	capacity := make([]float64, ix.Len())
	for i := range capacity {
		capacity[i] = 1
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		c, err := NewMemberships(context.Background(), places, ds, ix, Options{})
		if err != nil {
			b.Fatal(err)
		}
		c.Access(places, ds, capacity, nil)
	}
	b.ReportMetric(float64(len(places)*b.N)/b.Elapsed().Seconds(), "places/s")
}

// BenchmarkPopulationPoints: the audit of the same city counting the same
// 100,000 population points (what check --population does).
func BenchmarkPopulationPoints(b *testing.B) {
	ds, ix, places := accessBenchCity(b)
	pts, counts := make([]orb.Point, len(places)), make([]float64, len(places))
	for i, p := range places {
		pts[i], counts[i] = p.Point, p.People
	}
	pop := NewPopulation(pts, counts)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := Evaluate(context.Background(), ds, ix, Options{Population: pop}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(places)*b.N)/b.Elapsed().Seconds(), "places/s")
}

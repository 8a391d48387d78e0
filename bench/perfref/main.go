// Command perfref is the fixed reference workload bench/perfguard.sh times
// beside covaudit's medium audit, so that the guard compares a ratio rather
// than seconds, which differ from machine to machine: geodesic distances
// (Vincenty, as the engine's), a sort of floats and the allocation of
// small slices, on one core, about half a second.
package main

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/covaudit/covaudit/geodesy"
)

func main() {
	rng := rand.New(rand.NewPCG(1, 2))
	sum := 0.0
	for range 400_000 {
		lon, lat := rng.Float64()*2, 40+rng.Float64()*2
		sum += geodesy.Distance(lon, lat, lon+rng.Float64()*0.05, lat+rng.Float64()*0.05)
	}
	xs := make([]float64, 2_000_000)
	for i := range xs {
		xs[i] = rng.Float64()
	}
	slices.Sort(xs)
	var keep [][]float64
	for i := range 200_000 {
		s := make([]float64, 8)
		s[0] = xs[i]
		keep = append(keep, s)
	}
	fmt.Printf("%.3f %d\n", sum, len(keep))
}

package coverage

import (
	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Population is a set of population points (villages, census blocks'
// centroids), indexed for the districts that hold them. Read-only after
// NewPopulation.
type Population struct {
	points []orb.Point
	counts []float64
	tree   rtree.RTreeG[int]
}

// NewPopulation indexes points ({lon, lat}, WGS84) with their counts.
func NewPopulation(points []orb.Point, counts []float64) *Population {
	p := &Population{points: points, counts: counts}
	for i, pt := range points {
		p.tree.Insert(pt, pt, i)
	}
	return p
}

// people adds up, for a district, its population points (inside the
// district as drawn in the frame, with geodesic edges), those farther than
// r from every station (uncovered), and the uncovered people of each gap
// (gapLines: each gap's rings in the frame, exterior first).
func (f *frame) people(pop *Population, ix *Index, r float64, gapLines [][][][2]float64) (total, uncovered float64, perGap []float64) {
	perGap = make([]float64, len(gapLines))
	b := f.bound
	pop.tree.Search(b.Min, b.Max, func(_, _ [2]float64, i int) bool {
		p := pop.points[i]
		x, y := f.proj.Forward(p[0], p[1])
		if !f.region.contains(x, y) {
			return true
		}
		c := pop.counts[i]
		total += c
		if _, d := ix.Nearest(p); d <= r {
			return true
		}
		uncovered += c
		for g, rings := range gapLines {
			in := false
			for _, ring := range rings {
				if pointInRing([2]float64{x, y}, ring) {
					in = !in
				}
			}
			if in {
				perGap[g] += c
				break
			}
		}
		return true
	})
	return total, uncovered, perGap
}

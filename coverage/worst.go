package coverage

import (
	"math"

	"github.com/paulmach/orb"
)

// Worst is the place of a region farthest from every station.
type Worst struct {
	// Point is {lon, lat}, degrees.
	Point orb.Point
	// DistanceM is the geodesic distance from Point to Station, metres;
	// +Inf when there is no station.
	DistanceM float64
	// Station indexes the nearest station in the Index, or -1.
	Station int
}

// worstTolM is the bisection's final bracket on the worst distance, metres.
// The location follows to about a centimetre except where the farthest
// place is nearly tied between distant spots.
const worstTolM = 5e-4

// worstIn finds the place in the frame region farthest (geodesically) from
// every indexed station, to worstTolM in distance: bisection on the radius r,
// asking the exact routine whether the disks of radius r cover the region.
// The starting bracket comes from the exact distances of a sample that
// leaves no place of the region more than 2 cells from a sample point.
func (f *frame) worstIn(fr *frameRegion, ix *Index) Worst {
	const n = 24
	w, h := fr.maxPt[0]-fr.minPt[0], fr.maxPt[1]-fr.minPt[1]
	cell := math.Max(w, h) / n
	if cell == 0 {
		cell = 1
	}
	best := Worst{DistanceM: -1, Station: -1}
	try := func(x, y float64) {
		p := f.toLonLat(x, y)
		i, d := ix.Nearest(p)
		if d > best.DistanceM {
			best = Worst{Point: p, DistanceM: d, Station: i}
		}
	}
	for _, ring := range fr.rings {
		for i := range ring {
			p, q := ring[i], ring[(i+1)%len(ring)]
			k := int(math.Ceil(math.Hypot(q[0]-p[0], q[1]-p[1]) / cell))
			for j := 0; j < k; j++ {
				s := float64(j) / float64(k)
				try(p[0]+s*(q[0]-p[0]), p[1]+s*(q[1]-p[1]))
			}
		}
	}
	for i := 0; i <= n; i++ {
		for j := 0; j <= n; j++ {
			x, y := fr.minPt[0]+float64(i)*cell, fr.minPt[1]+float64(j)*cell
			if fr.contains(x, y) {
				try(x, y)
			}
		}
	}
	if best.Station < 0 || math.IsInf(best.DistanceM, 1) {
		return Worst{Point: best.Point, DistanceM: math.Inf(1), Station: -1}
	}
	// Frame distances are geodesic ones to within 0.01% at 100 km from the
	// centre; the margin covers it.
	lo := best.DistanceM - worstTolM
	hi := best.DistanceM + 2.2*cell + 0.01
	if lo <= 0 {
		lo = 0
	}
	cands := ix.Near(f.bound, hi)
	var last cutResult
	var lastElls []ellipse
	for hi-lo > worstTolM {
		mid := (lo + hi) / 2
		ells, _ := f.ellipses(ix, cands, mid)
		res := fr.cut(ells)
		if len(res.pieces) > 0 && res.area > 0 {
			lo, last, lastElls = mid, res, ells
		} else {
			hi = mid
		}
	}
	if last.pieces == nil {
		return best // the sampled point is within the tolerance
	}
	// The uncovered remnant at lo is tiny; its largest ring locates the point.
	rings := last.rings(lastElls)
	bi := 0
	for i, g := range rings {
		if g.area > rings[bi].area {
			bi = i
		}
	}
	var sx, sy float64
	var cnt int
	for _, pt := range last.polyline(lastElls, rings[bi], 1e-4) {
		sx += pt[0]
		sy += pt[1]
		cnt++
	}
	p := f.toLonLat(sx/float64(cnt), sy/float64(cnt))
	i, d := ix.Nearest(p)
	if d < best.DistanceM {
		return best
	}
	return Worst{Point: p, DistanceM: d, Station: i}
}

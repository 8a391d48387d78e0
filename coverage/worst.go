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

// knownLevel is a radius at which the region's coverage is already known:
// covered entirely, or uncovered only inside the rings given (a superset of
// the uncovered part, in frame coordinates).
type knownLevel struct {
	r       float64
	covered bool
	rings   [][][2]float64
}

// worstIn finds the place in the frame region farthest (geodesically) from
// every indexed station, to worstTolM in distance: bisection on the radius r,
// asking the exact routine whether the disks of radius r cover the region.
// The starting bracket comes from the exact distances of a sample that
// leaves no place of the region more than 2 cells from a sample point.
// Each step that leaves part of the region uncovered replaces the region by
// the drawn uncovered part (arcs drawn as chords, which lie inside the disks,
// so the drawing contains the uncovered part): later steps work on less.
func (f *frame) worstIn(fr *frameRegion, ix *Index, known *knownLevel) Worst {
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
	lo := math.Max(0, best.DistanceM-worstTolM)
	hi := best.DistanceM + 2.2*cell + 0.01
	region := fr
	if known != nil {
		if known.covered {
			hi = math.Min(hi, known.r)
		} else {
			lo = math.Max(lo, known.r)
			region = newFrameRegion(known.rings)
		}
	}
	var last cutResult
	var lastElls []ellipse
	for hi-lo > worstTolM {
		mid := (lo + hi) / 2
		cands := ix.Near(f.lonLatBound(region), mid)
		ells, _ := f.ellipses(ix, cands, mid)
		res := region.cut(ells)
		if len(res.pieces) == 0 || res.area <= 0 {
			hi = mid
			continue
		}
		lo, last, lastElls = mid, res, ells
		rings := res.rings(ells)
		lines := make([][][2]float64, 0, len(rings))
		for _, g := range rings {
			if l := res.polyline(ells, g, math.Max(1e-3, mid*1e-5)); len(l) >= 3 {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			region = newFrameRegion(lines)
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

// lonLatBound returns a longitude-latitude box containing the frame region:
// the box of its vertices, widened by 1% for the curvature of box edges.
func (f *frame) lonLatBound(fr *frameRegion) orb.Bound {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, ring := range fr.rings {
		for _, p := range ring {
			b = b.Extend(f.toLonLat(p[0], p[1]))
		}
	}
	dx, dy := (b.Max[0]-b.Min[0])*0.01+1e-7, (b.Max[1]-b.Min[1])*0.01+1e-7
	b.Min[0] -= dx
	b.Min[1] -= dy
	b.Max[0] += dx
	b.Max[1] += dy
	return b
}

package coverage

import (
	"github.com/covaudit/covaudit/internal/planar"
	"math"
	"slices"
	"sort"
)

// gapRing is one closed boundary of the uncovered region: pieces in order,
// with its exact signed area (positive for an exterior, counter-clockwise).
type gapRing struct {
	pieces []int
	area   float64
}

// pieceArea is the piece's exact contribution to the uncovered area.
func (res *cutResult) pieceArea(ells []ellipse, pc piece) float64 {
	if !pc.arc {
		a, b := res.nodes[pc.from], res.nodes[pc.to]
		return (a[0]*b[1] - a[1]*b[0]) / 2
	}
	e := &ells[pc.ell]
	if pc.ccw {
		if pc.from < 0 {
			return math.Pi * e.a * e.b
		}
		a, b := res.nodes[pc.from], res.nodes[pc.to] // arc runs from t0 (from) to t1 (to)
		return e.green(pc.t0, a[0], a[1], pc.t1, b[0], b[1])
	}
	if pc.from < 0 {
		return -math.Pi * e.a * e.b
	}
	a, b := res.nodes[pc.to], res.nodes[pc.from] // arc runs from t1 (from) back to t0 (to)
	return -e.green(pc.t0, a[0], a[1], pc.t1, b[0], b[1])
}

// rings chains the uncovered boundary pieces into closed rings by their node
// ids. A piece that cannot be chained (a degenerate tangency) is joined to
// the piece starting nearest to its end.
func (res *cutResult) rings(ells []ellipse) []gapRing {
	// Pieces by start node, in compressed rows: those starting at node n
	// are byStart[row[n]:row[n+1]], in piece order.
	row := make([]int32, len(res.nodes)+1)
	for _, pc := range res.pieces {
		if pc.from >= 0 {
			row[pc.from+1]++
		}
	}
	for n := 1; n < len(row); n++ {
		row[n] += row[n-1]
	}
	byStart := make([]int32, row[len(res.nodes)])
	fill := slices.Clone(row[:len(res.nodes)])
	for i, pc := range res.pieces {
		if pc.from >= 0 {
			byStart[fill[pc.from]] = int32(i)
			fill[pc.from]++
		}
	}
	used := make([]bool, len(res.pieces))
	var rings []gapRing
	for i, pc := range res.pieces {
		if used[i] {
			continue
		}
		used[i] = true
		g := gapRing{pieces: []int{i}, area: res.pieceArea(ells, pc)}
		if pc.from < 0 {
			rings = append(rings, g)
			continue
		}
		start, at := pc.from, pc.to
		for at != start {
			next := -1
			for _, j := range byStart[row[at]:row[at+1]] {
				if !used[j] {
					next = int(j)
					break
				}
			}
			if next < 0 {
				next = res.nearestStart(used, at, start)
				if next < 0 {
					break
				}
			}
			if next == -2 {
				break // closing gap to the start node is the nearest
			}
			used[next] = true
			g.pieces = append(g.pieces, next)
			g.area += res.pieceArea(ells, res.pieces[next])
			at = res.pieces[next].to
		}
		rings = append(rings, g)
	}
	return rings
}

// nearestStart returns the unused piece whose start is nearest to node at,
// or -2 when the ring's own start is nearer, or -1 when nothing is left.
func (res *cutResult) nearestStart(used []bool, at, start int) int {
	p := res.nodes[at]
	s := res.nodes[start]
	best, bestD := -2, hypot(s[0]-p[0], s[1]-p[1])
	for j, pc := range res.pieces {
		if used[j] || pc.from < 0 {
			continue
		}
		q := res.nodes[pc.from]
		if d := hypot(q[0]-p[0], q[1]-p[1]); d < bestD {
			best, bestD = j, d
		}
	}
	return best
}

// polyline draws a ring in frame coordinates, arcs densified so that no
// chord strays more than chordM metres from its arc. The last point is not
// repeated.
func (res *cutResult) polyline(ells []ellipse, g gapRing, chordM float64) [][2]float64 {
	pts := make([][2]float64, 0, 2*len(g.pieces)+16)
	for _, i := range g.pieces {
		pc := res.pieces[i]
		if !pc.arc {
			pts = append(pts, res.nodes[pc.from])
			continue
		}
		e := &ells[pc.ell]
		r := max(e.a, e.b)
		step := 2 * math.Acos(max(-1, 1-chordM/r))
		n := int(math.Ceil((pc.t1 - pc.t0) / step))
		if n < 1 {
			n = 1
		}
		if pc.from >= 0 {
			pts = append(pts, res.nodes[pc.from])
		} else {
			n = max(n, 8)
		}
		start, dt := pc.t1, -(pc.t1-pc.t0)/float64(n)
		if pc.ccw {
			start, dt = pc.t0, (pc.t1-pc.t0)/float64(n)
		}
		for k := 1; k < n; k++ {
			x, y := e.at(start + dt*float64(k))
			pts = append(pts, [2]float64{x, y})
		}
		if pc.from < 0 {
			x, y := e.at(start)
			pts = append(pts, [2]float64{x, y})
		}
	}
	return pts
}

// gapGroup is one connected uncovered area: an exterior ring and its holes.
type gapGroup struct {
	outer int
	holes []int
	area  float64
}

// groupRings assigns every hole ring (negative area) to the smallest
// exterior ring containing one of its points.
func groupRings(rings []gapRing, lines [][][2]float64) []gapGroup {
	var groups []gapGroup
	byRing := make(map[int]int)
	for i, g := range rings {
		if g.area > 0 {
			byRing[i] = len(groups)
			groups = append(groups, gapGroup{outer: i, area: g.area})
		}
	}
	for i, g := range rings {
		if g.area > 0 || len(lines[i]) == 0 {
			continue
		}
		p := lines[i][0]
		best, bestA := -1, math.Inf(1)
		for j, gr := range groups {
			if rings[gr.outer].area < bestA && pointInRing(p, lines[gr.outer]) {
				best, bestA = j, rings[gr.outer].area
			}
		}
		if best >= 0 {
			groups[best].holes = append(groups[best].holes, i)
			groups[best].area += g.area
		}
	}
	sort.SliceStable(groups, func(a, b int) bool { return groups[a].area > groups[b].area })
	return groups
}

func pointInRing(p [2]float64, ring [][2]float64) bool { return planar.Contains(ring, p) }

package coverage

import (
	"math"

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
	grid   *Grid // a raster instead of points
}

// Points returns the population points ({lon, lat}, WGS84) and their
// counts, nil for a raster population; the slices are not to be changed.
func (p *Population) Points() ([]orb.Point, []float64) { return p.points, p.counts }

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
	f.eachPoint(pop, func(i int, x, y float64) {
		c := pop.counts[i]
		total += c
		if _, d := ix.Nearest(pop.points[i]); d <= r {
			return
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
	})
	return total, uncovered, perGap
}

// eachPoint calls fn with the index and frame coordinates (x, y) of each
// population point inside the district as drawn in the frame.
func (f *frame) eachPoint(pop *Population, fn func(i int, x, y float64)) {
	pop.tree.Search(f.bound.Min, f.bound.Max, func(_, _ [2]float64, i int) bool {
		p := pop.points[i]
		if x, y := f.proj.Forward(p[0], p[1]); f.region.contains(x, y) {
			fn(i, x, y)
		}
		return true
	})
}

// Grid is a population raster in WGS84: cell (col, row) spans longitudes
// [X0 + col*DX, X0 + (col+1)*DX] and latitudes [Y0 - (row+1)*DY,
// Y0 - row*DY], its people spread evenly over its area; NaN is no data.
type Grid struct {
	Width, Height int
	X0, Y0        float64
	DX, DY        float64
	Values        []float64
}

// NewRasterPopulation makes a population of a grid's cells.
func NewRasterPopulation(g *Grid) *Population { return &Population{grid: g} }

// rasterPeople splits every cell of the grid that meets the district
// exactly: the part of the cell inside the district (its quadrilateral in
// the equal-area frame clipped by the district's rings), and of that the
// part outside every disk (the cut, as for the district). Cell edges are
// taken as straight in the frame, which errs by well under a millionth of
// the area for cells of a kilometre.
//
// The uncovered people of a cell go to the gap holding the cell's centre,
// else to the gap nearest to it (by the gaps' first vertices): the per-gap
// figures are exact for cells within one gap, and their sum is the exact
// total.
func (f *frame) rasterPeople(g *Grid, ells []ellipse, gapLines [][][][2]float64) (total, uncovered float64, perGap []float64) {
	perGap = make([]float64, len(gapLines))
	loc := gapLocator(gapLines)
	f.rasterEach(g, [][]ellipse{ells}, func(quad [][2]float64, people float64, unc []float64) {
		total += people
		uncovered += unc[0]
		if k := loc.cell(quad); k >= 0 && unc[0] != 0 {
			perGap[k] += unc[0]
		}
	})
	return total, uncovered, perGap
}

// gapLocator finds the gap (each given as its rings in the frame, exterior
// first) that holds a place.
type gapLocator [][][][2]float64

// at returns the gap holding c (even-odd over its rings), or -1.
func (gl gapLocator) at(c [2]float64) int {
	for i, rings := range gl {
		in := false
		for _, ring := range rings {
			if pointInRing(c, ring) {
				in = !in
			}
		}
		if in {
			return i
		}
	}
	return -1
}

// cell returns the gap holding the centre of a raster cell (its
// quadrilateral in the frame), else the gap nearest to it by the gaps'
// first vertices; -1 when there are no gaps.
func (gl gapLocator) cell(quad [][2]float64) int {
	if len(gl) == 0 {
		return -1
	}
	c := [2]float64{(quad[0][0] + quad[2][0]) / 2, (quad[0][1] + quad[2][1]) / 2}
	if i := gl.at(c); i >= 0 {
		return i
	}
	best, bd := 0, math.Inf(1)
	for i, rings := range gl {
		if len(rings) > 0 && len(rings[0]) > 0 {
			if d := hypot(rings[0][0][0]-c[0], rings[0][0][1]-c[1]); d < bd {
				best, bd = i, d
			}
		}
	}
	return best
}

// rasterEach calls fn for every cell of the grid with people that meets
// the district, with its quadrilateral in the frame, its people inside the
// district, and for each set of disks the people of that part outside
// every disk of the set (see rasterPeople).
func (f *frame) rasterEach(g *Grid, sets [][]ellipse, fn func(quad [][2]float64, people float64, uncovered []float64)) {
	b := f.bound
	c0 := max(0, int(math.Floor((b.Min[0]-g.X0)/g.DX)))
	c1 := min(g.Width-1, int(math.Floor((b.Max[0]-g.X0)/g.DX)))
	r0 := max(0, int(math.Floor((g.Y0-b.Max[1])/g.DY)))
	r1 := min(g.Height-1, int(math.Floor((g.Y0-b.Min[1])/g.DY)))
	grids := make([]*ellGrid, len(sets))
	for k, ells := range sets {
		grids[k] = newEllGrid(ells)
	}
	unc := make([]float64, len(sets))
	for row := r0; row <= r1; row++ {
		for col := c0; col <= c1; col++ {
			v := g.Values[row*g.Width+col]
			if !(v > 0) {
				continue
			}
			west, north := g.X0+float64(col)*g.DX, g.Y0-float64(row)*g.DY
			quad := make([][2]float64, 4)
			for k, c := range [4][2]float64{{west, north - g.DY}, {west + g.DX, north - g.DY}, {west + g.DX, north}, {west, north}} {
				quad[k][0], quad[k][1] = f.proj.Forward(c[0], c[1])
			}
			cellArea := ringArea(quad)
			if cellArea <= 0 {
				continue
			}
			var rings [][][2]float64
			inside := 0.0
			for _, ring := range f.region.rings {
				if c := clipRing(ring, quad); len(c) >= 3 {
					if a := ringArea(c); a != 0 {
						rings = append(rings, c)
						inside += a
					}
				}
			}
			if inside <= 0 {
				continue
			}
			// Uncovered: all of it when no disk's box meets the cell, none
			// when one disk holds the whole cell, else the exact cut.
			mn := [2]float64{min(quad[0][0], quad[1][0], quad[2][0], quad[3][0]), min(quad[0][1], quad[1][1], quad[2][1], quad[3][1])}
			mx := [2]float64{max(quad[0][0], quad[1][0], quad[2][0], quad[3][0]), max(quad[0][1], quad[1][1], quad[2][1], quad[3][1])}
			for k, ells := range sets {
				var near []ellipse
				held := false
				grids[k].inBox(mn, mx, func(i int) {
					e := &ells[i]
					near = append(near, *e)
					all := true
					for _, q := range quad {
						all = all && e.level(q[0], q[1]) < 1
					}
					held = held || all
				})
				switch {
				case held:
					unc[k] = 0
				case len(near) == 0:
					unc[k] = v * inside / cellArea
				default:
					u := max(0, min(inside, newFrameRegion(rings).cut(near).area))
					unc[k] = v * u / cellArea
				}
			}
			fn(quad, v*inside/cellArea, unc)
		}
	}
}

// clipRing clips a ring by a convex anticlockwise quadrilateral
// (Sutherland-Hodgman): the part of the ring's area inside it, with the
// ring's orientation.
func clipRing(ring, clip [][2]float64) [][2]float64 {
	out := ring
	for i := range clip {
		a, b := clip[i], clip[(i+1)%len(clip)]
		side := func(p [2]float64) float64 { return (b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0]) }
		in := out
		out = nil
		for j := range in {
			p, q := in[j], in[(j+1)%len(in)]
			sp, sq := side(p), side(q)
			if sp >= 0 {
				out = append(out, p)
			}
			if (sp >= 0) != (sq >= 0) {
				t := sp / (sp - sq)
				out = append(out, [2]float64{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])})
			}
		}
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

// Grid returns the population raster, nil for points.
func (p *Population) Grid() *Grid { return p.grid }

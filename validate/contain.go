package validate

import (
	"math"

	"github.com/paulmach/orb"
)

// bandedRings answers even-odd containment in one district's rings (lon,
// lat, edges straight) as holds does, testing only the edges whose
// latitude span meets the point's latitude band: the district's latitude
// range is cut into equal bands and each edge is listed in every band its
// span meets. An edge that can change the answer for a point (one end at
// or below its latitude, the other above) meets the point's band, so the
// edges tested are a superset of those, each tested once with holds'
// arithmetic: the answer is holds' bit for bit.
type bandedRings struct {
	minY, scale float64 // band of latitude y: (y-minY)*scale, clamped
	first       []int32 // edges of band k: edges[first[k]:first[k+1]]
	edges       [][4]float64
}

// edgesPerBand is about how many edges a band holds in a district whose
// edges are short beside its height.
const edgesPerBand = 8

// maxBands bounds the bands of one district (and so the copies of an edge
// that spans its whole height).
const maxBands = 4096

func newBandedRings(mp orb.MultiPolygon) *bandedRings {
	n := 0
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, poly := range mp {
		for _, r := range poly {
			n += len(r)
			for _, p := range r {
				minY, maxY = min(minY, p[1]), max(maxY, p[1])
			}
		}
	}
	br := &bandedRings{minY: minY}
	bands := min(maxBands, max(1, n/edgesPerBand))
	if n == 0 || !(maxY > minY) || math.IsInf(maxY-minY, 0) {
		bands = 1
	} else {
		br.scale = float64(bands) / (maxY - minY)
	}
	// Counting pass, then filling pass (edges in ring order within a band).
	count := make([]int32, bands+1)
	each := func(fn func(a, b orb.Point, lo, hi int)) {
		for _, poly := range mp {
			for _, r := range poly {
				for i := range r {
					a, b := r[i], r[(i+1)%len(r)]
					lo, hi := br.band(min(a[1], b[1]), bands), br.band(max(a[1], b[1]), bands)
					fn(a, b, lo, hi)
				}
			}
		}
	}
	each(func(_, _ orb.Point, lo, hi int) {
		for k := lo; k <= hi; k++ {
			count[k+1]++
		}
	})
	for k := 1; k <= bands; k++ {
		count[k] += count[k-1]
	}
	br.first = count
	br.edges = make([][4]float64, count[bands])
	next := append([]int32(nil), count[:bands]...)
	each(func(a, b orb.Point, lo, hi int) {
		for k := lo; k <= hi; k++ {
			br.edges[next[k]] = [4]float64{a[0], a[1], b[0], b[1]}
			next[k]++
		}
	})
	return br
}

// band is the band of latitude y among bands (monotone in y; NaN goes to
// band 0).
func (br *bandedRings) band(y float64, bands int) int {
	f := (y - br.minY) * br.scale
	if !(f > 0) {
		return 0
	}
	if f >= float64(bands-1) {
		return bands - 1
	}
	return int(f)
}

// holds is holds(mp, p) for the mp br was built from.
func (br *bandedRings) holds(p orb.Point) bool {
	k := br.band(p[1], len(br.first)-1)
	in := false
	for _, e := range br.edges[br.first[k]:br.first[k+1]] {
		if (e[1] > p[1]) != (e[3] > p[1]) && p[0] < e[0]+(p[1]-e[1])/(e[3]-e[1])*(e[2]-e[0]) {
			in = !in
		}
	}
	return in
}

// boxGrid lists, for each cell of a grid over the union of the districts'
// boxes, the districts whose box meets the cell: the districts whose box
// holds a point are among those of its cell (the cell of a coordinate is
// monotone in it, and a box is listed in every cell from that of its
// minimum to that of its maximum). It answers whether any district holds
// a point as the R-tree search did, without walking the tree (0.3 s of a
// million stations' containment tests).
type boxGrid struct {
	bound  orb.Bound
	sx, sy float64 // cells per degree
	nx, ny int
	first  []int32 // districts of cell c: items[first[c]:first[c+1]]
	items  []int32
	boxes  []orb.Bound
}

func newBoxGrid(boxes []orb.Bound) *boxGrid {
	g := &boxGrid{boxes: boxes, nx: 1, ny: 1}
	if len(boxes) == 0 {
		return g
	}
	g.bound = boxes[0]
	for _, b := range boxes[1:] {
		g.bound = g.bound.Union(b)
	}
	side := min(1024, max(1, int(math.Ceil(math.Sqrt(16*float64(len(boxes)))))))
	if w := g.bound.Max[0] - g.bound.Min[0]; w > 0 && !math.IsInf(w, 0) {
		g.nx, g.sx = side, float64(side)/w
	}
	if h := g.bound.Max[1] - g.bound.Min[1]; h > 0 && !math.IsInf(h, 0) {
		g.ny, g.sy = side, float64(side)/h
	}
	count := make([]int32, g.nx*g.ny+1)
	each := func(fn func(c, i int)) {
		for i, b := range boxes {
			x0, x1 := g.cell(b.Min[0]-g.bound.Min[0], g.sx, g.nx), g.cell(b.Max[0]-g.bound.Min[0], g.sx, g.nx)
			y0, y1 := g.cell(b.Min[1]-g.bound.Min[1], g.sy, g.ny), g.cell(b.Max[1]-g.bound.Min[1], g.sy, g.ny)
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					fn(y*g.nx+x, i)
				}
			}
		}
	}
	each(func(c, _ int) { count[c+1]++ })
	for c := 1; c < len(count); c++ {
		count[c] += count[c-1]
	}
	g.first = count
	g.items = make([]int32, count[len(count)-1])
	next := append([]int32(nil), count[:len(count)-1]...)
	each(func(c, i int) {
		g.items[next[c]] = int32(i)
		next[c]++
	})
	return g
}

// cell is the cell of an offset d from the grid's minimum (monotone in d).
func (g *boxGrid) cell(d, scale float64, n int) int {
	f := d * scale
	if !(f > 0) {
		return 0
	}
	if f >= float64(n-1) {
		return n - 1
	}
	return int(f)
}

// any reports whether fn holds for a district whose box holds p (box
// edges included), trying them in the order of the cell's list.
func (g *boxGrid) any(p orb.Point, fn func(i int) bool) bool {
	for _, i := range g.cellOf(p) {
		if b := g.boxes[i]; p[0] >= b.Min[0] && p[0] <= b.Max[0] && p[1] >= b.Min[1] && p[1] <= b.Max[1] && fn(int(i)) {
			return true
		}
	}
	return false
}

// cellOf lists the districts whose box meets p's cell (none when p is
// outside the grid).
func (g *boxGrid) cellOf(p orb.Point) []int32 {
	if len(g.boxes) == 0 || !(p[0] >= g.bound.Min[0] && p[0] <= g.bound.Max[0] && p[1] >= g.bound.Min[1] && p[1] <= g.bound.Max[1]) {
		return nil
	}
	c := g.cell(p[1]-g.bound.Min[1], g.sy, g.ny)*g.nx + g.cell(p[0]-g.bound.Min[0], g.sx, g.nx)
	return g.items[g.first[c]:g.first[c+1]]
}

// cellNear lists the districts whose box meets p's cell, or the cell
// nearest p when p is outside the grid.
func (g *boxGrid) cellNear(p orb.Point) []int32 {
	if len(g.boxes) == 0 {
		return nil
	}
	c := g.cell(p[1]-g.bound.Min[1], g.sy, g.ny)*g.nx + g.cell(p[0]-g.bound.Min[0], g.sx, g.nx)
	return g.items[g.first[c]:g.first[c+1]]
}

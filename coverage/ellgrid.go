package coverage

import "math"

// ellGrid is a uniform grid over ellipses of about the same size (one rule
// radius per evaluation): a cell is as wide as the largest ellipse, so each
// ellipse sits in at most four cells and a point query looks at one cell.
// For these inputs it is several times faster than an R-tree.
type ellGrid struct {
	ells         []ellipse
	x0, y0, cell float64
	nx, ny       int
	start        []int32 // CSR: ellipses of cell c are items[start[c]:start[c+1]]
	items        []int32
	stamp        []uint32 // per ellipse, for de-duplicating box queries
	epoch        uint32
	minX, minY   float64
	maxX, maxY   float64
	boxes        [][4]float64
}

func newEllGrid(ells []ellipse) *ellGrid {
	g := &ellGrid{ells: ells, boxes: make([][4]float64, len(ells)), stamp: make([]uint32, len(ells))}
	if len(ells) == 0 {
		g.nx, g.ny, g.cell = 1, 1, 1
		g.start = []int32{0, 0}
		return g
	}
	g.minX, g.minY = math.Inf(1), math.Inf(1)
	g.maxX, g.maxY = math.Inf(-1), math.Inf(-1)
	size := 0.0
	for i := range ells {
		mn, mx := ells[i].box()
		g.boxes[i] = [4]float64{mn[0], mn[1], mx[0], mx[1]}
		g.minX, g.minY = min(g.minX, mn[0]), min(g.minY, mn[1])
		g.maxX, g.maxY = max(g.maxX, mx[0]), max(g.maxY, mx[1])
		size = max(size, max(mx[0]-mn[0], mx[1]-mn[1]))
	}
	g.cell = max(size, 1e-3)
	for {
		g.nx = int((g.maxX-g.minX)/g.cell) + 1
		g.ny = int((g.maxY-g.minY)/g.cell) + 1
		if g.nx*g.ny <= 1<<20 {
			break
		}
		g.cell *= 2
	}
	g.x0, g.y0 = g.minX, g.minY
	counts := make([]int32, g.nx*g.ny+1)
	g.each(func(i, c int) { counts[c+1]++ })
	for c := 1; c < len(counts); c++ {
		counts[c] += counts[c-1]
	}
	g.start = counts
	g.items = make([]int32, counts[len(counts)-1])
	fill := make([]int32, g.nx*g.ny)
	g.each(func(i, c int) {
		g.items[g.start[c]+fill[c]] = int32(i)
		fill[c]++
	})
	return g
}

// each calls fn for every (ellipse, cell) pair it is registered in.
func (g *ellGrid) each(fn func(i, c int)) {
	for i, b := range g.boxes {
		i0, j0 := g.cellOf(b[0], b[1])
		i1, j1 := g.cellOf(b[2], b[3])
		for ci := i0; ci <= i1; ci++ {
			for cj := j0; cj <= j1; cj++ {
				fn(i, cj*g.nx+ci)
			}
		}
	}
}

func (g *ellGrid) cellOf(x, y float64) (int, int) {
	i := int((x - g.x0) / g.cell)
	j := int((y - g.y0) / g.cell)
	return max(0, min(g.nx-1, i)), max(0, min(g.ny-1, j))
}

// atPoint calls fn for every ellipse whose box contains (x, y), until fn
// returns false.
func (g *ellGrid) atPoint(x, y float64, fn func(i int) bool) {
	if x < g.minX || x > g.maxX || y < g.minY || y > g.maxY {
		return
	}
	i, j := g.cellOf(x, y)
	c := j*g.nx + i
	for _, k := range g.items[g.start[c]:g.start[c+1]] {
		b := &g.boxes[k]
		if x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] {
			if !fn(int(k)) {
				return
			}
		}
	}
}

// inBox calls fn once for every ellipse whose box meets [mn, mx].
func (g *ellGrid) inBox(mn, mx [2]float64, fn func(i int)) {
	if mx[0] < g.minX || mn[0] > g.maxX || mx[1] < g.minY || mn[1] > g.maxY {
		return
	}
	g.epoch++
	i0, j0 := g.cellOf(mn[0], mn[1])
	i1, j1 := g.cellOf(mx[0], mx[1])
	for ci := i0; ci <= i1; ci++ {
		for cj := j0; cj <= j1; cj++ {
			c := cj*g.nx + ci
			for _, k := range g.items[g.start[c]:g.start[c+1]] {
				if g.stamp[k] == g.epoch {
					continue
				}
				g.stamp[k] = g.epoch
				b := &g.boxes[k]
				if b[0] <= mx[0] && b[2] >= mn[0] && b[1] <= mx[1] && b[3] >= mn[1] {
					fn(int(k))
				}
			}
		}
	}
}

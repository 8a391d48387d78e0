package coverage

import (
	"encoding/binary"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
)

// siteCuts memoizes what Suggest measures most: the uncovered area of a
// land district once a list of candidate sites is added to its stations'
// disks, in the order of the list. One list always gives the same cut, to
// the last bit, so the first gains, the lazy greedy's checks, the swaps and
// the final ranking each read such an area once, whichever asks first, and
// the choice is the one measuring it every time would make. It is safe for
// concurrent use.
type siteCuts struct {
	frames []*frame
	radius []float64
	ells0  [][]ellipse // per district: the stations' disks
	cands  []orb.Point
	mu     sync.Mutex
	fits   map[[2]int]ellipse // {candidate, district}
	areas  map[string]float64
	pairs  []*pairCache // per district: crossings of its stations' disks
}

// newSiteCuts starts the memo for the suggester s before any site is added.
func newSiteCuts(s *suggester, cands []orb.Point) *siteCuts {
	c := &siteCuts{frames: s.frames, radius: s.radius, ells0: make([][]ellipse, len(s.ells)), cands: cands,
		fits: map[[2]int]ellipse{}, areas: map[string]float64{}, pairs: make([]*pairCache, len(s.ells))}
	for d := range s.ells {
		c.ells0[d] = slices.Clip(s.ells[d])
		c.pairs[d] = &pairCache{n: len(s.ells[d]), m: map[[2]int32][]pairCross{}}
		if !s.districts[d].Rule.ByRoad() {
			s.frames[d].region.index() // built once, before the cuts run on every worker
		}
	}
	return c
}

// fit is candidate k's disk in district d's frame.
func (c *siteCuts) fit(d, k int) ellipse {
	c.mu.Lock()
	e, ok := c.fits[[2]int{k, d}]
	c.mu.Unlock()
	if ok {
		return e
	}
	e, _ = fitEllipse(c.frames[d].proj, c.cands[k][0], c.cands[k][1], c.radius[d])
	c.mu.Lock()
	c.fits[[2]int{k, d}] = e
	c.mu.Unlock()
	return e
}

func cutKey(d int, list []int) string {
	b := make([]byte, 0, 3*(len(list)+1))
	b = binary.AppendUvarint(b, uint64(d))
	for _, k := range list {
		b = binary.AppendUvarint(b, uint64(k))
	}
	return string(b)
}

// uncovered is district d's uncovered area with the candidates of list
// added after its stations, clipped to [0, the district's area].
func (c *siteCuts) uncovered(d int, list []int) float64 {
	key := cutKey(d, list)
	c.mu.Lock()
	v, ok := c.areas[key]
	c.mu.Unlock()
	if ok {
		return v
	}
	ells := make([]ellipse, len(c.ells0[d]), len(c.ells0[d])+len(list))
	copy(ells, c.ells0[d])
	for _, k := range list {
		ells = append(ells, c.fit(d, k))
	}
	f := c.frames[d]
	v = max(0, min(f.region.area, f.region.cutPairs(ells, false, c.pairs[d]).area))
	c.mu.Lock()
	c.areas[key] = v
	c.mu.Unlock()
	return v
}

// known says whether the area of district d with list is in the memo.
func (c *siteCuts) known(d int, list []int) bool {
	c.mu.Lock()
	_, ok := c.areas[cutKey(d, list)]
	c.mu.Unlock()
	return ok
}

// openCells is an upper bound on a land district's uncovered land inside
// any disk, for the first gains: a grid of square cells over the district's
// box, each open unless it lies wholly inside one station's disk or wholly
// outside the district, counted by row (prefix sums).
type openCells struct {
	x0, y0, h float64
	nx, ny    int
	prefix    []int32 // per row: nx+1 counts of open cells before column i
}

// openCellsMax is the most cells a district's grid has.
const openCellsMax = 1 << 18

func newOpenCells(fr *frameRegion, ells []ellipse, r float64) *openCells {
	w, ht := fr.maxPt[0]-fr.minPt[0], fr.maxPt[1]-fr.minPt[1]
	h := max(r/32, math.Sqrt(w*ht/openCellsMax), 1e-3)
	oc := &openCells{x0: fr.minPt[0], y0: fr.minPt[1], h: h, nx: int(w/h) + 1, ny: int(ht/h) + 1}
	nx, ny := oc.nx, oc.ny
	// Cells an edge may pass through: those its box meets.
	edge := make([]bool, nx*ny)
	for k := range fr.edges {
		p, q := fr.edge(k)
		mn, mx := segBox(p, q)
		i0, j0 := oc.col(mn[0]-1e-6*h), oc.row(mn[1]-1e-6*h)
		i1, j1 := oc.col(mx[0]+1e-6*h), oc.row(mx[1]+1e-6*h)
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				edge[j*nx+i] = true
			}
		}
	}
	var grid *ellGrid
	if len(ells) > 0 {
		grid = newEllGrid(ells)
	}
	// inside: the cell lies in one disk (convex, so its four corners do).
	inside := func(i, j int) bool {
		if grid == nil {
			return false
		}
		xa, ya := oc.x0+float64(i)*h, oc.y0+float64(j)*h
		xb, yb := xa+h, ya+h
		found := false
		grid.atPoint(xa+h/2, ya+h/2, func(k int) bool {
			e := &ells[k]
			const in = 1 - 1e-9
			if e.level(xa, ya) < in && e.level(xb, ya) < in && e.level(xa, yb) < in && e.level(xb, yb) < in {
				found = true
				return false
			}
			return true
		})
		return found
	}
	oc.prefix = make([]int32, ny*(nx+1))
	for j := range ny {
		row := oc.prefix[j*(nx+1) : (j+1)*(nx+1)]
		// A run of cells no edge meets is wholly inside or wholly outside
		// the district: one test of the first centre decides it.
		inRun, known := false, false
		for i := range nx {
			open := true
			if edge[j*nx+i] {
				known = false
			} else {
				if !known {
					inRun, known = fr.contains(oc.x0+(float64(i)+0.5)*h, oc.y0+(float64(j)+0.5)*h), true
				}
				open = inRun
			}
			if open && inside(i, j) {
				open = false
			}
			row[i+1] = row[i]
			if open {
				row[i+1]++
			}
		}
	}
	return oc
}

func (oc *openCells) col(x float64) int { return min(oc.nx-1, max(0, int(math.Floor((x-oc.x0)/oc.h)))) }
func (oc *openCells) row(y float64) int { return min(oc.ny-1, max(0, int(math.Floor((y-oc.y0)/oc.h)))) }

// within is, row by row, the least of the area of the open cells that
// meet the disk of radius R around (cx, cy) and of the disk's part of the
// row: at least the district's uncovered land in that disk.
func (oc *openCells) within(cx, cy, R float64) float64 {
	if cx+R < oc.x0 || cy+R < oc.y0 || cx-R > oc.x0+float64(oc.nx)*oc.h || cy-R > oc.y0+float64(oc.ny)*oc.h {
		return 0
	}
	sum := 0.0
	for j := oc.row(cy - R); j <= oc.row(cy+R); j++ {
		ya, yb := oc.y0+float64(j)*oc.h, oc.y0+float64(j+1)*oc.h
		dy := max(0, ya-cy, cy-yb)
		if dy > R {
			continue
		}
		w := math.Sqrt(R*R - dy*dy)
		if cx+w < oc.x0 || cx-w > oc.x0+float64(oc.nx)*oc.h {
			continue
		}
		i0, i1 := oc.col(cx-w), oc.col(cx+w)
		row := oc.prefix[j*(oc.nx+1):]
		// The row's open cells, and no more than the disk's part of the
		// row's band.
		cells := float64(row[i1+1]-row[i0]) * oc.h * oc.h
		sum += min(cells, diskBand(ya-cy, yb-cy, R)*(1+1e-9))
	}
	return sum
}

// diskBand is the area of the disk of radius R around the origin between
// the lines y = ya and y = yb > ya.
func diskBand(ya, yb, R float64) float64 {
	g := func(s float64) float64 {
		s = min(R, max(-R, s))
		return s*math.Sqrt(max(0, R*R-s*s)) + R*R*math.Asin(s/R)
	}
	return max(0, g(yb)-g(ya))
}

// pairCache keeps the crossings of pairs of a district's first n disks
// (its stations'), as cutPairs finds them, for the next cuts of the same
// district: the same pair always gives the same crossings. It is safe for
// concurrent use.
type pairCache struct {
	n  int
	mu sync.Mutex
	m  map[[2]int32][]pairCross
}

// pairCross is one crossing of disks i and j: the point, and its
// parameter on each.
type pairCross struct{ x, y, ti, tj float64 }

func (pc *pairCache) get(i, j int) ([]pairCross, bool) {
	pc.mu.Lock()
	xs, ok := pc.m[[2]int32{int32(i), int32(j)}]
	pc.mu.Unlock()
	return xs, ok
}

func (pc *pairCache) put(i, j int, xs []pairCross) {
	pc.mu.Lock()
	pc.m[[2]int32{int32(i), int32(j)}] = xs
	pc.mu.Unlock()
}

package coverage

import (
	"math"
	"sort"
)

// roadPixels is the most pixels per side of the grid the road rule's gap
// polygons are drawn on.
const roadPixels = 512

// gaps groups the uncovered cells of a road evaluation into gaps: the cells
// are drawn on a pixel grid aligned with the quadtree (its finest cells, or
// coarser so that the grid has at most roadPixels a side), 4-connected
// groups of pixels at least half uncovered, and of one kind (no-access when
// most of a pixel's uncovered land is), make the gaps, and each gap's area
// is the exact area of its cells (undecided cells count half). Gap
// polygons, when asked for, trace the pixels' outline through the middles of
// its edges: they follow the gap to within a pixel. Uncovered cells that fall on no drawn pixel (slivers
// thinner than half a pixel) count in the district's totals but in no gap.
//
// gapAt maps a frame point to the index of the gap drawn there, or -1.
func (rs *roadSetup) gaps(leaves []roadLeaf, polygons bool, cellM float64) (gaps []Gap, gapAt func(x, y float64) int) {
	none := func(x, y float64) int { return -1 }
	if len(leaves) == 0 {
		return nil, none
	}
	fr := rs.f.region
	half := max(fr.maxPt[0]-fr.minPt[0], fr.maxPt[1]-fr.minPt[1])/2 + 1
	ox, oy := (fr.minPt[0]+fr.maxPt[0])/2-half, (fr.minPt[1]+fr.maxPt[1])/2-half
	px := cellM
	for 2*half/px > roadPixels {
		px *= 2
	}
	n := int(math.Round(2 * half / px))
	acc := make([]float32, n*n)
	noAcc := make([]float32, n*n)
	pix := func(x, y float64) (int, int) {
		return min(n-1, max(0, int((x-ox)/px))), min(n-1, max(0, int((y-oy)/px)))
	}
	for _, l := range leaves {
		w := float32(l.area)
		if l.undecided {
			w /= 2
		}
		if 2*l.half <= px*1.0000001 {
			i, j := pix(l.x, l.y)
			acc[j*n+i] += w
			if l.noAccess {
				noAcc[j*n+i] += w
			}
			continue
		}
		// A cell larger than a pixel covers whole pixels.
		frac := float32(l.area / (4 * l.half * l.half))
		i0, j0 := pix(l.x-l.half+px/2, l.y-l.half+px/2)
		i1, j1 := pix(l.x+l.half-px/2, l.y+l.half-px/2)
		for j := j0; j <= j1; j++ {
			for i := i0; i <= i1; i++ {
				v := float32(px*px) * frac
				if l.undecided {
					v /= 2
				}
				acc[j*n+i] += v
				if l.noAccess {
					noAcc[j*n+i] += v
				}
			}
		}
	}
	set := func(i, j int) bool {
		return i >= 0 && j >= 0 && i < n && j < n && acc[j*n+i] >= float32(px*px/2)
	}
	// A pixel is no-access when most of its uncovered land is.
	noAccPix := func(k int) bool { return noAcc[k] > acc[k]/2 }
	// Label 4-connected groups of pixels of one kind: no-access land and
	// land too far by road make separate gaps.
	label := make([]int32, n*n)
	var groups int32
	var groupNoAcc []bool
	var stack []int
	for k := range acc {
		if label[k] != 0 || !set(k%n, k/n) {
			continue
		}
		groups++
		kind := noAccPix(k)
		groupNoAcc = append(groupNoAcc, kind)
		label[k] = groups
		stack = append(stack[:0], k)
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			ci, cj := c%n, c/n
			for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				i, j := ci+d[0], cj+d[1]
				if set(i, j) && label[j*n+i] == 0 && noAccPix(j*n+i) == kind {
					label[j*n+i] = groups
					stack = append(stack, j*n+i)
				}
			}
		}
	}
	gaps = make([]Gap, groups)
	for _, l := range leaves {
		i, j := pix(l.x, l.y)
		g := label[j*n+i]
		if g == 0 {
			continue
		}
		a := l.area
		if l.undecided {
			a /= 2
		}
		gaps[g-1].AreaM2 += a
	}
	for g := range gaps {
		gaps[g].Kind = GapTravelTime
		if groupNoAcc[g] {
			gaps[g].Kind = GapNoAccess
		}
	}
	if polygons {
		rings := traceLabels(label, n, groups)
		for g := range gaps {
			var poly [][][2]float64
			for _, r := range rings[g] {
				sm := smoothRing(r)
				xy := make([][2]float64, len(sm))
				for k, v := range sm {
					xy[k] = [2]float64{ox + v[0]*px, oy + v[1]*px}
				}
				if ringArea(xy) > 0 {
					poly = append([][][2]float64{xy}, poly...)
				} else {
					poly = append(poly, xy)
				}
			}
			for _, r := range poly {
				gaps[g].Polygon = append(gaps[g].Polygon, rs.f.lonLatRing(r))
			}
		}
	}
	order := make([]int, 0, len(gaps))
	for g := range gaps {
		if gaps[g].AreaM2 > 0 {
			order = append(order, g)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return gaps[order[a]].AreaM2 > gaps[order[b]].AreaM2 })
	out := make([]Gap, len(order))
	final := make([]int, groups+1) // label -> index in out, or -1
	for i := range final {
		final[i] = -1
	}
	for k, g := range order {
		out[k] = gaps[g]
		final[g+1] = k
	}
	return out, func(x, y float64) int {
		if x < ox || y < oy || x >= ox+float64(n)*px || y >= oy+float64(n)*px {
			return -1
		}
		i, j := pix(x, y)
		return final[label[j*n+i]]
	}
}

// traceLabels returns, for every label 1..groups, the outlines of its pixels
// as rings of grid vertices, one per pixel edge: the exterior
// counter-clockwise, holes clockwise. At a vertex where two pixels of a
// label touch only diagonally the walk turns left, so 4-connected groups
// get one exterior each.
func traceLabels(label []int32, n int, groups int32) [][][][2]int32 {
	type edge struct {
		x, y int32 // start vertex
		dir  int8  // 0 east, 1 north, 2 west, 3 south
	}
	at := func(i, j int) int32 {
		if i < 0 || j < 0 || i >= n || j >= n {
			return 0
		}
		return label[j*n+i]
	}
	byLabel := make([][]edge, groups+1)
	for j := range n {
		for i := range n {
			g := label[j*n+i]
			if g == 0 {
				continue
			}
			x, y := int32(i), int32(j)
			if at(i, j-1) != g {
				byLabel[g] = append(byLabel[g], edge{x, y, 0})
			}
			if at(i+1, j) != g {
				byLabel[g] = append(byLabel[g], edge{x + 1, y, 1})
			}
			if at(i, j+1) != g {
				byLabel[g] = append(byLabel[g], edge{x + 1, y + 1, 2})
			}
			if at(i-1, j) != g {
				byLabel[g] = append(byLabel[g], edge{x, y + 1, 3})
			}
		}
	}
	step := [4][2]int32{{1, 0}, {0, 1}, {-1, 0}, {0, -1}}
	out := make([][][][2]int32, groups)
	for g := int32(1); g <= groups; g++ {
		es := byLabel[g]
		from := make(map[[2]int32][]int, len(es))
		for k, e := range es {
			v := [2]int32{e.x, e.y}
			from[v] = append(from[v], k)
		}
		used := make([]bool, len(es))
		for k := range es {
			if used[k] {
				continue
			}
			var ring [][2]int32
			cur := k
			for !used[cur] {
				used[cur] = true
				e := es[cur]
				ring = append(ring, [2]int32{e.x, e.y})
				end := [2]int32{e.x + step[e.dir][0], e.y + step[e.dir][1]}
				next := -1
				for _, turn := range [3]int8{1, 0, 3} { // left, straight, right
					want := (e.dir + turn) % 4
					for _, c := range from[end] {
						if !used[c] && es[c].dir == want {
							next = c
							break
						}
					}
					if next >= 0 {
						break
					}
				}
				if next < 0 {
					break
				}
				cur = next
			}
			out[g-1] = append(out[g-1], ring)
		}
	}
	return out
}

// smoothRing turns a pixel outline (one vertex per pixel edge) into the
// polygon through the middles of its edges, in pixel units: staircases
// become diagonals, and each corner is cut by half a pixel. A cut at a
// concave corner falls in the pixel that completes the corner: no other gap
// of the same kind holds it (it would touch this one along an edge), but a
// gap of the other kind may, and the two drawings then overlap by a
// triangle of an eighth of a pixel (the areas come from the cells, not the
// drawing). Collinear vertices are dropped.
func smoothRing(r [][2]int32) [][2]float64 {
	n := len(r)
	mid := make([][2]float64, n)
	for i := range r {
		a, b := r[i], r[(i+1)%n]
		mid[i] = [2]float64{float64(a[0]+b[0]) / 2, float64(a[1]+b[1]) / 2}
	}
	var out [][2]float64
	for i := range mid {
		p, c, q := mid[(i+n-1)%n], mid[i], mid[(i+1)%n]
		if (c[0]-p[0])*(q[1]-c[1])-(c[1]-p[1])*(q[0]-c[0]) != 0 {
			out = append(out, c)
		}
	}
	return out
}

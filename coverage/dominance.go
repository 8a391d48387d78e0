package coverage

import (
	"math"
	"slices"
)

// Covered disks. A station whose disk lies inside the union of the other
// stations' disks changes nothing in the union, the cut or the gaps: it can
// be dropped before the cut. Thousands of stations a district (a national
// charger list) are mostly such; the cut's cost grows with the stations it
// is given.
//
// The test is on the fitted ellipses the cut itself uses, so dropping one
// leaves the cut's union exactly as it was. It is a sufficient condition,
// sound by this argument:
//
//  1. Ellipse E is split into the cells of a coverGrid x coverGrid grid over
//     its bounding box. A cell whose every point is farther from E's centre
//     than E's major semi-axis is disjoint from E (E lies in the disk of
//     that radius about its centre) and needs nothing.
//  2. Every other cell must have its four corners strictly inside one kept
//     ellipse F other than E (level below 1 - coverMargin). An ellipse is
//     convex and a cell is the convex hull of its corners, so the whole
//     cell is then inside F, its corners with a margin.
//  3. E is inside the union of the cells of step 2, each inside some kept
//     F: E is inside the union of the kept ellipses other than E.
//  4. The ellipses are looked at in order; each relies only on ellipses
//     still kept when it is looked at. Dropping E leaves the union of the
//     kept ellipses as it was (E was inside the union of the others), so by
//     induction the final kept set has the union of all of them.
//
// Every point of a dropped ellipse is inside a kept one (with the margin
// at cell corners), so no arc of a dropped ellipse bounds the union: the
// cut's pieces, its gaps and their areas are those of the full set.
// A farthest place outside every disk keeps its nearest station too, but
// the farthest place is found among all stations (the index), not among
// these ellipses.
const (
	coverGrid   = 6
	coverMargin = 1e-9
	// coverTries: kept ellipses tried per cell, nearest centres first,
	// before the ellipse counts as not covered.
	coverTries = 24
	// coverMin: below this many ellipses the test is not worth its cost.
	coverMin = 64
)

// dropCovered returns the ellipses that are not inside the union of the
// others (see above), in their order. ells is not changed.
func dropCovered(ells []ellipse) []ellipse {
	if len(ells) < coverMin {
		return ells
	}
	amax := 0.0
	for i := range ells {
		amax = max(amax, ells[i].a, ells[i].b)
	}
	// Buckets of centres, a quarter of the largest axis wide.
	s := amax / 4
	if !(s > 0) {
		return ells
	}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for i := range ells {
		minX, minY = min(minX, ells[i].cx), min(minY, ells[i].cy)
		maxX, maxY = max(maxX, ells[i].cx), max(maxY, ells[i].cy)
	}
	nx, ny := int((maxX-minX)/s)+1, int((maxY-minY)/s)+1
	if nx*ny > 16*len(ells)+1024 {
		return ells // scattered: buckets would cost more than they save
	}
	start := make([]int32, nx*ny+1)
	bucket := func(x, y float64) (int, int) {
		return min(nx-1, max(0, int((x-minX)/s))), min(ny-1, max(0, int((y-minY)/s)))
	}
	for i := range ells {
		bx, by := bucket(ells[i].cx, ells[i].cy)
		start[by*nx+bx+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	members := make([]int32, len(ells))
	fill := append([]int32(nil), start[:nx*ny]...)
	for i := range ells {
		bx, by := bucket(ells[i].cx, ells[i].cy)
		members[fill[by*nx+bx]] = int32(i)
		fill[by*nx+bx]++
	}
	// end[c]: the bucket's kept members are members[start[c]:end[c]], in
	// their order; a dropped ellipse leaves its bucket, so that the search
	// below does not step over the dropped (nine in ten of a dense set).
	end := fill
	dropped := make([]bool, len(ells))
	inside := func(f *ellipse, x, y float64) bool { return f.level(x, y) < 1-coverMargin }
	// coveredCell finds a kept ellipse other than k holding the cell's four
	// corners, looking at buckets ring by ring around the cell's centre.
	// leftIn says that last, the ellipse that held the cell to the left,
	// holds this one's left corners (that cell's right ones, computed
	// alike): only the right ones are tried in it.
	last := -1
	coveredCell := func(k int, x0, y0, x1, y1 float64, leftIn bool) bool {
		holds := func(j int) bool {
			f := &ells[j]
			return inside(f, x0, y0) && inside(f, x1, y0) && inside(f, x0, y1) && inside(f, x1, y1)
		}
		if leftIn {
			if f := &ells[last]; inside(f, x1, y0) && inside(f, x1, y1) {
				return true
			}
		} else if last >= 0 && last != k && !dropped[last] && holds(last) {
			return true
		}
		bx, by := bucket((x0+x1)/2, (y0+y1)/2)
		tries := 0
		for ring := 0; ring <= 4; ring++ {
			for gy := by - ring; gy <= by+ring; gy++ {
				if gy < 0 || gy >= ny {
					continue
				}
				for gx := bx - ring; gx <= bx+ring; gx++ {
					if gx < 0 || gx >= nx || (gy != by-ring && gy != by+ring && gx != bx-ring && gx != bx+ring) {
						continue // inside the ring: looked at already
					}
					for _, m := range members[start[gy*nx+gx]:end[gy*nx+gx]] {
						j := int(m)
						if j == k {
							continue
						}
						if holds(j) {
							last = j
							return true
						}
						if tries++; tries >= coverTries {
							return false
						}
					}
				}
			}
		}
		return false
	}
	n := 0
	for k := range ells {
		e := &ells[k]
		lo, hi := e.box()
		w, h := (hi[0]-lo[0])/coverGrid, (hi[1]-lo[1])/coverGrid
		covered := w > 0 && h > 0
		for gy := 0; gy < coverGrid && covered; gy++ {
			y0, y1 := lo[1]+float64(gy)*h, lo[1]+float64(gy+1)*h
			leftIn := false // the cell to the left was held by last
			for gx := 0; gx < coverGrid && covered; gx++ {
				x0, x1 := lo[0]+float64(gx)*w, lo[0]+float64(gx+1)*w
				// The cell's nearest point to the centre.
				dx := max(0, max(x0-e.cx, e.cx-x1))
				dy := max(0, max(y0-e.cy, e.cy-y1))
				if ra := max(e.a, e.b); dx*dx+dy*dy > ra*ra*(1+1e-9) {
					leftIn = false
					continue // disjoint from E
				}
				covered = coveredCell(k, x0, y0, x1, y1, leftIn)
				leftIn = covered
			}
		}
		if covered {
			dropped[k] = true
			n++
			bx, by := bucket(e.cx, e.cy)
			c := by*nx + bx
			ms := members[start[c]:end[c]]
			at := slices.Index(ms, int32(k))
			copy(ms[at:], ms[at+1:])
			end[c]--
		}
	}
	if n == 0 {
		return ells
	}
	out := make([]ellipse, 0, len(ells)-n)
	for k := range ells {
		if !dropped[k] {
			out = append(out, ells[k])
		}
	}
	return out
}

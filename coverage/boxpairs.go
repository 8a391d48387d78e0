package coverage

import (
	"cmp"
	"math"
	"slices"
	"sync"
)

// rect is an axis-aligned box: min x, min y, max x, max y.
type rect = [4]float64

func rectsMeet(a, b *rect) bool {
	return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

// boxPairs calls fn(i, j), i < j, for every pair of boxes that meet (closed
// boxes), at least once each: a pair whose boxes share several grid cells
// may come more than once. The boxes are bucketed in a uniform grid of about
// one rect per cell over their extent; a cell that holds many boxes is split
// the same way in turn, and one that cannot be split (boxes that all span
// it) is swept along x. Linear time for the edges of real boundaries.
func boxPairs(boxes []rect, fn func(i, j int32)) {
	boxPairsParallel(boxes, 1, func(_ int, i, j int32) { fn(i, j) })
}

// boxPairsParallel is boxPairs with the cells of the first grid shared
// among workers goroutines; fn(w, i, j) runs on goroutine w (0 <= w <
// workers), so that it can collect into per-worker state without locks.
func boxPairsParallel(boxes []rect, workers int, fn func(w int, i, j int32)) {
	idx := make([]int32, len(boxes))
	for i := range idx {
		idx[i] = int32(i)
	}
	gridPairs(boxes, idx, 0, max(1, workers), fn)
}

// gridPairsSmall is the number of boxes up to which a cell tests all pairs.
const gridPairsSmall = 24

func gridPairs(boxes []rect, idx []int32, depth, workers int, fn func(w int, i, j int32)) {
	n := len(idx)
	seq := func(i, j int32) { fn(0, i, j) }
	if n <= gridPairsSmall {
		allPairs(boxes, idx, seq)
		return
	}
	if depth >= 4 {
		sweepPairs(boxes, idx, seq)
		return
	}
	ext := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, i := range idx {
		b := &boxes[i]
		ext = rect{min(ext[0], b[0]), min(ext[1], b[1]), max(ext[2], b[2]), max(ext[3], b[3])}
	}
	g := max(1, int(math.Sqrt(float64(n))))
	gx, gy := g, g
	if !(ext[2] > ext[0]) {
		gx = 1
	}
	if !(ext[3] > ext[1]) {
		gy = 1
	}
	if gx*gy == 1 {
		sweepPairs(boxes, idx, seq)
		return
	}
	sx, sy := float64(gx)/(ext[2]-ext[0]), float64(gy)/(ext[3]-ext[1])
	cellX := func(v float64) int32 { return int32(min(gx-1, max(0, int((v-ext[0])*sx)))) }
	cellY := func(v float64) int32 { return int32(min(gy-1, max(0, int((v-ext[1])*sy)))) }
	spans := make([][4]int32, n)
	total := 0
	for k, i := range idx {
		b := &boxes[i]
		s := [4]int32{cellX(b[0]), cellY(b[1]), cellX(b[2]), cellY(b[3])}
		if gx == 1 {
			s[0], s[2] = 0, 0
		}
		if gy == 1 {
			s[1], s[3] = 0, 0
		}
		spans[k] = s
		total += int(s[2]-s[0]+1) * int(s[3]-s[1]+1)
	}
	if total > 16*n {
		// Boxes large next to the cells (long diagonal edges): the grid
		// would copy them into too many cells.
		sweepPairs(boxes, idx, seq)
		return
	}
	start := make([]int32, gx*gy+1)
	for _, s := range spans {
		for cy := s[1]; cy <= s[3]; cy++ {
			for cx := s[0]; cx <= s[2]; cx++ {
				start[int(cy)*gx+int(cx)+1]++
			}
		}
	}
	for c := 1; c < len(start); c++ {
		start[c] += start[c-1]
	}
	items := make([]int32, total)
	fill := slices.Clone(start[:gx*gy])
	for k, i := range idx {
		s := spans[k]
		for cy := s[1]; cy <= s[3]; cy++ {
			for cx := s[0]; cx <= s[2]; cx++ {
				c := int(cy)*gx + int(cx)
				items[fill[c]] = i
				fill[c]++
			}
		}
	}
	cells := func(w int) {
		wfn := func(i, j int32) { fn(w, i, j) }
		for c := w; c < gx*gy; c += workers {
			cell := items[start[c]:start[c+1]]
			switch {
			case len(cell) <= gridPairsSmall:
				allPairs(boxes, cell, wfn)
			case len(cell) == n:
				// Every box spans this cell: splitting makes no progress.
				sweepPairs(boxes, cell, wfn)
			default:
				gridPairs(boxes, cell, depth+1, 1, func(_ int, i, j int32) { fn(w, i, j) })
			}
		}
	}
	if workers == 1 {
		cells(0)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cells(w)
		}()
	}
	wg.Wait()
}

func allPairs(boxes []rect, idx []int32, fn func(i, j int32)) {
	for a, i := range idx {
		bi := &boxes[i]
		for _, j := range idx[a+1:] {
			if rectsMeet(bi, &boxes[j]) {
				fn(min(i, j), max(i, j))
			}
		}
	}
}

// sweepPairs sorts the boxes by min x and tests each against the earlier
// ones whose x-range reaches it.
func sweepPairs(boxes []rect, idx []int32, fn func(i, j int32)) {
	order := slices.Clone(idx)
	slices.SortFunc(order, func(a, b int32) int {
		if c := cmp.Compare(boxes[a][0], boxes[b][0]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	active := make([]int32, 0, 16)
	for _, i := range order {
		bi := &boxes[i]
		k := 0
		for _, j := range active {
			bj := &boxes[j]
			if bj[2] < bi[0] {
				continue
			}
			active[k] = j
			k++
			if bj[1] <= bi[3] && bi[1] <= bj[3] {
				fn(min(i, j), max(i, j))
			}
		}
		active = append(active[:k], i)
	}
}

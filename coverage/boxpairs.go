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
	// The top level's grid is built on all workers (same cells, same
	// order in each, as one would build it).
	g, ok := newBoxGrid(boxes, idx, workers)
	if !ok {
		sweepPairs(boxes, idx, seq)
		return
	}
	gx, gy, start, items := g.gx, g.gy, g.start, g.items
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

// boxGrid is the uniform grid of gridPairs: cell c (row-major, gx by gy)
// holds items[start[c]:start[c+1]], the boxes (of idx) that span it, in
// the order of idx.
type boxGrid struct {
	gx, gy       int
	start, items []int32
}

// gridParallelMin is the number of boxes from which newBoxGrid shares its
// passes among the workers.
const gridParallelMin = 1 << 15

// newBoxGrid buckets the boxes idx in about one cell per box over their
// extent; ok is false when a grid does not help (the boxes' extent has no
// width and height, or the boxes are so large next to the cells that they
// would be copied into too many). With workers > 1 and many boxes each pass
// runs on contiguous runs of idx at once, the counts of each run kept
// apart so that each fills its own stretch of every cell: the grid is the
// same as with one worker.
// gridMaxRuns is the most runs newBoxGrid splits its boxes into.
const gridMaxRuns = 4

func newBoxGrid(boxes []rect, idx []int32, workers int) (boxGrid, bool) {
	n := len(idx)
	if n < gridParallelMin {
		workers = 1
	}
	// Each run counts into an array of every cell (about one a box): more
	// runs than gridMaxRuns would cost more memory and serial summing than
	// they save.
	workers = min(workers, gridMaxRuns)
	runs := make([][2]int, workers) // [lo, hi) of idx
	for w := range runs {
		runs[w] = [2]int{w * n / workers, (w + 1) * n / workers}
	}
	each := func(fn func(w, lo, hi int)) {
		if workers == 1 {
			fn(0, 0, n)
			return
		}
		var wg sync.WaitGroup
		for w, r := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fn(w, r[0], r[1])
			}()
		}
		wg.Wait()
	}
	exts := make([]rect, workers)
	each(func(w, lo, hi int) {
		ext := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for _, i := range idx[lo:hi] {
			b := &boxes[i]
			ext = rect{min(ext[0], b[0]), min(ext[1], b[1]), max(ext[2], b[2]), max(ext[3], b[3])}
		}
		exts[w] = ext
	})
	ext := exts[0]
	for _, e := range exts[1:] {
		ext = rect{min(ext[0], e[0]), min(ext[1], e[1]), max(ext[2], e[2]), max(ext[3], e[3])}
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
		return boxGrid{}, false
	}
	sx, sy := float64(gx)/(ext[2]-ext[0]), float64(gy)/(ext[3]-ext[1])
	cellX := func(v float64) int32 { return int32(min(gx-1, max(0, int((v-ext[0])*sx)))) }
	cellY := func(v float64) int32 { return int32(min(gy-1, max(0, int((v-ext[1])*sy)))) }
	spans := make([][4]int32, n)
	totals := make([]int, workers)
	each(func(w, lo, hi int) {
		total := 0
		for k := lo; k < hi; k++ {
			b := &boxes[idx[k]]
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
		totals[w] = total
	})
	total := 0
	for _, t := range totals {
		total += t
	}
	if total > 16*n {
		// Boxes large next to the cells (long diagonal edges): the grid
		// would copy them into too many cells.
		return boxGrid{}, false
	}
	// Each run's count per cell, then where its stretch of the cell starts.
	counts := make([][]int32, workers)
	each(func(w, lo, hi int) {
		cnt := make([]int32, gx*gy)
		for _, s := range spans[lo:hi] {
			for cy := s[1]; cy <= s[3]; cy++ {
				for cx := s[0]; cx <= s[2]; cx++ {
					cnt[int(cy)*gx+int(cx)]++
				}
			}
		}
		counts[w] = cnt
	})
	start := make([]int32, gx*gy+1)
	for c := range gx * gy {
		at := start[c]
		for _, cnt := range counts {
			at, cnt[c] = at+cnt[c], at
		}
		start[c+1] = at
	}
	items := make([]int32, total)
	each(func(w, lo, hi int) {
		fill := counts[w]
		for k := lo; k < hi; k++ {
			s := spans[k]
			for cy := s[1]; cy <= s[3]; cy++ {
				for cx := s[0]; cx <= s[2]; cx++ {
					c := int(cy)*gx + int(cx)
					items[fill[c]] = idx[k]
					fill[c]++
				}
			}
		}
	})
	return boxGrid{gx: gx, gy: gy, start: start, items: items}, true
}

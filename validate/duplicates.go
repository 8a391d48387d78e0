package validate

import (
	"cmp"
	"math"
	"slices"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/covaudit/covaudit/internal/planar"
	"github.com/paulmach/orb"
)

// earlierNear returns, for each point, the lowest index of an earlier point
// within m metres (geodesic) of it, or -1, and that distance. Points are
// put in rows of latitude as high as m in degrees and sorted by longitude
// in each row, so a point's candidates are those of its row and the next
// within the row's longitude reach: a sort and short scans, where an
// R-tree of a million stations cost a second of inserts and another of
// searches.
func earlierNear(pts []orb.Point, m float64) ([]int, []float64) {
	first := make([]int, len(pts))
	dist := make([]float64, len(pts))
	for i := range first {
		first[i] = -1
	}
	// The same bounds as coverage's boxes: the fewest metres a degree of
	// latitude has, and those of a degree of longitude at the equator.
	minMetresPerDegLat, metresPerDegLonEq := planar.MinMetresPerDegLat, planar.MetresPerDegLonEq
	dlat := m/minMetresPerDegLat*1.001 + 1e-9
	dlonAt := func(absLat float64) float64 {
		if absLat >= 89.9 {
			return 360
		}
		return min(360, m/(metresPerDegLonEq*math.Cos(absLat*math.Pi/180))*1.001+1e-9)
	}
	row := func(lat float64) int { return int(math.Floor(lat / dlat)) }
	order := make([]int, len(pts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(row(pts[a][1]), row(pts[b][1])); c != 0 {
			return c
		}
		if c := cmp.Compare(pts[a][0], pts[b][0]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	pair := func(a, b int) {
		if a > b {
			a, b = b, a
		}
		if first[b] >= 0 && first[b] < a || math.Abs(pts[a][1]-pts[b][1]) > dlat {
			return // an earlier one is known, or the rows' latitudes are too far apart
		}
		d := geodesy.Distance(pts[b][0], pts[b][1], pts[a][0], pts[a][1]) // from the later point, as messages always were
		if d <= m {
			first[b], dist[b] = a, d
		}
	}
	// Rows as runs of order.
	var starts []int
	for k := range order {
		if k == 0 || row(pts[order[k]][1]) != row(pts[order[k-1]][1]) {
			starts = append(starts, k)
		}
	}
	starts = append(starts, len(order))
	for r := 0; r+1 < len(starts); r++ {
		lo, hi := starts[r], starts[r+1]
		ry := row(pts[order[lo]][1])
		// The next row, if it is the adjacent one.
		nlo, nhi := hi, hi
		if r+2 < len(starts) && row(pts[order[hi]][1]) == ry+1 {
			nhi = starts[r+2]
		}
		// Longitude reach over both rows: at the largest |latitude| they
		// hold, widened by dlat as coverage's boxes are.
		absLat := max(math.Abs(float64(ry)*dlat), math.Abs(float64(ry+2)*dlat)) + dlat
		dlon := dlonAt(absLat)
		next := nlo
		for k := lo; k < hi; k++ {
			a := order[k]
			lon := pts[a][0]
			for q := k + 1; q < hi && pts[order[q]][0]-lon <= dlon; q++ {
				pair(a, order[q])
			}
			for next < nhi && pts[order[next]][0] < lon-dlon {
				next++
			}
			for q := next; q < nhi && pts[order[q]][0]-lon <= dlon; q++ {
				pair(a, order[q])
			}
		}
	}
	return first, dist
}

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
	// Sorted by row, longitude and index: the keys sorted, not indexes
	// looked up in pts by each comparison (half a second on a million).
	type key struct {
		row int
		lon float64
		i   int
	}
	keys := make([]key, len(pts))
	for i, p := range pts {
		keys[i] = key{row(p[1]), p[0], i}
	}
	// Sorted by latitude too before the index, so that stations at one
	// place (the same bits) come together: only the first of them (the
	// lowest index) is scanned, and the others take its answer after, since
	// whatever is near one is near all and the first is the earliest of
	// them. A thousand stations at one place were a million pairs.
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.row, b.row); c != 0 {
			return c
		}
		if c := cmp.Compare(a.lon, b.lon); c != 0 {
			return c
		}
		if c := cmp.Compare(pts[a.i][1], pts[b.i][1]); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	same := func(a, b int) bool {
		return math.Float64bits(pts[a][0]) == math.Float64bits(pts[b][0]) && math.Float64bits(pts[a][1]) == math.Float64bits(pts[b][1])
	}
	// rep[i] is the first station at the place of station i, for the
	// stations left out of the scan.
	var followers [][2]int // {station, the first at its place}
	kept := keys[:0]
	for k, kk := range keys {
		if k > 0 && len(kept) > 0 && same(kept[len(kept)-1].i, kk.i) {
			followers = append(followers, [2]int{kk.i, kept[len(kept)-1].i})
			continue
		}
		kept = append(kept, kk)
	}
	keys = kept
	// bLon is the fewest metres a degree of longitude has in the rows
	// being scanned, at the latitude their reach is computed for.
	var bLon float64
	pair := func(a, b int) {
		if a > b {
			a, b = b, a
		}
		if first[b] >= 0 && first[b] < a || math.Abs(pts[a][1]-pts[b][1]) > dlat {
			return // an earlier one is known, or the rows' latitudes are too far apart
		}
		// A lower bound of the geodesic first: a path of at most m metres
		// stays within the rows' reach, where a degree of latitude has at
		// least minMetresPerDegLat and one of longitude at least bLon, so
		// it is at least as long as the straight line in those units.
		dLon := math.Abs(pts[a][0] - pts[b][0])
		dLon = min(dLon, 360-dLon)
		if math.Hypot((pts[a][1]-pts[b][1])*minMetresPerDegLat, dLon*bLon) > m*1.001+1e-9 {
			return
		}
		d := geodesy.Distance(pts[b][0], pts[b][1], pts[a][0], pts[a][1]) // from the later point, as messages always were
		if d <= m {
			first[b], dist[b] = a, d
		}
	}
	// Rows as runs of order.
	var starts []int
	for k := range keys {
		if k == 0 || keys[k].row != keys[k-1].row {
			starts = append(starts, k)
		}
	}
	starts = append(starts, len(keys))
	for r := 0; r+1 < len(starts); r++ {
		lo, hi := starts[r], starts[r+1]
		ry := keys[lo].row
		// The next row, if it is the adjacent one.
		nlo, nhi := hi, hi
		if r+2 < len(starts) && keys[hi].row == ry+1 {
			nhi = starts[r+2]
		}
		// Longitude reach over both rows: at the largest |latitude| they
		// hold, widened by dlat as coverage's boxes are.
		absLat := max(math.Abs(float64(ry)*dlat), math.Abs(float64(ry+2)*dlat)) + dlat
		dlon := dlonAt(absLat)
		bLon = max(0, metresPerDegLonEq*math.Cos(min(90, absLat)*math.Pi/180))
		next := nlo
		for k := lo; k < hi; k++ {
			a := keys[k].i
			lon := keys[k].lon
			for q := k + 1; q < hi && keys[q].lon-lon <= dlon; q++ {
				pair(a, keys[q].i)
			}
			for next < nhi && keys[next].lon < lon-dlon {
				next++
			}
			for q := next; q < nhi && keys[q].lon-lon <= dlon; q++ {
				pair(a, keys[q].i)
			}
			if dlon >= 360 {
				continue // the scans above reached the whole rows
			}
			// Across the antimeridian: from near +180 to the starts of
			// both rows (near -180), and from near -180 to the end of the
			// next row (the same row's pairs are its other point's).
			if wrap := lon + dlon - 360; wrap >= -180 {
				for q := lo; q < k && keys[q].lon <= wrap; q++ {
					pair(a, keys[q].i)
				}
				for q := nlo; q < nhi && keys[q].lon <= wrap; q++ {
					pair(a, keys[q].i)
				}
			}
			if wrap := lon - dlon + 360; wrap <= 180 {
				for q := nhi - 1; q >= nlo && keys[q].lon >= wrap; q-- {
					pair(a, keys[q].i)
				}
			}
		}
	}
	for _, f := range followers {
		b, r := f[0], f[1]
		if a := first[r]; a >= 0 {
			first[b], dist[b] = a, geodesy.Distance(pts[b][0], pts[b][1], pts[a][0], pts[a][1])
		} else {
			first[b], dist[b] = r, geodesy.Distance(pts[b][0], pts[b][1], pts[r][0], pts[r][1])
		}
	}
	return first, dist
}

package report

import (
	"github.com/covaudit/covaudit/internal/planar"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// labelPoint is where a district's name goes on the map: the middle of the
// widest horizontal run inside its largest part, among 31 parallels across
// that part (so it lies inside the district, not in a hole or a bay, which
// a centroid may), with the run's width, degrees of longitude, for the page
// to show the name only when it fits. Planar in longitude-latitude, which
// is enough to place a label.
func labelPoint(mp orb.MultiPolygon) (orb.Point, float64) {
	best, ba := -1, -1.0
	for i, p := range mp {
		if len(p) == 0 {
			continue
		}
		if a := math.Abs(ringArea(p[0])); a > ba {
			best, ba = i, a
		}
	}
	if best < 0 {
		return orb.Point{}, 0
	}
	poly := mp[best]
	b := poly[0].Bound()
	if b.Max[1] <= b.Min[1] {
		return b.Center(), 0
	}
	pt, w := b.Center(), -1.0
	const lines = 31
	var xs []float64
	for k := 1; k <= lines; k++ {
		// Off the exact fractions, so that a parallel seldom runs through
		// a vertex.
		y := b.Min[1] + (b.Max[1]-b.Min[1])*(float64(k)-0.5+1e-7*float64(k))/lines
		xs = xs[:0]
		for _, r := range poly {
			for i := range r {
				p, q := r[i], r[(i+1)%len(r)]
				if (p[1] > y) != (q[1] > y) {
					xs = append(xs, p[0]+(y-p[1])*(q[0]-p[0])/(q[1]-p[1]))
				}
			}
		}
		slices.Sort(xs)
		// Weigh runs near the middle parallel a little higher, so that a
		// label sits centrally when widths are alike.
		wt := 1 - 0.3*math.Abs(float64(k)-(lines+1)/2)/(lines/2)
		for i := 0; i+1 < len(xs); i += 2 {
			if d := (xs[i+1] - xs[i]) * wt; d > w {
				w = d
				pt = orb.Point{(xs[i] + xs[i+1]) / 2, y}
			}
		}
	}
	if w < 0 {
		return b.Center(), 0
	}
	// The run's true width at the chosen place.
	return pt, runWidth(poly, pt)
}

// runWidth is the width of the horizontal run inside poly through p.
func runWidth(poly orb.Polygon, p orb.Point) float64 {
	var xs []float64
	for _, r := range poly {
		for i := range r {
			a, q := r[i], r[(i+1)%len(r)]
			if (a[1] > p[1]) != (q[1] > p[1]) {
				xs = append(xs, a[0]+(p[1]-a[1])*(q[0]-a[0])/(q[1]-a[1]))
			}
		}
	}
	slices.Sort(xs)
	for i := 0; i+1 < len(xs); i += 2 {
		if xs[i] <= p[0] && p[0] <= xs[i+1] {
			return xs[i+1] - xs[i]
		}
	}
	return 0
}

// ringArea is a ring's signed planar area, square degrees.
func ringArea(r orb.Ring) float64 { return planar.Area(r) }

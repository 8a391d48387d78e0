// Package planar holds the plane geometry covaudit's packages share:
// distance from a point to a segment, a ring's signed area, the even-odd
// point-in-ring test, Liang-Barsky clipping, segment intersections, and
// metres per degree. Points
// are {x, y} pairs of any type with [2]float64 underneath (orb.Point or
// [2]float64); the units are those of the coordinates (frame metres, or
// degrees for tests in longitude and latitude).
package planar

import "math"

// Metres per degree on the WGS84 ellipsoid: of latitude at the equator,
// the smallest anywhere (110,574 m), and of longitude at the equator, the
// largest (111,319.5 m; pi a / 180).
const (
	MinMetresPerDegLat = 110574.0
	MetresPerDegLonEq  = 6378137.0 * math.Pi / 180
	// MetresPerDeg is the round figure local equirectangular estimates
	// use (spacings, search windows): 111,320 m a degree of latitude, and
	// of longitude times cos(latitude).
	MetresPerDeg = 111320.0
)

// SegmentDistance is the distance from p to the segment a-b.
func SegmentDistance[P ~[2]float64](p, a, b P) float64 {
	ux, uy := b[0]-a[0], b[1]-a[1]
	dx, dy := p[0]-a[0], p[1]-a[1]
	l2 := ux*ux + uy*uy
	t := 0.0
	if l2 > 0 {
		t = min(1, max(0, (dx*ux+dy*uy)/l2))
	}
	ex, ey := dx-t*ux, dy-t*uy
	return math.Sqrt(ex*ex + ey*ey)
}

// Area is the signed area of a ring (positive counter-clockwise, with x
// east and y north), closed by its last point or not (a repeated closing
// point adds nothing).
func Area[P ~[2]float64](ring []P) float64 {
	a := 0.0
	for i := range ring {
		p, q := ring[i], ring[(i+1)%len(ring)]
		a += p[0]*q[1] - p[1]*q[0]
	}
	return a / 2
}

// Contains says whether p lies inside the ring by the even-odd rule (a
// point on the boundary may go either way), closed or not.
func Contains[P ~[2]float64](ring []P, p P) bool {
	in := false
	for i := range ring {
		a, b := ring[i], ring[(i+1)%len(ring)]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])/(b[1]-a[1])*(b[0]-a[0]) {
			in = !in
		}
	}
	return in
}

// ClipSegment clips the segment a-b to the box [mn, mx] (Liang-Barsky);
// ok is false when nothing is left.
func ClipSegment(a, b, mn, mx [2]float64) (p, q [2]float64, ok bool) {
	t0, t1 := 0.0, 1.0
	d := [2]float64{b[0] - a[0], b[1] - a[1]}
	for k := range 2 {
		for _, e := range [2]struct{ p, q float64 }{{-d[k], a[k] - mn[k]}, {d[k], mx[k] - a[k]}} {
			if e.p == 0 {
				if e.q < 0 {
					return a, b, false
				}
				continue
			}
			r := e.q / e.p
			if e.p < 0 {
				t0 = max(t0, r)
			} else {
				t1 = min(t1, r)
			}
		}
	}
	if t0 > t1 {
		return a, b, false
	}
	return [2]float64{a[0] + t0*d[0], a[1] + t0*d[1]}, [2]float64{a[0] + t1*d[0], a[1] + t1*d[1]}, true
}

// SegmentsMeet reports whether segments ab and cd share a point.
func SegmentsMeet[P ~[2]float64](a, b, c, d P) (P, bool) {
	o := func(p, q, r P) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	d1, d2, d3, d4 := o(c, d, a), o(c, d, b), o(a, b, c), o(a, b, d)
	if (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0 {
		t := d1 / (d1 - d2)
		return P{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
	}
	on := func(p, q, r P) bool {
		return min(p[0], q[0]) <= r[0] && r[0] <= max(p[0], q[0]) && min(p[1], q[1]) <= r[1] && r[1] <= max(p[1], q[1])
	}
	switch {
	case d1 == 0 && on(c, d, a):
		return a, true
	case d2 == 0 && on(c, d, b):
		return b, true
	case d3 == 0 && on(a, b, c):
		return c, true
	case d4 == 0 && on(a, b, d):
		return d, true
	}
	var zero P
	return zero, false
}

// ProperCross reports whether segments ab and cd cross at a point interior
// to both.
func ProperCross[P ~[2]float64](a, b, c, d P) (P, bool) {
	o := func(p, q, r P) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	d1, d2, d3, d4 := o(c, d, a), o(c, d, b), o(a, b, c), o(a, b, d)
	if d1*d2 < 0 && d3*d4 < 0 {
		t := d1 / (d1 - d2)
		return P{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
	}
	var zero P
	return zero, false
}

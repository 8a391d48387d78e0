package coverage

import (
	"math"
	"slices"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// longEdgeDeg is the longitude span beyond which an edge drawn straight in
// longitude and latitude and the geodesic the engine follows part by more
// than about a tenth of a millimetre (Δλ²/8 radians at worst): rings with
// such edges are checked for crossings as geodesics (GeodesicCrossing).
const longEdgeDeg = 1e-3

// HasLongEdges says whether a ring of mp has an edge spanning more than
// longEdgeDeg of longitude, where crossings decided in longitude and
// latitude (CheckDistricts) may differ from crossings of the geodesics.
func HasLongEdges(mp orb.MultiPolygon) bool {
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 1; i < len(ring); i++ {
				if math.Abs(ring[i][0]-ring[i-1][0]) > longEdgeDeg {
					return true
				}
			}
		}
	}
	return false
}

// A GeodesicCross is where two edges of one ring meet as the geodesics
// the engine evaluates (densified in the district's equal-area frame to
// 0.1 mm, as EvaluateDistrict draws them).
type GeodesicCross struct {
	Polygon, Ring int
	EdgeA, EdgeB  int       // edge k joins vertices k and k+1 of the ring, without repeats
	At            orb.Point // {lon, lat}
}

// GeodesicCrossing finds the first pair of edges of a ring of mp that meet
// as geodesics, the edge model of the engine: each ring is projected into
// the district's equal-area frame with its geodesic edges densified, and
// segments of different edges that are not neighbours along the ring are
// tested for meeting. Of several, the ring first in order and its pair of
// lowest edges is returned.
func GeodesicCrossing(mp orb.MultiPolygon) (GeodesicCross, bool) {
	b := mp.Bound()
	proj := geodesy.NewLAEA((b.Min[0]+b.Max[0])/2, (b.Min[1]+b.Max[1])/2)
	for pi, poly := range mp {
		for ri, ring := range poly {
			pts := openRing(ring)
			n := len(pts)
			if n < 3 {
				continue
			}
			xy := make([][2]float64, n)
			for i, p := range pts {
				xy[i][0], xy[i][1] = proj.Forward(p[0], p[1])
			}
			var seg [][2]float64 // densified ring, closed by wrapping
			var edgeOf []int     // source edge of each segment
			for i := range n {
				j := (i + 1) % n
				start := len(seg)
				seg = proj.AppendGeodesicProjected(append(seg, xy[i]), pts[i][0], pts[i][1], xy[i][0], xy[i][1], pts[j][0], pts[j][1], xy[j][0], xy[j][1], densifyTolM)
				seg = seg[:len(seg)-1] // the end is the next edge's start
				for range len(seg) - start {
					edgeOf = append(edgeOf, i)
				}
			}
			m := len(seg)
			boxes := make([]rect, m)
			for k := range m {
				p, q := seg[k], seg[(k+1)%m]
				boxes[k] = rect{min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1])}
			}
			best := GeodesicCross{EdgeA: -1}
			boxPairs(boxes, func(k32, l32 int32) {
				k, l := int(k32), int(l32)
				if l == k+1 || (k == 0 && l == m-1) || edgeOf[k] == edgeOf[l] {
					return
				}
				a, c := edgeOf[k], edgeOf[l]
				if a > c {
					a, c = c, a
				}
				if best.EdgeA >= 0 && (a > best.EdgeA || a == best.EdgeA && c >= best.EdgeB) {
					return
				}
				p := func(v [2]float64) orb.Point { return orb.Point{v[0], v[1]} }
				if x, ok := segmentsMeet(p(seg[k]), p(seg[(k+1)%m]), p(seg[l]), p(seg[(l+1)%m])); ok {
					// Neighbouring edges share their vertex: only a meeting
					// elsewhere (a spike folding back) is a crossing.
					if (c == a+1 || a == 0 && c == n-1) && touchesVertex(x, seg, edgeOf, a, c, n) {
						return
					}
					lon, lat := proj.Inverse(x[0], x[1])
					best = GeodesicCross{Polygon: pi, Ring: ri, EdgeA: a, EdgeB: c, At: orb.Point{lon, lat}}
				}
			})
			if best.EdgeA >= 0 {
				return best, true
			}
		}
	}
	return GeodesicCross{}, false
}

// touchesVertex says whether x is the vertex two neighbouring edges a and
// c share (to 1 mm in the frame).
func touchesVertex(x orb.Point, seg [][2]float64, edgeOf []int, a, c, n int) bool {
	shared := c // edges a and a+1 share vertex a+1, the start of edge a+1
	if a == 0 && c == n-1 {
		shared = 0
	}
	for k, e := range edgeOf {
		if e == shared {
			return math.Hypot(seg[k][0]-x[0], seg[k][1]-x[1]) < 1e-3
		}
	}
	return false
}

// maxOutlinePieces bounds the points GeodesicOutline puts on one edge (an
// edge spanning more than 100° of longitude gets pieces wider than
// longEdgeDeg).
const maxOutlinePieces = 100000

// GeodesicOutline returns mp with every edge spanning more than
// longEdgeDeg of longitude replaced by points on its geodesic (the edge the
// engine evaluates), at equal distances along it and about longEdgeDeg of
// longitude apart, so that tests drawn straight in longitude and latitude
// on the result (point in polygon, overlaps) follow the geodesics to about
// 0.1 mm. A multipolygon without such edges is returned as it is, not
// copied. Longitudes stay within 180° of the edge's start (no wrapping at
// the antimeridian).
func GeodesicOutline(mp orb.MultiPolygon) orb.MultiPolygon {
	if !HasLongEdges(mp) {
		return mp
	}
	out := make(orb.MultiPolygon, len(mp))
	for pi, poly := range mp {
		out[pi] = make(orb.Polygon, len(poly))
		for ri, ring := range poly {
			r := make(orb.Ring, 0, len(ring))
			for i, b := range ring {
				if i > 0 {
					a := ring[i-1]
					if n := min(maxOutlinePieces, int(math.Ceil(math.Abs(b[0]-a[0])/longEdgeDeg))); n > 1 {
						// From the lesser end, so that an edge two districts
						// share gets the same points both ways round.
						from, to, rev := a, b, false
						if b[0] < a[0] || b[0] == a[0] && b[1] < a[1] {
							from, to, rev = b, a, true
						}
						if s, azi, _, err := geodesy.Inverse(from[0], from[1], to[0], to[1]); err == nil {
							start := len(r)
							for k := 1; k < n; k++ {
								lon, lat := geodesy.Direct(from[0], from[1], azi, s*float64(k)/float64(n))
								lon = from[0] + math.Remainder(lon-from[0], 360)
								r = append(r, orb.Point{lon, lat})
							}
							if rev {
								slices.Reverse(r[start:])
							}
						}
					}
				}
				r = append(r, b)
			}
			out[pi][ri] = r
		}
	}
	return out
}

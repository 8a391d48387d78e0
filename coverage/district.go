package coverage

import (
	"fmt"
	"github.com/covaudit/covaudit/internal/planar"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// District is an area that must be covered.
type District struct {
	ID   string
	Name string
	// Class is the district class ("urban", "rural") that chose the rule.
	Class string
	// Geometry is in {lon, lat} degrees, WGS84; edges are geodesics. Rings
	// may be open or closed and wound either way; the first ring of each
	// polygon is its exterior, the others its holes.
	Geometry orb.MultiPolygon
	Rule     Rule
}

// densifyTolM is the largest distance, metres, between a projected geodesic
// district edge and the polyline that stands for it in the frame.
const densifyTolM = 1e-4

// frame is a district projected into its equal-area frame.
type frame struct {
	tile   *tileFrame
	proj   *geodesy.LAEA
	region *frameRegion
	bound  orb.Bound // lon/lat box of the district
	// fits is the fit table ellipses last used, if any: worstIn takes the
	// stations' projections from it.
	fits *fitTable
}

// newFrame projects a district's geometry into the LAEA frame fs gives it,
// densifying geodesic edges, and orients rings so that the district lies on
// the left of every edge.
func newFrame(mp orb.MultiPolygon, fs *frameSet) (*frame, error) {
	b := mp.Bound()
	if b.Max[0]-b.Min[0] > 180 {
		return nil, fmt.Errorf("district spans %.1f degrees of longitude; districts crossing the antimeridian are not supported", b.Max[0]-b.Min[0])
	}
	t := fs.frameFor(b)
	f := &frame{tile: t, proj: t.proj, bound: b}
	var rings [][][2]float64
	for _, poly := range mp {
		for ri, ring := range poly {
			pts := openRing(ring)
			if len(pts) < 3 {
				continue
			}
			xy := make([][2]float64, len(pts))
			for i, p := range pts {
				xy[i][0], xy[i][1] = f.proj.Forward(p[0], p[1])
			}
			fr := make([][2]float64, 1, len(pts)+1)
			fr[0] = xy[0]
			for i := range pts {
				j := (i + 1) % len(pts)
				a, c := pts[i], pts[j]
				fr = f.proj.AppendGeodesicProjected(fr, a[0], a[1], xy[i][0], xy[i][1], c[0], c[1], xy[j][0], xy[j][1], densifyTolM)
			}
			fr = fr[:len(fr)-1] // the closing point repeats the first
			if a := ringArea(fr); (ri == 0) != (a > 0) {
				reverse(fr)
			}
			rings = append(rings, fr)
		}
	}
	f.region = newFrameRegion(rings)
	return f, nil
}

// openRing drops the closing point and repeated consecutive points; a ring
// without repeats is returned as a sub-slice, not copied.
func openRing(r orb.Ring) []orb.Point {
	end := len(r)
	for end > 1 && r[0] == r[end-1] {
		end--
	}
	repeats := false
	for i := 1; i < end; i++ {
		if r[i] == r[i-1] {
			repeats = true
			break
		}
	}
	if !repeats {
		return r[:end]
	}
	out := make([]orb.Point, 0, len(r))
	for _, p := range r {
		if len(out) > 0 && out[len(out)-1] == p {
			continue
		}
		out = append(out, p)
	}
	for len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	return out
}

func ringArea(r [][2]float64) float64 { return planar.Area(r) }

func reverse(r [][2]float64) {
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
}

// toLonLat maps frame points back to {lon, lat}, rounding nothing.
func (f *frame) toLonLat(x, y float64) orb.Point {
	lon, lat := f.proj.Inverse(x, y)
	return orb.Point{lon, lat}
}

// ellipses fits the projected geodesic circles of radius r around the given
// stations, merging stations at identical coordinates. It returns the
// largest fit residual, metres.
//
// Stations whose projection lies farther than r (with 1% to spare for the
// frame's scale error) from the region's box cannot reach it and are
// skipped before the costly fit.
func (f *frame) ellipses(ix *Index, idx []int, r float64) ([]ellipse, float64) {
	out := make([]ellipse, 0, len(idx))
	worst := 0.0
	mn, mx := f.region.minPt, f.region.maxPt
	far := func(x, y float64) bool {
		dx := max(0, max(mn[0]-x, x-mx[0]))
		dy := max(0, max(mn[1]-y, y-mx[1]))
		return hypot(dx, dy) > r*1.01+1
	}
	tb := f.tile.table(ix, r)
	f.fits = tb
	for _, i := range ix.distinct(idx) {
		if tb == nil {
			p := ix.stations[i].Point
			if x, y := f.proj.Forward(p[0], p[1]); far(x, y) {
				continue
			}
			ft := f.tile.fit(ix, i, r)
			worst = max(worst, ft.resid)
			out = append(out, ft.e)
			continue
		}
		ft, ok := tb.get(i)
		if !ok {
			p := ix.stations[i].Point
			x, y := f.proj.Forward(p[0], p[1])
			if far(x, y) {
				continue
			}
			e, resid := fitEllipseAt(f.proj, p[0], p[1], x, y, r)
			ft = &fitted{e, resid, x, y}
			tb.put(i, *ft)
		} else if far(ft.x, ft.y) {
			continue
		}
		worst = max(worst, ft.resid)
		out = append(out, ft.e)
	}
	return out, worst
}

// project returns station i of ix in the frame, from the fit table when it
// holds the station.
func (f *frame) project(ix *Index, i int) (x, y float64) {
	if tb := f.fits; tb != nil && tb.ix == ix {
		if ft, ok := tb.get(i); ok {
			return ft.x, ft.y
		}
	}
	p := ix.stations[i].Point
	return f.proj.Forward(p[0], p[1])
}

package coverage

import (
	"cmp"
	"github.com/covaudit/covaudit/internal/planar"
	"math"
	"slices"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// Worst is the place of a region farthest from every station.
type Worst struct {
	// Point is {lon, lat}, degrees.
	Point orb.Point
	// DistanceM is the geodesic distance from Point to Station, metres;
	// +Inf when there is no station.
	DistanceM float64
	// Station indexes the nearest station in the Index, or -1.
	Station int
}

// worstIn finds the place of the frame region farthest (geodesically) from
// every indexed station.
//
// The farthest place from a set of sites within a polygon is a Voronoi
// vertex inside it, a crossing of a Voronoi edge with its boundary, or one
// of its vertices. covaudit finds these candidates in the frame (planar
// Voronoi diagram of the nearby stations), keeps those whose planar distance
// is within the frame's distortion of the best, moves each onto the
// geodesic Voronoi diagram (equal geodesic distances to its 3 or 2 stations)
// and measures it exactly; the largest wins. The window keeps every
// candidate that could win: it is twice frameDistortion, the bound on the
// relative error of frame distances at the region's distance from the
// frame's centre.
//
// frameDistortion bounds the relative error of distances measured straight
// in an equal-area frame of the WGS84 ellipsoid, within r metres of its
// centre: 3e-10 r + 4e-15 r², and never less than 1e-4. The terms hold the
// largest error measured (1 km legs in 24 directions at 24 bearings from
// centres at latitudes 0 to 85 degrees; geodesy.Direct against frame
// distances) with a margin: 1.9e-6 at 10 km, 4.7e-5 at 100 km, 2.3e-4 at
// 250 km, 8.5e-4 at 500 km, 3.3e-3 at 1,000 km, 1.3e-2 at 2,000 km.
// (A variable so that a test can widen the window to keep every candidate.)
var frameDistortion = func(r float64) float64 {
	return max(1e-4, 3e-10*r+4e-15*r*r)
}

// A positive coveredWithin says the region is known to be covered at that
// radius, metres, which bounds the answer. When the bound on the region's
// worst distance does not exceed floor, the
// region cannot hold a place farther than one already found: worstIn returns
// false without computing (pass a negative floor to always compute).
func (f *frame) worstIn(rings [][][2]float64, ix *Index, coveredWithin, floor float64) (Worst, bool) {
	if len(rings) == 0 {
		return Worst{DistanceM: math.Inf(1), Station: -1}, true
	}
	mn := [2]float64{math.Inf(1), math.Inf(1)}
	mx := [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, ring := range rings {
		for _, p := range ring {
			mn = [2]float64{min(mn[0], p[0]), min(mn[1], p[1])}
			mx = [2]float64{max(mx[0], p[0]), max(mx[1], p[1])}
		}
	}
	// Upper bound on the worst distance from the box centre.
	cx, cy := (mn[0]+mx[0])/2, (mn[1]+mx[1])/2
	_, dc := ix.Nearest(f.toLonLat(cx, cy))
	if math.IsInf(dc, 1) {
		return Worst{Point: f.toLonLat(rings[0][0][0], rings[0][0][1]), DistanceM: math.Inf(1), Station: -1}, true
	}
	// eps bounds the relative error of frame distances over the region and
	// every station that can matter (within hi of it).
	reach := max(hypot(mn[0], mn[1]), hypot(mn[0], mx[1]), hypot(mx[0], mn[1]), hypot(mx[0], mx[1]))
	eps := frameDistortion(reach + 2*hypot(mx[0]-cx, mx[1]-cy))
	hi := dc + hypot(mx[0]-cx, mx[1]-cy)*(1+eps) + 1
	if coveredWithin > 0 {
		hi = min(hi, coveredWithin*(1+eps)+1)
	}
	eps = max(eps, frameDistortion(reach+hi))
	if hi <= floor {
		return Worst{}, false
	}
	region := newFrameRegion(rings)
	// Only a station within hi of some place of the region can be the
	// nearest to it: those farther than hi (with 1% for the frame's scale)
	// from the region's box are left out.
	near := ix.distinct(ix.Near(f.lonLatBound(region), hi))
	sites := make([][2]float64, 0, len(near))
	siteIdx := near[:0]
	for _, i := range near {
		x, y := f.project(ix, i)
		dx := max(0, max(region.minPt[0]-x, x-region.maxPt[0]))
		dy := max(0, max(region.minPt[1]-y, y-region.maxPt[1]))
		if hypot(dx, dy) > hi*(1+2*eps)+1 {
			continue
		}
		sites = append(sites, [2]float64{x, y})
		siteIdx = append(siteIdx, i)
	}
	if len(sites) == 0 {
		// Cannot happen when the bound holds; fall back to the centre.
		i, d := ix.Nearest(f.toLonLat(cx, cy))
		return Worst{Point: f.toLonLat(cx, cy), DistanceM: d, Station: i}, true
	}
	// A dense station set: the sites within hi of the region are mostly
	// farther from it than its farthest place is from its nearest station.
	// Only the sites within u of the region are triangulated first. When
	// the farthest place found among them is within u (frame error
	// included), every station nearer to a place of the region than its
	// nearest site among them is among them too: the Delaunay triangles
	// whose circumcentre lies in the region, the Voronoi edges' crossings
	// with its boundary and so the answer are those of all the sites (the
	// triangulation is exact and its triangles do not depend on the order
	// of insertion). Within two thirds of u is asked, so that the ends of
	// the Voronoi edges crossing the boundary, just outside it, are those
	// of all the sites too. Otherwise all of them are triangulated. u is a
	// guess from the sites' density: denseGuess times their mean spacing
	// (the farthest place of the districts of 1,000,000 stations on a
	// 160 km city is 1.5 to 2.5 spacings from its nearest station).
	if len(sites) >= denseMin {
		w := region.maxPt[0] - region.minPt[0] + 2*hi
		h := region.maxPt[1] - region.minPt[1] + 2*hi
		u := denseGuess * math.Sqrt(w*h/float64(len(sites)))
		if u < hi*0.8 {
			lim := u*(1+2*eps) + 1
			sub := make([][2]float64, 0, len(sites))
			subIdx := make([]int, 0, len(sites))
			for k, p := range sites {
				dx := max(0, max(region.minPt[0]-p[0], p[0]-region.maxPt[0]))
				dy := max(0, max(region.minPt[1]-p[1], p[1]-region.maxPt[1]))
				if hypot(dx, dy) <= lim {
					sub = append(sub, p)
					subIdx = append(subIdx, siteIdx[k])
				}
			}
			if len(sub) > 0 {
				out, best := f.worstAmong(region, sub, subIdx, ix, eps)
				if 1.5*(best*(1+2*eps)+1) <= u {
					return out, true
				}
			}
		}
	}
	out, _ := f.worstAmong(region, sites, siteIdx, ix, eps)
	return out, true
}

// denseMin and denseGuess: see worstIn.
var (
	denseMin   = 2048
	denseGuess = 5.0
)

// worstAmong finds the place of region farthest from the sites (frame
// points of the stations siteIdx of ix), eps bounding the frame's relative
// distance error; it also returns the largest planar distance found from a
// place of the region to its nearest site.
func (f *frame) worstAmong(region *frameRegion, sites [][2]float64, siteIdx []int, ix *Index, eps float64) (Worst, float64) {
	dt := triangulate(sites)

	type candidate struct {
		p      [2]float64
		planar float64
		sites  [3]int // -1 where unused
		edge   int    // region edge for bisector crossings, else -1
	}
	var cs []candidate
	best := 0.0
	window := func() float64 { return best*(1-2*eps) - 1e-3 }
	add := func(c candidate) {
		if c.planar >= window() {
			cs = append(cs, c)
			best = max(best, c.planar)
		}
	}
	// The region's vertices first: their best bounds what the rest must
	// beat, so they are measured before any is kept.
	type vertexNearest struct {
		site int
		d    float64
	}
	vn := make([]vertexNearest, 0, len(region.edges))
	s := 0
	for _, ring := range region.rings {
		for _, v := range ring {
			var d float64
			s, d = dt.nearest(v, s)
			vn = append(vn, vertexNearest{s, d})
			best = max(best, d)
		}
	}
	k := 0
	for _, ring := range region.rings {
		for _, v := range ring {
			add(candidate{p: v, planar: vn[k].d, sites: [3]int{vn[k].site, -1, -1}, edge: -1})
			k++
		}
	}
	// Voronoi vertices inside the region, largest circles first, until no
	// circle can reach the window. The window only grows, so circles
	// already below it are left out before sorting (in a covered district
	// nearly all are).
	w0 := window()
	tris := make([]tri, 0, 64)
	for _, t := range dt.tris {
		if t.v[0] < dt.n && t.v[1] < dt.n && t.v[2] < dt.n && !math.IsInf(t.r2, 1) && (w0 <= 0 || math.Sqrt(t.r2) >= w0) {
			tris = append(tris, t)
		}
	}
	slices.SortFunc(tris, func(a, b tri) int { return cmp.Compare(b.r2, a.r2) })
	for _, t := range tris {
		r := math.Sqrt(t.r2)
		if r < window() {
			break
		}
		if region.contains(t.cx, t.cy) {
			add(candidate{p: [2]float64{t.cx, t.cy}, planar: r, sites: t.v, edge: -1})
		}
	}
	// Voronoi edges crossing the region's boundary. Distance to the two
	// sites along an edge is largest at an end, so an edge whose ends
	// (clipped to the region's box) cannot reach the window is skipped.
	for _, ve := range dt.voronoiEdges() {
		p0, p1, ok := clipSegment(ve.p0, ve.p1, region.minPt, region.maxPt)
		if !ok {
			continue
		}
		sa := sites[ve.a]
		if math.Sqrt(max(dist2(p0, sa), dist2(p1, sa))) < window() {
			continue
		}
		mn, mx := segBox(p0, p1)
		region.index().search(mn, mx, func(k int) bool {
			p, q := region.edge(k)
			if s, ok := segmentParam(p, q, ve.p0, ve.p1); ok {
				x := [2]float64{p[0] + s*(q[0]-p[0]), p[1] + s*(q[1]-p[1])}
				add(candidate{p: x, planar: math.Sqrt(dist2(x, sa)), sites: [3]int{ve.a, ve.b, -1}, edge: k})
			}
			return true
		})
	}
	win := best*(1-2*eps) - 1e-3
	out := Worst{DistanceM: -1, Station: -1}
	for _, c := range cs {
		if c.planar < win {
			continue
		}
		p := c.p
		switch {
		case c.sites[2] >= 0:
			p = f.equidistant3(p, siteIdx[c.sites[0]], siteIdx[c.sites[1]], siteIdx[c.sites[2]], ix)
			if !region.contains(p[0], p[1]) {
				continue // the crossing candidates cover it
			}
		case c.sites[1] >= 0:
			a, b := region.edge(c.edge)
			p = f.equidistantOnSegment(a, b, p, siteIdx[c.sites[0]], siteIdx[c.sites[1]], ix)
		}
		ll := f.toLonLat(p[0], p[1])
		i, d := ix.Nearest(ll)
		if d > out.DistanceM {
			out = Worst{Point: ll, DistanceM: d, Station: i}
		}
	}
	return out, best
}

// equidistant3 moves p, in the frame, to the point at equal geodesic
// distance from stations a, b and c (a geodesic circumcentre), by Newton
// steps with the planar gradient of distance, which is exact to the frame's
// distortion, so each step gains about five digits.
func (f *frame) equidistant3(p [2]float64, a, b, c int, ix *Index) [2]float64 {
	pa, pb, pc := ix.stations[a].Point, ix.stations[b].Point, ix.stations[c].Point
	xa, ya := f.proj.Forward(pa[0], pa[1])
	xb, yb := f.proj.Forward(pb[0], pb[1])
	xc, yc := f.proj.Forward(pc[0], pc[1])
	for range 4 {
		ll := f.toLonLat(p[0], p[1])
		da := geodesy.Distance(ll[0], ll[1], pa[0], pa[1])
		db := geodesy.Distance(ll[0], ll[1], pb[0], pb[1])
		dc := geodesy.Distance(ll[0], ll[1], pc[0], pc[1])
		ga := unit(p[0]-xa, p[1]-ya)
		gb := unit(p[0]-xb, p[1]-yb)
		gc := unit(p[0]-xc, p[1]-yc)
		// Solve J dp = -F with F = (da - db, da - dc).
		j11, j12 := ga[0]-gb[0], ga[1]-gb[1]
		j21, j22 := ga[0]-gc[0], ga[1]-gc[1]
		det := j11*j22 - j12*j21
		if det == 0 {
			break
		}
		f1, f2 := da-db, da-dc
		dx := -(f1*j22 - f2*j12) / det
		dy := -(j11*f2 - j21*f1) / det
		p = [2]float64{p[0] + dx, p[1] + dy}
		if math.Abs(dx)+math.Abs(dy) < 1e-6 {
			break
		}
	}
	return p
}

// equidistantOnSegment moves p along the segment a-b to the point at equal
// geodesic distance from stations u and v (secant steps), staying on the
// segment.
func (f *frame) equidistantOnSegment(a, b, p [2]float64, u, v int, ix *Index) [2]float64 {
	pu, pv := ix.stations[u].Point, ix.stations[v].Point
	l := hypot(b[0]-a[0], b[1]-a[1])
	if l == 0 {
		return p
	}
	h := func(t float64) float64 {
		ll := f.toLonLat(a[0]+t*(b[0]-a[0]), a[1]+t*(b[1]-a[1]))
		return geodesy.Distance(ll[0], ll[1], pu[0], pu[1]) - geodesy.Distance(ll[0], ll[1], pv[0], pv[1])
	}
	t0 := hypot(p[0]-a[0], p[1]-a[1]) / l
	t1 := t0 + 1e-3/l
	h0, h1 := h(t0), h(t1)
	for range 6 {
		if h1 == h0 {
			break
		}
		t2 := t1 - h1*(t1-t0)/(h1-h0)
		t0, h0 = t1, h1
		t1, h1 = t2, h(t2)
		if math.Abs(t1-t0)*l < 1e-6 {
			break
		}
	}
	t1 = max(0, min(1, t1))
	return [2]float64{a[0] + t1*(b[0]-a[0]), a[1] + t1*(b[1]-a[1])}
}

// clipSegment clips the segment a-b to the box [mn, mx] (Liang-Barsky);
// ok is false when nothing is left.
func clipSegment(a, b, mn, mx [2]float64) ([2]float64, [2]float64, bool) {
	return planar.ClipSegment(a, b, mn, mx)
}

func unit(x, y float64) [2]float64 {
	l := hypot(x, y)
	if l == 0 {
		return [2]float64{}
	}
	return [2]float64{x / l, y / l}
}

// segmentParam returns the fraction along p->q where it crosses segment
// a-b, if it does.
func segmentParam(p, q, a, b [2]float64) (float64, bool) {
	rx, ry := q[0]-p[0], q[1]-p[1]
	sx, sy := b[0]-a[0], b[1]-a[1]
	den := rx*sy - ry*sx
	if den == 0 {
		return 0, false
	}
	wx, wy := a[0]-p[0], a[1]-p[1]
	t := (wx*sy - wy*sx) / den
	u := (wx*ry - wy*rx) / den
	if t < 0 || t > 1 || u < 0 || u > 1 {
		return 0, false
	}
	return t, true
}

// lonLatBound returns a longitude-latitude box containing the frame region:
// the box of its vertices, widened by 1% for the curvature of box edges.
func (f *frame) lonLatBound(fr *frameRegion) orb.Bound {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, c := range [4][2]float64{fr.minPt, fr.maxPt, {fr.minPt[0], fr.maxPt[1]}, {fr.maxPt[0], fr.minPt[1]}} {
		b = b.Extend(f.toLonLat(c[0], c[1]))
	}
	dx, dy := (b.Max[0]-b.Min[0])*0.01+1e-7, (b.Max[1]-b.Min[1])*0.01+1e-7
	b.Min[0] -= dx
	b.Min[1] -= dy
	b.Max[0] += dx
	b.Max[1] += dy
	return b
}

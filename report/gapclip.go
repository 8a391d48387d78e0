package report

import (
	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// clippedGaps is each gap as the maps draw it: cut to its district (found
// by its name, when one district has it) by simplefeatures' overlay, in
// longitude-latitude, so that nothing is drawn over a district's border
// whatever the gap polygons hold. A gap the overlay cannot cut (invalid
// rings) is drawn as given.
func clippedGaps(d *Data) []orb.MultiPolygon {
	byName := map[string]int{}
	for i, di := range d.Districts {
		if _, dup := byName[di.Name]; dup {
			byName[di.Name] = -1
		} else {
			byName[di.Name] = i
		}
	}
	cache := map[int]geom.Geometry{}
	out := make([]orb.MultiPolygon, len(d.Gaps))
	for k, g := range d.Gaps {
		out[k] = orb.MultiPolygon{g.Polygon}
		i, ok := byName[g.District]
		if !ok || i < 0 || len(g.Polygon) == 0 {
			continue
		}
		db := d.Districts[i].Geometry.Bound()
		if gb := g.Polygon.Bound(); gb.Min[0] >= db.Min[0] && gb.Min[1] >= db.Min[1] && gb.Max[0] <= db.Max[0] && gb.Max[1] <= db.Max[1] && polygonInside(g.Polygon, d.Districts[i].Geometry) {
			continue
		}
		dg, ok := cache[i]
		if !ok {
			dg = toGeom(d.Districts[i].Geometry)
			cache[i] = dg
		}
		if c, ok := intersect(toGeom(orb.MultiPolygon{g.Polygon}), dg); ok {
			out[k] = c
		}
	}
	return out
}

// polygonInside: every vertex of p lies inside mp and no edge of p crosses
// one of mp (then p lies inside mp). Edges are tested pairwise only for
// small polygons; larger ones go to the overlay.
func polygonInside(p orb.Polygon, mp orb.MultiPolygon) bool {
	np, nm := 0, 0
	for _, r := range p {
		np += len(r)
	}
	for _, q := range mp {
		for _, r := range q {
			nm += len(r)
		}
	}
	if np*nm > 4e6 {
		return false
	}
	rr := rings(mp)
	for _, r := range p {
		for i := range r {
			if !insideRings(rr, r[i]) {
				return false
			}
			a, b := r[i], r[(i+1)%len(r)]
			for _, s := range rr {
				for j := range s {
					if segmentsCross(a, b, s[j], s[(j+1)%len(s)]) {
						return false
					}
				}
			}
		}
	}
	return true
}

func rings(mp orb.MultiPolygon) [][]orb.Point {
	var out [][]orb.Point
	for _, p := range mp {
		for _, r := range p {
			out = append(out, []orb.Point(r))
		}
	}
	return out
}

// insideRings: even-odd point in polygon over all rings.
func insideRings(rr [][]orb.Point, p orb.Point) bool {
	in := false
	for _, r := range rr {
		for i := range r {
			a, b := r[i], r[(i+1)%len(r)]
			if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
				in = !in
			}
		}
	}
	return in
}

// segmentsCross: a-b and c-d meet (touching counts).
func segmentsCross(a, b, c, d orb.Point) bool {
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	if max(a[0], b[0]) < min(c[0], d[0]) || max(c[0], d[0]) < min(a[0], b[0]) || max(a[1], b[1]) < min(c[1], d[1]) || max(c[1], d[1]) < min(a[1], b[1]) {
		return false
	}
	d1, d2, d3, d4 := o(c, d, a), o(c, d, b), o(a, b, c), o(a, b, d)
	if d1 == 0 || d2 == 0 || d3 == 0 || d4 == 0 {
		return true // touching or collinear: the overlay decides
	}
	return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0)
}

func toGeom(mp orb.MultiPolygon) geom.Geometry {
	var polys []geom.Polygon
	for _, p := range mp {
		var rs []geom.LineString
		for _, r := range p {
			if len(r) < 3 {
				continue
			}
			xy := make([]float64, 0, 2*len(r)+2)
			for _, q := range r {
				xy = append(xy, q[0], q[1])
			}
			if r[0] != r[len(r)-1] {
				xy = append(xy, r[0][0], r[0][1])
			}
			rs = append(rs, geom.NewLineString(geom.NewSequence(xy, geom.DimXY)))
		}
		if len(rs) > 0 {
			polys = append(polys, geom.NewPolygon(rs))
		}
	}
	return geom.NewMultiPolygon(polys).AsGeometry()
}

// intersect is a n b as polygons; ok false when the overlay fails.
func intersect(a, b geom.Geometry) (out orb.MultiPolygon, ok bool) {
	defer func() {
		if recover() != nil { // the overlay's own invariants: draw the gap as given
			out, ok = nil, false
		}
	}()
	g, err := geom.Intersection(a, b)
	if err != nil {
		return nil, false
	}
	var polys []geom.Polygon
	if p, is := g.AsPolygon(); is {
		polys = append(polys, p)
	} else if mp, is := g.AsMultiPolygon(); is {
		for i := range mp.NumPolygons() {
			polys = append(polys, mp.PolygonN(i))
		}
	} else if gc, is := g.AsGeometryCollection(); is {
		for i := range gc.NumGeometries() {
			if p, is := gc.GeometryN(i).AsPolygon(); is {
				polys = append(polys, p)
			}
		}
	}
	ring := func(ls geom.LineString) orb.Ring {
		seq := ls.Coordinates()
		r := make(orb.Ring, seq.Length())
		for i := range r {
			xy := seq.GetXY(i)
			r[i] = orb.Point{xy.X, xy.Y}
		}
		return r
	}
	out = orb.MultiPolygon{}
	for _, p := range polys {
		if p.IsEmpty() {
			continue
		}
		q := orb.Polygon{ring(p.ExteriorRing())}
		for i := range p.NumInteriorRings() {
			q = append(q, ring(p.InteriorRingN(i)))
		}
		out = append(out, q)
	}
	return out, true
}

package coverage

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// gapDifference draws the land in the gaps of a but not in those of b:
// under the road rule, what a change newly uncovers (a: the head's gaps,
// b: those of the base and head stations together). The polygons are cut
// in the district's equal-area frame, where their areas are exact, by
// simplefeatures' overlay; gaps are drawn on the finest cells, so the
// drawing is the certified region to within a cell along its edges.
func (f *frame) gapDifference(a, b []Gap) ([]Gap, error) {
	toGeom := func(gs []Gap) (geom.Geometry, error) {
		var polys []geom.Polygon
		for _, g := range gs {
			var rings []geom.LineString
			for _, r := range g.Polygon {
				xy := make([]float64, 0, 2*len(r))
				for _, p := range r {
					x, y := f.proj.Forward(p[0], p[1])
					xy = append(xy, x, y)
				}
				rings = append(rings, geom.NewLineString(geom.NewSequence(xy, geom.DimXY)))
			}
			if len(rings) > 0 {
				polys = append(polys, geom.NewPolygon(rings))
			}
		}
		mp := geom.NewMultiPolygon(polys).AsGeometry()
		// Gaps of one evaluation never overlap, but their drawings may
		// touch: union them first so the overlay gets a valid input.
		return geom.UnaryUnion(mp)
	}
	ga, err := toGeom(a)
	if err != nil {
		return nil, fmt.Errorf("drawing the head's gaps: %w", err)
	}
	gb, err := toGeom(b)
	if err != nil {
		return nil, fmt.Errorf("drawing the gaps of both lists: %w", err)
	}
	d, err := geom.Difference(ga, gb)
	if err != nil {
		return nil, fmt.Errorf("cutting the newly uncovered land: %w", err)
	}
	var polys []geom.Polygon
	if p, ok := d.AsPolygon(); ok {
		polys = append(polys, p)
	} else if mp, ok := d.AsMultiPolygon(); ok {
		for i := range mp.NumPolygons() {
			polys = append(polys, mp.PolygonN(i))
		}
	} else if gc, ok := d.AsGeometryCollection(); ok {
		for i := range gc.NumGeometries() {
			if p, ok := gc.GeometryN(i).AsPolygon(); ok {
				polys = append(polys, p)
			}
		}
	}
	var out []Gap
	for _, p := range polys {
		g := Gap{AreaM2: p.Area()}
		// RFC 7946 winding: exterior counter-clockwise, holes clockwise
		// (in the frame, whose axes are east and north).
		ring := func(ls geom.LineString, ccw bool) orb.Ring {
			seq := ls.Coordinates()
			pts := make([][2]float64, seq.Length())
			for i := range pts {
				xy := seq.GetXY(i)
				pts[i] = [2]float64{xy.X, xy.Y}
			}
			if (ringArea(pts) > 0) != ccw {
				reverse(pts)
			}
			r := make(orb.Ring, len(pts))
			for i, q := range pts {
				r[i] = f.toLonLat(q[0], q[1])
			}
			return r
		}
		g.Polygon = orb.Polygon{ring(p.ExteriorRing(), true)}
		for i := range p.NumInteriorRings() {
			g.Polygon = append(g.Polygon, ring(p.InteriorRingN(i), false))
		}
		if g.AreaM2 > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}

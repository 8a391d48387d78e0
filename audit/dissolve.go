package audit

import (
	"fmt"
	"strings"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// dissolve merges the districts whose DissolveBy property holds the same
// value into one district named by it: their parts unioned by
// simplefeatures' overlay in longitude and latitude, so that shared edges
// go (exactly where the pieces share their vertices, as the pieces of one
// municipality cut from one boundary file do) and overlaps count once.
// Pieces without the value, or of different classes, are problems naming
// them. The district takes the place of its first piece.
func dissolve(feats []geodata.DistrictFeature, file, field string) ([]geodata.DistrictFeature, geodata.Problems, []string) {
	var probs geodata.Problems
	var warns []string
	groups := map[string][]int{}
	var order []string
	for i, f := range feats {
		if !f.HasGroup || strings.TrimSpace(f.Group) == "" {
			probs = append(probs, geodata.Problem{File: file, Feature: f.Index, ID: f.ID, Name: f.Name, Msg: fmt.Sprintf("no value in %q to dissolve by (--dissolve-by)", field)})
			continue
		}
		if _, ok := groups[f.Group]; !ok {
			order = append(order, f.Group)
		}
		groups[f.Group] = append(groups[f.Group], i)
	}
	var out []geodata.DistrictFeature
	for _, v := range order {
		idx := groups[v]
		first := feats[idx[0]]
		if len(idx) == 1 {
			first.Name, first.ID = v, v
			out = append(out, first)
			continue
		}
		d := first
		d.Name, d.ID = v, v
		ok := true
		var polys []geom.Polygon
		for _, i := range idx {
			f := feats[i]
			if f.Class != first.Class || f.HasClass != first.HasClass {
				probs = append(probs, geodata.Problem{File: file, Feature: f.Index, ID: f.ID, Name: f.Name,
					Msg: fmt.Sprintf("dissolving %q: class %q differs from %q of feature %d", v, f.Class, first.Class, first.Index)})
				ok = false
			}
			d.Warnings = append(d.Warnings, f.Warnings...)
			for _, p := range f.Geometry {
				polys = append(polys, toGeomPolygon(p))
			}
		}
		if !ok {
			continue
		}
		u, err := geom.UnaryUnion(geom.NewMultiPolygon(polys).AsGeometry())
		if err != nil {
			probs = append(probs, geodata.Problem{File: file, Feature: first.Index, ID: first.ID,
				Msg: fmt.Sprintf("dissolving %q (%d pieces): %v", v, len(idx), err)})
			continue
		}
		d.Geometry = coverage.PolygonsOf(u)
		if len(d.Geometry) == 0 {
			probs = append(probs, geodata.Problem{File: file, Feature: first.Index, ID: first.ID, Msg: fmt.Sprintf("dissolving %q: no area left", v)})
			continue
		}
		out = append(out, d)
		warns = append(warns, fmt.Sprintf("%s: %d pieces of %q dissolved into one district of %d part(s)", file, len(idx), v, len(d.Geometry)))
	}
	return out, probs, warns
}

func toGeomPolygon(p orb.Polygon) geom.Polygon {
	var rings []geom.LineString
	for _, r := range p {
		xy := make([]float64, 0, 2*len(r)+2)
		for _, q := range r {
			xy = append(xy, q[0], q[1])
		}
		if len(r) > 0 && r[0] != r[len(r)-1] {
			xy = append(xy, r[0][0], r[0][1])
		}
		rings = append(rings, geom.NewLineString(geom.NewSequence(xy, geom.DimXY)))
	}
	return geom.NewPolygon(rings)
}

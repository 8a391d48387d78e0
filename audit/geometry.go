package audit

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
)

// DistrictGeometry is what CheckDistrictGeometry finds in a file's
// districts.
type DistrictGeometry struct {
	// Problems are the rings that cross themselves or each other, or nest
	// where even-odd reading would change the district, by feature.
	Problems []geodata.Problem
	// Crossed marks, per feature (index into the features given), a
	// district with such a problem.
	Crossed []bool
	// Overlaps are pairs of features (indexes into the features given)
	// whose interiors may overlap; OverlapWarning measures them.
	Overlaps []coverage.Overlap
}

// CheckDistrictGeometry finds, for all districts of a file in one pass
// (coverage.CheckDistricts), the rings that cross themselves, the rings of
// one district that cross or nest wrongly, and the districts that overlap.
// CheckDistricts draws edges straight in longitude and latitude; the
// engine follows geodesics. Where they differ (rings with edges longer
// than a few hundred metres of longitude) the geodesics decide. check and
// validate both call it, so both find the same problems.
func CheckDistrictGeometry(file string, feats []geodata.DistrictFeature) DistrictGeometry {
	geoms := make([]coverage.District, len(feats))
	for i, f := range feats {
		geoms[i] = coverage.District{Geometry: f.Geometry}
	}
	long := make([]bool, len(feats))
	coverage.ParallelRange(len(feats), func(i int) { long[i] = coverage.HasLongEdges(feats[i].Geometry) })
	anyLong := slices.Contains(long, true)
	var checked coverage.Checked
	if !anyLong {
		checked = coverage.CheckDistricts(geoms)
	}
	// Whether the geodesics of a long district's rings cross (what the
	// checks below ask of some of them), for each on all cores.
	type geoCross struct {
		x  coverage.GeodesicCross
		ok bool
	}
	var geoX []geoCross
	if anyLong {
		geoX = make([]geoCross, len(feats))
		coverage.ParallelRange(len(feats), func(i int) {
			if long[i] {
				geoX[i].x, geoX[i].ok = coverage.GeodesicCrossing(feats[i].Geometry)
			}
		})
	}
	crossings := checked.Crossings
	if anyLong {
		// Overlaps between the geodesics, not the straight lines, and so
		// the crossings between rings of one district with long edges
		// (their rings and polygons keep their numbers in the outline).
		coverage.ParallelRange(len(geoms), func(i int) { geoms[i].Geometry = coverage.GeodesicOutline(geoms[i].Geometry) })
		geo := coverage.CheckDistricts(geoms)
		checked.Overlaps = geo.Overlaps
		// The straight-line crossings of each district, in district order:
		// a district without long edges is its own outline, so the
		// geodesic pass found them (a district's crossings depend on its
		// rings alone). Of a long district only the rings crossing
		// themselves count, and only when its geodesics cross too (kept
		// with their wording below): those few are checked by themselves.
		own := make([][]coverage.RingCrossing, len(geoms))
		for _, c := range geo.Crossings {
			if !long[c.District] {
				own[c.District] = append(own[c.District], c)
			}
		}
		coverage.ParallelRange(len(feats), func(i int) {
			if long[i] && geoX[i].ok {
				for _, c := range coverage.CheckDistricts([]coverage.District{{Geometry: feats[i].Geometry}}).Crossings {
					if c.Other == nil {
						c.District = i
						own[i] = append(own[i], c)
					}
				}
			}
		})
		crossings = nil
		for _, cs := range own {
			crossings = append(crossings, cs...)
		}
		for _, c := range geo.Crossings {
			if c.Other != nil && long[c.District] {
				crossings = append(crossings, c)
			}
		}
	}
	out := DistrictGeometry{Crossed: make([]bool, len(feats)), Overlaps: checked.Overlaps}
	selfLong := append([]bool(nil), long...) // long districts whose self-crossings the geodesics decide
	for _, c := range crossings {
		if c.Other == nil && selfLong[c.District] {
			// Kept with its wording when the geodesics cross too.
			if !geoX[c.District].ok {
				continue
			}
			selfLong[c.District] = false
		}
		f := feats[c.District]
		out.Problems = append(out.Problems, geodata.Problem{File: file, Feature: f.Index, ID: f.ID, Name: f.Name, Msg: c.Error()})
		out.Crossed[c.District] = true
	}
	for i, f := range feats {
		if !selfLong[i] || out.Crossed[i] {
			continue
		}
		if x, ok := geoX[i].x, geoX[i].ok; ok {
			out.Problems = append(out.Problems, geodata.Problem{File: file, Feature: f.Index, ID: f.ID, Name: f.Name,
				Msg: fmt.Sprintf("polygon %d: ring %d: edges %d and %d cross as geodesics near (%.7f, %.7f) (the edges are geodesics, as in PostGIS geography)",
					x.Polygon, x.Ring, x.EdgeA, x.EdgeB, x.At[0], x.At[1])})
			out.Crossed[i] = true
		}
	}
	return out
}

// OverlapWarning says how much districts a and b (features fa and fb of
// file) share, measured on their geodesic outlines as the overlap was
// found; ok is false for a pair that shares no area (it only touches).
// When the overlay cannot measure the pair the warning gives no area.
func OverlapWarning(file string, a, b coverage.District, fa, fb int, at orb.Point) (string, bool) {
	by := ""
	if shared, err := coverage.OverlapAreaM2(coverage.GeodesicOutline(a.Geometry), coverage.GeodesicOutline(b.Geometry)); err == nil {
		if shared == 0 {
			return "", false
		}
		by = fmt.Sprintf(" by %.2f m²", shared)
	}
	return fmt.Sprintf("%s: districts %q (feature %d, id %q) and %q (feature %d, id %q) overlap%s near (%.7f, %.7f); the shared area counts in both",
		file, a.Name, fa, a.ID, b.Name, fb, b.ID, by, at[0], at[1]), true
}

package audit

import (
	"fmt"
	"strings"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
)

// RepairDistricts makes valid, as GEOS's MakeValid does
// (coverage.MakeValid), every district geometry that crosses or touches
// itself, doubles back on itself or has a hole outside its shell, and
// leaves valid ones as they are. Each repair is a warning naming the
// feature (index, id, name), why it was invalid, the places where its
// linework was split, and its area as drawn and after; a geometry with no
// area left is a problem naming the district. file names the input in
// messages.
func RepairDistricts(feats []geodata.DistrictFeature, file string) ([]geodata.DistrictFeature, geodata.Problems, []string) {
	type result struct {
		f    geodata.DistrictFeature
		prob *geodata.Problem
		warn string
	}
	res := make([]result, len(feats))
	coverage.ParallelRange(len(feats), func(i int) {
		f := feats[i]
		res[i].f = f
		why := coverage.NeedsRepair(f.Geometry)
		if why == nil {
			return
		}
		where := geodata.Problem{File: file, Feature: f.Index, ID: f.ID, Name: f.Name}
		before := coverage.AreaM2(f.Geometry)
		fixed, places, err := coverage.MakeValid(f.Geometry)
		switch {
		case err != nil:
			where.Msg = fmt.Sprintf("%v; --repair failed: %v", why, err)
			res[i].prob = &where
			return
		case len(fixed) == 0:
			where.Msg = fmt.Sprintf("%v; no area is left after repair (--repair): the rings only trace lines", why)
			res[i].prob = &where
			return
		}
		var at []string
		for k, p := range places {
			if k == 3 {
				at = append(at, fmt.Sprintf("%d more", len(places)-3))
				break
			}
			at = append(at, fmt.Sprintf("(%.7f, %.7f)", p.At[0], p.At[1]))
		}
		after := coverage.AreaM2(fixed)
		where.Msg = fmt.Sprintf("repaired (--repair): %v; split at %d place(s) (lon, lat) %s; area %s as drawn, %s after, in %d part(s)",
			why, len(places), strings.Join(at, ", "), fmtM2(before), fmtM2(after), len(fixed))
		res[i].warn = where.Error()
		res[i].f.Geometry = fixed
	})
	var out []geodata.DistrictFeature
	var probs geodata.Problems
	var warns []string
	for _, r := range res {
		if r.prob != nil {
			probs = append(probs, *r.prob)
			continue
		}
		out = append(out, r.f)
		if r.warn != "" {
			warns = append(warns, r.warn)
		}
	}
	return out, probs, warns
}

// fmtM2 writes an area in square metres to the millimetre squared's
// thousandth that repairs are compared at.
func fmtM2(a float64) string { return fmt.Sprintf("%.3f m²", a) }

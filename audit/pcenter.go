package audit

import (
	"fmt"
	"math"

	"github.com/covaudit/covaudit/geodata"
)

// pcenterUnit is the limit and unit every district's rule shares, or ok
// false when their limits differ (the p-center figures are then ratios
// to the limits).
func (s *Suggestion) pcenterUnit() (limit float64, unit string, ok bool) {
	for i, d := range s.Districts {
		l, u := d.Rule.Threshold()
		if i == 0 {
			limit, unit = l, u
		} else if l != limit || u != unit {
			return 0, "", false
		}
	}
	return limit, unit, len(s.Districts) > 0 && limit > 0
}

// pcenterCost writes a cost ratio in the districts' common unit (metres
// or minutes), or as a multiple of the limit.
func (s *Suggestion) pcenterCost(ratio float64) string {
	if math.IsInf(ratio, 1) {
		return "unreachable"
	}
	limit, unit, ok := s.pcenterUnit()
	if !ok {
		return fmt.Sprintf("%.4f x the limit", ratio)
	}
	if unit == "s" {
		return fmt.Sprintf("%.2f min", ratio*limit/60)
	}
	return fmt.Sprintf("%.1f m", ratio*limit)
}

// pcenterLine is the text and Markdown summary under the p-center
// objective.
func (s *Suggestion) pcenterLine() string {
	p := s.pcenter
	line := fmt.Sprintf("%d site(s) by p-center: largest cost %s -> %s", len(p.Sites), s.pcenterCost(p.Start), s.pcenterCost(p.Value))
	if p.WorstDistrict >= 0 {
		line += fmt.Sprintf(" (%s at %.5f,%.5f)", s.Districts[p.WorstDistrict].Name, p.WorstPoint[1], p.WorstPoint[0])
	}
	line += fmt.Sprintf("; no %d of these candidates do better than %s (gap at most %.1f%%)", max(0, s.pcenterAdd()), s.pcenterCost(p.LowerBound), 100*p.Gap())
	line += fmt.Sprintf("; %d of %d district(s) still fail", s.failing, s.districts)
	if p.Swaps > 0 {
		line += fmt.Sprintf("; %d swap(s) improved the greedy choice", p.Swaps)
	}
	return line
}

// pcenterAdd is the number of sites asked for (PCenter may place fewer
// when no candidate lowers the largest cost).
func (s *Suggestion) pcenterAdd() int { return s.add }

// pcenterJSON is the summary's p_center object.
func (s *Suggestion) pcenterJSON() map[string]any {
	p := s.pcenter
	r6 := func(v float64) any {
		if math.IsInf(v, 1) {
			return nil
		}
		return geodata.Fixed{V: v, Digits: 6}
	}
	out := map[string]any{"sites_asked": s.add, "start_ratio": r6(p.Start), "value_ratio": r6(p.Value), "lower_bound_ratio": r6(p.LowerBound),
		"gap_pct": geodata.Fixed{V: 100 * p.Gap(), Digits: 3}, "swaps": p.Swaps}
	if limit, unit, ok := s.pcenterUnit(); ok {
		out["unit"] = unit
		out["start"], out["value"], out["lower_bound"] = r6(p.Start*limit), r6(p.Value*limit), r6(p.LowerBound*limit)
	}
	if p.WorstDistrict >= 0 {
		out["worst_district"] = s.Districts[p.WorstDistrict].Name
		out["worst_lon"], out["worst_lat"] = deg7(p.WorstPoint[0]), deg7(p.WorstPoint[1])
	}
	wit := [][2]geodata.Fixed{}
	for _, q := range p.Witnesses {
		wit = append(wit, [2]geodata.Fixed{deg7(q[0]), deg7(q[1])})
	}
	out["bound_places"] = wit
	return out
}

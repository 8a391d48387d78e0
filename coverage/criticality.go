package coverage

import (
	"context"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// SoleCover is what one station alone covers in one district: the land,
// and the people of Options.Population, that no other station covers (lost
// if it closes).
type SoleCover struct {
	Station  int // index in the Index
	District int // index in the districts
	AreaM2   float64
	People   float64
}

// Redundancy is a district's land covered by two stations or more.
type Redundancy struct {
	CoveredM2, RedundantM2 float64
	// RedundantPct is 100 x RedundantM2 / the district's area.
	RedundantPct float64
}

// Criticality measures, for every station reaching a district, the land
// only it covers there (exact: uncovered without it - uncovered with all),
// the people of opts.Population only it covers, and each district's land
// covered twice or more (covered land - the sum of the sole covers).
// Stations that share a place cover nothing alone. It costs one cut per
// station in reach and district; districts run in parallel. Districts under
// the road rule are left out (no sole cover, zero redundancy): removing a
// station changes the whole network search.
func Criticality(ctx context.Context, districts []District, ix *Index, opts Options) ([]SoleCover, []Redundancy, error) {
	opts = opts.withDefaults()
	sole := make([][]SoleCover, len(districts))
	red := make([]Redundancy, len(districts))
	shared := make(map[int]bool)
	for i := range ix.stations {
		if f := ix.first[i]; f != i {
			shared[i], shared[f] = true, true
		}
	}
	fs := newFrameSet()
	err := eachDistrict(ctx, districts, opts.Workers, func(di int) error {
		d := &districts[di]
		if err := d.Rule.Validate(); err != nil {
			return err
		}
		if d.Rule.Kind == KindRoad {
			return nil
		}
		f, err := newFrame(d.Geometry, fs)
		if err != nil {
			return err
		}
		r := d.Rule.RadiusMeters()
		var idx []int
		for _, i := range ix.distinct(ix.Near(f.bound, r)) {
			p := ix.stations[i].Point
			x, y := f.proj.Forward(p[0], p[1])
			dx := max(0, f.region.minPt[0]-x, x-f.region.maxPt[0])
			dy := max(0, f.region.minPt[1]-y, y-f.region.maxPt[1])
			if hypot(dx, dy) <= r*1.01+1 {
				idx = append(idx, i)
			}
		}
		ells, _ := f.ellipses(ix, idx, r)
		area := f.region.area
		unc := func(e []ellipse) float64 { return max(0, min(area, f.region.cut(e).area)) }
		uAll := unc(ells)
		red[di].CoveredM2 = area - uAll
		soleSum := 0.0
		without := make([]ellipse, 0, len(ells))
		for k, i := range idx {
			if shared[i] {
				continue
			}
			without = append(append(without[:0], ells[:k]...), ells[k+1:]...)
			if a := unc(without) - uAll; a > 0 {
				sole[di] = append(sole[di], SoleCover{Station: i, District: di, AreaM2: a})
				soleSum += a
			}
		}
		red[di].RedundantM2 = max(0, red[di].CoveredM2-soleSum)
		if area > 0 {
			red[di].RedundantPct = 100 * red[di].RedundantM2 / area
		}
		if pop := opts.Population; pop != nil {
			f.eachPoint(pop, func(pi int, _, _ float64) {
				p := pop.points[pi]
				only, n := -1, 0
				for _, i := range ix.Near(orb.Bound{Min: p, Max: p}, r) {
					s := ix.stations[i].Point
					if geodesy.Distance(p[0], p[1], s[0], s[1]) <= r {
						only = i
						n++
					}
				}
				if n != 1 || shared[only] {
					return
				}
				for k := range sole[di] {
					if sole[di][k].Station == only {
						sole[di][k].People += pop.counts[pi]
						return
					}
				}
				sole[di] = append(sole[di], SoleCover{Station: only, District: di, People: pop.counts[pi]})
			})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var out []SoleCover
	for _, s := range sole {
		out = append(out, s...)
	}
	return out, red, nil
}

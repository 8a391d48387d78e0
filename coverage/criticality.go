package coverage

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/covaudit/covaudit/roads"
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
	// ErrM2 bounds the error of AreaM2 under the road rules (the
	// half-widths of the two brackets it is the difference of); 0 under
	// the distance rules, whose figure is exact.
	ErrM2 float64
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
// station in reach and district; districts run in parallel.
//
// Under the road rules (opts.Roads for the evaluation with every station,
// opts.RoadsFor for the others) a station's sole cover is uncovered(without
// it) - uncovered(all), from the middles of the two certified brackets, and
// reported only when it exceeds their half-widths (SoleCover.ErrM2). Only
// stations that some place of the district reaches first by road or on
// foot can matter; each costs one network search without it (shared by
// every district) and one evaluation of the district.
func Criticality(ctx context.Context, districts []District, ix *Index, opts Options) ([]SoleCover, []Redundancy, error) {
	opts = opts.withDefaults()
	var rc *roadCriticality
	for i := range districts {
		if districts[i].Rule.ByRoad() {
			if opts.RoadsFor == nil {
				return nil, nil, fmt.Errorf("district %d (%s): sole cover under the %s rule needs Options.RoadsFor: %w", i, districts[i].Name, districts[i].Rule.Kind, ErrBadRule)
			}
			rc = newRoadCriticality(districts, ix, opts)
			break
		}
	}
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
		f, err := newFrame(d.Geometry, fs)
		if err != nil {
			return err
		}
		if d.Rule.ByRoad() {
			sole[di], red[di], err = rc.district(di, f, shared)
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

// roadCriticality holds, per station, the road fields of every station but
// that one (built on first use, once, and shared by the districts).
type roadCriticality struct {
	districts []District
	ix        *Index
	opts      Options
	without   []func() (*Index, []*roads.Field)
}

func newRoadCriticality(districts []District, ix *Index, opts Options) *roadCriticality {
	rc := &roadCriticality{districts: districts, ix: ix, opts: opts, without: make([]func() (*Index, []*roads.Field), len(ix.stations))}
	build := fieldsFor(districts, opts.RoadsFor)
	for i := range ix.stations {
		rc.without[i] = sync.OnceValues(func() (*Index, []*roads.Field) {
			list := slices.Delete(slices.Clone(ix.stations), i, i+1)
			return NewIndex(list), build(list)
		})
	}
	return rc
}

// district measures the sole cover of the stations that matter to road
// district di, and its redundancy.
func (rc *roadCriticality) district(di int, f *frame, shared map[int]bool) ([]SoleCover, Redundancy, error) {
	d := &rc.districts[di]
	o := rc.opts
	o.GapPolygons = false
	field := o.roadField(d.Rule)
	if field == nil {
		return nil, Redundancy{}, fmt.Errorf("the %s rule needs road network %d (Options.Roads): %w", d.Rule.Kind, d.Rule.Network, ErrBadRule)
	}
	all, err := evaluateRoadDistrict(d, rc.ix, o, f)
	if err != nil {
		return nil, Redundancy{}, err
	}
	// The stations some place reaches first: through a useful option, or
	// on foot.
	rs := newRoadSetup(f, d, rc.ix, field)
	matter := map[int]bool{}
	for _, k := range rs.useful {
		matter[int(rs.opts[k].st)] = true
	}
	for _, i := range rs.stIdx {
		matter[i] = true
	}
	idx := make([]int, 0, len(matter))
	for i := range matter {
		if i >= 0 && !shared[i] {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	half := func(r Result) float64 { return (r.UncoveredUpperM2 - r.UncoveredLowerM2) / 2 }
	var out []SoleCover
	soleSum := 0.0
	for _, i := range idx {
		wix, fields := rc.without[i]()
		ow := o
		ow.Roads = fields
		with, err := evaluateRoadDistrict(d, wix, ow, f)
		if err != nil {
			return nil, Redundancy{}, err
		}
		sc := SoleCover{Station: i, District: di, ErrM2: half(all) + half(with)}
		if a := with.UncoveredM2 - all.UncoveredM2; a > sc.ErrM2 {
			sc.AreaM2 = a
		}
		if o.Population != nil {
			sc.People = max(0, with.UncoveredPopulation-all.UncoveredPopulation)
		}
		if sc.AreaM2 > 0 || sc.People > 0 {
			out = append(out, sc)
			soleSum += sc.AreaM2
		}
	}
	var red Redundancy
	red.CoveredM2 = all.AreaM2 - all.UncoveredM2
	red.RedundantM2 = max(0, red.CoveredM2-soleSum)
	if all.AreaM2 > 0 {
		red.RedundantPct = 100 * red.RedundantM2 / all.AreaM2
	}
	return out, red, nil
}

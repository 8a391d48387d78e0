package coverage

import (
	"math"
	"sync"

	"github.com/covaudit/covaudit/roads"
	"github.com/paulmach/orb"
)

// roadSuggestSamples is the number of places per road district whose
// cover the siting of road districts counts (without a population).
const roadSuggestSamples = 2000

// roadSites is the siting state of the districts under the road rules:
// the places that stand for their land (a grid, each place standing for
// an equal share of its district's area) or their population points, the
// ones still uncovered, and what each candidate site covers.
//
// A site's cover is found by one network search from the site alone: the
// cost of reaching the nearest of several stations is the least of their
// costs, so a place is covered once any station, old or new, brings it
// within the limit. The objective (the weight of the places covered) is
// monotone submodular like the land under the distance rules, so Suggest's
// guarantees hold for it; it counts the land at the sample places, not the
// exact area, which the audit with the sites measures afterwards.
type roadSites struct {
	district []int       // each place's district
	at       []orb.Point // {lon, lat}
	weight   []float64   // m2 of land, or people
	uncov    []bool      // not yet covered by the stations and sites
	build    func([]Station) []*roads.Field
	rules    []Rule // per district
	mu       sync.Mutex
	cover    map[orb.Point][]int32 // the uncovered places a site covers (at the start)
}

// newRoadSites samples the road districts; fields are the road fields of
// the stations (opts.Roads).
func newRoadSites(s *suggester, opts Options) *roadSites {
	rs := &roadSites{build: fieldsFor(s.districts, opts.RoadsFor), cover: map[orb.Point][]int32{}}
	for d := range s.districts {
		rs.rules = append(rs.rules, s.districts[d].Rule)
		rule := s.districts[d].Rule
		if !rule.ByRoad() {
			continue
		}
		f := s.frames[d]
		field := opts.roadField(rule)
		add := func(p orb.Point, w float64) {
			c, _, _ := field.Cost(p[0], p[1])
			rs.district = append(rs.district, d)
			rs.at = append(rs.at, p)
			rs.weight = append(rs.weight, w)
			rs.uncov = append(rs.uncov, c > rule.Limit())
		}
		if s.byPeople {
			f.eachPoint(s.pop, func(i int, _, _ float64) { add(s.pop.points[i], s.pop.counts[i]) })
			continue
		}
		fr := f.region
		spacing := math.Max(1, math.Sqrt(fr.area/roadSuggestSamples))
		var pts []orb.Point
		for y := fr.minPt[1] + spacing/2; y < fr.maxPt[1]; y += spacing {
			for x := fr.minPt[0] + spacing/2; x < fr.maxPt[0]; x += spacing {
				if fr.contains(x, y) {
					pts = append(pts, f.toLonLat(x, y))
				}
			}
		}
		for _, p := range pts {
			add(p, fr.area/float64(len(pts)))
		}
	}
	return rs
}

// covers lists the places, uncovered at the start, that a site at p
// covers (one network search per site, kept).
func (rs *roadSites) covers(p orb.Point) []int32 {
	rs.mu.Lock()
	c, ok := rs.cover[p]
	rs.mu.Unlock()
	if ok {
		return c
	}
	fields := rs.build([]Station{{Point: p}})
	var out []int32
	for j, d := range rs.district {
		if !rs.uncov[j] {
			continue
		}
		r := rs.rules[d]
		if t, _, _ := fields[r.Network].Cost(rs.at[j][0], rs.at[j][1]); t <= r.Limit() {
			out = append(out, int32(j))
		}
	}
	rs.mu.Lock()
	rs.cover[p] = out
	rs.mu.Unlock()
	return out
}

// gain is the weight a site at p covers now: the places still open
// (uncovered by the stations and the sites chosen so far) it covers.
func (rs *roadSites) gain(p orb.Point, open []bool) float64 {
	w := 0.0
	for _, j := range rs.covers(p) {
		if open[j] {
			w += rs.weight[j]
		}
	}
	return w
}

// coveredBy is the weight of district d's places, uncovered at the start,
// that some site of set covers.
func (rs *roadSites) coveredBy(d int, set []orb.Point) float64 {
	hit := map[int32]bool{}
	for _, p := range set {
		for _, j := range rs.covers(p) {
			if rs.district[j] == d {
				hit[j] = true
			}
		}
	}
	w := 0.0
	for j := range hit {
		w += rs.weight[j]
	}
	return w
}

// reaches lists the road districts where a site at p covers a place.
func (rs *roadSites) reaches(p orb.Point) []int {
	seen := map[int]bool{}
	var out []int
	for _, j := range rs.covers(p) {
		if d := rs.district[j]; !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// uncovered is the weight of district d still open.
func (rs *roadSites) uncovered(open []bool, d int) float64 {
	w := 0.0
	for j, dj := range rs.district {
		if dj == d && open[j] {
			w += rs.weight[j]
		}
	}
	return w
}

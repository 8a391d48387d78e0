package coverage

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/covaudit/covaudit/roads"
	"github.com/paulmach/orb"
)

// Place is a population place for the accessibility indices and
// capacitated coverage: a population point or a raster cell's centre
// ({lon, lat}, WGS84), its people, and the district whose class rule
// decides which stations it reaches (an index into the districts given to
// NewCatchments).
type Place struct {
	Point    orb.Point
	People   float64
	District int
}

// Member is a place in a station's catchment and its cost to reach the
// station, in the place's rule's unit (metres or seconds).
type Member struct {
	Place int32
	Cost  float64
}

// Catchments are the stations' catchments: for every station, the places
// that reach it within their own district's rule (every station they reach,
// not only the nearest), in place order.
//
//   - radius and speed rules: the stations within the rule's radius by
//     WGS84 geodesic distance (R-tree, then the exact distance); the cost
//     is the rule's (metres, or seconds by the speed model);
//   - road rules: the road model of the audit's cost fields, per station:
//     a Dijkstra from the station alone (its access legs and delay) up to
//     the limit, each place reaching it by its cheapest access leg and the
//     road, or by walking straight to it (roads.Catchments).
//
// Read-only once built.
type Catchments struct {
	// Members lists, per station, the places of its catchment.
	Members [][]Member
	// Reached is, per place, the number of stations whose catchment holds
	// it.
	Reached []int32
}

// chunk is the number of places handed to a worker at once.
const chunk = 256

// NewCatchments builds the catchments of every station of ix for the
// places. Road rules need opts.Roads (Rule.Network indexes them, over the
// index's stations). Results do not depend on opts.Workers.
func NewCatchments(ctx context.Context, places []Place, districts []District, ix *Index, opts Options) (*Catchments, error) {
	return newCatchments(ctx, places, districts, ix, opts, true)
}

// NewMemberships is NewCatchments for 2SFCA, which needs only who is in
// which catchment: under the radius and speed rules a member's Cost is
// NaN unless the station is within 1% of the rule's radius, where the
// exact geodesic decides (elsewhere a spherical distance, within 0.56% of
// the geodesic, decides it with certainty). Road rules' costs are exact.
func NewMemberships(ctx context.Context, places []Place, districts []District, ix *Index, opts Options) (*Catchments, error) {
	return newCatchments(ctx, places, districts, ix, opts, false)
}

// sphereDistance is the great-circle distance, metres, on the sphere of
// the WGS84 mean radius: within 0.56% of the geodesic.
func sphereDistance(lon1, lat1, lon2, lat2 float64) float64 {
	const rad = math.Pi / 180
	s1, s2 := math.Sin((lat2-lat1)*rad/2), math.Sin((lon2-lon1)*rad/2)
	h := s1*s1 + math.Cos(lat1*rad)*math.Cos(lat2*rad)*s2*s2
	return 2 * 6371008.8 * math.Asin(math.Sqrt(min(1, h)))
}

// sphereMargin bounds the relative difference of sphereDistance and the
// WGS84 geodesic (0.56% at most), with room.
const sphereMargin = 0.01

func newCatchments(ctx context.Context, places []Place, districts []District, ix *Index, opts Options, costs bool) (*Catchments, error) {
	opts = opts.withDefaults()
	ns := ix.Len()
	stations := ix.Stations()
	perPlace := make([][]stationCost, len(places))
	// Straight-line reach: distance rules, and walking straight to a
	// station under the road rules.
	var nets []int
	for _, d := range districts {
		if d.Rule.ByRoad() {
			if d.Rule.Network < 0 || d.Rule.Network >= len(opts.Roads) {
				return nil, fmt.Errorf("coverage: district %q: road network %d not searched", d.Name, d.Rule.Network)
			}
			if !slices.Contains(nets, d.Rule.Network) {
				nets = append(nets, d.Rule.Network)
			}
		}
	}
	slices.Sort(nets)
	catch := make([]*roads.Catchments, len(opts.Roads))
	for _, k := range nets {
		catch[k] = opts.Roads[k].Catchments()
	}
	nChunks := (len(places) + chunk - 1) / chunk
	if _, err := eachIndex(ctx, nChunks, opts.Workers, func(c int) error {
		for i := c * chunk; i < min(len(places), (c+1)*chunk); i++ {
			p := places[i]
			r := districts[p.District].Rule
			limit := r.Limit()
			radius := r.RadiusMeters()
			var cr *roads.Catchments
			if r.ByRoad() {
				cr = catch[r.Network]
				radius = cr.WalkReachM(limit)
			}
			var out []stationCost
			for _, j := range ix.Near(orb.Bound{Min: p.Point, Max: p.Point}, radius) {
				s := stations[j].Point
				if !costs && cr == nil {
					// Membership only: the sphere decides away from the
					// radius, the geodesic near it.
					ds := sphereDistance(p.Point[0], p.Point[1], s[0], s[1])
					if ds < radius*(1-sphereMargin) {
						out = append(out, stationCost{int32(j), math.NaN()})
						continue
					}
					if ds > radius*(1+sphereMargin) {
						continue
					}
				}
				d := geodesy.Distance(p.Point[0], p.Point[1], s[0], s[1])
				c := r.Cost(d)
				if cr != nil {
					c = cr.Walk(j, d)
				}
				if c <= limit {
					out = append(out, stationCost{int32(j), c})
				}
			}
			perPlace[i] = out
		}
		return nil
	}); err != nil {
		return nil, err
	}
	members := make([][]Member, ns)
	for i, sc := range perPlace {
		for _, x := range sc {
			members[x.station] = append(members[x.station], Member{int32(i), x.cost})
		}
	}
	for _, k := range nets {
		if err := roadCatchments(ctx, places, districts, k, catch[k], members, opts.Workers); err != nil {
			return nil, err
		}
	}
	c := &Catchments{Members: members, Reached: make([]int32, len(places))}
	for _, ms := range members {
		for _, m := range ms {
			c.Reached[m.Place]++
		}
	}
	return c, nil
}

type stationCost struct {
	station int32
	cost    float64
}

// roadCatchments adds network k's road routes to the members: each place
// under a rule of that network lists its ways onto the network (legs and
// the road to a segment's end), indexed by that end node; each station's
// search up to the largest limit then reaches the places by those nodes.
// A place already a member by walking keeps the cheaper cost.
func roadCatchments(ctx context.Context, places []Place, districts []District, k int, cr *roads.Catchments, members [][]Member, workers int) error {
	var idx []int32 // places on network k
	maxLimit := 0.0
	for i, p := range places {
		if r := districts[p.District].Rule; r.ByRoad() && r.Network == k {
			idx = append(idx, int32(i))
			maxLimit = max(maxLimit, r.Limit())
		}
	}
	if len(idx) == 0 {
		return nil
	}
	opts := make([][]roads.Option, len(idx))
	nChunks := (len(idx) + chunk - 1) / chunk
	if _, err := eachIndex(ctx, nChunks, workers, func(c int) error {
		for q := c * chunk; q < min(len(idx), (c+1)*chunk); q++ {
			p := places[idx[q]].Point
			opts[q] = cr.Options(p[0], p[1], nil)
		}
		return nil
	}); err != nil {
		return err
	}
	// Options by node, in compressed rows.
	type entry struct {
		place int32
		timeS float64
	}
	byNode := map[int32][]entry{}
	for q, os := range opts {
		for _, o := range os {
			byNode[o.Node] = append(byNode[o.Node], entry{idx[q], o.TimeS})
		}
	}
	found := make([][]Member, len(members))
	type scratch struct {
		ws   *roads.Workspace
		best map[int32]float64
	}
	pool := make(chan *scratch, max(1, workers))
	for range max(1, workers) {
		pool <- &scratch{ws: cr.NewWorkspace(), best: map[int32]float64{}}
	}
	if _, err := eachIndex(ctx, len(members), workers, func(s int) error {
		sc := <-pool
		defer func() { pool <- sc }()
		clear(sc.best)
		cr.Search(s, maxLimit, sc.ws, func(v int32, t float64) {
			for _, e := range byNode[v] {
				c := t + e.timeS
				if c > districts[places[e.place].District].Rule.Limit() {
					continue
				}
				if b, ok := sc.best[e.place]; !ok || c < b {
					sc.best[e.place] = c
				}
			}
		})
		ms := make([]Member, 0, len(sc.best))
		for p, c := range sc.best {
			ms = append(ms, Member{p, c})
		}
		slices.SortFunc(ms, func(a, b Member) int { return cmp.Compare(a.Place, b.Place) })
		found[s] = ms
		return nil
	}); err != nil {
		return err
	}
	for s := range members {
		members[s] = mergeMembers(members[s], found[s])
	}
	return nil
}

// mergeMembers merges two lists in place order, keeping the cheaper cost
// of a place in both.
func mergeMembers(a, b []Member) []Member {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]Member, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].Place < b[j].Place):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j].Place < a[i].Place:
			out = append(out, b[j])
			j++
		default:
			out = append(out, Member{a[i].Place, min(a[i].Cost, b[j].Cost)})
			i++
			j++
		}
	}
	return out
}

// Decay is E2SFCA's distance-decay weight of a rule: by zones (Zones are
// the zones' upper bounds in the rule's unit, ascending; a cost up to
// Zones[0] weighs Weights[0], up to Zones[1] Weights[1], ...; beyond the
// last zone 0) or, with Gaussian, Dai's Gaussian over the rule's limit L:
//
//	w(c) = (exp(-c²/(2L²)) - exp(-1/2)) / (1 - exp(-1/2)),  c <= L
//
// (1 at the station, 0 at the limit). The zero Decay weighs 1 everywhere
// within the limit: 2SFCA.
type Decay struct {
	Zones    []float64
	Weights  []float64
	Gaussian bool
}

// Weight is the decay weight of a cost within a rule's limit.
func (d Decay) Weight(cost, limit float64) float64 {
	if d.Gaussian {
		e := math.Exp(-0.5)
		return (math.Exp(-cost*cost/(2*limit*limit)) - e) / (1 - e)
	}
	if len(d.Zones) == 0 {
		return 1
	}
	for k, z := range d.Zones {
		if cost <= z {
			return d.Weights[k]
		}
	}
	return 0
}

// Validate checks that the zones ascend and the weights are numbers in
// [0, 1], one per zone.
func (d Decay) Validate() error {
	if d.Gaussian {
		if len(d.Zones) > 0 {
			return fmt.Errorf("a Gaussian decay takes no zones")
		}
		return nil
	}
	if len(d.Zones) != len(d.Weights) {
		return fmt.Errorf("%d zones but %d weights, want one weight per zone", len(d.Zones), len(d.Weights))
	}
	for k, z := range d.Zones {
		if !(z > 0) || math.IsInf(z, 0) || (k > 0 && z <= d.Zones[k-1]) {
			return fmt.Errorf("zone %d: bound %v: zones must be positive and ascending", k+1, z)
		}
		if w := d.Weights[k]; !(w >= 0 && w <= 1) {
			return fmt.Errorf("zone %d: weight %v is not in [0, 1]", k+1, w)
		}
	}
	return nil
}

// Access is the result of a two-step floating catchment area method.
type Access struct {
	// Demand is, per station, the (decay-weighted) people of its
	// catchment: D_j = sum over its places i of w_ij P_i.
	Demand []float64
	// Ratio is, per station, capacity per person of its catchment:
	// R_j = S_j / D_j (0 when D_j is 0).
	Ratio []float64
	// Index is, per place, A_i = sum over the stations whose catchment
	// holds it of w_ij R_j: capacity per person.
	Index []float64
}

// Access computes 2SFCA (decay nil, or a zero Decay for a district) or
// E2SFCA (decay[d] the weights of district d's rule) from the catchments
// and the stations' capacities. Sums run in station order, then place
// order, so the result does not depend on how the catchments were built.
func (c *Catchments) Access(places []Place, districts []District, capacity []float64, decay []Decay) Access {
	w := weigher(places, districts, decay)
	a := Access{Demand: make([]float64, len(c.Members)), Ratio: make([]float64, len(c.Members))}
	for j, ms := range c.Members {
		for _, m := range ms {
			a.Demand[j] += w(m) * places[m.Place].People
		}
		if a.Demand[j] > 0 {
			a.Ratio[j] = capacity[j] / a.Demand[j]
		}
	}
	a.Index = c.Index(places, districts, a.Ratio, decay)
	return a
}

// Index is 2SFCA's step 2 over these catchments with given station
// ratios: per place, A_i = sum over the stations whose catchment holds it
// of w_ij R_j, summed in station order. With the ratios of an Access over
// other places (the population), it gives the index of places that add
// no demand (query points, a surface's cells): a place's index depends on
// its spot and district only, so a query point where a place of the
// population lies gets that place's index.
func (c *Catchments) Index(places []Place, districts []District, ratio []float64, decay []Decay) []float64 {
	w := weigher(places, districts, decay)
	index := make([]float64, len(places))
	for j, ms := range c.Members {
		for _, m := range ms {
			index[m.Place] += w(m) * ratio[j]
		}
	}
	return index
}

// weigher is the decay weight of a member (1 with no decay: 2SFCA).
func weigher(places []Place, districts []District, decay []Decay) func(Member) float64 {
	return func(m Member) float64 {
		if decay == nil {
			return 1
		}
		d := places[m.Place].District
		return decay[d].Weight(m.Cost, districts[d].Rule.Limit())
	}
}

// Capacitated is capacitated coverage's result.
type Capacitated struct {
	// Served is, per place, its people served by some station.
	Served []float64
	// ByStation is, per station, the people it serves.
	ByStation []float64
	// Order is the order the stations were processed in.
	Order []int
}

// Capacitate serves the places as WHO's AccessMod's geographic coverage
// does: stations in order (see CapacityOrder), each serving the people of
// its catchment not yet served, nearest first (by the rule's cost; ties
// by place order), until it has served its people capacity
// (peopleCapacity[j], its capacity times the people one unit serves);
// a place may be served in part. People no station can still serve stay
// unserved even when some station reaches them. Sequential: the result
// does not depend on the number of cores.
func (c *Catchments) Capacitate(places []Place, peopleCapacity []float64, order []int) Capacitated {
	res := Capacitated{Served: make([]float64, len(places)), ByStation: make([]float64, len(c.Members)), Order: order}
	var ms []Member
	for _, j := range order {
		left := peopleCapacity[j]
		ms = append(ms[:0], c.Members[j]...)
		slices.SortStableFunc(ms, func(a, b Member) int { return cmp.Compare(a.Cost, b.Cost) })
		for _, m := range ms {
			if left <= 0 {
				break
			}
			want := places[m.Place].People - res.Served[m.Place]
			if want <= 0 {
				continue
			}
			take := min(want, left)
			if take == want {
				res.Served[m.Place] = places[m.Place].People
			} else {
				res.Served[m.Place] += take
			}
			left -= take
			res.ByStation[j] += take
		}
	}
	return res
}

// CapacityOrder is the order capacitated coverage processes stations in:
// "capacity" (largest capacity first, ties in station order) or "given"
// (station order).
func CapacityOrder(capacity []float64, by string) []int {
	order := make([]int, len(capacity))
	for i := range order {
		order[i] = i
	}
	if by == "capacity" {
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(capacity[b], capacity[a]) })
	}
	return order
}

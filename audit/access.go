package audit

import (
	"context"
	"fmt"
	"math"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tidwall/rtree"

	iplanar "github.com/covaudit/covaudit/internal/planar"
)

// placeLocator returns a function giving the first district (input order)
// that holds a point, or -1, for every command that places points in
// districts (population, nearest, the surface): the polygons' boxes in an
// R-tree, each polygon's rings tested even-odd in longitude and latitude
// (outer ring in, no hole holding the point) with long edges replaced by
// their geodesics (coverage.GeodesicOutline), the engine's edges. A point
// on an edge two districts share goes to one of them by the even-odd
// rule's half-open crossings, the same one wherever it is asked.
func (a *Audit) placeLocator() func(p orb.Point) int {
	type poly struct {
		district int
		rings    []orb.Ring
	}
	var polys []poly
	var tree rtree.RTreeG[int]
	for i := range a.Districts {
		for _, pg := range coverage.GeodesicOutline(a.Districts[i].Geometry) {
			if len(pg) == 0 {
				continue
			}
			b := pg[0].Bound()
			tree.Insert(b.Min, b.Max, len(polys))
			polys = append(polys, poly{i, pg})
		}
	}
	return func(p orb.Point) int {
		best := -1
		tree.Search(p, p, func(_, _ [2]float64, k int) bool {
			pg := polys[k]
			if best >= 0 && pg.district >= best {
				return true
			}
			if !iplanar.Contains(pg.rings[0], p) {
				return true
			}
			for _, h := range pg.rings[1:] {
				if iplanar.Contains(h, p) {
					return true
				}
			}
			best = pg.district
			return true
		})
		return best
	}
}

// AccessConfig asks for capacity-aware measures over the population
// (Config.Population): the accessibility indices and capacitated coverage.
// Both read each station's capacity (Columns.CapacityCol).
type AccessConfig struct {
	// Method is "2sfca" or "e2sfca" ("" for no index).
	Method string
	// MinAccess is the index, capacity units per 10,000 people, below which
	// people count as under-served (HasMinAccess false: no target).
	MinAccess    float64
	HasMinAccess bool
	// Capacitated asks for capacitated coverage: each station serves
	// its capacity times PeoplePerUnit people, nearest first, in
	// CapacityOrder ("capacity", the default, or "given").
	Capacitated   bool
	PeoplePerUnit float64
	CapacityOrder string
}

// Enabled says whether any capacity-aware measure is asked for.
func (ac AccessConfig) Enabled() bool { return ac.Method != "" || ac.Capacitated }

// AccessUnit is the unit of the reported indices: capacity units per
// this many people.
const AccessUnit = 10000

// defaultDecay is E2SFCA's default decay: three zones, thirds of the
// rule's limit, weighted 1.00, 0.68 and 0.22 (Luo and Qi's 0-10, 10-20,
// 20-30 minute weights).
func defaultDecay(limit float64) coverage.Decay {
	return coverage.Decay{Zones: []float64{limit / 3, 2 * limit / 3, limit}, Weights: []float64{1, 0.68, 0.22}}
}

func (ac AccessConfig) validate(c *Config) []string {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	switch ac.Method {
	case "", "2sfca", "e2sfca":
	default:
		bad("--access %q: want 2sfca or e2sfca", ac.Method)
	}
	if ac.Enabled() && c.Population == "" {
		bad("--access and --capacitated need --population FILE (the people the stations serve)")
	}
	if ac.HasMinAccess && (!(ac.MinAccess >= 0) || isInf(ac.MinAccess)) {
		bad("--min-access %v must be a number of at least 0 (capacity units per 10,000 people)", ac.MinAccess)
	}
	if ac.HasMinAccess && ac.Method == "" {
		bad("--min-access needs --access 2sfca or e2sfca")
	}
	if ac.Capacitated && (!(ac.PeoplePerUnit > 0) || isInf(ac.PeoplePerUnit)) {
		bad("--people-per-unit %v must be positive (the people one unit of capacity serves)", ac.PeoplePerUnit)
	}
	if ac.CapacityOrder != "" && ac.CapacityOrder != "capacity" && ac.CapacityOrder != "given" {
		bad("--capacity-order %q: want capacity or given", ac.CapacityOrder)
	}
	if ac.Enabled() && c.Columns.CapacityCol == "" {
		bad("--access and --capacitated need the stations' capacities (--capacity-col)")
	}
	for _, cl := range c.Classes {
		if cl.Decay == nil {
			continue
		}
		if err := cl.Decay.Validate(); err != nil {
			bad("class %q: access decay: %v", cl.Name, err)
		}
		if n := len(cl.Decay.Zones); n > 0 {
			if t := cl.Rule.rule().Limit(); cl.Decay.Zones[n-1] > t {
				bad("class %q: access decay: the last zone ends at %v, beyond the rule's limit %v", cl.Name, cl.Decay.Zones[n-1], t)
			}
		}
	}
	return errs
}

// accessRun is what runAccess computed.
type accessRun struct {
	places   []coverage.Place
	extra    int // places that are query points (People 0), after the population's
	catch    *coverage.Catchments
	access   *coverage.Access
	capac    *coverage.Capacitated
	capacity []float64
	// decay is E2SFCA's decay per district (nil under 2SFCA).
	decay []coverage.Decay
	// cells: the places are raster cells (their polygons for the gap map).
	cells []orb.Polygon
}

// accessPlaces turns the population into places: points, or the centres
// of the raster's cells with people, each in the first district (input
// order) holding it in longitude and latitude; places in no district are
// left out.
func (a *Audit) accessPlaces() ([]coverage.Place, []orb.Polygon) {
	at := a.placeLocator()
	var out []coverage.Place
	var cells []orb.Polygon
	if pts, counts := a.population.Points(); pts != nil {
		for i, p := range pts {
			if d := at(p); d >= 0 && counts[i] > 0 {
				out = append(out, coverage.Place{Point: p, People: counts[i], District: d})
			}
		}
		return out, nil
	}
	g := a.population.Grid()
	for row := range g.Height {
		for col := range g.Width {
			v := g.Values[row*g.Width+col]
			if !(v > 0) {
				continue
			}
			west, north := g.X0+float64(col)*g.DX, g.Y0-float64(row)*g.DY
			c := orb.Point{west + g.DX/2, north - g.DY/2}
			if d := at(c); d >= 0 {
				out = append(out, coverage.Place{Point: c, People: v, District: d})
				cells = append(cells, orb.Polygon{{{west, north - g.DY}, {west + g.DX, north - g.DY}, {west + g.DX, north}, {west, north}, {west, north - g.DY}}})
			}
		}
	}
	return out, cells
}

// runAccess computes the accessibility index and the capacitated
// coverage asked for, with query points (nearest's) appended as places
// of no people, so that they do not change any station's demand.
func (a *Audit) runAccess(ctx context.Context, query []coverage.Place) error {
	ac := a.Config.Access
	if !ac.Enabled() {
		return nil
	}
	ar := &accessRun{}
	ar.places, ar.cells = a.accessPlaces()
	ar.extra = len(query)
	ar.places = append(ar.places, query...)
	var err error
	build := coverage.NewCatchments
	if ac.Method == "2sfca" && !ac.Capacitated {
		build = coverage.NewMemberships // the costs do not matter
	}
	if ar.catch, err = build(ctx, ar.places, a.Districts, a.ix, a.opts); err != nil {
		return InputError{err}
	}
	ar.capacity = make([]float64, len(a.Stations))
	for i, s := range a.Stations {
		ar.capacity[i] = s.Capacity
	}
	if ac.Method != "" {
		var decay []coverage.Decay
		if ac.Method == "e2sfca" {
			decay = make([]coverage.Decay, len(a.Districts))
			for i, d := range a.Districts {
				if cl := a.Config.Class(d.Class); cl != nil && cl.Decay != nil {
					decay[i] = *cl.Decay
				} else {
					decay[i] = defaultDecay(d.Rule.Limit())
				}
			}
		}
		ar.decay = decay
		acc := ar.catch.Access(ar.places, a.Districts, ar.capacity, decay)
		ar.access = &acc
	}
	if ac.Capacitated {
		pc := make([]float64, len(ar.capacity))
		for i, c := range ar.capacity {
			pc[i] = c * ac.PeoplePerUnit
		}
		order := ac.CapacityOrder
		if order == "" {
			order = "capacity"
		}
		capd := ar.catch.Capacitate(ar.places, pc, coverage.CapacityOrder(ar.capacity, order))
		ar.capac = &capd
	}
	a.access = ar
	return nil
}

// DistrictAccess is a district's accessibility index (capacity units per
// 10,000 people, see docs/accessibility.md) over the places it holds:
// the population-weighted mean, the least of any place with people, and
// the share of people below --min-access.
type DistrictAccess struct {
	Method        string         `json:"method"`
	Mean          *geodata.Fixed `json:"mean_per_10k"`
	Min           *geodata.Fixed `json:"min_per_10k"`
	People        geodata.Fixed  `json:"people"`
	BelowPeople   *geodata.Fixed `json:"below_min_people,omitempty"`
	BelowPct      *float64       `json:"below_min_pct,omitempty"`
	Places        int            `json:"places"`
	PlacesReached int            `json:"places_reached"`
}

// DistrictCapacity is a district's capacitated coverage: its people, those
// served within the stations' capacities, and the residual, split into
// those no station reaches and those some station reaches but whose
// capacity is spent (over capacity).
type DistrictCapacity struct {
	People        geodata.Fixed `json:"people"`
	Served        geodata.Fixed `json:"served"`
	Residual      geodata.Fixed `json:"residual"`
	OverCapacity  geodata.Fixed `json:"over_capacity"`
	OutOfReach    geodata.Fixed `json:"out_of_reach"`
	ServedPct     float64       `json:"served_pct"`
	ResidualPlace int           `json:"residual_places"`
}

// StationAccess is one station's capacity-aware figures: its capacity, the
// people of its catchment (decay-weighted under E2SFCA: the demand), its
// ratio (capacity units per 10,000 people of demand) and, with
// capacitated coverage, the people it serves and its place in the
// processing order (1 first).
type StationAccess struct {
	ID          string         `json:"id"`
	Capacity    float64        `json:"capacity"`
	Catchment   geodata.Fixed  `json:"catchment_people"`
	Places      int            `json:"catchment_places"`
	Demand      *geodata.Fixed `json:"demand,omitempty"`
	RatioPer10k *geodata.Fixed `json:"ratio_per_10k,omitempty"`
	Served      *geodata.Fixed `json:"served,omitempty"`
	Order       *int           `json:"order,omitempty"`
}

// AccessParameters are the report's record of how the measures were
// computed.
type AccessParameters struct {
	Method        string   `json:"method,omitempty"`
	Unit          string   `json:"unit"`
	MinAccess     *float64 `json:"min_access_per_10k,omitempty"`
	Capacitated   bool     `json:"capacitated,omitempty"`
	PeoplePerUnit *float64 `json:"people_per_unit,omitempty"`
	CapacityOrder string   `json:"capacity_order,omitempty"`
	Places        string   `json:"places"`
}

func fixed6(v float64) geodata.Fixed { return geodata.Fixed{V: v, Digits: 6} }

// accessParameters describes the run, nil without one.
func (a *Audit) accessParameters() *AccessParameters {
	if a.access == nil {
		return nil
	}
	ac := a.Config.Access
	p := &AccessParameters{Method: ac.Method, Unit: "capacity units per 10,000 people", Capacitated: ac.Capacitated, Places: "population points"}
	if a.access.cells != nil {
		p.Places = "raster cell centres"
	}
	if ac.HasMinAccess {
		v := ac.MinAccess
		p.MinAccess = &v
	}
	if ac.Capacitated {
		v := ac.PeoplePerUnit
		p.PeoplePerUnit = &v
		p.CapacityOrder = ac.CapacityOrder
		if p.CapacityOrder == "" {
			p.CapacityOrder = "capacity"
		}
	}
	return p
}

// districtAccess and districtCapacity report district i, nil without the
// measure.
func (a *Audit) districtAccess(i int) (*DistrictAccess, *DistrictCapacity) {
	ar := a.access
	if ar == nil {
		return nil, nil
	}
	n := len(ar.places) - ar.extra
	var da *DistrictAccess
	var dc *DistrictCapacity
	if ar.access != nil {
		da = &DistrictAccess{Method: a.Config.Access.Method}
		var people, sum, below float64
		lo := math.Inf(1)
		for k := range n {
			p := ar.places[k]
			if p.District != i {
				continue
			}
			da.Places++
			if ar.catch.Reached[k] > 0 {
				da.PlacesReached++
			}
			v := ar.access.Index[k] * AccessUnit
			people += p.People
			sum += p.People * v
			lo = min(lo, v)
			if a.Config.Access.HasMinAccess && v < a.Config.Access.MinAccess {
				below += p.People
			}
		}
		da.People = m2(people)
		if people > 0 {
			mean, mn := fixed6(sum/people), fixed6(lo)
			da.Mean, da.Min = &mean, &mn
		}
		if a.Config.Access.HasMinAccess {
			b := m2(below)
			pct := 0.0
			if people > 0 {
				pct = 100 * below / people
			}
			da.BelowPeople, da.BelowPct = &b, &pct
		}
	}
	if ar.capac != nil {
		var people, served, over, out float64
		res := 0
		for k := range n {
			p := ar.places[k]
			if p.District != i {
				continue
			}
			people += p.People
			s := ar.capac.Served[k]
			served += s
			if r := p.People - s; r > 0 {
				res++
				if ar.catch.Reached[k] > 0 {
					over += r
				} else {
					out += r
				}
			}
		}
		dc = &DistrictCapacity{People: m2(people), Served: m2(served), Residual: m2(people - served), OverCapacity: m2(over), OutOfReach: m2(out), ServedPct: 100, ResidualPlace: res}
		if people > 0 {
			dc.ServedPct = 100 * served / people
		}
	}
	return da, dc
}

// stationsAccess reports every station, in input order; nil without a
// measure.
func (a *Audit) stationsAccess() []StationAccess {
	ar := a.access
	if ar == nil {
		return nil
	}
	var pos []int
	if ar.capac != nil {
		pos = make([]int, len(a.Stations))
		for k, j := range ar.capac.Order {
			pos[j] = k + 1
		}
	}
	out := make([]StationAccess, len(a.Stations))
	for j, s := range a.Stations {
		sa := StationAccess{ID: s.ID, Capacity: s.Capacity}
		var people float64
		for _, m := range ar.catch.Members[j] {
			people += ar.places[m.Place].People
			if ar.places[m.Place].People > 0 {
				sa.Places++
			}
		}
		sa.Catchment = m2(people)
		if ar.access != nil {
			d, r := m2(ar.access.Demand[j]), fixed6(ar.access.Ratio[j]*AccessUnit)
			sa.Demand, sa.RatioPer10k = &d, &r
		}
		if ar.capac != nil {
			sv, o := m2(ar.capac.ByStation[j]), pos[j]
			sa.Served, sa.Order = &sv, &o
		}
		out[j] = sa
	}
	return out
}

// gapAccess is the population-weighted mean index of the places inside a
// gap polygon of district i (capacity units per 10,000 people), and their
// people; ok is false when no place with people lies in it.
func (a *Audit) gapAccess(i int, poly orb.Polygon) (mean, people float64, ok bool) {
	ar := a.access
	if ar == nil || ar.access == nil {
		return 0, 0, false
	}
	b := poly.Bound()
	var sum float64
	for k := range len(ar.places) - ar.extra {
		p := ar.places[k]
		if p.District != i || !b.Contains(p.Point) || !planar.PolygonContains(poly, p.Point) {
			continue
		}
		people += p.People
		sum += p.People * ar.access.Index[k] * AccessUnit
	}
	if people == 0 {
		return 0, 0, false
	}
	return sum / people, people, true
}

// overCapacityFeatures are the gap map's over-capacity features: every
// place some station reaches whose people are not all served (a point, or
// the raster cell), with its residual people.
func (a *Audit) overCapacityFeatures() []geodata.Feature {
	ar := a.access
	if ar == nil || ar.capac == nil {
		return nil
	}
	var out []geodata.Feature
	for k := range len(ar.places) - ar.extra {
		p := ar.places[k]
		r := p.People - ar.capac.Served[k]
		if r <= 0 || ar.catch.Reached[k] == 0 {
			continue
		}
		d := &a.Districts[p.District]
		f := geodata.Feature{Props: []geodata.Prop{
			{Key: "district", Value: d.Name},
			{Key: "district_id", Value: d.ID},
			{Key: "class", Value: d.Class},
			{Key: "kind", Value: "over-capacity"},
			{Key: "population", Value: m2(p.People)},
			{Key: "residual", Value: m2(r)},
			{Key: "stations_in_reach", Value: ar.catch.Reached[k]},
		}}
		if ar.cells != nil {
			f.Polygon = ar.cells[k]
		} else {
			pt := p.Point
			f.Point = &pt
		}
		out = append(out, f)
	}
	return out
}

// accessAt is the accessibility index (capacity per person, not per
// 10,000) of query places that add no demand: nearest's points and the
// surface's cells. Their catchments are built as the population's are
// (the same code, memberships only under 2SFCA) and weighed with the
// population's station ratios, summed in station order, so a query place
// where a population place lies gets its index bit for bit. Needs
// runAccess with an index method.
func (a *Audit) accessAt(ctx context.Context, query []coverage.Place) ([]float64, error) {
	ar := a.access
	if ar == nil || ar.access == nil {
		return nil, fmt.Errorf("audit: no accessibility index computed")
	}
	build := coverage.NewCatchments
	if ar.decay == nil {
		build = coverage.NewMemberships
	}
	c, err := build(ctx, query, a.Districts, a.ix, a.opts)
	if err != nil {
		return nil, InputError{err}
	}
	return c.Index(query, a.Districts, ar.access.Ratio, ar.decay), nil
}

package audit

import (
	"context"
	"fmt"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/roads"
)

// ObjectiveCapacitated serves the most people under capacitated coverage
// (check --capacitated), each new site of SuggestConfig.NewCapacity: see
// coverage.CapacitatedSuggest.
const ObjectiveCapacitated = "capacitated"

// checkCapacitated says what the capacitated objective misses, and asks
// for capacitated coverage (and the stations' capacities) in cfg.
func checkCapacitated(cfg *Config, sc SuggestConfig) error {
	switch {
	case sc.UntilCovered:
		return UsageError{"--objective capacitated places --add N sites; --until-covered is for the coverage objective"}
	case cfg.Population == "":
		return UsageError{"--objective capacitated needs --population FILE (the people the stations and sites serve)"}
	case !sc.HasNewCapacity:
		return UsageError{"--objective capacitated needs --new-capacity X (each new site's capacity, in the stations' capacity units)"}
	case !(sc.NewCapacity >= 0) || isInf(sc.NewCapacity):
		return UsageError{fmt.Sprintf("--new-capacity %v must be a number of at least 0", sc.NewCapacity)}
	case !(cfg.Access.PeoplePerUnit > 0):
		return UsageError{"--objective capacitated needs --people-per-unit N (the people one unit of capacity serves)"}
	}
	cfg.Access.Capacitated = true
	if cfg.Columns.CapacityCol == "" {
		cfg.Columns.CapacityCol = "capacity"
	}
	return nil
}

// capacitatedSites runs the capacitated objective after the audit: the
// stations' capacitated coverage as check computes it (runAccess), the
// candidates' catchments over the same places (a road search from each
// under the road rules), the greedy choice; it returns the choice and the
// capacitated coverage with the sites, for the report after them.
func (a *Audit) capacitatedSites(ctx context.Context, cands []candidate, sc SuggestConfig) (*coverage.CapSuggestResult, *accessRun, error) {
	if err := a.runAccess(ctx, nil); err != nil {
		return nil, nil, err
	}
	ar := a.access
	st := make([]coverage.Station, len(cands))
	for i, c := range cands {
		st[i] = coverage.Station{ID: c.ID, Name: c.Name, Point: c.Point}
	}
	copts := a.opts
	if a.roads != nil {
		copts.Roads = make([]*roads.Field, len(a.roads.fields))
		for k := range a.roads.fields {
			copts.Roads[k] = a.fieldFor(k, st)
		}
	}
	cc, err := coverage.NewCatchments(ctx, ar.places, a.Districts, coverage.NewIndex(st), copts)
	if err != nil {
		return nil, nil, InputError{err}
	}
	all := &coverage.Catchments{Members: append(append([][]coverage.Member{}, ar.catch.Members...), cc.Members...)}
	order := a.Config.Access.CapacityOrder
	if order == "" {
		order = "capacity"
	}
	res, err := coverage.CapacitatedSuggest(ctx, ar.places, all, ar.capacity, sc.NewCapacity, a.Config.Access.PeoplePerUnit, order, sc.Add, a.opts.Workers)
	if err != nil {
		return nil, nil, InputError{err}
	}
	// The capacitated coverage after: the stations, then the sites.
	after := *ar
	after.capac = &res.Final
	after.access = nil
	after.capacity = append([]float64{}, ar.capacity...)
	sub := &coverage.Catchments{Members: append([][]coverage.Member{}, ar.catch.Members...), Reached: append([]int32{}, ar.catch.Reached...)}
	for _, s := range res.Sites {
		ms := cc.Members[s.Candidate]
		sub.Members = append(sub.Members, ms)
		after.capacity = append(after.capacity, sc.NewCapacity)
		for _, m := range ms {
			sub.Reached[m.Place]++
		}
	}
	after.catch = sub
	return res, &after, nil
}

// capacitatedLine is the text and Markdown summary under the capacitated
// objective.
func (s *Suggestion) capacitatedLine() string {
	r := s.capac
	served := r.Served
	if n := len(r.Sites); n > 0 {
		served = r.Sites[n-1].Served
	}
	return fmt.Sprintf("%d site(s) by capacitated coverage (each %g unit(s), %g people): served %.0f -> %.0f of %.0f people, %.0f residual; no %d of these candidates serve more than %.0f (gap at most %.1f%%); %d of %d district(s) still fail",
		len(r.Sites), s.newCapacity, s.newCapacity*s.Config.Access.PeoplePerUnit, r.Served, served, r.People, r.People-served,
		s.add, r.UpperBound, 100*r.Gap(), s.failing, s.districts)
}

// capacitatedJSON is the summary's capacitated object.
func (s *Suggestion) capacitatedJSON() map[string]any {
	r := s.capac
	served := r.Served
	if n := len(r.Sites); n > 0 {
		served = r.Sites[n-1].Served
	}
	order := s.Config.Access.CapacityOrder
	if order == "" {
		order = "capacity"
	}
	return map[string]any{"sites_asked": s.add, "new_capacity": s.newCapacity, "people_per_unit": s.Config.Access.PeoplePerUnit,
		"capacity_order": order, "people": m2(r.People), "served_before": m2(r.Served), "served_after": m2(served),
		"residual_after": m2(r.People - served), "reachable": m2(r.Reachable), "capacity_bound": m2(r.CapacityBound),
		"upper_bound": m2(r.UpperBound), "gap_pct": geodata.Fixed{V: 100 * r.Gap(), Digits: 3}}
}

package audit

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"github.com/covaudit/covaudit/internal/table"
	"io"
	"strconv"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/covaudit/covaudit/geodesy"
	"github.com/covaudit/covaudit/roads"
	"github.com/paulmach/orb"
)

// NearestPoint is one point's answer: its district and class, the nearest
// station by the class's rule, the straight-line distance to it, the
// travel time (by road when there is a network, else by the speed model)
// or the network distance, and whether it meets the rule.
type NearestPoint struct {
	ID        string         `json:"id"`
	Name      string         `json:"name,omitempty"`
	Lon       geodata.Fixed  `json:"lon"`
	Lat       geodata.Fixed  `json:"lat"`
	District  *string        `json:"district"`
	Class     string         `json:"class"`
	Rule      string         `json:"rule"`
	Kind      string         `json:"kind"`
	Station   *string        `json:"station"`
	DistanceM *geodata.Fixed `json:"distance_m"`
	TimeS     *geodata.Fixed `json:"time_s"`
	RouteM    *geodata.Fixed `json:"route_m,omitempty"`
	// Cost is the rule's cost in its Unit (metres or seconds).
	Cost  *geodata.Fixed `json:"cost"`
	Unit  string         `json:"unit"`
	Meets bool           `json:"meets"`
	// With --access or --capacitated (see docs/accessibility.md):
	// Population, Served and Residual are the people of the population
	// points at exactly this point's coordinates (in the same district),
	// absent where there are none; Access is the point's index, capacity
	// units per 10,000 people, full precision (absent outside every
	// district).
	Population *geodata.Fixed `json:"population,omitempty"`
	Access     *float64       `json:"access_per_10k,omitempty"`
	Served     *geodata.Fixed `json:"served,omitempty"`
	Residual   *geodata.Fixed `json:"residual,omitempty"`
}

// NearestReport is nearest's output.
type NearestReport struct {
	// Access describes the capacity-aware measures, nil without them.
	Access      *AccessParameters `json:"access,omitempty"`
	Points      []NearestPoint    `json:"points"`
	Failing     int               `json:"failing"`
	Attribution []string          `json:"attribution"`
	Warnings    []string          `json:"warnings"`
}

// Nearest answers, for every point of the file (CSV or GeoJSON points in
// pointsCRS), which district holds it, its nearest station by that
// district's rule and whether it meets the rule; points outside every
// district take the class outsideClass.
func (a *Audit) Nearest(ctx context.Context, points string, pointsCRS crs.CRS, outsideClass string) (*NearestReport, error) {
	outside := a.Config.Class(outsideClass)
	if outside == nil {
		return nil, UsageError{fmt.Sprintf("--outside-class %q is not a class (classes: %s)", outsideClass, joinNonEmpty(", ", a.Config.ClassNames()...))}
	}
	if err := a.Config.checkPaths(namedPath{"--points", points}); err != nil {
		return nil, err
	}
	pin, err := loadInput("points", points, a.Config.Stdin)
	if err != nil {
		return nil, err
	}
	a.inputs = append(a.inputs, pin.hashed())
	pts, probs, err := stationsOf(ctx, pin, geodata.StationOptions{CRS: pointsCRS})
	if err != nil {
		return nil, InputError{err}
	}
	if len(probs) > 0 {
		if !a.Config.SkipInvalid {
			return nil, InputError{fmt.Errorf("%d invalid record(s) (use --skip-invalid to skip them):\n%w", len(probs), probs)}
		}
		for _, p := range probs {
			a.warn("skipped: " + p.Error())
		}
	}
	// The rule of points outside every district, its road field set as
	// loadRoads sets the districts'.
	outRule := outside.Rule.rule()
	if outRule.ByRoad() {
		outRule.Network = -1
		for _, d := range a.Districts {
			if d.Class == outside.Name {
				outRule = d.Rule
			}
		}
		if outRule.Network < 0 {
			return nil, UsageError{fmt.Sprintf("--outside-class %q: no district of that class, so its road rule has no network searched", outside.Name)}
		}
	}
	// Travel times for the distance rules: by road (the first time field)
	// when there is a network, else by the speed model.
	var timeField *roads.Field
	if a.roads != nil {
		for k, f := range a.roads.fields {
			if !f.distance {
				timeField = a.opts.Roads[k]
				break
			}
		}
	}
	speed := coverage.Rule{Kind: coverage.KindSpeed, TimeS: DefaultRuralTimeS, Detour: DefaultDetour, SpeedMS: DefaultSpeedMS}
	for _, cl := range a.Config.Classes {
		if cl.Rule.Kind == coverage.KindSpeed {
			speed = cl.Rule.rule()
			break
		}
	}
	districtAt := a.placeLocator()
	rep := &NearestReport{Points: make([]NearestPoint, len(pts)), Attribution: append([]string{}, a.Attribution...)}
	for i, p := range pts {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		np := NearestPoint{ID: p.ID, Name: p.Name, Lon: deg7(p.Point[0]), Lat: deg7(p.Point[1]), Class: outside.Name}
		rule := outRule
		if di := districtAt(p.Point); di >= 0 {
			d := &a.Districts[di]
			np.District, np.Class, rule = &d.Name, d.Class, d.Rule
		}
		np.Rule, np.Kind, np.Unit = ruleText(rule), string(rule.Kind), rule.Unit()
		cost, si, dist, route := a.ruleCost(p.Point, rule)
		var t float64
		timed := true
		if rule.ByRoad() {
			if si >= 0 {
				sp := a.Stations[si].Point
				dist = geodesy.Distance(p.Point[0], p.Point[1], sp[0], sp[1])
				r := cost3(route)
				np.RouteM = &r
			}
			if rule.Kind == coverage.KindRoadTime {
				t = cost
			} else {
				timed = false
			}
		} else {
			if timeField != nil {
				t, _, _ = timeField.Cost(p.Point[0], p.Point[1])
			} else {
				t = speed.Cost(dist)
			}
		}
		np.Meets = si >= 0 && cost <= rule.Limit()
		if si >= 0 {
			id := a.Stations[si].ID
			d, c := cost3(dist), cost3(cost)
			np.Station, np.DistanceM, np.Cost = &id, &d, &c
			if timed {
				tt := cost3(t)
				np.TimeS = &tt
			}
		}
		if !np.Meets {
			rep.Failing++
		}
		rep.Points[i] = np
	}
	if err := a.nearestAccess(ctx, pts, rep); err != nil {
		return nil, err
	}
	rep.Warnings = append([]string{}, a.Warnings...)
	return rep, nil
}

// nearestAccess adds the capacity-aware measures to nearest's points: the
// index of each point in a district (a place of no people, so the
// stations' demand is the population's alone) and, at the coordinates of
// population points, their people, served and residual.
func (a *Audit) nearestAccess(ctx context.Context, pts []coverage.Station, rep *NearestReport) error {
	if !a.Config.Access.Enabled() {
		return nil
	}
	if a.access == nil {
		if err := a.runAccess(ctx, nil); err != nil {
			return err
		}
	}
	ar := a.access
	rep.Access = a.accessParameters()
	at := a.placeLocator()
	var query []coverage.Place
	var row []int
	for i, p := range pts {
		if d := at(p.Point); d >= 0 {
			query = append(query, coverage.Place{Point: p.Point, District: d})
			row = append(row, i)
		}
	}
	if ar.access != nil {
		idx, err := a.accessAt(ctx, query)
		if err != nil {
			return err
		}
		for q, i := range row {
			v := idx[q] * AccessUnit
			rep.Points[i].Access = &v
		}
	}
	type spot struct {
		p orb.Point
		d int
	}
	byPoint := map[spot][]int{}
	for k, p := range ar.places[:len(ar.places)-ar.extra] {
		byPoint[spot{p.Point, p.District}] = append(byPoint[spot{p.Point, p.District}], k)
	}
	for q, i := range row {
		ks := byPoint[spot{query[q].Point, query[q].District}]
		if len(ks) == 0 {
			continue
		}
		var people, served float64
		for _, k := range ks {
			people += ar.places[k].People
			if ar.capac != nil {
				served += ar.capac.Served[k]
			}
		}
		np := &rep.Points[i]
		pp := m2(people)
		np.Population = &pp
		if ar.capac != nil {
			s, r := m2(served), m2(people-served)
			np.Served, np.Residual = &s, &r
		}
	}
	return nil
}

// Write writes the report as text, json or csv.
func (r *NearestReport) Write(w io.Writer, format string) error {
	switch format {
	case "json":
		return WriteJSON(w, r)
	case "csv":
		cw := csv.NewWriter(w)
		head := []string{"id", "name", "lon", "lat", "district", "class", "rule", "station", "distance_m", "time_s", "route_m", "cost", "unit", "meets"}
		index, capd := r.Access != nil && r.Access.Method != "", r.Access != nil && r.Access.Capacitated
		if r.Access != nil {
			head = append(head, "population")
		}
		if index {
			head = append(head, "access_per_10k")
		}
		if capd {
			head = append(head, "served", "residual")
		}
		cw.Write(head)
		for _, p := range r.Points {
			rec := []string{p.ID, p.Name, p.Lon.String(), p.Lat.String(), strOr(p.District), p.Class, p.Rule, strOr(p.Station),
				fixedOr(p.DistanceM), fixedOr(p.TimeS), fixedOr(p.RouteM), fixedOr(p.Cost), p.Unit, strconv.FormatBool(p.Meets)}
			if r.Access != nil {
				rec = append(rec, fixedOr(p.Population))
			}
			if index {
				v := ""
				if p.Access != nil {
					v = strconv.FormatFloat(*p.Access, 'g', -1, 64)
				}
				rec = append(rec, v)
			}
			if capd {
				rec = append(rec, fixedOr(p.Served), fixedOr(p.Residual))
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	}
	tw := table.NewWriter(w)
	index, capd := r.Access != nil && r.Access.Method != "", r.Access != nil && r.Access.Capacitated
	head := "POINT\tDISTRICT\tRULE\tSTATION\tDISTANCE\tTIME\tMEETS"
	if index {
		head += "\tACCESS/10K"
	}
	if capd {
		head += "\tSERVED\tRESIDUAL"
	}
	fmt.Fprintln(tw, head)
	for _, p := range r.Points {
		dist, tm := "-", "-"
		if p.DistanceM != nil {
			dist = fmtKm(p.DistanceM.V)
		}
		if p.TimeS != nil {
			tm = fmtTime(p.TimeS.V)
		} else if p.RouteM != nil {
			tm = fmtKm(p.Cost.V) + " by road"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s", cmp.Or(p.Name, p.ID), cmp.Or(strOr(p.District), "(outside)"), p.Rule,
			cmp.Or(strOr(p.Station), "none"), dist, tm, map[bool]string{true: "yes", false: "NO"}[p.Meets])
		if index {
			v := "-"
			if p.Access != nil {
				v = strconv.FormatFloat(*p.Access, 'f', 4, 64)
			}
			fmt.Fprintf(tw, "\t%s", v)
		}
		if capd {
			fmt.Fprintf(tw, "\t%s\t%s", cmp.Or(fixedOr(p.Served), "-"), cmp.Or(fixedOr(p.Residual), "-"))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d point(s): %d meet their rule, %d do not\n", len(r.Points), len(r.Points)-r.Failing, r.Failing)
	return err
}

func strOr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func fixedOr(f *geodata.Fixed) string {
	if f == nil {
		return ""
	}
	return f.String()
}

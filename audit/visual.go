package audit

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/report"
)

// reportData is the audit as the HTML and SVG reports draw it.
func (a *Audit) reportData() report.Data {
	d := report.Data{Title: "covaudit coverage audit", Attribution: a.Attribution}
	if a.Demo {
		d.Title = "covaudit coverage audit: Andorra demo"
	}
	s := a.summary()
	d.Summary = fmt.Sprintf("%d of %d districts pass; %.3f of %.3f km² uncovered (covered %.2f%%); %d stations.",
		s.Passing, s.Districts, s.UncoveredM2.V/1e6, s.AreaM2.V/1e6, s.CoveredPct, s.Stations)
	for i := range a.Results {
		r := &a.Results[i]
		rd := report.District{Name: r.District.Name, Class: r.District.Class, Rule: ruleText(r.District.Rule),
			AreaM2: r.AreaM2, UncoveredM2: r.UncoveredM2, CoveredPct: r.CoveredPct, Pass: r.Pass,
			FailReason: failReason(r), Population: r.Population, UncoveredPeople: r.UncoveredPopulation, Geometry: r.District.Geometry}
		if r.Travel != nil {
			rd.Travel = fmt.Sprintf("median %s, 95%% %s, max %s", fmtTime(r.Travel.MedianS), fmtTime(r.Travel.P95S), fmtTime(r.Travel.MaxS))
			for k, p := range r.Travel.Grid {
				d.Times = append(d.Times, report.TimeSample{Point: p, Seconds: r.Travel.TimesS[k], SpacingM: r.Travel.SpacingM, District: len(d.Districts)})
			}
		}
		if r.Worst.Station >= 0 {
			st := a.Stations[r.Worst.Station]
			label := st.Name
			if label == "" {
				label = st.ID
			}
			cost := fmtKm(r.Worst.DistanceM)
			if r.District.Rule.Unit() == "s" {
				cost = fmtTime(r.WorstCost) + ", " + cost
			}
			rd.Worst = &report.Worst{Point: r.Worst.Point, Cost: cost, Station: label, Value: r.WorstCost, Unit: r.District.Rule.Unit()}
		}
		d.Districts = append(d.Districts, rd)
		for _, g := range r.Gaps {
			d.Gaps = append(d.Gaps, report.Gap{District: r.District.Name, AreaM2: g.AreaM2, Polygon: g.Polygon, Kind: g.Kind})
		}
	}
	for _, st := range a.Stations {
		d.Stations = append(d.Stations, report.Station{ID: st.ID, Name: st.Name, Point: st.Point})
	}
	d.Population = a.hasPopulation
	if a.population != nil {
		// Points are drawn up to maxDrawnPeople (a raster is not drawn);
		// the district figures count them all.
		if pts, counts := a.population.Points(); len(pts) <= maxDrawnPeople {
			for i, p := range pts {
				d.People = append(d.People, report.Person{Point: p, Count: counts[i]})
			}
		}
	}
	d.Sites = a.sites
	d.Run = a.runRecord()
	return d
}

// runRecord is the report's record of the run: what the JSON report's
// meta, warnings and summary say, for people.
func (a *Audit) runRecord() *report.RunRecord {
	rep := a.Report()
	m := rep.Meta
	rr := &report.RunRecord{Tool: m.Tool, Version: m.Version, Command: m.Command,
		Warnings: []string{}, Skipped: []string{}, Missing: []string{}}
	dname := ""
	for _, in := range m.Inputs {
		rr.Inputs = append(rr.Inputs, report.Input{Role: in.Role, Name: in.Name, Bytes: in.Bytes, SHA256: in.SHA256})
		if in.Role == "districts" && dname == "" {
			dname = in.Name
		}
	}
	for _, cl := range a.Config.Classes {
		r := cl.Rule.rule()
		if r.ByRoad() {
			r.Profile = cmp.Or(r.Profile, a.Config.Roads.Profile)
			r.Direction = cmp.Or(r.Direction, a.Config.Roads.Direction)
		}
		vals := append([]string{}, cl.Values...)
		if cl.Name == a.Config.DefaultClass {
			vals = append(vals, "(and every district matching no class)")
		}
		rr.Classes = append(rr.Classes, report.ClassRule{Name: cl.Name, Values: vals, Rule: ruleText(r), Detail: ruleDetail(ruleJSON(r))})
	}
	keys := make([]string, 0, len(m.Parameters))
	for k := range m.Parameters {
		if k != "classes" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		rr.Parameters = append(rr.Parameters, report.Parameter{Name: k, Value: paramText(m.Parameters[k])})
	}
	if ri := rep.Roads; ri != nil {
		rr.Parameters = append(rr.Parameters,
			report.Parameter{Name: "roads: profile, direction", Value: ri.Profile + ", " + ri.Direction},
			report.Parameter{Name: "roads: access legs", Value: fmt.Sprintf("%g km/h, up to %s", ri.AccessKmh, fmtKm(ri.MaxAccessM))},
			report.Parameter{Name: "roads: tolerance_pct", Value: paramText(ri.TolerancePct)},
			report.Parameter{Name: "roads: network", Value: fmt.Sprintf("%d nodes, %d segments, %d ways, %.1f km; %d station joins", ri.Nodes, ri.Segments, ri.Ways, ri.LengthKm.V, ri.StationJoins)})
	}
	// Skipped records are the warnings load gave them ("skipped: FILE:
	// ..."); those of the districts file are the districts missing.
	for _, w := range rep.Warnings {
		rest, skipped := strings.CutPrefix(w, "skipped: ")
		switch {
		case !skipped:
			rr.Warnings = append(rr.Warnings, w)
		case dname != "" && strings.HasPrefix(rest, dname+":"):
			rr.Skipped = append(rr.Skipped, rest)
			rr.Missing = append(rr.Missing, rest)
		default:
			rr.Skipped = append(rr.Skipped, rest)
		}
	}
	sum := rep.Summary
	n := sum.Districts + sum.SkippedDistricts
	if sum.SkippedDistricts == 0 {
		rr.Districts = fmt.Sprintf("All %d district(s) of %s were audited.", n, dname)
	} else {
		rr.Districts = fmt.Sprintf("%d of %d district(s) of %s were audited; %d were left out as invalid (--skip-invalid), each below with the reason:",
			sum.Districts, n, dname, sum.SkippedDistricts)
	}
	if sum.SkippedStations > 0 {
		rr.Parameters = append(rr.Parameters, report.Parameter{Name: "stations skipped as invalid", Value: strconv.Itoa(sum.SkippedStations)})
	}
	return rr
}

// ruleDetail states a rule's every setting: "road-time: 1800 s, car,
// to-station, 60 s delay at the station".
func ruleDetail(j ReportRule) string {
	parts := []string{fmt.Sprintf("%s: %g %s", j.Kind, j.Threshold, j.Unit)}
	if j.RadiusM.V > 0 && j.Kind != "radius" {
		parts = append(parts, fmt.Sprintf("radius %s m", j.RadiusM))
	}
	if j.DetourF != nil {
		parts = append(parts, fmt.Sprintf("detour %g", *j.DetourF))
	}
	if j.SpeedKmh != nil {
		parts = append(parts, fmt.Sprintf("speed %s km/h", j.SpeedKmh))
	}
	if j.Profile != "" {
		parts = append(parts, "profile "+j.Profile)
	}
	if j.Direction != "" {
		parts = append(parts, j.Direction)
	}
	if j.DelayS != nil {
		parts = append(parts, fmt.Sprintf("%g s delay at the station", *j.DelayS))
	}
	return strings.Join(parts, ", ")
}

// paramText writes a parameter's value for people.
func paramText(v any) string {
	switch x := v.(type) {
	case string:
		if x == "" {
			return "(none)"
		}
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "(none)"
	}
	var b strings.Builder
	if err := WriteJSON(&b, v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(b.String())
}

// sourceDate is the date of the reports: SOURCE_DATE_EPOCH (seconds since
// 1970, UTC; see reproducible-builds.org) when set, else "" (no date, so
// that the same inputs give the same bytes; never the clock).
func sourceDate() (string, error) {
	v, ok := os.LookupEnv("SOURCE_DATE_EPOCH")
	if !ok || v == "" {
		return "", nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > 253402300799 {
		return "", UsageError{fmt.Sprintf("SOURCE_DATE_EPOCH: %q is not a whole number of seconds since 1970 (0 to 253402300799)", v)}
	}
	return time.Unix(n, 0).UTC().Format("2006-01-02 15:04:05 UTC") + " (SOURCE_DATE_EPOCH)", nil
}

// maxDrawnPeople is the most population points the maps draw.
const maxDrawnPeople = 50000

// writeVisuals writes the HTML and SVG reports asked for.
func (a *Audit) writeVisuals() error {
	if a.Config.Output.HTML == "" && a.Config.Output.SVG == "" {
		return nil
	}
	date, err := sourceDate()
	if err != nil {
		return err
	}
	d := a.reportData()
	d.Run.Date = date
	return a.writeVisualData(d)
}

// writeVisuals writes suggest's HTML and SVG pages: titled as such, with
// the sites' table (what each gains) and suggest's settings in the run
// record. (It is the method Suggestion.Write calls: it takes precedence
// over the embedded Audit's.)
func (s *Suggestion) writeVisuals() error {
	if s.Config.Output.HTML == "" && s.Config.Output.SVG == "" {
		return nil
	}
	date, err := sourceDate()
	if err != nil {
		return err
	}
	d := s.reportData()
	d.Run.Date = date
	d.Title = "covaudit suggested sites"
	if s.Demo {
		d.Title += ": Andorra demo"
	}
	d.Suggest = true
	d.Summary = s.summaryLine() + ". Before the sites: " + d.Summary
	for i := range d.Sites {
		if i < len(s.res.Sites) {
			st := s.res.Sites[i]
			d.Sites[i].Gain = report.SiteGain{GainM2: st.GainM2, GainPeople: st.GainPeople, UncoveredAfterM2: st.UncoveredM2, UncoveredPeopleAfter: st.UncoveredPeople}
		}
	}
	by := "land"
	if s.res.ByPeople {
		by = "people"
	}
	cands := "a grid over the gaps and each gap's farthest place"
	for _, in := range d.Run.Inputs {
		if in.Role == "candidates" {
			cands = in.Name
		}
	}
	d.Run.Parameters = append(d.Run.Parameters,
		report.Parameter{Name: "suggest: sites proposed", Value: strconv.Itoa(len(s.res.Sites))},
		report.Parameter{Name: "suggest: until every district passes", Value: strconv.FormatBool(s.untilCovered)},
		report.Parameter{Name: "suggest: sites chosen by", Value: by},
		report.Parameter{Name: "suggest: candidates", Value: fmt.Sprintf("%d, from %s", len(s.cands), cands)},
		report.Parameter{Name: "suggest: fewest sites that could cover as much", Value: strconv.Itoa(s.res.LowerBound)},
		report.Parameter{Name: "suggest: swaps that improved the greedy choice", Value: strconv.Itoa(s.res.Swaps)})
	if note := s.roadNote(); note != "" {
		d.Run.Parameters = append(d.Run.Parameters, report.Parameter{Name: "suggest: road districts", Value: note})
	}
	return s.writeVisualData(d)
}

// writeVisualData writes d as the HTML and SVG reports asked for.
func (a *Audit) writeVisualData(d report.Data) error {
	o := a.Config.Output
	ro := report.Options{Basemap: o.Basemap}
	if o.HTML != "" {
		if err := geodata.WriteFileAtomic(o.HTML, func(w io.Writer) error { return report.WriteHTML(w, d, ro) }); err != nil {
			return OutputError{err}
		}
	}
	if o.SVG != "" {
		if err := geodata.WriteFileAtomic(o.SVG, func(w io.Writer) error { return report.WriteSVG(w, d, ro) }); err != nil {
			return OutputError{err}
		}
	}
	return nil
}

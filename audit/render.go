package audit

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/covaudit/covaudit/internal/table"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/report"
	"github.com/paulmach/orb"
)

// Report precision: areas 0.01 m2, coordinates 1e-7 degrees, costs 1 mm or
// 1 ms, so that reports diff cleanly. covered_pct is written unrounded.
func m2(v float64) geodata.Fixed    { return geodata.Fixed{V: v, Digits: 2} }
func deg7(v float64) geodata.Fixed  { return geodata.Fixed{V: v, Digits: 7} }
func cost3(v float64) geodata.Fixed { return geodata.Fixed{V: v, Digits: 3} }

// Report is check's JSON report (--format json): the run's parameters
// and inputs, the data's attribution, the warnings, one entry per district
// in input order and the summary. Areas are m² (written to 0.01 m²),
// coordinates WGS84 degrees (1e-7), times seconds, distances metres.
type Report struct {
	Meta        ReportMeta       `json:"meta"`
	Attribution []string         `json:"attribution"`
	Warnings    []string         `json:"warnings"`
	Districts   []DistrictReport `json:"districts"`
	Summary     Summary          `json:"summary"`
	// Roads describes the road network, with --roads.
	Roads *RoadSummary `json:"roads,omitempty"`
	// ShardData carries a shard's results for covaudit merge (check
	// --shard): base64 of a gob stream, exact to the bit.
	ShardData string `json:"shard_data,omitempty"`
	// With --access or --capacitated: how the measures were computed and
	// every station's figures (see docs/accessibility.md).
	Access   *AccessParameters `json:"access,omitempty"`
	Stations []StationAccess   `json:"stations,omitempty"`
}

// ReportMeta says what produced a report: the command, every parameter
// (as configured) and each input with its SHA-256.
type ReportMeta struct {
	Tool       string         `json:"tool"`
	Version    string         `json:"version"`
	Command    string         `json:"command"`
	Parameters map[string]any `json:"parameters"`
	Inputs     []ReportInput  `json:"inputs"`
	// Shard is the note of a shard's report (check --shard) or of one
	// merged from shards (merge).
	Shard *ShardMeta `json:"shard,omitempty"`
	// Scenario is what --close and --speed-factor changed in the road
	// network, when given.
	Scenario *ScenarioReport `json:"scenario,omitempty"`
	// HeadScenario is diff's head-side scenario (--head-close,
	// --head-speed-factor).
	HeadScenario *ScenarioReport `json:"head_scenario,omitempty"`
}

// ReportInput is one input file: its role (districts, stations, roads,
// population), name as given, SHA-256 (hex) and size in bytes.
type ReportInput struct {
	Role   string `json:"role"`
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// ReportRule is a district's rule: Kind is radius, speed, road-time or
// road-distance; Threshold in Unit (m or s); RadiusM the straight-line
// radius of the distance kinds (0 under the road kinds).
type ReportRule struct {
	Kind      string         `json:"kind"`
	Threshold float64        `json:"threshold"`
	Unit      string         `json:"unit"`
	RadiusM   geodata.Fixed  `json:"radius_m"`
	DetourF   *float64       `json:"detour,omitempty"`
	SpeedKmh  *geodata.Fixed `json:"speed_kmh,omitempty"`
	// Road rules: who travels, which way, and the delay added at every
	// station, seconds (see the report's roads).
	Profile   string   `json:"profile,omitempty"`
	Direction string   `json:"direction,omitempty"`
	DelayS    *float64 `json:"delay_s,omitempty"`
}

// TravelTimes is a road district's travel times, seconds, over a regular
// grid of Samples places SpacingM metres apart: sampled values (MaxS is the
// largest sampled, a lower bound of the true maximum).
type TravelTimes struct {
	MedianS  geodata.Fixed `json:"median_s"`
	P95S     geodata.Fixed `json:"p95_s"`
	MaxS     geodata.Fixed `json:"max_s"`
	Samples  int           `json:"samples"`
	SpacingM geodata.Fixed `json:"spacing_m"`
}

// WorstPlace is the place of a district farthest from every station
// (distance kinds: exact; road kinds: the costliest sampled place), its
// cost in Unit (m or s), straight-line distance and nearest station; all
// nil when no station exists, with Reason saying why.
type WorstPlace struct {
	Lon       *geodata.Fixed `json:"lon"`
	Lat       *geodata.Fixed `json:"lat"`
	Cost      *geodata.Fixed `json:"cost"`
	Unit      string         `json:"unit"`
	DistanceM *geodata.Fixed `json:"distance_m"`
	Station   *string        `json:"station"`
	Name      *string        `json:"station_name,omitempty"`
	Reason    string         `json:"reason,omitempty"`
	// Sampled: the road kinds' worst place is the costliest of Samples
	// places on a regular grid (see DistrictReport.TravelTime), a lower
	// bound of the true maximum.
	Sampled bool `json:"sampled,omitempty"`
	Samples int  `json:"samples,omitempty"`
}

// DistrictReport is one district's audit: area and uncovered area (m²,
// the middle of the bracket [UncoveredLower, UncoveredUpper] that holds the
// truth), the covered share (percent, unrounded), the gaps, whether it
// passes and why not.
type DistrictReport struct {
	Name             string        `json:"name"`
	ID               string        `json:"id"`
	Class            string        `json:"class"`
	Rule             ReportRule    `json:"rule"`
	AreaM2           geodata.Fixed `json:"area_m2"`
	UncoveredM2      geodata.Fixed `json:"uncovered_m2"`
	UncoveredLower   geodata.Fixed `json:"uncovered_m2_lower"`
	UncoveredUpper   geodata.Fixed `json:"uncovered_m2_upper"`
	CoveredPct       float64       `json:"covered_pct"`
	CountedUncovered geodata.Fixed `json:"counted_uncovered_m2"`
	Gaps             int           `json:"gaps"`
	StationsInReach  int           `json:"stations_in_reach"`
	Pass             bool          `json:"pass"`
	FailReason       string        `json:"fail_reason"`
	Worst            WorstPlace    `json:"worst"`
	// With --population:
	Population           *geodata.Fixed `json:"population,omitempty"`
	PopulationUncovered  *geodata.Fixed `json:"population_uncovered,omitempty"`
	PopulationCoveredPct *float64       `json:"population_covered_pct,omitempty"`
	// With --stations-report: share of the area covered by two stations
	// or more.
	RedundantPct *float64 `json:"redundant_pct,omitempty"`
	// Road rule: whether the limit lies within the bracket, whether the
	// bracket is as narrow as --tolerance asked, the uncovered land with no
	// road or station within --max-access, travel times, and the grid.
	Undecided    *bool          `json:"undecided,omitempty"`
	ToleranceMet *bool          `json:"tolerance_met,omitempty"`
	NoAccessM2   *geodata.Fixed `json:"no_access_m2,omitempty"`
	TravelTime   *TravelTimes   `json:"travel_time,omitempty"`
	Cells        *int           `json:"cells,omitempty"`
	FinestCellM  *geodata.Fixed `json:"finest_cell_m,omitempty"`
	// With --access: the accessibility index; with --capacitated: the
	// capacitated coverage.
	Access      *DistrictAccess   `json:"access,omitempty"`
	Capacitated *DistrictCapacity `json:"capacitated,omitempty"`
}

// Summary totals the districts: how many pass and fail, what was skipped,
// the stations used, area and uncovered area (m²) and the covered share.
type Summary struct {
	Districts        int           `json:"districts"`
	Passing          int           `json:"passing"`
	Failing          int           `json:"failing"`
	Skipped          int           `json:"skipped"`
	SkippedDistricts int           `json:"skipped_districts"`
	SkippedStations  int           `json:"skipped_stations"`
	Stations         int           `json:"stations"`
	AreaM2           geodata.Fixed `json:"area_m2"`
	UncoveredM2      geodata.Fixed `json:"uncovered_m2"`
	CoveredPct       float64       `json:"covered_pct"`
	// With --population:
	Population           *geodata.Fixed `json:"population,omitempty"`
	PopulationUncovered  *geodata.Fixed `json:"population_uncovered,omitempty"`
	PopulationCoveredPct *float64       `json:"population_covered_pct,omitempty"`
}

func ruleJSON(r coverage.Rule) ReportRule {
	t, unit := r.Threshold()
	j := ReportRule{Kind: string(r.Kind), Threshold: t, Unit: unit, RadiusM: m2(r.RadiusMeters())}
	if r.Kind == coverage.KindSpeed {
		d := r.Detour
		s := geodata.Fixed{V: r.SpeedMS * 3.6, Digits: 3}
		j.DetourF, j.SpeedKmh = &d, &s
	}
	if r.ByRoad() {
		j.Profile, j.Direction = r.Profile, r.Direction
	}
	if r.Kind == coverage.KindRoadTime && r.DelayS > 0 {
		d := r.DelayS
		j.DelayS = &d
	}
	return j
}

// roadInfo is the road network's summary, or nil.
func (a *Audit) roadInfo() *RoadSummary {
	if a.roads == nil {
		return nil
	}
	return a.roads.info
}

// classesJSON describes every class and its rule, for the report's meta.
func (a *Audit) classesJSON() []map[string]any {
	var out []map[string]any
	for _, cl := range a.Config.Classes {
		r := cl.Rule.rule()
		if r.ByRoad() {
			r.Profile = cmp.Or(r.Profile, a.Config.Roads.Profile)
			r.Direction = cmp.Or(r.Direction, a.Config.Roads.Direction)
		}
		out = append(out, map[string]any{"name": cl.Name, "values": append([]string{}, cl.Values...), "rule": ruleJSON(r)})
	}
	return out
}

func (a *Audit) worstJSON(r *coverage.Result) WorstPlace {
	w := WorstPlace{Unit: r.District.Rule.Unit()}
	if r.District.Rule.ByRoad() && r.Travel != nil {
		w.Sampled, w.Samples = true, r.Travel.Samples
	}
	if r.Worst.Station < 0 {
		w.Reason = "no station"
		if unreachable(r) {
			// A road district's sampled place that no station reaches.
			lon, lat := deg7(r.Worst.Point[0]), deg7(r.Worst.Point[1])
			w.Lon, w.Lat, w.Reason = &lon, &lat, "unreachable"
		}
		return w
	}
	lon, lat := deg7(r.Worst.Point[0]), deg7(r.Worst.Point[1])
	c, d := cost3(r.WorstCost), cost3(r.Worst.DistanceM)
	st := a.Stations[r.Worst.Station]
	w.Lon, w.Lat, w.Cost, w.DistanceM, w.Station = &lon, &lat, &c, &d, &st.ID
	if st.Name != "" {
		w.Name = &st.Name
	}
	return w
}

func (a *Audit) summary() Summary {
	s := Summary{Districts: len(a.Results), SkippedDistricts: a.skippedD, SkippedStations: a.skippedS, Skipped: a.skippedD + a.skippedS, Stations: len(a.Stations)}
	var area, unc float64
	for _, r := range a.Results {
		if r.Pass {
			s.Passing++
		} else {
			s.Failing++
		}
		area += r.AreaM2
		unc += r.UncoveredM2
	}
	s.AreaM2, s.UncoveredM2 = m2(area), m2(unc)
	if area > 0 {
		s.CoveredPct = 100 * (1 - unc/area)
	}
	if a.hasPopulation {
		var pop, pu float64
		for _, r := range a.Results {
			pop += r.Population
			pu += r.UncoveredPopulation
		}
		s.Population, s.PopulationUncovered, s.PopulationCoveredPct = people(pop, pu)
	}
	return s
}

// Report returns the report of a run (after Run): what WriteReport writes
// as JSON.
func (a *Audit) Report() Report {
	c := &a.Config
	params := map[string]any{
		"classes":              a.classesJSON(),
		"min_coverage_pct":     c.MinCoveragePct,
		"ignore_gaps_under_m2": c.IgnoreGapsUnderM2,
		"chord_error_m":        c.ChordErrorM,
		"class_field":          c.ClassField,
		"default_class":        c.DefaultClass,
		"name_field":           c.NameField,
		"skip_invalid":         c.SkipInvalid,
		"min_coverage_by":      map[bool]string{false: "area", true: "population"}[c.PassByPopulation],
	}
	if a.hasPopulation {
		params["population_field"] = c.PopulationField
	}
	rep := Report{
		Meta:        ReportMeta{Tool: "covaudit", Version: a.Version, Command: a.Command, Parameters: params, Scenario: a.scenario, HeadScenario: a.headScenario},
		Attribution: append([]string{}, a.Attribution...),
		Warnings:    append([]string{}, a.Warnings...),
		Districts:   []DistrictReport{},
		Summary:     a.summary(),
	}
	for _, in := range a.inputs {
		rep.Meta.Inputs = append(rep.Meta.Inputs, ReportInput{Role: in.role, Name: in.name, SHA256: in.sha256(), Bytes: in.bytes()})
	}
	if a.meta != nil {
		// Merged from shards: the meta they share.
		rep.Meta = *a.meta
		rep.Meta.Shard = &ShardMeta{Count: a.shardCount, Merged: true, Districts: len(a.Results), InputsSHA256: metaSHA256(*a.meta)}
	} else if sh := a.Config.Shard; sh.Count > 0 {
		rep.Meta.Shard = &ShardMeta{Index: sh.Index, Count: sh.Count, Districts: len(a.Districts), InputsSHA256: metaSHA256(rep.Meta)}
	}
	for i := range a.Results {
		r := &a.Results[i]
		rep.Districts = append(rep.Districts, DistrictReport{
			Name: r.District.Name, ID: r.District.ID, Class: r.District.Class,
			Rule:   ruleJSON(r.District.Rule),
			AreaM2: m2(r.AreaM2), UncoveredM2: m2(r.UncoveredM2),
			UncoveredLower: m2(r.UncoveredLowerM2), UncoveredUpper: m2(r.UncoveredUpperM2),
			CoveredPct: r.CoveredPct, CountedUncovered: m2(r.CountedUncoveredM2),
			Gaps: len(r.Gaps), StationsInReach: r.Stations,
			Pass: r.Pass, FailReason: failReason(r), Worst: a.worstJSON(r),
		})
		d := &rep.Districts[len(rep.Districts)-1]
		if a.hasPopulation {
			d.Population, d.PopulationUncovered, d.PopulationCoveredPct = people(r.Population, r.UncoveredPopulation)
		}
		if a.redundancy != nil {
			v := a.redundancy[i].RedundantPct
			d.RedundantPct = &v
		}
		d.Access, d.Capacitated = a.districtAccess(i)
		if r.Travel != nil {
			und, met, na, cells, cm := r.Undecided, r.ToleranceMet, m2(r.NoAccessM2), r.RoadCells, cost3(r.RoadCellM)
			d.Undecided, d.ToleranceMet, d.NoAccessM2, d.Cells, d.FinestCellM = &und, &met, &na, &cells, &cm
			d.TravelTime = &TravelTimes{MedianS: cost3(r.Travel.MedianS), P95S: cost3(r.Travel.P95S), MaxS: cost3(r.Travel.MaxS),
				Samples: r.Travel.Samples, SpacingM: cost3(r.Travel.SpacingM)}
		}
	}
	rep.Roads = a.roadInfo()
	rep.Access, rep.Stations = a.accessParameters(), a.stationsAccess()
	return rep
}

// WriteJSON writes v as indented JSON, leaving <, > and & unescaped so that
// names and messages read as written.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteReport writes the report in Output.Format; a failed write is an
// error whichever part of the report it hit.
func (a *Audit) WriteReport(w io.Writer) error {
	sw := &stickyWriter{w: w}
	var err error
	switch a.Config.Output.Format {
	case "json":
		rep := a.Report()
		if a.Config.Shard.Count > 0 {
			if rep.ShardData, err = a.encodeShard(rep.Meta); err != nil {
				return err
			}
		}
		err = WriteJSON(sw, rep)
	case "csv":
		err = a.writeCSV(sw)
	case "markdown":
		err = a.writeMarkdown(sw)
	default:
		err = a.writeText(sw)
	}
	if err != nil {
		return err
	}
	return sw.err
}

// stickyWriter keeps the first write error, so that writers that print
// many lines need not check each one; it writes nothing after it.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	s.err = err
	return n, err
}

// ruleText describes a rule for people: "2 km" or "30 min (15.4 km)".
func ruleText(r coverage.Rule) string {
	switch r.Kind {
	case coverage.KindRoadTime:
		t := fmt.Sprintf("%s by %s", fmtTime(r.TimeS), r.Profile)
		if r.Direction == "from-station" {
			t += " from the station"
		}
		if r.DelayS > 0 {
			t += fmt.Sprintf(" after %s", fmtTime(r.DelayS))
		}
		return t
	case coverage.KindRoadDistance:
		return fmt.Sprintf("%s by %s on roads", fmtKm(r.DistanceM), r.Profile)
	}
	if r.Kind == coverage.KindSpeed {
		return fmt.Sprintf("%s (%s)", fmtTime(r.TimeS), fmtKm(r.RadiusMeters()))
	}
	return fmtKm(r.RadiusM)
}

func fmtKm(m float64) string {
	if m >= 1000 {
		return strconv.FormatFloat(math.Round(m/10)/100, 'f', -1, 64) + " km"
	}
	return strconv.FormatFloat(math.Round(m*10)/10, 'f', -1, 64) + " m"
}

func fmtTime(s float64) string {
	if s >= 60 {
		return strconv.FormatFloat(math.Round(s/6)/10, 'f', -1, 64) + " min"
	}
	return strconv.FormatFloat(math.Round(s*10)/10, 'f', -1, 64) + " s"
}

func (a *Audit) worstText(r *coverage.Result) string {
	if r.Worst.Station < 0 {
		if unreachable(r) {
			return fmt.Sprintf("unreachable (no road or station within reach on foot) at %.5f,%.5f", r.Worst.Point[1], r.Worst.Point[0])
		}
		return "no station"
	}
	st := a.Stations[r.Worst.Station]
	label := st.ID
	if st.Name != "" {
		label = st.Name
	}
	c := fmtKm(r.Worst.DistanceM)
	switch r.District.Rule.Kind {
	case coverage.KindSpeed:
		c = fmtTime(r.WorstCost) + ", " + c
	case coverage.KindRoadTime:
		// The costliest of the sampled places: the true maximum is at least this.
		c = "≥" + fmtTime(r.WorstCost) + ", " + c
	case coverage.KindRoadDistance:
		c = "≥" + fmtKm(r.WorstCost) + " by road, " + c
	}
	return fmt.Sprintf("%s to %s at %.5f,%.5f", c, label, r.Worst.Point[1], r.Worst.Point[0])
}

// unreachable says whether a road district's worst place is one no
// station reaches (an infinite cost at a sampled place), rather than a
// district without stations.
func unreachable(r *coverage.Result) bool {
	return r.District.Rule.ByRoad() && math.IsInf(r.WorstCost, 1) && r.Worst.Point != (orb.Point{})
}

// passText is a result as the text reports show it: pass or FAIL.
func passText(p bool) string {
	if p {
		return "pass"
	}
	return "FAIL"
}

func (a *Audit) writeText(w io.Writer) error {
	tw := table.NewWriter(w)
	fmt.Fprintln(tw, "DISTRICT\tCLASS\tRULE\tAREA km²\tUNCOVERED km²\tCOVERED %\tGAPS\tRESULT\tFARTHEST PLACE (lat,lon)")
	for i := range a.Results {
		r := &a.Results[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.3f\t%.3f\t%.2f\t%d\t%s\t%s\n", r.District.Name, r.District.Class, ruleText(r.District.Rule),
			r.AreaM2/1e6, r.UncoveredM2/1e6, floorPct(r.CoveredPct), len(r.Gaps), passText(r.Pass), a.worstText(r))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s := a.summary()
	line := fmt.Sprintf("\n%d district(s): %d pass, %d fail; %.3f km² of %.3f km² uncovered (%.2f%% covered); %d station(s)",
		s.Districts, s.Passing, s.Failing, s.UncoveredM2.V/1e6, s.AreaM2.V/1e6, floorPct(s.CoveredPct), s.Stations)
	if s.Population != nil {
		line += fmt.Sprintf("; %.0f of %.0f people uncovered (%.2f%% covered)", s.PopulationUncovered.V, s.Population.V, floorPct(*s.PopulationCoveredPct))
	}
	if s.Skipped > 0 {
		line += fmt.Sprintf("; %d invalid record(s) skipped", s.Skipped)
	}
	fmt.Fprintln(w, line)
	for i := range a.Results {
		if r := &a.Results[i]; !r.Pass {
			fmt.Fprintf(w, "  %s fails: %s\n", r.District.Name, failReason(r))
		}
	}
	if err := a.writeAccessText(w, false); err != nil {
		return err
	}
	a.writeRoadText(w, "  ")
	return nil
}

// writeRoadText describes the road districts: bracket, no-access land and
// travel times.
func (a *Audit) writeRoadText(w io.Writer, indent string) {
	if a.roadInfo() == nil {
		return
	}
	ri := a.roadInfo()
	fmt.Fprintf(w, "\n%sRoad network: %d nodes, %.1f km of road usable by %s; travel %s; access legs at %g km/h, up to %s.\n",
		indent, ri.Nodes, ri.LengthKm.V, ri.Profile, ri.Direction, ri.AccessKmh, fmtKm(ri.MaxAccessM))
	for i := range a.Results {
		r := &a.Results[i]
		if r.Travel == nil {
			continue
		}
		what, format := "travel time", fmtTime
		if r.District.Rule.Kind == coverage.KindRoadDistance {
			what, format = "distance by road", fmtKm
		}
		fmt.Fprintf(w, "%s%s: uncovered %.3f to %.3f km² (%.3f km² with no road within %s); %s median %s, 95%% %s, max %s over %d sampled places (the true maximum may be higher)\n",
			indent, r.District.Name, r.UncoveredLowerM2/1e6, r.UncoveredUpperM2/1e6, r.NoAccessM2/1e6, fmtKm(ri.MaxAccessM),
			what, format(r.Travel.MedianS), format(r.Travel.P95S), format(r.Travel.MaxS), r.Travel.Samples)
	}
}

// floorPct rounds a percentage down to 0.01, so that 99.999% never prints
// as 100.00%.
func floorPct(p float64) float64 { return math.Floor(p*100) / 100 }

func (a *Audit) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	ahead, arows := a.accessTable(true)
	cw.Write(append([]string{"name", "id", "class", "rule", "threshold", "unit", "radius_m", "area_m2", "uncovered_m2",
		"uncovered_m2_lower", "uncovered_m2_upper", "covered_pct", "gaps", "pass", "fail_reason",
		"worst_lon", "worst_lat", "worst_cost", "worst_distance_m", "worst_station",
		"undecided", "no_access_m2", "median_time_s", "p95_time_s", "max_time_s"}, ahead...))
	for i := range a.Results {
		r := &a.Results[i]
		t, unit := r.District.Rule.Threshold()
		wl, wa, wc, wd, ws := "", "", "", "", ""
		if r.Worst.Station >= 0 {
			wl = strconv.FormatFloat(r.Worst.Point[0], 'f', 7, 64)
			wa = strconv.FormatFloat(r.Worst.Point[1], 'f', 7, 64)
			wc = strconv.FormatFloat(r.WorstCost, 'f', 3, 64)
			wd = strconv.FormatFloat(r.Worst.DistanceM, 'f', 3, 64)
			ws = a.Stations[r.Worst.Station].ID
		}
		row := []string{r.District.Name, r.District.ID, r.District.Class, string(r.District.Rule.Kind),
			strconv.FormatFloat(t, 'f', -1, 64), unit, fmt2(r.RadiusM), fmt2(r.AreaM2), fmt2(r.UncoveredM2),
			fmt2(r.UncoveredLowerM2), fmt2(r.UncoveredUpperM2), strconv.FormatFloat(r.CoveredPct, 'g', -1, 64),
			strconv.Itoa(len(r.Gaps)), strconv.FormatBool(r.Pass), failReason(r), wl, wa, wc, wd, ws}
		if r.Travel != nil {
			row = append(row, strconv.FormatBool(r.Undecided), fmt2(r.NoAccessM2), cost3(r.Travel.MedianS).String(),
				cost3(r.Travel.P95S).String(), cost3(r.Travel.MaxS).String())
		} else {
			row = append(row, "", "", "", "", "")
		}
		if arows != nil {
			row = append(row, arows[i]...)
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func fmt2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "*", `\*`, "_", `\_`).Replace(s)
}

func (a *Audit) writeMarkdown(w io.Writer) error {
	s := a.summary()
	status := "✅ every district passes"
	if s.Failing > 0 {
		status = fmt.Sprintf("❌ %d of %d district(s) fail", s.Failing, s.Districts)
	}
	fmt.Fprintf(w, "### Coverage audit: %s\n\n", status)
	fmt.Fprintln(w, "| District | Class | Rule | Area km² | Uncovered km² | Covered % | Gaps | Result | Farthest place |")
	fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|---|---|")
	for i := range a.Results {
		r := &a.Results[i]
		res := "pass"
		if !r.Pass {
			res = "**fail**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.3f | %.3f | %.2f | %d | %s | %s |\n", mdEscape(r.District.Name), r.District.Class,
			ruleText(r.District.Rule), r.AreaM2/1e6, r.UncoveredM2/1e6, floorPct(r.CoveredPct), len(r.Gaps), res, mdEscape(a.worstText(r)))
	}
	fmt.Fprintf(w, "\n%d district(s): %d pass, %d fail; %.3f km² of %.3f km² uncovered (%.2f%% covered).\n",
		s.Districts, s.Passing, s.Failing, s.UncoveredM2.V/1e6, s.AreaM2.V/1e6, floorPct(s.CoveredPct))
	for i := range a.Results {
		if r := &a.Results[i]; !r.Pass {
			fmt.Fprintf(w, "- **%s**: %s\n", mdEscape(r.District.Name), mdEscape(failReason(r)))
		}
	}
	a.writeAccessText(w, true)
	a.writeRoadText(w, "")
	for _, at := range a.Attribution {
		fmt.Fprintf(w, "\n<sub>%s</sub>\n", at)
	}
	return nil
}

// writeGaps writes the gap map: one feature per connected uncovered area.
func (a *Audit) gapFeatures() ([]geodata.Feature, []geodata.Prop) {
	var feats []geodata.Feature
	for i := range a.Results {
		r := &a.Results[i]
		t, unit := r.District.Rule.Threshold()
		for _, g := range r.Gaps {
			props := []geodata.Prop{
				{Key: "district", Value: r.District.Name},
				{Key: "district_id", Value: r.District.ID},
				{Key: "class", Value: r.District.Class},
				{Key: "rule", Value: string(r.District.Rule.Kind)},
				{Key: "threshold", Value: t},
				{Key: "unit", Value: unit},
				{Key: "kind", Value: cmp.Or(g.Kind, "beyond-threshold")},
				{Key: "area_m2", Value: m2(g.AreaM2)},
				{Key: "border_stations", Value: g.BorderStations},
			}
			if a.hasPopulation {
				props = append(props, geodata.Prop{Key: "population", Value: m2(g.Population)})
			}
			if mean, ppl, ok := a.gapAccess(i, g.Polygon); ok {
				props = append(props, geodata.Prop{Key: "access_mean_per_10k", Value: fixed6(mean)}, geodata.Prop{Key: "access_people", Value: m2(ppl)})
			}
			if g.Worst != nil && g.Worst.Station >= 0 {
				props = append(props,
					geodata.Prop{Key: "worst_cost", Value: cost3(r.District.Rule.Cost(g.Worst.DistanceM))},
					geodata.Prop{Key: "worst_distance_m", Value: cost3(g.Worst.DistanceM)},
					geodata.Prop{Key: "worst_lon", Value: deg7(g.Worst.Point[0])},
					geodata.Prop{Key: "worst_lat", Value: deg7(g.Worst.Point[1])},
					geodata.Prop{Key: "worst_station", Value: a.Stations[g.Worst.Station].ID})
			} else {
				props = append(props, geodata.Prop{Key: "worst_cost", Value: nil})
			}
			feats = append(feats, geodata.Feature{Polygon: g.Polygon, Props: props})
		}
	}
	feats = append(feats, a.overCapacityFeatures()...)
	return feats, a.attributionProps()
}

// attributionProps carries the data notices into a gap map.
func (a *Audit) attributionProps() []geodata.Prop {
	if len(a.Attribution) == 0 {
		return nil
	}
	return []geodata.Prop{{Key: "attribution", Value: strings.Join(a.Attribution, "; ")}}
}

// people renders population figures: counts to 0.01 (counts may be
// fractional, as census blocks split by districts are), covered share
// unrounded (100 when nobody lives there).
func people(total, uncovered float64) (*geodata.Fixed, *geodata.Fixed, *float64) {
	t, u := m2(total), m2(uncovered)
	pct := 100.0
	if total > 0 {
		pct = 100 * (1 - uncovered/total)
	}
	return &t, &u, &pct
}

// writeStationsReport writes, per station, the land and people only it
// covers (summed over districts) and the districts where it covers some
// alone; CSV, stations in input order.
func (a *Audit) writeStationsReport(w io.Writer) error {
	head, rows := a.stationsReportRows()
	cw := csv.NewWriter(w)
	cw.Write(head)
	for _, row := range rows {
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// stationsReportRows are the stations report's header and rows, as the
// CSV has them.
func (a *Audit) stationsReportRows() (head []string, rows [][]string) {
	area := make([]float64, len(a.Stations))
	ppl := make([]float64, len(a.Stations))
	where := make([][]string, len(a.Stations))
	for _, s := range a.sole {
		area[s.Station] += s.AreaM2
		ppl[s.Station] += s.People
		where[s.Station] = append(where[s.Station], a.Districts[s.District].Name)
	}
	head = []string{"id", "name", "lon", "lat", "sole_area_m2", "districts"}
	if a.hasPopulation {
		head = append(head[:5], "sole_people", "districts")
	}
	for i, st := range a.Stations {
		row := []string{st.ID, st.Name, deg7(st.Point[0]).String(), deg7(st.Point[1]).String(), m2(area[i]).String()}
		if a.hasPopulation {
			row = append(row, m2(ppl[i]).String())
		}
		row = append(row, strings.Join(where[i], "; "))
		rows = append(rows, row)
	}
	return head, rows
}

// failReason says why a district fails its pass rule ("" when it passes).
func failReason(r *coverage.Result) string {
	f := r.Fail
	if f == nil {
		return ""
	}
	t, unit := r.District.Rule.Threshold()
	limit := fmt.Sprintf("%g %s", t, unit)
	if r.District.Rule.ByRoad() {
		limit = fmt.Sprintf("%g m", t)
		if unit == "s" {
			limit = fmt.Sprintf("%g s", t)
			if math.Mod(t, 60) == 0 {
				limit = fmt.Sprintf("%g min", t/60)
			}
		}
		limit += " by road"
	}
	switch {
	case f.ByPopulation:
		return fmt.Sprintf("%.0f of %.0f people beyond %s: covered %.4f%% of the population < %g%%", f.People, f.Population, limit, f.CoveredPct, f.MinPct)
	case f.Undecided:
		return fmt.Sprintf("undecided: covered between %.4f%% and %.4f%%, the limit %g%% lies within the bracket (narrow it with a smaller --tolerance)",
			f.CoveredPct, f.CoveredPctUpper, f.MinPct)
	case r.District.Rule.ByRoad():
		return fmt.Sprintf("%.2f to %.2f ha beyond %s in %d gap(s): covered %.4f%% < %g%%",
			f.CountedLowerM2/1e4, f.CountedUpperM2/1e4, limit, f.Gaps, f.CoveredPct, f.MinPct)
	}
	return fmt.Sprintf("%.2f ha beyond %s in %d gap(s) of at least %.2f ha: covered %.4f%% < %g%%",
		f.CountedUpperM2/1e4, limit, f.Gaps, f.IgnoreUnderM2/1e4, f.CoveredPct, f.MinPct)
}

// styled returns the gap features with simplestyle-spec properties added
// (fill, fill-opacity, stroke, stroke-width), which web viewers
// (geojson.io, GitHub's map view) draw: the colours of the HTML report
// for their kind (report.GapColour). GeoJSON gap maps carry them,
// GeoPackages do not (their QGIS style, gapsStyle, has the same colours).
func styled(feats []geodata.Feature) []geodata.Feature {
	out := make([]geodata.Feature, len(feats))
	for i, f := range feats {
		kind := ""
		for _, p := range f.Props {
			if p.Key == "kind" {
				kind, _ = p.Value.(string)
			}
		}
		fill, stroke := report.GapColour(kind)
		f.Props = append(slices.Clip(f.Props), geodata.Prop{Key: "fill", Value: fill}, geodata.Prop{Key: "fill-opacity", Value: gapFillOpacity},
			geodata.Prop{Key: "stroke", Value: stroke}, geodata.Prop{Key: "stroke-width", Value: 1})
		out[i] = f
	}
	return out
}

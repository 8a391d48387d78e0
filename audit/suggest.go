package audit

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/covaudit/covaudit/internal/table"
	"io"
	"strconv"
	"strings"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/covaudit/covaudit/geodata/gpkg"
	"github.com/covaudit/covaudit/geodata/postgis"
	"github.com/covaudit/covaudit/report"
	"github.com/covaudit/covaudit/roads"
	"github.com/paulmach/orb"
)

// SuggestConfig says how many sites to propose and where they may go.
type SuggestConfig struct {
	// Add proposes that many sites; UntilCovered as many as it takes for
	// every district to pass (Add is then ignored).
	Add          int
	UntilCovered bool
	// Candidates is a file of candidate sites (CSV or GeoJSON points in
	// CandidatesCRS); "" generates them every SpacingM metres over the gaps.
	Candidates    string
	CandidatesCRS crs.CRS
	SpacingM      float64
	// SitesCRS is the system of the geojson and gpkg outputs.
	SitesCRS crs.CRS
	// Objective is ObjectiveCoverage ("" too), ObjectivePCenter or
	// ObjectiveCapacitated.
	Objective string
	// NewCapacity, when HasNewCapacity, is each new site's capacity under
	// ObjectiveCapacitated (the stations' capacity units).
	NewCapacity    float64
	HasNewCapacity bool
}

// The siting objectives of SuggestConfig.Objective.
const (
	// ObjectiveCoverage covers the most uncovered people or land.
	ObjectiveCoverage = "coverage"
	// ObjectivePCenter makes the largest cost (distance or time, as a
	// share of each rule's limit) from any place to its nearest station
	// least: see coverage.PCenter.
	ObjectivePCenter = "p-center"
)

type candidate struct {
	Point    orb.Point
	ID, Name string
}

// Suggest audits the configuration (as check does) and proposes station
// sites that cover the most uncovered people (with a population) or land,
// under each district's rule; then it audits the districts again with the
// sites added. Under the road rules a candidate's cover is found by a
// network search from it (see coverage.Suggest).
func Suggest(ctx context.Context, cfg Config, sc SuggestConfig) (*Suggestion, error) {
	if sc.Add < 0 || (sc.Add > 0 && sc.UntilCovered) {
		return nil, UsageError{"suggest needs one of --add N (N >= 0) and --until-covered"}
	}
	if sc.SpacingM <= 0 {
		sc.SpacingM = 500
	}
	switch sc.Objective {
	case "", ObjectiveCoverage:
	case ObjectivePCenter:
		if sc.UntilCovered {
			return nil, UsageError{"--objective p-center places --add N sites; --until-covered is for the coverage objective"}
		}
	case ObjectiveCapacitated:
		if err := checkCapacitated(&cfg, sc); err != nil {
			return nil, err
		}
	default:
		return nil, UsageError{fmt.Sprintf("invalid objective %q, must be one of (coverage|p-center|capacitated)", sc.Objective)}
	}
	if sc.HasNewCapacity && sc.Objective != ObjectiveCapacitated {
		return nil, UsageError{"--new-capacity is for --objective capacitated"}
	}
	gaps := cfg.Output.Gaps
	cfg.Output.ReportTable = true // -o postgresql://... takes the sites
	cfg.Output.Gaps = ""          // the gap polygons are computed when candidates are generated
	a, err := load(ctx, cfg, nil, sc.Candidates == "", namedPath{"--candidates", sc.Candidates})
	if err != nil {
		return nil, err
	}
	a.Config.Output.Gaps = gaps
	a.Command = "suggest"
	if err := a.Run(ctx); err != nil {
		return nil, err
	}
	var cands []candidate
	if sc.Candidates != "" {
		in, err := loadInput("candidates", sc.Candidates, cfg.Stdin)
		if err != nil {
			return nil, err
		}
		a.inputs = append(a.inputs, in.hashed())
		st, probs, err := stationsOf(ctx, in, geodata.StationOptions{CRS: sc.CandidatesCRS})
		if err != nil {
			return nil, InputError{err}
		}
		if len(probs) > 0 {
			return nil, InputError{fmt.Errorf("%d invalid candidate(s):\n%w", len(probs), probs)}
		}
		for _, s := range st {
			cands = append(cands, candidate{Point: s.Point, ID: s.ID, Name: s.Name})
		}
	} else {
		for i, p := range coverage.GapCandidates(a.Results, sc.SpacingM) {
			cands = append(cands, candidate{Point: p, ID: "gap-" + strconv.Itoa(i+1)})
		}
	}
	pts := make([]orb.Point, len(cands))
	for i, c := range cands {
		pts[i] = c.Point
	}
	copts := a.opts
	copts.GapPolygons = false
	res := &coverage.SuggestResult{ByPeople: copts.Population != nil}
	var pcr *coverage.PCenterResult
	var capr *coverage.CapSuggestResult
	var capAfter *accessRun
	if sc.Objective == ObjectiveCapacitated {
		if capr, capAfter, err = a.capacitatedSites(ctx, cands, sc); err != nil {
			return nil, err
		}
		// The rows also give the land and people each site covers, as
		// the coverage objective measures them.
		sites := make([]int, len(capr.Sites))
		for i, st := range capr.Sites {
			sites[i] = st.Candidate
		}
		if res, err = coverage.SiteFigures(a.Districts, a.ix, pts, sites, copts); err != nil {
			return nil, InputError{err}
		}
	} else if sc.Objective == ObjectivePCenter {
		if pcr, err = coverage.PCenter(ctx, a.Districts, a.ix, pts, sc.Add, copts); err != nil {
			return nil, InputError{err}
		}
		if res, err = coverage.SiteFigures(a.Districts, a.ix, pts, pcr.Sites, copts); err != nil {
			return nil, InputError{err}
		}
	} else if sc.Add > 0 || sc.UntilCovered {
		if res, err = coverage.Suggest(ctx, a.Districts, a.ix, pts, sc.Add, sc.UntilCovered, copts); err != nil {
			return nil, InputError{err}
		}
	} else {
		for _, r := range a.Results {
			res.UncoveredM2 += r.UncoveredM2
			res.UncoveredPeople += r.UncoveredPopulation
		}
	}
	// With the sites, does every district pass? (The check's pass rule,
	// the road fields searched again with the sites.)
	with := append([]coverage.Station{}, a.Stations...)
	for _, s := range res.Sites {
		with = append(with, coverage.Station{ID: cands[s.Candidate].ID, Point: s.Point})
	}
	wopts := copts
	if a.roads != nil {
		wopts.Roads = make([]*roads.Field, len(a.roads.fields))
		for k := range a.roads.fields {
			wopts.Roads[k] = a.fieldFor(k, with)
		}
	}
	after, err := coverage.Evaluate(ctx, a.Districts, coverage.NewIndex(with), wopts)
	if err != nil {
		return nil, InputError{err}
	}
	failing := 0
	for _, r := range after {
		if !r.Pass {
			failing++
		}
	}
	out := &Suggestion{Audit: a, with: with, res: res, cands: cands, after: after, failing: failing, districts: len(after), attribution: a.Attribution, system: sc.SitesCRS, untilCovered: sc.UntilCovered, pcenter: pcr, add: sc.Add,
		capac: capr, capAfter: capAfter, newCapacity: sc.NewCapacity}
	for i, st := range res.Sites {
		c := cands[st.Candidate]
		a.sites = append(a.sites, report.Site{Rank: i + 1, ID: c.ID, Name: c.Name, Point: st.Point})
	}
	return out, nil
}

// Write writes the suggestion in Output.Format (gpkg to Output.Report),
// and the HTML and SVG maps; with UntilCovered it returns ErrFailed when
// the candidates cannot make every district pass.
func (s *Suggestion) Write(stdout, stderr io.Writer) error {
	o := s.Config.Output
	s.PrintWarnings(stderr)
	write := func(w io.Writer) error { return s.write(w, o.Format) }
	if postgis.IsURL(o.Report) {
		if err := s.writeTable(o.Report); err != nil {
			return OutputError{err}
		}
	} else if o.Format == "gpkg" {
		if o.Report == "" {
			return UsageError{"--format gpkg writes a file: give it with -o FILE"}
		}
		if err := s.writeGeoPackage(o.Report); err != nil {
			return OutputError{err}
		}
	} else if o.Report != "" {
		if err := geodata.WriteFileAtomic(o.Report, write); err != nil {
			return OutputError{err}
		}
	} else if err := write(stdout); err != nil {
		return OutputError{err}
	}
	if err := s.writeVisuals(); err != nil {
		return err
	}
	if s.untilCovered && s.failing > 0 {
		return ErrFailed
	}
	return nil
}

// Result is the siting's outcome; After the districts audited with the
// sites.
func (s *Suggestion) Result() (*coverage.SuggestResult, []coverage.Result) { return s.res, s.after }

// Suggestion is suggest's outcome: the audit before the sites, the sites
// and the audit after them.
type Suggestion struct {
	*Audit
	after        []coverage.Result
	with         []coverage.Station // the stations and the sites
	untilCovered bool
	res          *coverage.SuggestResult
	cands        []candidate
	failing      int
	districts    int
	attribution  []string
	system       crs.CRS                 // of the geojson and gpkg output
	pcenter      *coverage.PCenterResult // the p-center objective's outcome, or nil
	add          int
	// The capacitated objective's outcome, or nil; capAfter the
	// capacitated coverage with the sites.
	capac       *coverage.CapSuggestResult
	capAfter    *accessRun
	newCapacity float64
}

type jsonSite struct {
	Rank            int           `json:"rank"`
	ID              string        `json:"id"`
	Name            string        `json:"name,omitempty"`
	Lon             geodata.Fixed `json:"lon"`
	Lat             geodata.Fixed `json:"lat"`
	GainM2          geodata.Fixed `json:"gain_m2"`
	GainPeople      geodata.Fixed `json:"gain_people"`
	UncoveredM2     geodata.Fixed `json:"uncovered_m2_after"`
	UncoveredPeople geodata.Fixed `json:"uncovered_people_after"`
	// The capacitated objective: people served more, served and residual
	// after the site.
	ServedGain    *geodata.Fixed `json:"served_gain,omitempty"`
	ServedAfter   *geodata.Fixed `json:"served_after,omitempty"`
	ResidualAfter *geodata.Fixed `json:"residual_after,omitempty"`
}

func (s *Suggestion) sites() []jsonSite {
	out := []jsonSite{}
	for i, st := range s.res.Sites {
		c := s.cands[st.Candidate]
		j := jsonSite{Rank: i + 1, ID: c.ID, Name: c.Name, Lon: deg7(st.Point[0]), Lat: deg7(st.Point[1]),
			GainM2: m2(st.GainM2), GainPeople: m2(st.GainPeople), UncoveredM2: m2(st.UncoveredM2), UncoveredPeople: m2(st.UncoveredPeople)}
		if s.capac != nil {
			cs := s.capac.Sites[i]
			g, sv, r := m2(cs.Gain), m2(cs.Served), m2(cs.Residual)
			j.ServedGain, j.ServedAfter, j.ResidualAfter = &g, &sv, &r
		}
		out = append(out, j)
	}
	return out
}

func (s *Suggestion) summaryLine() string {
	if s.pcenter != nil {
		return s.pcenterLine()
	}
	if s.capac != nil {
		return s.capacitatedLine()
	}
	obj := "land"
	if s.res.ByPeople {
		obj = "people"
	}
	line := fmt.Sprintf("%d site(s) by %s: uncovered land %.3f -> ", len(s.res.Sites), obj, s.res.UncoveredM2/1e6)
	after := s.res.UncoveredM2
	if n := len(s.res.Sites); n > 0 {
		after = s.res.Sites[n-1].UncoveredM2
	}
	line += fmt.Sprintf("%.3f km²; %d of %d district(s) still fail", after/1e6, s.failing, s.districts)
	if s.res.LowerBound > 0 {
		line += fmt.Sprintf("; covering as much needs at least %d site(s) among these candidates", s.res.LowerBound)
	}
	if s.res.Swaps > 0 {
		line += fmt.Sprintf("; %d swap(s) improved the greedy choice", s.res.Swaps)
	}
	return line
}

func (s *Suggestion) write(w io.Writer, format string) error {
	switch format {
	case "json":
		summary := map[string]any{
			"by": map[bool]string{true: "people", false: "land"}[s.res.ByPeople], "uncovered_m2_before": m2(s.res.UncoveredM2),
			"uncovered_people_before": m2(s.res.UncoveredPeople), "failing_after": s.failing, "districts": s.districts,
			"lower_bound_sites": s.res.LowerBound, "swaps": s.res.Swaps}
		if s.pcenter != nil {
			summary["objective"], summary["p_center"] = ObjectivePCenter, s.pcenterJSON()
		}
		if s.capac != nil {
			summary["objective"], summary["capacitated"] = ObjectiveCapacitated, s.capacitatedJSON()
		}
		return WriteJSON(w, map[string]any{"sites": s.sites(), "summary": summary, "attribution": append([]string{}, s.attribution...),
			"warnings": append([]string{}, s.Warnings...), "start": s.Audit.Report().Districts, "after": s.afterJSON(), "road_sites": s.roadNote()})
	case "csv":
		cw := csv.NewWriter(w)
		head := []string{"rank", "id", "name", "lon", "lat", "gain_m2", "gain_people", "uncovered_m2_after", "uncovered_people_after"}
		if s.capac != nil {
			head = append(head, "served_gain", "served_after", "residual_after")
		}
		cw.Write(head)
		for _, j := range s.sites() {
			row := []string{strconv.Itoa(j.Rank), j.ID, j.Name, j.Lon.String(), j.Lat.String(), j.GainM2.String(), j.GainPeople.String(), j.UncoveredM2.String(), j.UncoveredPeople.String()}
			if j.ServedGain != nil {
				row = append(row, j.ServedGain.String(), j.ServedAfter.String(), j.ResidualAfter.String())
			}
			cw.Write(row)
		}
		cw.Flush()
		return cw.Error()
	case "geojson":
		var b strings.Builder
		b.WriteString(`{"type":"FeatureCollection",`)
		epsg, to := OutputSystem(s.system)
		if to != nil {
			fmt.Fprintf(&b, `"crs":%s,`, CRSMember(epsg).Value)
		}
		b.WriteString(`"features":[`)
		for i, j := range s.sites() {
			if i > 0 {
				b.WriteByte(',')
			}
			props, _ := json.Marshal(j)
			x, y := j.Lon, j.Lat
			if to != nil {
				p := s.point(j, to)
				x, y = geodata.Fixed{V: p[0], Digits: 7}, geodata.Fixed{V: p[1], Digits: 7}
			}
			fmt.Fprintf(&b, "\n{\"type\":\"Feature\",\"properties\":%s,\"geometry\":{\"type\":\"Point\",\"coordinates\":[%s,%s]}}", props, x, y)
		}
		b.WriteString("\n]}\n")
		_, err := io.WriteString(w, b.String())
		return err
	case "markdown":
		var b strings.Builder
		if s.capac != nil {
			b.WriteString("| rank | site | lon | lat | serves more (people) | served after | residual after |\n|--:|---|--:|--:|--:|--:|--:|\n")
			for _, j := range s.sites() {
				fmt.Fprintf(&b, "| %d | %s | %s | %s | %.0f | %.0f | %.0f |\n", j.Rank, mdEscape(joinNonEmpty(" ", j.Name, "("+j.ID+")")), j.Lon, j.Lat, j.ServedGain.V, j.ServedAfter.V, j.ResidualAfter.V)
			}
			fmt.Fprintf(&b, "\n%s\n", s.summaryLine())
			_, err := io.WriteString(w, b.String())
			return err
		}
		b.WriteString("| rank | site | lon | lat | covers (ha) | covers (people) | uncovered after (km²) |\n|--:|---|--:|--:|--:|--:|--:|\n")
		for _, j := range s.sites() {
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %.2f | %.0f | %.3f |\n", j.Rank, mdEscape(joinNonEmpty(" ", j.Name, "("+j.ID+")")), j.Lon, j.Lat, j.GainM2.V/1e4, j.GainPeople.V, j.UncoveredM2.V/1e6)
		}
		fmt.Fprintf(&b, "\n%s\n", s.summaryLine())
		_, err := io.WriteString(w, b.String())
		return err
	}
	tw := table.NewWriter(w)
	if s.capac != nil {
		fmt.Fprintln(tw, "RANK\tSITE\tLAT,LON\tSERVES MORE people\tSERVED AFTER\tRESIDUAL AFTER")
	} else {
		fmt.Fprintln(tw, "RANK\tSITE\tLAT,LON\tCOVERS ha\tCOVERS people\tUNCOVERED AFTER km²")
	}
	for _, j := range s.sites() {
		if j.ServedGain != nil {
			fmt.Fprintf(tw, "%d\t%s\t%.5f,%.5f\t%.0f\t%.0f\t%.0f\n", j.Rank, joinNonEmpty(" ", j.Name, j.ID), j.Lat.V, j.Lon.V, j.ServedGain.V, j.ServedAfter.V, j.ResidualAfter.V)
			continue
		}
		fmt.Fprintf(tw, "%d\t%s\t%.5f,%.5f\t%.2f\t%.0f\t%.3f\n", j.Rank, joinNonEmpty(" ", j.Name, j.ID), j.Lat.V, j.Lon.V, j.GainM2.V/1e4, j.GainPeople.V, j.UncoveredM2.V/1e6)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, s.summaryLine())
	return err
}

// point is a site's position in the output system (to converts WGS84
// lon, lat; nil keeps them).
func (s *Suggestion) point(j jsonSite, to func(lon, lat float64) (x, y float64)) orb.Point {
	p := s.res.Sites[j.Rank-1].Point
	if to != nil {
		p[0], p[1] = to(p[0], p[1])
	}
	return p
}

// writeGeoPackage writes the sites as a GeoPackage point layer "sites" in
// the output system, with the columns of the CSV output (lon and lat stay
// WGS84) and the data's attribution on every feature; whole or not at all.
func (s *Suggestion) writeGeoPackage(path string) error {
	epsg, pts, props := s.siteRows()
	return gpkg.WritePoints(path, "sites", pts, props, epsg)
}

// writeTable writes the sites to a database table (a postgresql:// URL),
// with the GeoPackage's columns, in one transaction.
func (s *Suggestion) writeTable(url string) error {
	epsg, pts, props := s.siteRows()
	return postgis.WritePoints(context.Background(), url, pts, props, epsg)
}

// siteRows are the sites as points in the output system (its EPSG code)
// with the columns of the CSV output and the attribution.
func (s *Suggestion) siteRows() (int, []orb.Point, [][]geodata.Prop) {
	epsg, to := OutputSystem(s.system)
	sites := s.sites()
	pts := make([]orb.Point, len(sites))
	props := make([][]geodata.Prop, len(sites))
	for i, j := range sites {
		pts[i] = s.point(j, to)
		props[i] = []geodata.Prop{{Key: "rank", Value: j.Rank}, {Key: "id", Value: j.ID}, {Key: "name", Value: j.Name},
			{Key: "lon", Value: j.Lon}, {Key: "lat", Value: j.Lat}, {Key: "gain_m2", Value: j.GainM2}, {Key: "gain_people", Value: j.GainPeople},
			{Key: "uncovered_m2_after", Value: j.UncoveredM2}, {Key: "uncovered_people_after", Value: j.UncoveredPeople}}
		if j.ServedGain != nil {
			props[i] = append(props[i], geodata.Prop{Key: "served_gain", Value: *j.ServedGain}, geodata.Prop{Key: "served_after", Value: *j.ServedAfter},
				geodata.Prop{Key: "residual_after", Value: *j.ResidualAfter})
		}
		if len(s.attribution) > 0 {
			props[i] = append(props[i], geodata.Prop{Key: "attribution", Value: strings.Join(s.attribution, "; ")})
		}
	}
	return epsg, pts, props
}

// afterJSON is the report's districts audited with the sites.
func (s *Suggestion) afterJSON() []DistrictReport {
	res, sts, red, acc := s.Results, s.Stations, s.redundancy, s.access
	s.Results, s.Stations, s.redundancy = s.after, s.with, nil
	if s.capAfter != nil {
		s.access = s.capAfter
	}
	defer func() { s.Results, s.Stations, s.redundancy, s.access = res, sts, red, acc }()
	return s.Audit.Report().Districts
}

// roadNote states how sites were scored in road districts, or "".
func (s *Suggestion) roadNote() string {
	for _, d := range s.Districts {
		if d.Rule.ByRoad() {
			return "road districts: each candidate's cover found by a network search from it, counted at sample places (population points, or a grid of about 2,000 places per district); gains are those of the samples, the figures after are the certified audit with the sites"
		}
	}
	return ""
}

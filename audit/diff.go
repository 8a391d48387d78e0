package audit

import (
	"context"
	"fmt"
	"github.com/covaudit/covaudit/internal/table"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
)

// DiffLimits are what a change may lose before it counts as a regression.
type DiffLimits struct {
	// MaxLossM2 is the newly uncovered area a district may lose, m2.
	MaxLossM2 float64
	// MaxLossPeople, when PeopleLimit, is the number of people of a
	// district that may lose coverage (Config.Population needed).
	MaxLossPeople float64
	PeopleLimit   bool
}

// Diff compares two versions of a station file (base and head: paths, "-"
// for Config.Stdin) under the configuration's districts and rules; a
// district losing more than lim.MaxLossM2, or more people than
// lim.MaxLossPeople, or passing before and failing now, is a regression.
// With Config.Population, the people uncovered on each side and those
// losing and gaining coverage are counted per district.
func Diff(ctx context.Context, cfg Config, base, head string, lim DiffLimits) (*DiffRun, error) {
	if base == "" || head == "" {
		return nil, UsageError{"diff needs --base FILE and --head FILE"}
	}
	if lim.PeopleLimit && cfg.Population == "" {
		return nil, UsageError{"--max-loss-people needs --population FILE (the people to count)"}
	}
	if lim.PeopleLimit && !(lim.MaxLossPeople >= 0) {
		return nil, UsageError{fmt.Sprintf("--max-loss-people %v must be a number of at least 0", lim.MaxLossPeople)}
	}
	if cfg.Stations != "" {
		return nil, UsageError{"diff reads its stations from --base and --head, not --stations"}
	}
	if n := strings.Count(strings.Join([]string{base, head, cfg.Districts, cfg.Population}, "\x00")+"\x00", "-\x00"); n > 1 {
		return nil, UsageError{"only one of --base, --head, --districts and --population can read standard input"}
	}
	extra := []namedPath{{"--base", base}, {"--head", head}}
	if err := cfg.checkPaths(extra...); err != nil {
		return nil, err
	}
	bin, err := loadInput("base", base, cfg.Stdin)
	if err != nil {
		return nil, err
	}
	hin, err := loadInput("head", head, cfg.Stdin)
	if err != nil {
		return nil, err
	}
	if cfg.Districts != "" {
		cfg.Stations = base // satisfies Validate: the stations are base and head
	}
	a, err := load(ctx, cfg, []input{bin, hin}, false, extra...)
	if err != nil {
		return nil, err
	}
	a.Command = "diff"
	d := &DiffRun{Audit: a, maxLoss: lim.MaxLossM2, lim: lim, base: a.lists[0], head: a.lists[1]}
	d.stationChanges = coverage.MatchStations(d.base, d.head)
	copts := a.opts
	copts.GapPolygons = cfg.Output.Gaps != ""
	copts.Roads = nil
	if a.roads != nil && a.roads.headNets != nil {
		copts.HeadRoadsFor = a.headFieldFor
		if len(d.stationChanges) > 0 && a.anyByRoad() {
			a.warn("the head side changes both the stations and the roads: a road district's newly uncovered area is what the head leaves uncovered less what neither side's stations leave uncovered on the base roads, so land uncovered before that a head station reaches only on the base roads counts as newly uncovered; diff the stations and the roads in two runs for the exact split")
		}
	}
	d.changes, err = coverage.Compare(ctx, a.Districts, d.base, d.head, copts)
	if err != nil {
		return nil, InputError{err}
	}
	return d, nil
}

// Write writes the diff's outputs (report and gap map) and returns
// ErrFailed on a regression.
func (d *DiffRun) Write(stdout, stderr io.Writer) error {
	if err := d.emit(stdout, stderr, d.gapFeatures, d.write); err != nil {
		return err
	}
	for i := range d.changes {
		if reg, _ := d.regression(&d.changes[i]); reg {
			return ErrFailed
		}
	}
	return nil
}

// Changes are the districts' changes.
func (d *DiffRun) Changes() []coverage.Change { return d.changes }

// DiffRun is everything diff produced, ready for the writers.
type DiffRun struct {
	*Audit
	maxLoss        float64
	lim            DiffLimits
	base, head     []coverage.Station
	stationChanges []coverage.StationChange
	changes        []coverage.Change
}

// regression says whether a district's change fails the diff, and why.
func (d *DiffRun) regression(c *coverage.Change) (bool, string) {
	why := ""
	switch {
	case c.Base.Pass && !c.Head.Pass:
		why = "passed before, fails now: " + failReason(&c.Head)
	case c.NewlyUncoveredM2 > d.maxLoss:
		why = fmt.Sprintf("loses %s, more than --max-loss %s", fmtArea(c.NewlyUncoveredM2), fmtArea(d.maxLoss))
	}
	if d.lim.PeopleLimit && c.PeopleLost > d.lim.MaxLossPeople {
		why = joinNonEmpty("; ", why, fmt.Sprintf("%s people lose coverage, more than --max-loss-people %s", fmtPeople(c.PeopleLost), fmtPeople(d.lim.MaxLossPeople)))
	}
	return why != "", why
}

// changed says whether a district has anything to report.
func changed(c *coverage.Change) bool {
	return c.NewlyUncoveredM2 >= 0.005 || c.NewlyCoveredM2 >= 0.005 || c.Base.Pass != c.Head.Pass ||
		c.PeopleLost >= 0.005 || c.PeopleGained >= 0.005
}

// fmtPeople writes a number of people: whole numbers as they are, others
// (a raster's shares of cells) to 0.01.
func fmtPeople(n float64) string {
	if n == math.Trunc(n) && math.Abs(n) < 1e15 {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return strconv.FormatFloat(n, 'f', 2, 64)
}

// fmtPeopleChange writes a change of people with its sign.
func fmtPeopleChange(n float64) string {
	if n > 0 {
		return "+" + fmtPeople(n)
	}
	if n == 0 {
		return "0"
	}
	return fmtPeople(n)
}

func fmtArea(m2 float64) string {
	switch {
	case m2 >= 1e6:
		return fmt.Sprintf("%.3f km²", m2/1e6)
	case m2 >= 1e4:
		return fmt.Sprintf("%.2f ha", m2/1e4)
	}
	return fmt.Sprintf("%.1f m²", m2)
}

func stationLabel(s coverage.Station) string {
	if s.Name != "" && s.IDGiven {
		return fmt.Sprintf("%s (%s)", s.Name, s.ID)
	}
	if s.Name != "" {
		return s.Name
	}
	return s.ID
}

type jsonSide struct {
	UncoveredM2 geodata.Fixed `json:"uncovered_m2"`
	CoveredPct  float64       `json:"covered_pct"`
	Pass        bool          `json:"pass"`
	FailReason  string        `json:"fail_reason"`
	// With --population: the people beyond the rule on this side.
	PopulationUncovered *geodata.Fixed `json:"population_uncovered,omitempty"`
}

// jsonDiffPeople are the people figures of a district or of the whole
// diff, with --population.
type jsonDiffPeople struct {
	// Population is the people of the district(s).
	Population geodata.Fixed `json:"population"`
	// UncoveredBase and UncoveredHead are the people beyond the rule on
	// each side, Change the second less the first.
	UncoveredBase geodata.Fixed `json:"uncovered_base"`
	UncoveredHead geodata.Fixed `json:"uncovered_head"`
	Change        geodata.Fixed `json:"uncovered_change"`
	// Lost are the people covered on the base side and not on the head
	// side; Gained the reverse.
	Lost   geodata.Fixed `json:"newly_uncovered"`
	Gained geodata.Fixed `json:"newly_covered"`
}

type jsonLoss struct {
	Station string        `json:"station"`
	Name    string        `json:"name"`
	LossM2  geodata.Fixed `json:"loss_m2"`
}

type jsonDiffDistrict struct {
	Name             string        `json:"name"`
	ID               string        `json:"id"`
	Class            string        `json:"class"`
	Rule             ReportRule    `json:"rule"`
	AreaM2           geodata.Fixed `json:"area_m2"`
	Base             jsonSide      `json:"base"`
	Head             jsonSide      `json:"head"`
	NewlyUncoveredM2 geodata.Fixed `json:"newly_uncovered_m2"`
	NewlyCoveredM2   geodata.Fixed `json:"newly_covered_m2"`
	Regression       bool          `json:"regression"`
	Reason           string        `json:"reason"`
	Losses           []jsonLoss    `json:"losses"`
	// ErrM2 bounds the error of the figures under the road rule.
	ErrM2 *geodata.Fixed `json:"err_m2,omitempty"`
	// People are the people figures, with --population.
	People *jsonDiffPeople `json:"people,omitempty"`
}

type jsonPoint struct {
	Lon geodata.Fixed `json:"lon"`
	Lat geodata.Fixed `json:"lat"`
}

type jsonStationChange struct {
	Change string         `json:"change"`
	ID     string         `json:"id"`
	Name   string         `json:"name"`
	Base   *jsonPoint     `json:"base"`
	Head   *jsonPoint     `json:"head"`
	MovedM *geodata.Fixed `json:"moved_m,omitempty"`
}

type jsonDiffSummary struct {
	Districts        int           `json:"districts"`
	Changed          int           `json:"changed"`
	Regressions      int           `json:"regressions"`
	NewlyUncoveredM2 geodata.Fixed `json:"newly_uncovered_m2"`
	NewlyCoveredM2   geodata.Fixed `json:"newly_covered_m2"`
	Added            int           `json:"added"`
	Removed          int           `json:"removed"`
	Moved            int           `json:"moved"`
	// People are the people figures summed over the districts, with
	// --population.
	People *jsonDiffPeople `json:"people,omitempty"`
}

type jsonDiff struct {
	Meta        ReportMeta          `json:"meta"`
	Attribution []string            `json:"attribution"`
	Warnings    []string            `json:"warnings"`
	Districts   []jsonDiffDistrict  `json:"districts"`
	Stations    []jsonStationChange `json:"stations"`
	Summary     jsonDiffSummary     `json:"summary"`
}

func (d *DiffRun) side(r *coverage.Result) jsonSide {
	s := jsonSide{UncoveredM2: m2(r.UncoveredM2), CoveredPct: r.CoveredPct, Pass: r.Pass, FailReason: failReason(r)}
	if d.hasPopulation {
		u := m2(r.UncoveredPopulation)
		s.PopulationUncovered = &u
	}
	return s
}

// people are a district's people figures, nil without a population.
func (d *DiffRun) people(c *coverage.Change) *jsonDiffPeople {
	if !d.hasPopulation {
		return nil
	}
	return &jsonDiffPeople{Population: m2(c.Head.Population), UncoveredBase: m2(c.Base.UncoveredPopulation), UncoveredHead: m2(c.Head.UncoveredPopulation),
		Change: m2(c.Head.UncoveredPopulation - c.Base.UncoveredPopulation), Lost: m2(c.PeopleLost), Gained: m2(c.PeopleGained)}
}

func (d *DiffRun) summary() jsonDiffSummary {
	s := jsonDiffSummary{Districts: len(d.changes)}
	var un, co float64
	for i := range d.changes {
		c := &d.changes[i]
		if changed(c) {
			s.Changed++
		}
		if reg, _ := d.regression(c); reg {
			s.Regressions++
		}
		un += c.NewlyUncoveredM2
		co += c.NewlyCoveredM2
	}
	s.NewlyUncoveredM2, s.NewlyCoveredM2 = m2(un), m2(co)
	if d.hasPopulation {
		var pop, ub, uh, lost, gained float64
		for i := range d.changes {
			c := &d.changes[i]
			pop += c.Head.Population
			ub += c.Base.UncoveredPopulation
			uh += c.Head.UncoveredPopulation
			lost += c.PeopleLost
			gained += c.PeopleGained
		}
		s.People = &jsonDiffPeople{Population: m2(pop), UncoveredBase: m2(ub), UncoveredHead: m2(uh), Change: m2(uh - ub), Lost: m2(lost), Gained: m2(gained)}
	}
	for _, sc := range d.stationChanges {
		switch sc.Kind {
		case "added":
			s.Added++
		case "removed":
			s.Removed++
		case "moved":
			s.Moved++
		}
	}
	return s
}

func (d *DiffRun) report() jsonDiff {
	rep := jsonDiff{Attribution: append([]string{}, d.Attribution...), Warnings: append([]string{}, d.Warnings...),
		Districts: []jsonDiffDistrict{}, Stations: []jsonStationChange{}, Summary: d.summary()}
	check := d.Audit.Report()
	rep.Meta = check.Meta
	rep.Meta.Command = "diff"
	delete(rep.Meta.Parameters, "chord_error_m")
	rep.Meta.Parameters["max_loss_m2"] = d.maxLoss
	rep.Meta.Parameters["chord_error_m"] = d.Config.ChordErrorM
	if d.lim.PeopleLimit {
		rep.Meta.Parameters["max_loss_people"] = d.lim.MaxLossPeople
	}
	for i := range d.changes {
		c := &d.changes[i]
		reg, why := d.regression(c)
		jd := jsonDiffDistrict{Name: c.District.Name, ID: c.District.ID, Class: c.District.Class, Rule: ruleJSON(c.District.Rule),
			AreaM2: m2(c.Head.AreaM2), Base: d.side(&c.Base), Head: d.side(&c.Head),
			NewlyUncoveredM2: m2(c.NewlyUncoveredM2), NewlyCoveredM2: m2(c.NewlyCoveredM2),
			Regression: reg, Reason: why, Losses: []jsonLoss{}, People: d.people(c)}
		if c.District.Rule.ByRoad() {
			e := m2(c.ErrM2)
			jd.ErrM2 = &e
		}
		for _, l := range c.Losses {
			s := d.base[l.Station]
			jd.Losses = append(jd.Losses, jsonLoss{Station: s.ID, Name: s.Name, LossM2: m2(l.AreaM2)})
		}
		rep.Districts = append(rep.Districts, jd)
	}
	pt := func(s coverage.Station) *jsonPoint { return &jsonPoint{Lon: deg7(s.Point[0]), Lat: deg7(s.Point[1])} }
	for _, sc := range d.stationChanges {
		j := jsonStationChange{Change: sc.Kind}
		if sc.Base >= 0 {
			j.Base = pt(d.base[sc.Base])
			j.ID, j.Name = d.base[sc.Base].ID, d.base[sc.Base].Name
		}
		if sc.Head >= 0 {
			j.Head = pt(d.head[sc.Head])
			j.ID, j.Name = d.head[sc.Head].ID, d.head[sc.Head].Name
		}
		if sc.Kind == "moved" {
			m := cost3(sc.MovedM)
			j.MovedM = &m
		}
		rep.Stations = append(rep.Stations, j)
	}
	return rep
}

func (d *DiffRun) write(w io.Writer) error {
	switch d.Config.Output.Format {
	case "json":
		return WriteJSON(w, d.report())
	case "markdown":
		return d.writeMarkdown(w)
	}
	return d.writeText(w)
}

func (d *DiffRun) stationLine(sc coverage.StationChange) string {
	switch sc.Kind {
	case "added":
		s := d.head[sc.Head]
		return fmt.Sprintf("added %s at %.5f,%.5f", stationLabel(s), s.Point[1], s.Point[0])
	case "removed":
		s := d.base[sc.Base]
		return fmt.Sprintf("removed %s at %.5f,%.5f", stationLabel(s), s.Point[1], s.Point[0])
	}
	s := d.head[sc.Head]
	return fmt.Sprintf("moved %s by %s to %.5f,%.5f", stationLabel(s), fmtKm(sc.MovedM), s.Point[1], s.Point[0])
}

func (d *DiffRun) lossText(c *coverage.Change) string {
	var parts []string
	for _, l := range c.Losses {
		parts = append(parts, fmt.Sprintf("%s: %s", stationLabel(d.base[l.Station]), fmtArea(l.AreaM2)))
	}
	return strings.Join(parts, "; ")
}

func (d *DiffRun) writeText(w io.Writer) error {
	tw := table.NewWriter(w)
	peopleHead := ""
	if d.hasPopulation {
		peopleHead = "\tPEOPLE LOSING\tPEOPLE GAINING\tUNCOVERED PEOPLE"
	}
	fmt.Fprintln(tw, "DISTRICT\tCLASS\tNEWLY UNCOVERED\tNEWLY COVERED"+peopleHead+"\tBEFORE\tAFTER\tRESULT\tLOST BY")
	for i := range d.changes {
		c := &d.changes[i]
		if !changed(c) {
			continue
		}
		result := "ok"
		if reg, _ := d.regression(c); reg {
			result = "REGRESSION"
		}
		ppl := ""
		if d.hasPopulation {
			ppl = "\t" + strings.Join(d.peopleCells(c), "\t")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\t%s\t%s\t%s\t%s\n", c.District.Name, c.District.Class, fmtArea(c.NewlyUncoveredM2),
			fmtArea(c.NewlyCoveredM2), ppl, passText(c.Base.Pass), passText(c.Head.Pass), result, d.lossText(c))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, sc := range d.stationChanges {
		if _, err := fmt.Fprintln(w, "station "+d.stationLine(sc)); err != nil {
			return err
		}
	}
	s := d.summary()
	_, err := fmt.Fprintf(w, "%d of %d district(s) changed, %d regression(s): %s newly uncovered, %s newly covered%s; stations: %d added, %d removed, %d moved\n",
		s.Changed, s.Districts, s.Regressions, fmtArea(s.NewlyUncoveredM2.V), fmtArea(s.NewlyCoveredM2.V), peopleSummary(s.People), s.Added, s.Removed, s.Moved)
	return err
}

// peopleCells are a district's people columns: losing and gaining
// coverage, and uncovered before -> after (the change).
func (d *DiffRun) peopleCells(c *coverage.Change) []string {
	return []string{fmtPeople(c.PeopleLost), fmtPeople(c.PeopleGained), fmt.Sprintf("%s → %s (%s)", fmtPeople(c.Base.UncoveredPopulation),
		fmtPeople(c.Head.UncoveredPopulation), fmtPeopleChange(c.Head.UncoveredPopulation-c.Base.UncoveredPopulation))}
}

// peopleSummary is the summary's people clause, empty without a
// population.
func peopleSummary(p *jsonDiffPeople) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf("; people: %s lose coverage, %s gain it, uncovered %s before, %s after (%s) of %s",
		fmtPeople(p.Lost.V), fmtPeople(p.Gained.V), fmtPeople(p.UncoveredBase.V), fmtPeople(p.UncoveredHead.V), fmtPeopleChange(p.Change.V), fmtPeople(p.Population.V))
}

func (d *DiffRun) writeMarkdown(w io.Writer) error {
	s := d.summary()
	var b strings.Builder
	title := "### covaudit: coverage unchanged"
	switch {
	case s.Regressions > 0:
		title = fmt.Sprintf("### covaudit: coverage regresses in %d district(s)", s.Regressions)
	case s.Changed > 0:
		title = "### covaudit: coverage changes, no regression"
	}
	fmt.Fprintf(&b, "%s\n\n", title)
	fmt.Fprintf(&b, "Newly uncovered: **%s**; newly covered: %s. Stations: %d added, %d removed, %d moved.\n\n",
		fmtArea(s.NewlyUncoveredM2.V), fmtArea(s.NewlyCoveredM2.V), s.Added, s.Removed, s.Moved)
	if p := s.People; p != nil {
		fmt.Fprintf(&b, "People losing coverage: **%s**; gaining it: %s. Uncovered people: %s before, %s after (%s) of %s.\n\n",
			fmtPeople(p.Lost.V), fmtPeople(p.Gained.V), fmtPeople(p.UncoveredBase.V), fmtPeople(p.UncoveredHead.V), fmtPeopleChange(p.Change.V), fmtPeople(p.Population.V))
	}
	if s.Changed > 0 {
		if d.hasPopulation {
			b.WriteString("| district | class | rule | newly uncovered | newly covered | people losing | people gaining | uncovered people | before | after | | lost by |\n")
			b.WriteString("|---|---|---|--:|--:|--:|--:|--:|---|---|---|---|\n")
		} else {
			b.WriteString("| district | class | rule | newly uncovered | newly covered | before | after | | lost by |\n")
			b.WriteString("|---|---|---|--:|--:|---|---|---|---|\n")
		}
		for i := range d.changes {
			c := &d.changes[i]
			if !changed(c) {
				continue
			}
			mark, why := "", ""
			if reg, r := d.regression(c); reg {
				mark, why = "❌", r
			}
			ppl := ""
			if d.hasPopulation {
				ppl = " " + strings.Join(d.peopleCells(c), " | ") + " |"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |%s %s | %s | %s | %s |\n", mdEscape(c.District.Name), c.District.Class,
				ruleText(c.District.Rule), fmtArea(c.NewlyUncoveredM2), fmtArea(c.NewlyCoveredM2), ppl, passText(c.Base.Pass),
				passText(c.Head.Pass), mark, mdEscape(joinNonEmpty("; ", d.lossText(c), why)))
		}
		b.WriteString("\n")
	}
	if len(d.stationChanges) > 0 {
		b.WriteString("<details><summary>Station changes</summary>\n\n")
		for _, sc := range d.stationChanges {
			fmt.Fprintf(&b, "- %s\n", mdEscape(d.stationLine(sc)))
		}
		b.WriteString("\n</details>\n")
	}
	for _, a := range d.Attribution {
		fmt.Fprintf(&b, "\n<sub>%s</sub>\n", mdEscape(a))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (d *DiffRun) gapFeatures() ([]geodata.Feature, []geodata.Prop) {
	var feats []geodata.Feature
	for i := range d.changes {
		c := &d.changes[i]
		for _, g := range c.NewGaps {
			props := []geodata.Prop{
				{Key: "district", Value: c.District.Name},
				{Key: "district_id", Value: c.District.ID},
				{Key: "class", Value: c.District.Class},
				{Key: "rule", Value: string(c.District.Rule.Kind)},
				{Key: "kind", Value: "newly-uncovered"},
				{Key: "area_m2", Value: m2(g.AreaM2)},
			}
			if d.hasPopulation {
				// The people who lose coverage in this part.
				props = append(props, geodata.Prop{Key: "population", Value: m2(g.Population)})
			}
			feats = append(feats, geodata.Feature{Polygon: g.Polygon, Props: append(props, geodata.Prop{Key: "lost_by", Value: d.lossText(c)})})
		}
	}
	return feats, d.attributionProps()
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

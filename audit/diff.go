package audit

import (
	"context"
	"fmt"
	"github.com/covaudit/covaudit/internal/table"
	"io"
	"strings"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
)

// Diff compares two versions of a station file (base and head: paths, "-"
// for Config.Stdin) under the configuration's districts and rules; a
// district losing more than maxLossM2, or passing before and failing
// now, is a regression.
func Diff(ctx context.Context, cfg Config, base, head string, maxLossM2 float64) (*DiffRun, error) {
	if base == "" || head == "" {
		return nil, UsageError{"diff needs --base FILE and --head FILE"}
	}
	if cfg.Stations != "" {
		return nil, UsageError{"diff reads its stations from --base and --head, not --stations"}
	}
	if n := strings.Count(strings.Join([]string{base, head, cfg.Districts}, "\x00")+"\x00", "-\x00"); n > 1 {
		return nil, UsageError{"only one of --base, --head and --districts can read standard input"}
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
	d := &DiffRun{Audit: a, maxLoss: maxLossM2, base: a.lists[0], head: a.lists[1]}
	d.stationChanges = coverage.MatchStations(d.base, d.head)
	copts := a.opts
	copts.GapPolygons = cfg.Output.Gaps != ""
	copts.Roads = nil
	if a.roads != nil && a.roads.headNets != nil {
		copts.HeadRoadsFor = a.headFieldFor
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
	base, head     []coverage.Station
	stationChanges []coverage.StationChange
	changes        []coverage.Change
}

// regression says whether a district's change fails the diff, and why.
func (d *DiffRun) regression(c *coverage.Change) (bool, string) {
	switch {
	case c.Base.Pass && !c.Head.Pass:
		return true, "passed before, fails now: " + failReason(&c.Head)
	case c.NewlyUncoveredM2 > d.maxLoss:
		return true, fmt.Sprintf("loses %s, more than --max-loss %s", fmtArea(c.NewlyUncoveredM2), fmtArea(d.maxLoss))
	}
	return false, ""
}

// changed says whether a district has anything to report.
func changed(c *coverage.Change) bool {
	return c.NewlyUncoveredM2 >= 0.005 || c.NewlyCoveredM2 >= 0.005 || c.Base.Pass != c.Head.Pass
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
}

type jsonDiff struct {
	Meta        ReportMeta          `json:"meta"`
	Attribution []string            `json:"attribution"`
	Warnings    []string            `json:"warnings"`
	Districts   []jsonDiffDistrict  `json:"districts"`
	Stations    []jsonStationChange `json:"stations"`
	Summary     jsonDiffSummary     `json:"summary"`
}

func side(r *coverage.Result) jsonSide {
	return jsonSide{UncoveredM2: m2(r.UncoveredM2), CoveredPct: r.CoveredPct, Pass: r.Pass, FailReason: failReason(r)}
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
	for i := range d.changes {
		c := &d.changes[i]
		reg, why := d.regression(c)
		jd := jsonDiffDistrict{Name: c.District.Name, ID: c.District.ID, Class: c.District.Class, Rule: ruleJSON(c.District.Rule),
			AreaM2: m2(c.Head.AreaM2), Base: side(&c.Base), Head: side(&c.Head),
			NewlyUncoveredM2: m2(c.NewlyUncoveredM2), NewlyCoveredM2: m2(c.NewlyCoveredM2),
			Regression: reg, Reason: why, Losses: []jsonLoss{}}
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
	fmt.Fprintln(tw, "DISTRICT\tCLASS\tNEWLY UNCOVERED\tNEWLY COVERED\tBEFORE\tAFTER\tRESULT\tLOST BY")
	for i := range d.changes {
		c := &d.changes[i]
		if !changed(c) {
			continue
		}
		result := "ok"
		if reg, _ := d.regression(c); reg {
			result = "REGRESSION"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.District.Name, c.District.Class, fmtArea(c.NewlyUncoveredM2),
			fmtArea(c.NewlyCoveredM2), passText(c.Base.Pass), passText(c.Head.Pass), result, d.lossText(c))
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
	_, err := fmt.Fprintf(w, "%d of %d district(s) changed, %d regression(s): %s newly uncovered, %s newly covered; stations: %d added, %d removed, %d moved\n",
		s.Changed, s.Districts, s.Regressions, fmtArea(s.NewlyUncoveredM2.V), fmtArea(s.NewlyCoveredM2.V), s.Added, s.Removed, s.Moved)
	return err
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
	if s.Changed > 0 {
		b.WriteString("| district | class | rule | newly uncovered | newly covered | before | after | | lost by |\n")
		b.WriteString("|---|---|---|--:|--:|---|---|---|---|\n")
		for i := range d.changes {
			c := &d.changes[i]
			if !changed(c) {
				continue
			}
			mark, why := "", ""
			if reg, r := d.regression(c); reg {
				mark, why = "❌", r
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", mdEscape(c.District.Name), c.District.Class,
				ruleText(c.District.Rule), fmtArea(c.NewlyUncoveredM2), fmtArea(c.NewlyCoveredM2), passText(c.Base.Pass),
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
			feats = append(feats, geodata.Feature{Polygon: g.Polygon, Props: []geodata.Prop{
				{Key: "district", Value: c.District.Name},
				{Key: "district_id", Value: c.District.ID},
				{Key: "class", Value: c.District.Class},
				{Key: "rule", Value: string(c.District.Rule.Kind)},
				{Key: "kind", Value: "newly-uncovered"},
				{Key: "area_m2", Value: m2(g.AreaM2)},
				{Key: "lost_by", Value: d.lossText(c)},
			}})
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

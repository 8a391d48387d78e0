package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/roads"
	"github.com/spf13/pflag"
)

const diffHelp = `Usage: covaudit diff --base OLD --head NEW [--districts FILE] [flags]

Compares two versions of a station file (say, the main branch and a pull
request) under the districts and rules of 'covaudit check': per district,
the area newly uncovered and newly covered (exact, on the WGS84 ellipsoid),
whether it passed and passes, and which removed or moved station caused
which loss; and the stations added, removed and moved (matched by id, else
by position, else by a unique name). --gaps writes the newly uncovered
areas as GeoJSON. --format markdown is ready to post on a pull request.

Without --districts, the embedded Andorra parishes are used.

Flags:
%s
EXIT STATUS
  0  no district loses more than --max-loss, and none that passed fails
  1  coverage regresses: a district loses more than --max-loss, or starts failing
  2  usage error, input that cannot be processed, or output that cannot be written
`

type diffOptions struct {
	checkOptions
	base, head string
	maxLoss    areaFlag
}

func newDiffOptions() *diffOptions {
	o := &diffOptions{checkOptions: *newCheckOptions(), maxLoss: 1e4}
	o.format.allowed = []string{"text", "json", "markdown"}
	return o
}

func (o *diffOptions) addFlags(f *pflag.FlagSet) {
	o.checkOptions.addFlags(f)
	f.Lookup("stations").Hidden = true
	f.Lookup("format").Usage = "report format: text|json|markdown"
	f.Lookup("gaps").Usage = "write the newly uncovered areas as GeoJSON to `FILE`"
	f.StringVar(&o.base, "base", "", "the stations before the change, CSV or GeoJSON (`FILE`)")
	f.StringVar(&o.head, "head", "", "the stations after the change, CSV or GeoJSON (`FILE`)")
	f.Var(&o.maxLoss, "max-loss", "newly uncovered area a district may lose before the change counts as a regression")
	o.road.addFlags(f, true)
	f.Lookup("station-filter").Hidden = true
	f.Lookup("district-filter").Hidden = true
}

func diffHelpText() string {
	return helpWithFlags("diff", diffHelp, newDiffOptions().addFlags)
}

func runDiffArgs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o := newDiffOptions()
	if err := parseCommand("diff", o.addFlags, diffHelpText, args, stderr, "the files go with --base and --head"); err != nil {
		return err
	}
	if o.base == "" || o.head == "" {
		return usageError{"diff needs --base FILE and --head FILE"}
	}
	if o.stations != "" {
		return usageError{"diff reads its stations from --base and --head, not --stations"}
	}
	if n := strings.Count(strings.Join([]string{o.base, o.head, o.districts}, "\x00")+"\x00", "-\x00"); n > 1 {
		return usageError{"only one of --base, --head and --districts can read standard input"}
	}
	if !(o.detour >= 1) {
		return usageError{fmt.Sprintf("invalid --detour %v, must be at least 1", o.detour)}
	}
	a := &audit{opts: &o.checkOptions}
	var din input
	if o.districts == "" {
		a.demo = true
		din = input{role: "districts", name: demoDistrictsName, data: demoDistricts}
		a.attribution = append(a.attribution, demoAttribution)
	} else {
		var err error
		if din, err = loadInput("districts", o.districts, stdin); err != nil {
			return err
		}
	}
	bin, err := loadInput("base", o.base, stdin)
	if err != nil {
		return err
	}
	hin, err := loadInput("head", o.head, stdin)
	if err != nil {
		return err
	}
	din, bin, hin = din.hashed(), bin.hashed(), hin.hashed()
	a.inputs = []input{din, bin, hin}
	lists, err := a.load(din, []input{bin, hin})
	if err != nil {
		return err
	}
	d := &diffRun{audit: a, o: o, base: lists[0], head: lists[1]}
	d.stationChanges = coverage.MatchStations(d.base, d.head)
	copts := o.coverageOptions()
	if o.road.roads != "" {
		net, err := a.roadNetwork(ctx, &copts, newProgress(stderr, o.quiet))
		if err != nil {
			return err
		}
		copts.RoadsFor = func(sts []coverage.Station) *roads.Field { return o.road.fieldFor(net, sts) }
	}
	d.changes, err = coverage.Compare(ctx, a.districts, d.base, d.head, copts)
	if err != nil {
		return inputError{err}
	}
	if err := a.emit(stdout, stderr, d.gapFeatures, d.write); err != nil {
		return err
	}
	for i := range d.changes {
		if reg, _ := d.regression(&d.changes[i]); reg {
			return errFailed
		}
	}
	return nil
}

// diffRun is everything diff produced, ready for the writers.
type diffRun struct {
	*audit
	o              *diffOptions
	base, head     []coverage.Station
	stationChanges []coverage.StationChange
	changes        []coverage.Change
}

// regression says whether a district's change fails the diff, and why.
func (d *diffRun) regression(c *coverage.Change) (bool, string) {
	switch {
	case c.Base.Pass && !c.Head.Pass:
		return true, "passed before, fails now: " + c.Head.FailReason
	case c.NewlyUncoveredM2 > float64(d.o.maxLoss):
		return true, fmt.Sprintf("loses %s, more than --max-loss %s", fmtArea(c.NewlyUncoveredM2), fmtArea(float64(d.o.maxLoss)))
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
	Rule             jsonRule      `json:"rule"`
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
	Meta        jsonMeta            `json:"meta"`
	Attribution []string            `json:"attribution"`
	Warnings    []string            `json:"warnings"`
	Districts   []jsonDiffDistrict  `json:"districts"`
	Stations    []jsonStationChange `json:"stations"`
	Summary     jsonDiffSummary     `json:"summary"`
}

func side(r *coverage.Result) jsonSide {
	return jsonSide{UncoveredM2: m2(r.UncoveredM2), CoveredPct: r.CoveredPct, Pass: r.Pass, FailReason: r.FailReason}
}

func (d *diffRun) summary() jsonDiffSummary {
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

func (d *diffRun) report() jsonDiff {
	rep := jsonDiff{Attribution: append([]string{}, d.attribution...), Warnings: append([]string{}, d.warnings...),
		Districts: []jsonDiffDistrict{}, Stations: []jsonStationChange{}, Summary: d.summary()}
	check := d.audit.report()
	rep.Meta = check.Meta
	rep.Meta.Command = "diff"
	delete(rep.Meta.Parameters, "chord_error_m")
	rep.Meta.Parameters["max_loss_m2"] = float64(d.o.maxLoss)
	rep.Meta.Parameters["chord_error_m"] = float64(d.o.chordError)
	for i := range d.changes {
		c := &d.changes[i]
		reg, why := d.regression(c)
		jd := jsonDiffDistrict{Name: c.District.Name, ID: c.District.ID, Class: c.District.Class, Rule: d.ruleJSON(c.District.Rule),
			AreaM2: m2(c.Head.AreaM2), Base: side(&c.Base), Head: side(&c.Head),
			NewlyUncoveredM2: m2(c.NewlyUncoveredM2), NewlyCoveredM2: m2(c.NewlyCoveredM2),
			Regression: reg, Reason: why, Losses: []jsonLoss{}}
		if c.District.Rule.Kind == coverage.KindRoad {
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

func (d *diffRun) write(w io.Writer) error {
	switch d.o.format.value {
	case "json":
		return writeJSON(w, d.report())
	case "markdown":
		return d.writeMarkdown(w)
	}
	return d.writeText(w)
}

func (d *diffRun) stationLine(sc coverage.StationChange) string {
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

func (d *diffRun) lossText(c *coverage.Change) string {
	var parts []string
	for _, l := range c.Losses {
		parts = append(parts, fmt.Sprintf("%s: %s", stationLabel(d.base[l.Station]), fmtArea(l.AreaM2)))
	}
	return strings.Join(parts, "; ")
}

func (d *diffRun) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
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

func (d *diffRun) writeMarkdown(w io.Writer) error {
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
	for _, a := range d.attribution {
		fmt.Fprintf(&b, "\n<sub>%s</sub>\n", mdEscape(a))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (d *diffRun) gapFeatures() ([]geodata.Feature, []geodata.Prop) {
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

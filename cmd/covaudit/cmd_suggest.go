package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/gpkg"
	"github.com/covaudit/covaudit/report"
	"github.com/paulmach/orb"
	"github.com/spf13/pflag"
)

const suggestHelp = `Usage: covaudit suggest (--add N | --until-covered) [check's flags]

Proposes station sites that cover the most uncovered people (with
--population) or land, under each district's rule, among --candidates
(points a planner can use: town halls, community centres; CSV or GeoJSON)
or, without them, a grid of points every --spacing over the gaps and each
gap's farthest place. --add N proposes N sites; --until-covered adds sites
until no district fails by coverage (or no candidate helps).

The choice is greedy with lazy evaluation, then improved by swaps: for N
sites it covers at least 1 - 1/e (63%%) of what the best N candidates could;
for --until-covered the greedy is within 1 + ln n of the fewest sites, and
the report states how few could possibly do.

Flags:
%s
EXIT STATUS
  0  sites proposed (with --until-covered: every district passes with them)
  1  --until-covered: the candidates cannot make every district pass
  2  usage error, input that cannot be processed, or output that cannot be written
`

type suggestOptions struct {
	checkOptions
	add           int
	untilCovered  bool
	candidates    string
	candidatesCRS crsFlag
	sitesCRS      crsFlag
	spacing       distanceFlag
}

func newSuggestOptions() *suggestOptions {
	o := &suggestOptions{checkOptions: *newCheckOptions(), spacing: 500}
	o.format.allowed = []string{"text", "json", "csv", "markdown", "geojson", "gpkg"}
	return o
}

func (o *suggestOptions) addFlags(f *pflag.FlagSet) {
	o.checkOptions.addFlags(f)
	for _, h := range []string{"gaps", "stations-report", "gaps-crs", "chord-error"} {
		f.Lookup(h).Hidden = true
	}
	f.Lookup("format").Usage = "output format: text|json|csv|markdown|geojson|gpkg (gpkg needs -o FILE)"
	f.IntVar(&o.add, "add", 0, "propose N sites")
	f.BoolVar(&o.untilCovered, "until-covered", false, "propose sites until every district passes")
	f.StringVar(&o.candidates, "candidates", "", "candidate sites, CSV or GeoJSON points (`FILE`; default: points over the gaps)")
	f.Var(&o.candidatesCRS, "candidates-crs", "coordinate system of the candidates (default WGS84; see --districts-crs)")
	f.Var(&o.sitesCRS, "sites-crs", "geojson and gpkg output: coordinate system of the sites, an EPSG code (default EPSG:4326; another writes a GeoJSON \"crs\" member, or the GeoPackage's)")
	f.Var(&o.spacing, "spacing", "without --candidates: spacing of the generated points over the gaps")
}

func suggestHelpText() string {
	return helpWithFlags("suggest", suggestHelp, newSuggestOptions().addFlags)
}

type candidate struct {
	Point    orb.Point
	ID, Name string
}

func runSuggestArgs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o := newSuggestOptions()
	if err := parseCommand("suggest", o.addFlags, suggestHelpText, args, stderr, "inputs go with --districts, --stations and --candidates"); err != nil {
		return err
	}
	if (o.add > 0) == o.untilCovered {
		return usageError{"suggest needs one of --add N (N > 0) and --until-covered"}
	}
	if o.format.value == "gpkg" && o.output == "" {
		return usageError{"--format gpkg writes a file: give it with -o FILE"}
	}
	if err := epsgOnly("sites-crs", o.sitesCRS); err != nil {
		return err
	}
	if _, to := outputSystem(o.sitesCRS); to != nil && o.format.value != "geojson" && o.format.value != "gpkg" {
		return usageError{"--sites-crs applies to --format geojson and gpkg (the other formats give lon, lat in WGS84)"}
	}
	o.gaps = "" // the gap polygons are computed when candidates are generated
	// The audit as check runs it, without its report.
	a := &audit{opts: &o.checkOptions}
	if _, _, err := a.audit(ctx, stdin, o.candidates == ""); err != nil {
		return err
	}
	if !o.quiet {
		for _, w := range a.warnings {
			fmt.Fprintln(stderr, "covaudit: warning: "+w)
		}
	}
	var cands []candidate
	if o.candidates != "" {
		in, err := loadInput("candidates", o.candidates, stdin)
		if err != nil {
			return err
		}
		st, probs, err := geodata.ReadStations(bytes.NewReader(in.data), in.name, geodata.StationOptions{CRS: o.candidatesCRS.crs})
		if err != nil {
			return inputError{err}
		}
		if len(probs) > 0 {
			return inputError{fmt.Errorf("%d invalid candidate(s):\n%w", len(probs), probs)}
		}
		for _, s := range st {
			cands = append(cands, candidate{Point: s.Point, ID: s.ID, Name: s.Name})
		}
	} else {
		for i, p := range coverage.GapCandidates(a.results, float64(o.spacing)) {
			cands = append(cands, candidate{Point: p, ID: "gap-" + strconv.Itoa(i+1)})
		}
	}
	pts := make([]orb.Point, len(cands))
	for i, c := range cands {
		pts[i] = c.Point
	}
	copts := o.coverageOptions()
	copts.Population = a.population
	res, err := coverage.Suggest(ctx, a.districts, coverage.NewIndex(a.stations), pts, o.add, o.untilCovered, copts)
	if err != nil {
		return inputError{err}
	}
	// With the sites, does every district pass? (The check's pass rule.)
	with := append([]coverage.Station{}, a.stations...)
	for _, s := range res.Sites {
		with = append(with, coverage.Station{ID: cands[s.Candidate].ID, Point: s.Point})
	}
	after, err := coverage.Evaluate(ctx, a.districts, coverage.NewIndex(with), copts)
	if err != nil {
		return inputError{err}
	}
	failing := 0
	for _, r := range after {
		if !r.Pass {
			failing++
		}
	}
	out := &suggestion{res: res, cands: cands, failing: failing, districts: len(after), attribution: a.attribution, system: o.sitesCRS}
	write := func(w io.Writer) error { return out.write(w, o.format.value) }
	if o.format.value == "gpkg" {
		if err := out.writeGeoPackage(o.output); err != nil {
			return outputError{err}
		}
	} else if o.checkOptions.output != "" {
		if err := geodata.WriteFileAtomic(o.checkOptions.output, write); err != nil {
			return outputError{err}
		}
	} else if err := write(stdout); err != nil {
		return outputError{err}
	}
	for i, st := range res.Sites {
		c := cands[st.Candidate]
		a.sites = append(a.sites, report.Site{Rank: i + 1, ID: c.ID, Name: c.Name, Point: st.Point})
	}
	if err := a.writeVisuals(); err != nil {
		return err
	}
	if o.untilCovered && failing > 0 {
		return errFailed
	}
	return nil
}

type suggestion struct {
	res         *coverage.SuggestResult
	cands       []candidate
	failing     int
	districts   int
	attribution []string
	system      crsFlag // of the geojson and gpkg output
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
}

func (s *suggestion) sites() []jsonSite {
	out := []jsonSite{}
	for i, st := range s.res.Sites {
		c := s.cands[st.Candidate]
		out = append(out, jsonSite{Rank: i + 1, ID: c.ID, Name: c.Name, Lon: deg7(st.Point[0]), Lat: deg7(st.Point[1]),
			GainM2: m2(st.GainM2), GainPeople: m2(st.GainPeople), UncoveredM2: m2(st.UncoveredM2), UncoveredPeople: m2(st.UncoveredPeople)})
	}
	return out
}

func (s *suggestion) summaryLine() string {
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

func (s *suggestion) write(w io.Writer, format string) error {
	switch format {
	case "json":
		return writeJSON(w, map[string]any{"sites": s.sites(), "summary": map[string]any{
			"by": map[bool]string{true: "people", false: "land"}[s.res.ByPeople], "uncovered_m2_before": m2(s.res.UncoveredM2),
			"uncovered_people_before": m2(s.res.UncoveredPeople), "failing_after": s.failing, "districts": s.districts,
			"lower_bound_sites": s.res.LowerBound, "swaps": s.res.Swaps}, "attribution": append([]string{}, s.attribution...)})
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"rank", "id", "name", "lon", "lat", "gain_m2", "gain_people", "uncovered_m2_after", "uncovered_people_after"})
		for _, j := range s.sites() {
			cw.Write([]string{strconv.Itoa(j.Rank), j.ID, j.Name, j.Lon.String(), j.Lat.String(), j.GainM2.String(), j.GainPeople.String(), j.UncoveredM2.String(), j.UncoveredPeople.String()})
		}
		cw.Flush()
		return cw.Error()
	case "geojson":
		var b strings.Builder
		b.WriteString(`{"type":"FeatureCollection",`)
		epsg, to := outputSystem(s.system)
		if to != nil {
			fmt.Fprintf(&b, `"crs":%s,`, crsMember(epsg).Value)
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
		b.WriteString("| rank | site | lon | lat | covers (ha) | covers (people) | uncovered after (km²) |\n|--:|---|--:|--:|--:|--:|--:|\n")
		for _, j := range s.sites() {
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %.2f | %.0f | %.3f |\n", j.Rank, mdEscape(joinNonEmpty(" ", j.Name, "("+j.ID+")")), j.Lon, j.Lat, j.GainM2.V/1e4, j.GainPeople.V, j.UncoveredM2.V/1e6)
		}
		fmt.Fprintf(&b, "\n%s\n", s.summaryLine())
		_, err := io.WriteString(w, b.String())
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tSITE\tLAT,LON\tCOVERS ha\tCOVERS people\tUNCOVERED AFTER km²")
	for _, j := range s.sites() {
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
func (s *suggestion) point(j jsonSite, to func(lon, lat float64) (x, y float64)) orb.Point {
	p := s.res.Sites[j.Rank-1].Point
	if to != nil {
		p[0], p[1] = to(p[0], p[1])
	}
	return p
}

// writeGeoPackage writes the sites as a GeoPackage point layer "sites" in
// the output system, with the columns of the CSV output (lon and lat stay
// WGS84) and the data's attribution on every feature; whole or not at all.
func (s *suggestion) writeGeoPackage(path string) error {
	epsg, to := outputSystem(s.system)
	sites := s.sites()
	pts := make([]orb.Point, len(sites))
	props := make([][]geodata.Prop, len(sites))
	for i, j := range sites {
		pts[i] = s.point(j, to)
		props[i] = []geodata.Prop{{Key: "rank", Value: j.Rank}, {Key: "id", Value: j.ID}, {Key: "name", Value: j.Name},
			{Key: "lon", Value: j.Lon}, {Key: "lat", Value: j.Lat}, {Key: "gain_m2", Value: j.GainM2}, {Key: "gain_people", Value: j.GainPeople},
			{Key: "uncovered_m2_after", Value: j.UncoveredM2}, {Key: "uncovered_people_after", Value: j.UncoveredPeople}}
		if len(s.attribution) > 0 {
			props[i] = append(props[i], geodata.Prop{Key: "attribution", Value: strings.Join(s.attribution, "; ")})
		}
	}
	return gpkg.WritePoints(path, "sites", pts, props, epsg)
}

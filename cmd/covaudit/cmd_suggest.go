package main

import (
	"context"
	"io"

	"github.com/covaudit/covaudit/audit"
	"github.com/spf13/pflag"
)

const suggestHelp = `Usage: covaudit suggest (--add N | --until-covered) [check's flags]

Proposes station sites that cover the most uncovered people (with
--population) or land, under each district's rule, among --candidates
(points a planner can use: town halls, community centres; CSV or GeoJSON)
or, without them, a grid of points every --spacing over the gaps and each
gap's farthest place. --add N proposes N sites; --until-covered adds sites
until no district fails by coverage (or no candidate helps). --add 0
proposes none and reports the districts as they are.

Road districts are scored by road: each candidate's cover is found by a
network search from it and counted at sample places (the population points,
or about 2,000 grid places per district); the figures after the sites are
the audit with them (certified brackets), as covaudit check would give.

The choice is greedy with lazy evaluation, then improved by swaps: for N
sites it covers at least 1 - 1/e (63%%) of what the best N candidates could;
for --until-covered the greedy is within 1 + ln n of the fewest sites, and
the report states how few could possibly do.

--objective p-center places the --add N sites so that the largest cost
from any place of the districts to its nearest station is least: the
distance under the 2 km rules (exact farthest place), the time under the
road rules (at the travel-time sample places), each as a share of its
rule's limit when the rules differ. The report gives the value found and a
lower bound no N of the candidates can beat (a dispersion argument: N+1
places no station serves and no single candidate serves two of), so the
gap to the best possible choice is stated.

--objective capacitated places the --add N sites, each of --new-capacity X
(the stations' capacity units), where they serve the most people under
capacitated coverage (as check --capacitated: --population,
--people-per-unit, --capacity-col or --default-capacity, --capacity-order).
Each step tries every candidate, recomputing the assignment exactly, and
takes the one that serves the most people more. The objective is not
submodular, so greedy has no guarantee: the report states an upper bound
on the people any N candidates can serve, and the gap to it.

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
	objective     enumFlag
	newCapacity   float64
}

func newSuggestOptions() *suggestOptions {
	o := &suggestOptions{checkOptions: *newCheckOptions(), spacing: 500,
		objective: enumFlag{value: audit.ObjectiveCoverage, allowed: []string{audit.ObjectiveCoverage, audit.ObjectivePCenter, audit.ObjectiveCapacitated}, what: "objective"}}
	o.format.allowed = []string{"text", "json", "csv", "markdown", "geojson", "gpkg"}
	return o
}

func (o *suggestOptions) addFlags(f *pflag.FlagSet) {
	o.checkOptions.addCheckFlags(f)
	for _, h := range []string{"gaps", "stations-report", "gaps-crs", "chord-error", "surface", "surface-cell", "surface-crs"} {
		f.Lookup(h).Hidden = true
	}
	f.Lookup("format").Usage = "output format: text|json|csv|markdown|geojson|gpkg (gpkg needs -o FILE)"
	f.IntVar(&o.add, "add", -1, "propose N sites (0: none, the starting state only)")
	f.BoolVar(&o.untilCovered, "until-covered", false, "propose sites until every district passes")
	f.StringVar(&o.candidates, "candidates", "", "candidate sites, CSV or GeoJSON points (`FILE`; default: points over the gaps)")
	f.Var(&o.candidatesCRS, "candidates-crs", "coordinate system of the candidates (default WGS84; see --districts-crs)")
	f.Var(&o.sitesCRS, "sites-crs", "geojson and gpkg output: coordinate system of the sites, an EPSG code (default EPSG:4326; another writes a GeoJSON \"crs\" member, or the GeoPackage's)")
	f.Var(&o.spacing, "spacing", "without --candidates: spacing of the generated points over the gaps")
	f.Var(&o.objective, "objective", "what the sites improve: coverage (the most uncovered people or land), p-center (the largest distance or time to a station) or capacitated (the most people served within capacities)")
	f.Float64Var(&o.newCapacity, "new-capacity", 0, "with --objective capacitated: each new site's capacity, in the stations' capacity units (`X`)")
}

func suggestHelpText() string {
	return helpWithFlags("suggest", suggestHelp, newSuggestOptions().addFlags)
}

func runSuggestArgs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o := newSuggestOptions()
	fs, err := parseCommand("suggest", o.addFlags, suggestHelpText, args, stderr, "inputs go with --districts, --stations and --candidates")
	if err != nil {
		return err
	}
	if (o.add >= 0) == o.untilCovered {
		return usageError{Msg: "suggest needs one of --add N (N >= 0) and --until-covered"}
	}
	if o.format.value == "gpkg" && o.output == "" {
		return usageError{Msg: "--format gpkg writes a file: give it with -o FILE"}
	}
	if err := epsgOnly("sites-crs", o.sitesCRS); err != nil {
		return err
	}
	if _, to := audit.OutputSystem(o.sitesCRS.crs); to != nil && o.format.value != "geojson" && o.format.value != "gpkg" {
		return usageError{Msg: "--sites-crs applies to --format geojson and gpkg (the other formats give lon, lat in WGS84)"}
	}
	o.flags = fs
	if o.objective.value == audit.ObjectiveCapacitated {
		o.access.capacitated = true // the stations' capacities are read
	}
	cfg, err := o.config(stdin, stderr)
	if err != nil {
		return err
	}
	cfg.Output.Gaps = ""
	if cfg.Output.Surface != "" {
		return usageError{Msg: "suggest does not take --surface (covaudit check writes the cost surface)"}
	}
	add := max(0, o.add)
	s, err := audit.Suggest(ctx, cfg, audit.SuggestConfig{Add: add, UntilCovered: o.untilCovered, Candidates: o.candidates,
		CandidatesCRS: o.candidatesCRS.crs, SpacingM: float64(o.spacing), SitesCRS: o.sitesCRS.crs,
		Objective: o.objective.value, NewCapacity: o.newCapacity, HasNewCapacity: fs.Lookup("new-capacity").Changed})
	if err != nil {
		return err
	}
	s.Version = versionString()
	return s.Write(stdout, stderr)
}

package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/covaudit/covaudit/audit"
	"github.com/covaudit/covaudit/geodata"
	"github.com/spf13/pflag"
)

const nearestHelp = `Usage: covaudit nearest --points FILE [--districts FILE --stations FILE] [flags]

Prints, for every point (villages, addresses: CSV or GeoJSON points), the
district it lies in, its nearest station by that district's rule, the
straight-line distance and the travel time to it, and whether it meets the
rule (any class and rule kind, as covaudit check): under a distance rule
the station nearest in geodesic distance, under a road rule the station
cheapest to reach by road (then the route's length too). Travel times are
given for points under distance rules as well: by road with --roads, else
by the speed model. Points outside every district take --outside-class's
rule.

With --population and --access 2sfca|e2sfca (or --capacitated), adds each
point's accessibility index (capacity units per 10,000 people) and, for
points where population points lie, their people and (--capacitated) the
people served and residual; without --points the points are the
population's own (see docs/accessibility.md).

With no --districts and --stations, uses the embedded Andorra demo dataset
and its road network.

Flags:
%s
EXIT STATUS
  0  every point meets its rule
  1  at least one point does not
  2  usage error, input that cannot be processed, or output that cannot be written
`

type nearestOptions struct {
	check        *checkOptions
	points       string
	pointsCRS    crsFlag
	outsideClass string
}

func newNearestOptions() *nearestOptions {
	o := &nearestOptions{check: newCheckOptions(), outsideClass: "rural"}
	o.check.format = enumFlag{value: "text", allowed: []string{"text", "json", "csv"}, what: "format"}
	return o
}

func (o *nearestOptions) addFlags(f *pflag.FlagSet) {
	c := o.check
	f.StringVar(&o.points, "points", "", "points to look up, CSV or GeoJSON (`FILE`, or - for stdin)")
	f.Var(&o.pointsCRS, "points-crs", "coordinate system of the points (default WGS84, or the file's declaration; see --districts-crs)")
	f.StringVar(&o.outsideClass, "outside-class", o.outsideClass, "class whose rule applies to points outside every district")
	c.addInputFlags(f)
	f.VarP(&c.format, "format", "f", "output format: text|json|csv")
	f.StringVarP(&c.output, "output", "o", "", "write to `FILE` (whole or not at all) instead of stdout")
}

func nearestHelpText() string {
	return helpWithFlags("nearest", nearestHelp, newNearestOptions().addFlags)
}

func runNearestArgs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o := newNearestOptions()
	fs, err := parseCommand("nearest", o.addFlags, nearestHelpText, args, stderr, "points go with --points")
	if err != nil {
		return err
	}
	c := o.check
	c.flags = fs
	cfg, err := c.config(stdin, stderr)
	if err != nil {
		return err
	}
	cfg.Roads.Optional = false // nearest measures every point's travel time by road
	if o.points == "" && cfg.Access.Enabled() && cfg.Population != "" {
		// The population's own points, each with its index and people.
		if cfg.Population == "-" || isRasterPath(cfg.Population) {
			return usageError{Msg: "nearest --access over a population from stdin or a raster needs --points FILE (the points to look up)"}
		}
		o.points, o.pointsCRS.crs = cfg.Population, cfg.PopulationCRS
	}
	if o.points == "" {
		return usageError{Msg: "nearest needs --points FILE (or --population FILE with --access or --capacitated)"}
	}
	a, err := audit.Load(ctx, cfg)
	if err != nil {
		return err
	}
	rep, err := a.Nearest(ctx, o.points, o.pointsCRS.crs, o.outsideClass)
	if err != nil {
		return err
	}
	a.PrintWarnings(stderr)
	write := func(w io.Writer) error { return rep.Write(w, c.format.value) }
	if c.output != "" {
		if err := geodata.WriteFileAtomic(c.output, write); err != nil {
			return outputError{Err: err}
		}
	} else if err := write(stdout); err != nil {
		return outputError{Err: err}
	}
	if c.format.value != "json" {
		for _, s := range a.Attribution {
			fmt.Fprintln(stderr, s)
		}
	}
	if rep.Failing > 0 {
		return errFailed
	}
	return nil
}

// isRasterPath says whether a population path names a GeoTIFF raster.
func isRasterPath(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".tif" || ext == ".tiff"
}

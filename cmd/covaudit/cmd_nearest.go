package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/spf13/pflag"
	"github.com/tidwall/rtree"
)

const nearestHelp = `Usage: covaudit nearest --points FILE [--districts FILE --stations FILE] [flags]

Prints, for every point (villages, addresses: CSV or GeoJSON points), the
district it lies in, its nearest station by that district's rule, the
straight-line distance and the travel time to it, and whether it meets the
rule. Urban districts: the station nearest in geodesic distance, within
--urban-radius. Rural districts: the station fastest to reach, within
--rural-time: by road with --roads (then the route's length too), else by
the speed model. Travel times are given for urban points as well. Points
outside every district take --outside-class's rule.

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
	outsideClass enumFlag
}

func newNearestOptions() *nearestOptions {
	o := &nearestOptions{check: newCheckOptions(), outsideClass: enumFlag{value: "rural", allowed: []string{"urban", "rural"}, what: "class"}}
	o.check.format = enumFlag{value: "text", allowed: []string{"text", "json", "csv"}, what: "format"}
	return o
}

func (o *nearestOptions) addFlags(f *pflag.FlagSet) {
	c := o.check
	f.StringVar(&o.points, "points", "", "points to look up, CSV or GeoJSON (`FILE`, or - for stdin)")
	f.Var(&o.outsideClass, "outside-class", "rule for points outside every district: urban|rural")
	f.StringVar(&c.districts, "districts", "", "district boundaries (`FILE`; see covaudit check)")
	f.StringVar(&c.stations, "stations", "", "stations (`FILE`; see covaudit check)")
	c.addClassFlags(f)
	f.Var(&c.urbanRadius, "urban-radius", "urban rule: largest geodesic distance to a station (m or km)")
	f.Var(&c.ruralTime, "rural-time", "rural rule: longest travel time (such as 30m, 1h)")
	f.Float64Var(&c.detour, "detour", c.detour, "rural speed model (no --roads): road distance / straight-line distance (>= 1)")
	f.Var(&c.speed, "speed", "rural speed model (no --roads): travel speed (km/h, m/s or mph)")
	f.BoolVar(&c.skipInvalid, "skip-invalid", false, "skip invalid records with a warning instead of failing")
	f.VarP(&c.format, "format", "f", "output format: text|json|csv")
	f.StringVarP(&c.output, "output", "o", "", "write to `FILE` (whole or not at all) instead of stdout")
	f.BoolVarP(&c.quiet, "quiet", "q", false, "no warnings or progress on stderr (errors still)")
	c.road.addFlags(f, false)
}

func nearestHelpText() string {
	return helpWithFlags("nearest", nearestHelp, newNearestOptions().addFlags)
}

func runNearestArgs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o := newNearestOptions()
	if err := parseCommand("nearest", o.addFlags, nearestHelpText, args, stderr, "points go with --points"); err != nil {
		return err
	}
	if o.points == "" {
		return usageError{"nearest needs --points FILE"}
	}
	c := o.check
	if c.districts == "" && c.stations == "" && c.road.roads == "" {
		c.road.roads = demoRoadsName
	}
	return runNearest(ctx, o, stdin, stdout, stderr)
}

// nearestPoint is one line of nearest's output.
type nearestPoint struct {
	ID        string         `json:"id"`
	Name      string         `json:"name,omitempty"`
	Lon       geodata.Fixed  `json:"lon"`
	Lat       geodata.Fixed  `json:"lat"`
	District  *string        `json:"district"`
	Class     string         `json:"class"`
	Rule      string         `json:"rule"`
	Station   *string        `json:"station"`
	DistanceM *geodata.Fixed `json:"distance_m"`
	TimeS     *geodata.Fixed `json:"time_s"`
	RouteM    *geodata.Fixed `json:"route_m,omitempty"`
	Meets     bool           `json:"meets"`
}

func runNearest(ctx context.Context, o *nearestOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	c := o.check
	a := &audit{opts: c, stderr: stderr}
	ix, copts, err := a.prepare(ctx, stdin, false)
	if err != nil {
		return err
	}
	pin, err := loadInput("points", o.points, stdin)
	if err != nil {
		return err
	}
	pts, probs, err := geodata.ReadStations(bytes.NewReader(pin.data), pin.name, geodata.StationOptions{})
	if err != nil {
		return inputError{err}
	}
	if len(probs) > 0 {
		if !c.skipInvalid {
			return inputError{fmt.Errorf("%d invalid record(s) (use --skip-invalid to skip them):\n%w", len(probs), probs)}
		}
		for _, p := range probs {
			a.warn("skipped: " + p.Error())
		}
	}
	districtAt := a.districtLocator()
	urban := coverage.Rule{Kind: coverage.KindRadius, RadiusM: float64(c.urbanRadius)}
	speed := coverage.Rule{Kind: coverage.KindSpeed, TimeS: float64(c.ruralTime), Detour: c.detour, SpeedMS: float64(c.speed)}
	out := make([]nearestPoint, len(pts))
	failing := 0
	for i, p := range pts {
		np := nearestPoint{ID: p.ID, Name: p.Name, Lon: deg7(p.Point[0]), Lat: deg7(p.Point[1]), Class: o.outsideClass.value}
		var rule coverage.Rule
		if di := districtAt(p.Point); di >= 0 {
			d := &a.districts[di]
			np.District, np.Class, rule = &d.Name, d.Class, d.Rule
		} else if np.Class == "urban" {
			rule = urban
		} else if copts.Roads != nil {
			rule = coverage.Rule{Kind: coverage.KindRoad, TimeS: float64(c.ruralTime), Profile: c.road.profile.value}
		} else {
			rule = speed
		}
		np.Rule = ruleText(rule)
		si, dist := ix.Nearest(p.Point)
		var t float64
		switch {
		case rule.Kind == coverage.KindRoad || (copts.Roads != nil && rule.Kind == coverage.KindRadius):
			t0, s, route := copts.Roads.Cost(p.Point[0], p.Point[1])
			t = t0
			if rule.Kind == coverage.KindRoad {
				if si = s; s >= 0 {
					sp := ix.Stations()[s].Point
					dist = geodesy.Distance(p.Point[0], p.Point[1], sp[0], sp[1])
					r := cost3(route)
					np.RouteM = &r
				}
				np.Meets = s >= 0 && t <= rule.TimeS
			} else {
				np.Meets = si >= 0 && dist <= rule.RadiusM
			}
		default:
			t = speed.Cost(dist)
			limit, _ := rule.Threshold()
			np.Meets = si >= 0 && rule.Cost(dist) <= limit
		}
		if si >= 0 {
			id := ix.Stations()[si].ID
			d, tt := cost3(dist), cost3(t)
			np.Station, np.DistanceM, np.TimeS = &id, &d, &tt
		}
		if !np.Meets {
			failing++
		}
		out[i] = np
	}
	if !c.quiet {
		for _, w := range a.warnings {
			fmt.Fprintln(stderr, "covaudit: warning: "+w)
		}
	}
	write := func(w io.Writer) error {
		switch c.format.value {
		case "json":
			return writeJSON(w, struct {
				Points      []nearestPoint `json:"points"`
				Failing     int            `json:"failing"`
				Attribution []string       `json:"attribution"`
			}{out, failing, append([]string{}, a.attribution...)})
		case "csv":
			cw := csv.NewWriter(w)
			cw.Write([]string{"id", "name", "lon", "lat", "district", "class", "rule", "station", "distance_m", "time_s", "route_m", "meets"})
			for _, p := range out {
				cw.Write([]string{p.ID, p.Name, p.Lon.String(), p.Lat.String(), strOr(p.District), p.Class, p.Rule, strOr(p.Station),
					fixedOr(p.DistanceM), fixedOr(p.TimeS), fixedOr(p.RouteM), strconv.FormatBool(p.Meets)})
			}
			cw.Flush()
			return cw.Error()
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "POINT\tDISTRICT\tRULE\tSTATION\tDISTANCE\tTIME\tMEETS")
		for _, p := range out {
			dist, tm := "-", "-"
			if p.DistanceM != nil {
				dist, tm = fmtKm(p.DistanceM.V), fmtTime(p.TimeS.V)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cmpOr(p.Name, p.ID), cmpOr(strOr(p.District), "(outside)"), p.Rule,
				cmpOr(strOr(p.Station), "none"), dist, tm, map[bool]string{true: "yes", false: "NO"}[p.Meets])
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := fmt.Fprintf(w, "\n%d point(s): %d meet their rule, %d do not\n", len(out), len(out)-failing, failing)
		return err
	}
	if c.output != "" {
		if err := geodata.WriteFileAtomic(c.output, write); err != nil {
			return outputError{err}
		}
	} else if err := write(stdout); err != nil {
		return outputError{err}
	}
	if c.format.value != "json" {
		for _, s := range a.attribution {
			fmt.Fprintln(stderr, s)
		}
	}
	if failing > 0 {
		return errFailed
	}
	return nil
}

// districtLocator returns a function giving the first district (input
// order) that holds a point, or -1; districts are found by their boxes in
// an R-tree, then tested in lon/lat.
func (a *audit) districtLocator() func(p orb.Point) int {
	var tree rtree.RTreeG[int]
	for i := range a.districts {
		b := a.districts[i].Geometry.Bound()
		tree.Insert(b.Min, b.Max, i)
	}
	return func(p orb.Point) int {
		best := -1
		tree.Search(p, p, func(_, _ [2]float64, i int) bool {
			if (best < 0 || i < best) && planar.MultiPolygonContains(a.districts[i].Geometry, p) {
				best = i
			}
			return true
		})
		return best
	}
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

func cmpOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

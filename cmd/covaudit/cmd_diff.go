package main

import (
	"context"
	"fmt"
	"io"

	"github.com/covaudit/covaudit/audit"
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

With --population (points or a raster, as 'covaudit check' reads it), each
district also reports its people uncovered before and after, the change,
and the people who lose and gain coverage; --max-loss-people N makes a
district where more than N people lose coverage a regression. With
--roads, --head-close and --head-speed-factor edit the head side's roads
only: a change that closes a bridge reports the land and the people it
cuts off.

Without --districts, the embedded Andorra parishes are used.

Flags:
%s
EXIT STATUS
  0  no district loses more than --max-loss (or more people than
     --max-loss-people), and none that passed fails
  1  coverage regresses: a district loses more than --max-loss, more people
     than --max-loss-people, or starts failing
  2  usage error, input that cannot be processed, or output that cannot be written
`

type diffOptions struct {
	checkOptions
	base, head string
	maxLoss    areaFlag
	// maxLossPeople applies when the flag is given.
	maxLossPeople peopleFlag
	// Road scenario of the head side only.
	headClose, headSpeedFactor string
}

func newDiffOptions() *diffOptions {
	o := &diffOptions{checkOptions: *newCheckOptions(), maxLoss: 1e4}
	o.format.allowed = []string{"text", "json", "markdown"}
	return o
}

func (o *diffOptions) addFlags(f *pflag.FlagSet) {
	o.checkOptions.addCheckFlags(f)
	f.Lookup("stations").Hidden = true
	f.Lookup("format").Usage = "report format: text|json|markdown"
	f.Lookup("gaps").Usage = "write the newly uncovered areas as GeoJSON to `FILE`"
	f.StringVar(&o.base, "base", "", "the stations before the change, CSV or GeoJSON (`FILE`)")
	f.StringVar(&o.head, "head", "", "the stations after the change, CSV or GeoJSON (`FILE`)")
	f.Var(&o.maxLoss, "max-loss", "newly uncovered area a district may lose before the change counts as a regression, in m2, ha or km2 (such as 500m2, 1ha, 2km2; a bare number is m2)")
	f.Var(&o.maxLossPeople, "max-loss-people", "with --population: people of a district who may lose coverage before the change counts as a regression (`N`)")
	f.StringVar(&o.headClose, "head-close", "", "with --roads: roads the change closes, as --close reads them, on the head side only (`FILE`)")
	f.StringVar(&o.headSpeedFactor, "head-speed-factor", "", "with --roads: roads the change slows, as --speed-factor reads them, on the head side only (`FILE`)")
	for _, h := range []string{"stations-report", "html", "svg", "basemap", "min-coverage-by",
		"access", "min-access", "capacitated", "people-per-unit", "capacity-order", "capacity-col", "default-capacity", "surface", "surface-cell", "surface-crs"} {
		f.Lookup(h).Hidden = true
	}
}

func diffHelpText() string {
	return helpWithFlags("diff", diffHelp, newDiffOptions().addFlags)
}

func runDiffArgs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o := newDiffOptions()
	fs, err := parseCommand("diff", o.addFlags, diffHelpText, args, stderr, "the files go with --base and --head")
	if err != nil {
		return err
	}
	o.flags = fs
	for _, h := range []string{"stations-report", "html", "svg", "surface", "access", "capacitated"} {
		if o.changed(h) {
			return usageError{Msg: fmt.Sprintf("diff does not take --%s", h)}
		}
	}
	if o.stations != "" {
		return usageError{Msg: "diff reads its stations from --base and --head, not --stations"}
	}
	cfg, err := o.config(stdin, stderr)
	if err != nil {
		return err
	}
	if cfg.Access.Enabled() {
		// diff counts people, not the capacity-aware measures.
		return usageError{Msg: "diff does not take the accessibility or capacitated measures (access in the configuration): run check on each side"}
	}
	cfg.Roads.HeadClose, cfg.Roads.HeadSpeedFactor = o.headClose, o.headSpeedFactor
	lim := audit.DiffLimits{MaxLossM2: float64(o.maxLoss), MaxLossPeople: float64(o.maxLossPeople), PeopleLimit: o.changed("max-loss-people")}
	d, err := audit.Diff(ctx, cfg, o.base, o.head, lim)
	if err != nil {
		return err
	}
	d.Version = versionString()
	return d.Write(stdout, stderr)
}

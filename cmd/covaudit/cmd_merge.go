package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/covaudit/covaudit/audit"
	"github.com/spf13/pflag"
)

const mergeHelp = `Usage: covaudit merge [flags] FILE...

Merges the JSON reports of the N shards of one audit (covaudit check
--shard K/N --format json, one per machine) into the outputs of the whole
audit: the report in any format and the gap map, byte for byte what one
unsharded check writes (the JSON report's meta.shard says it was merged).
Totals are re-added from each district's exact values in district order;
the warnings are those of the whole audit. Shards of other inputs or
settings (meta.shard.inputs_sha256), a shard given twice and a missing
shard are errors naming the file. See docs/shards.md.

Flags:
%s
EXIT STATUS
  0  every district passes
  1  at least one district fails its coverage requirement (the report is still complete)
  2  usage error, input that cannot be processed, or output that cannot be written
`

type mergeOptions struct {
	format  enumFlag
	output  string
	gaps    string
	gapsCRS crsFlag
	quiet   bool
}

func newMergeOptions() *mergeOptions {
	return &mergeOptions{format: enumFlag{value: "text", allowed: []string{"text", "json", "csv", "markdown"}, what: "format"}}
}

func (o *mergeOptions) addFlags(f *pflag.FlagSet) {
	f.VarP(&o.format, "format", "f", "report format: text|json|csv|markdown")
	f.StringVarP(&o.output, "output", "o", "", "write the report to `FILE` (whole or not at all) instead of stdout")
	f.StringVar(&o.gaps, "gaps", "", "write the uncovered areas of every shard as a GeoJSON gap map to `FILE`")
	f.Var(&o.gapsCRS, "gaps-crs", "coordinate system of the gap map, an EPSG code (default EPSG:4326)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no warnings on stderr (errors still)")
}

func mergeHelpText() string {
	fs := pflag.NewFlagSet("merge", pflag.ContinueOnError)
	newMergeOptions().addFlags(fs)
	return fmt.Sprintf(mergeHelp, fs.FlagUsages())
}

func runMergeArgs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o := newMergeOptions()
	fs := pflag.NewFlagSet("merge", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	o.addFlags(fs)
	fs.Usage = func() { fmt.Fprint(stderr, mergeHelpText()) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return usageError{Msg: err.Error()}
	}
	if err := epsgOnly("gaps-crs", o.gapsCRS); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{Msg: "merge needs the shards' JSON reports: covaudit merge [flags] FILE..."}
	}
	a, err := audit.Merge(fs.Args(), audit.Output{Format: o.format.value, Report: o.output, Gaps: o.gaps, GapsCRS: o.gapsCRS.crs, Quiet: o.quiet})
	if err != nil {
		return err
	}
	return a.WriteMerged(stdout, stderr)
}

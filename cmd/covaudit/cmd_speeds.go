package main

import (
	"context"
	"github.com/covaudit/covaudit/audit"
	"io"

	"github.com/spf13/pflag"
)

const speedsHelp = `Usage: covaudit speeds [--profile car|bicycle|foot] [--speeds FILE]

Prints a road profile's speed table in the format --speeds reads: one
"highway-class km/h" per line, then maxspeed-factor and oneway. Edit the
output and pass it to check or nearest with --speeds FILE.

Flags:
%s`

func speedsHelpText() string {
	return helpWithFlags("speeds", speedsHelp, func(f *pflag.FlagSet) { r := newRoadOptions(); r.addSpeedsFlags(f) })
}

// addSpeedsFlags adds the flags covaudit speeds reads.
func (o *roadOptions) addSpeedsFlags(f *pflag.FlagSet) {
	f.Var(&o.profile, "profile", "profile: car|bicycle|foot")
	f.StringVar(&o.speeds, "speeds", "", "a speeds file to read over the profile (`FILE`), to check it")
}

func runSpeedsArgs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o := newRoadOptions()
	if _, err := parseCommand("speeds", o.addSpeedsFlags, speedsHelpText, args, stderr, "choose the profile with --profile"); err != nil {
		return err
	}
	p, err := audit.Profile(o.profile.value, o.speeds)
	if err != nil {
		return err
	}
	if err := p.WriteSpeeds(stdout); err != nil {
		return outputError{Err: err}
	}
	return nil
}

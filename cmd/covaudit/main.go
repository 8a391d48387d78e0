// Command covaudit audits whether service stations cover the districts they
// must: every place of an urban district within a radius (2 km) of a
// station, every place of a rural district within a travel time (30 min).
//
// Usage:
//
//	covaudit check [flags]
//	covaudit help [command]
//	covaudit --version
//
// Exit status: 0 when every district passes, 1 when a coverage requirement
// fails (the report is still complete), 2 for usage, input or output errors.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/covaudit/covaudit/audit"
	"github.com/covaudit/covaudit/geodata"
	"github.com/spf13/pflag"
)

// version is set at build time with -ldflags "-X main.version=..."; without
// it the module version (or "devel") is used.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Errors that decide the exit status (see exitCode): the audit's.
var errFailed = audit.ErrFailed

type (
	usageError  = audit.UsageError  // a bad command line or configuration
	inputError  = audit.InputError  // input that cannot be processed
	outputError = audit.OutputError // output that cannot be written
)

// exitCode maps an error to the exit status: 0 success, 1 coverage failure,
// 2 usage, input or output error.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, pflag.ErrHelp):
		return 0
	case errors.Is(err, errFailed):
		return 1
	}
	return 2
}

type command struct {
	name    string
	summary string
	help    func() string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"check", "audit districts against their coverage rules", checkHelpText, runCheckArgs},
		{"validate", "check a station file for bad coordinates, duplicates and encodings", validateHelpText, runValidateArgs},
		{"diff", "compare the coverage of two versions of a station file", diffHelpText, runDiffArgs},
		{"nearest", "nearest station and travel time for every point (villages, addresses)", nearestHelpText, runNearestArgs},
		{"suggest", "propose station sites that cover the most uncovered people or land", suggestHelpText, runSuggestArgs},
		{"merge", "merge the JSON reports of check --shard K/N into the whole audit's outputs", mergeHelpText, runMergeArgs},
		{"speeds", "print a road profile's speed table (the format --speeds reads)", speedsHelpText, runSpeedsArgs},
		{"init", "write a commented example configuration file (covaudit.yaml)", initHelpText, runInitArgs},
	}
}

const exitStatusHelp = `
EXIT STATUS
  0  every district passes
  1  at least one district fails its coverage requirement (the report is still complete)
  2  usage error, input that cannot be processed, or output that cannot be written
`

func mainUsage(w io.Writer) {
	fmt.Fprintf(w, "covaudit %s: prove or disprove that service stations cover their districts\n\n", versionString())
	fmt.Fprintln(w, "Usage:\n  covaudit <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "  help     show help for a command\n  version  print the version")
	fmt.Fprintln(w, "\nRun 'covaudit check' with no flags to audit the embedded Andorra demo dataset.")
	fmt.Fprint(w, exitStatusHelp)
}

// parseCommand reads a command's command line: its flags, then
// covaudit.yaml or --config for the flags left unset; positional arguments
// are a usage error (hint says where the inputs go).
func parseCommand(name string, add func(*pflag.FlagSet), help func() string, args []string, stderr io.Writer, hint string) (*pflag.FlagSet, error) {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	add(fs)
	fs.Usage = func() { fmt.Fprint(stderr, help()) }
	var configPath string
	addConfigFlag(fs, &configPath)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{Msg: err.Error()}
	}
	if err := applyConfig(fs, name, configPath); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usageError{Msg: fmt.Sprintf("%s takes no arguments, got %q (%s)", name, fs.Args(), hint)}
	}
	return fs, nil
}

// helpWithFlags fills a command's help text (one %s) with its flags.
func helpWithFlags(name, text string, add func(*pflag.FlagSet)) string {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	add(fs)
	addConfigFlag(fs, new(string))
	return fmt.Sprintf(text, fs.FlagUsages())
}

// run is the whole CLI; main only maps its result to the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdin, stdout, stderr)
	var in interrupted
	if errors.Is(err, context.Canceled) && errors.As(context.Cause(ctx), &in) {
		err = in
	}
	if err != nil && !errors.Is(err, pflag.ErrHelp) && !errors.Is(err, errFailed) {
		fmt.Fprintln(stderr, "covaudit: "+strings.ReplaceAll(err.Error(), "\n", "\ncovaudit: "))
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "Run 'covaudit help' for usage.")
		}
	}
	return exitCode(err)
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		mainUsage(stderr)
		return usageError{Msg: "no command given"}
	}
	switch args[0] {
	case "--version", "-version", "version":
		if _, err := fmt.Fprintf(stdout, "covaudit %s\n", versionString()); err != nil {
			return outputError{Err: err}
		}
		return nil
	case "help", "-h", "--help":
		if len(args) > 1 {
			for _, c := range commands() {
				if c.name == args[1] {
					_, err := fmt.Fprint(stdout, c.help())
					if err != nil {
						return outputError{Err: err}
					}
					return nil
				}
			}
			return usageError{Msg: fmt.Sprintf("unknown command %q", args[1])}
		}
		mainUsage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdin, stdout, stderr)
		}
	}
	return usageError{Msg: fmt.Sprintf("unknown command %q", args[0])}
}

// interrupted is the cause of a run cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (e interrupted) Error() string {
	return "interrupted by " + signalName(e.sig) + ": the run stopped before its end (no output file is left half-written)"
}

// signalName is a signal's usual name.
func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// onSignals cancels the run at the first SIGINT or SIGTERM: reading,
// the search and the evaluation stop, and outputs already being written
// are finished whole or removed (exit 2, see run). A second signal stops
// at once: the temporary files of the writes in progress are removed and
// the process exits 2, leaving every output as it was.
func onSignals(sigs <-chan os.Signal, cancel context.CancelCauseFunc, stderr io.Writer, exit func(int)) {
	s := <-sigs
	cancel(interrupted{s})
	fmt.Fprintf(stderr, "covaudit: %s: stopping (once more to stop at once)\n", signalName(s))
	s = <-sigs
	n := geodata.RemoveTempFiles()
	fmt.Fprintf(stderr, "covaudit: %s again: stopped at once (%d temporary file(s) removed, no output changed)\n", signalName(s), n)
	exit(2)
}

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go onSignals(sigs, cancel, os.Stderr, os.Exit)
	// COVAUDIT_CPUPROFILE=FILE writes a CPU profile of the run (go tool
	// pprof), for the benchmarks; --cpuprofile does the same for one
	// command.
	stop, err := startCPUProfile(os.Getenv("COVAUDIT_CPUPROFILE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "covaudit: COVAUDIT_CPUPROFILE:", err)
		os.Exit(exitCode(err))
	}
	// COVAUDIT_TRACE=FILE writes an execution trace of the run (go tool
	// trace; bench/trace_phases.py sums it by stage of the audit).
	stopTrace, err := startTrace(os.Getenv("COVAUDIT_TRACE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "covaudit: COVAUDIT_TRACE:", err)
		os.Exit(exitCode(err))
	}
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopTrace()
	stop()
	signal.Stop(sigs)
	os.Exit(code)
}

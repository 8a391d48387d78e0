package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/covaudit/covaudit/audit"
)

// TestMainProcess is not a test: it runs main with the arguments after
// "--" when the output tests start this test binary as the covaudit
// command (COVAUDIT_MAIN=1), so that signals and concurrent runs act on a
// real process.
func TestMainProcess(t *testing.T) {
	if os.Getenv("COVAUDIT_MAIN") != "1" {
		t.Skip("runs only as the covaudit process of the output tests")
	}
	i := slices.Index(os.Args, "--")
	os.Args = append([]string{"covaudit"}, os.Args[i+1:]...)
	// Signals are caught from here on, so that one arriving before main
	// installs its handler cannot kill the process: the run then ends
	// normally. "ready" tells the test it may signal.
	signal.Notify(make(chan os.Signal, 1), os.Interrupt, syscall.SIGTERM)
	fmt.Fprintln(os.Stderr, "ready")
	main()
}

// cliProcess is covaudit running as a process (this test binary in its
// TestMainProcess role).
type cliProcess struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	ready          chan bool
}

// startCLI starts covaudit with args in a process of its own and returns
// once it is ready for signals.
func startCLI(t *testing.T, args ...string) *cliProcess {
	t.Helper()
	p := &cliProcess{ready: make(chan bool)}
	p.cmd = exec.Command(os.Args[0], append([]string{"-test.run=^TestMainProcess$", "--"}, args...)...)
	p.cmd.Env = append(os.Environ(), "COVAUDIT_MAIN=1")
	p.cmd.Stdout = &p.stdout
	p.cmd.Stderr = &readyWriter{buf: &p.stderr, ready: p.ready}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.ready:
	case <-time.After(60 * time.Second):
		p.cmd.Process.Kill()
		t.Fatal("covaudit did not start")
	}
	return p
}

// readyWriter collects stderr and closes ready at the first "ready".
type readyWriter struct {
	buf   *bytes.Buffer
	ready chan bool
	seen  bool
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if !w.seen && strings.Contains(w.buf.String(), "ready\n") {
		w.seen = true
		close(w.ready)
	}
	return len(p), nil
}

// wait waits for the process to end (at most limit) and returns its exit
// status; a process killed by a signal fails the test.
func (p *cliProcess) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			t.Fatalf("covaudit was killed by %v (stderr %q)", ws.Signal(), p.stderr.String())
		}
		if strings.Contains(p.stderr.String(), "panic") || strings.Contains(p.stderr.String(), "goroutine ") {
			t.Errorf("covaudit panicked: %s", p.stderr.String())
		}
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(limit):
		p.cmd.Process.Kill()
		<-done
		t.Fatalf("covaudit did not end within %v of the signal (stderr %q)", limit, p.stderr.String())
	}
	return 0
}

// folderNames lists a folder's names.
func folderNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestInterruptLeavesNothing: SIGINT or SIGTERM during a road audit of the
// demo (while it reads, builds the network or evaluates) stops it with exit
// 2, no panic, and nothing in the output folder: no temporary file, no
// partial output. A run that ended before the signal counts only if its
// outputs are whole; most signals here must land during the run. A second
// signal stops at once, with the same guarantees.
func TestInterruptLeavesNothing(t *testing.T) {
	type attempt struct {
		desc    string
		delay   time.Duration
		sigs    []os.Signal
		extra   []string
		mustHit bool // the run is long enough that the signal cannot miss it
	}
	attempts := []attempt{
		{"SIGINT at once", 0, []os.Signal{os.Interrupt}, nil, false},
		{"SIGINT at 100ms", 100 * time.Millisecond, []os.Signal{os.Interrupt}, nil, false},
		{"SIGINT at 300ms", 300 * time.Millisecond, []os.Signal{os.Interrupt}, nil, false},
		{"SIGTERM at 100ms", 100 * time.Millisecond, []os.Signal{syscall.SIGTERM}, nil, false},
		{"SIGINT during a long evaluation", time.Second, []os.Signal{os.Interrupt}, []string{"--tolerance", "0.003"}, true},
		{"SIGTERM during a long evaluation", time.Second, []os.Signal{syscall.SIGTERM}, []string{"--tolerance", "0.003"}, true},
		{"SIGINT twice", time.Second, []os.Signal{os.Interrupt, os.Interrupt}, []string{"--tolerance", "0.003"}, true},
	}
	hits := 0
	for _, a := range attempts {
		t.Run(a.desc, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"check", "--gaps", filepath.Join(dir, "g.geojson"), "-o", filepath.Join(dir, "r.json"), "--format", "json"}, a.extra...)
			p := startCLI(t, args...)
			time.Sleep(a.delay)
			for i, s := range a.sigs {
				if i > 0 {
					time.Sleep(50 * time.Millisecond)
				}
				p.cmd.Process.Signal(s)
			}
			start := time.Now()
			code := p.wait(t, 120*time.Second)
			t.Logf("exit %d %v after the signal", code, time.Since(start).Round(time.Millisecond))
			left := folderNames(t, dir)
			switch code {
			case 2:
				hits++
				want := "interrupted by " + signalName(a.sigs[0])
				if len(a.sigs) > 1 {
					want = signalName(a.sigs[0]) + " again: stopped at once"
				}
				if !strings.Contains(p.stderr.String(), want) {
					t.Errorf("stderr %q does not say %q", p.stderr.String(), want)
				}
				if len(left) != 0 {
					t.Errorf("an interrupted run left %v in the output folder", left)
				}
			case 1:
				// The run ended before the signal was seen: its
				// outputs are there and whole.
				if a.mustHit {
					t.Errorf("the signal did not interrupt a long run")
				}
				if !slices.Equal(left, []string{"g.geojson", "r.json"}) {
					t.Errorf("a finished run left %v, want g.geojson and r.json", left)
				}
				for _, f := range left {
					if b, _ := os.ReadFile(filepath.Join(dir, f)); !json.Valid(b) {
						t.Errorf("%s is not whole JSON", f)
					}
				}
			default:
				t.Errorf("exit %d, want 2 (interrupted) or 1 (ended first); stderr %q", code, p.stderr.String())
			}
		})
	}
	if hits < 3 {
		t.Errorf("only %d of %d signals landed during a run", hits, len(attempts))
	}
}

// TestInterruptStopsOSMReads: the run's context reaches the readers of
// OpenStreetMap districts and stations: once it is cancelled (as by
// Ctrl-C) they stop with its error, while the same loads succeed when it
// is not. (The stations' case fails when their reader is given another
// context; the districts' is also stopped by checks after reading.)
func TestInterruptStopsOSMReads(t *testing.T) {
	const osmFile = "../../geodata/testdata/osm/tiny.osm.pbf"
	districts := audit.Default()
	districts.Districts, districts.DistrictFilter, districts.Stations = osmFile, "admin_level=7", demoServices
	districts.DefaultClass, districts.SkipInvalid, districts.SkipMost = "urban", true, true
	stations := audit.Default()
	stations.Districts, stations.Stations, stations.StationFilter = demoParishes, osmFile, "amenity=police"
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		desc string
		cfg  audit.Config
	}{{"districts", districts}, {"stations", stations}} {
		if _, err := audit.Load(context.Background(), c.cfg); err != nil {
			t.Fatalf("OSM %s, not cancelled: %v", c.desc, err)
		}
		if _, err := audit.Load(cancelled, c.cfg); !errors.Is(err, context.Canceled) {
			t.Errorf("OSM %s, cancelled: Load = %v, want the context's error", c.desc, err)
		}
	}
}

// TestConcurrentRunsOneOutput: two runs writing the same -o and --gaps
// (a GeoPackage) at once end with each file whole, equal to what one run
// writes, and no temporary file beside them.
func TestConcurrentRunsOneOutput(t *testing.T) {
	want := t.TempDir()
	code, _, errOut := runCLI(t, "", "check", "--format", "json", "-o", filepath.Join(want, "r.json"), "--gaps", filepath.Join(want, "g.gpkg"))
	if code != 1 {
		t.Fatalf("one run: exit %d, %s", code, errOut)
	}
	dir := t.TempDir()
	args := []string{"check", "--format", "json", "-o", filepath.Join(dir, "r.json"), "--gaps", filepath.Join(dir, "g.gpkg")}
	a, b := startCLI(t, args...), startCLI(t, args...)
	for _, p := range []*cliProcess{a, b} {
		if code := p.wait(t, 120*time.Second); code != 1 {
			t.Errorf("exit %d, want 1: %s", code, p.stderr.String())
		}
	}
	if got := folderNames(t, dir); !slices.Equal(got, []string{"g.gpkg", "r.json"}) {
		t.Errorf("folder holds %v, want g.gpkg and r.json only", got)
	}
	for _, f := range []string{"r.json", "g.gpkg"} {
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if w, _ := os.ReadFile(filepath.Join(want, f)); !bytes.Equal(got, w) || len(w) == 0 {
			t.Errorf("%s after two concurrent runs: %d bytes, differs from one run's %d", f, len(got), len(w))
		}
	}
}

// TestDeterministicOutputsAcrossWorkers: every output of check (the
// report in each format, to -o and to stdout, the gap map as GeoJSON and
// as GeoPackage, the HTML and SVG maps, the stations report) is
// byte-identical with 1 and 2 workers, on the demo audited by road.
func TestDeterministicOutputsAcrossWorkers(t *testing.T) {
	runs := []struct {
		name    string
		args    []string
		outputs []string
	}{
		{"json", []string{"--format", "json", "-o", "{}/report.json", "--gaps", "{}/gaps.geojson", "--html", "{}/map.html", "--svg", "{}/map.svg"},
			[]string{"report.json", "gaps.geojson", "map.html", "map.svg"}},
		{"text", []string{"--format", "text", "-o", "{}/report.txt", "--gaps", "{}/gaps.gpkg"}, []string{"report.txt", "gaps.gpkg"}},
		{"csv", []string{"--format", "csv", "-o", "{}/report.csv"}, []string{"report.csv"}},
		{"markdown", []string{"--format", "markdown", "-o", "{}/report.md"}, []string{"report.md"}},
		{"json to stdout", []string{"--format", "json"}, nil},
		// The stations report on the demo with every parish under the
		// radius rule (by road it takes a minute).
		{"stations report", []string{"--format", "csv", "--stations-report", "{}/stations.csv", "--urban-values", "urban,rural", "--rural-values", "none"},
			[]string{"stations.csv"}},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			var dirs, stdouts []string
			for _, workers := range []string{"1", "2"} {
				dir := t.TempDir()
				args := []string{"check", "--workers", workers}
				for _, a := range r.args {
					args = append(args, strings.ReplaceAll(a, "{}", dir))
				}
				code, out, errOut := runCLI(t, "", args...)
				if code != 1 {
					t.Fatalf("--workers %s: exit %d, want 1 (the demo fails): %s", workers, code, errOut)
				}
				dirs, stdouts = append(dirs, dir), append(stdouts, out)
				if got := folderNames(t, dir); len(got) != len(r.outputs) {
					t.Errorf("--workers %s: folder holds %v, want %v", workers, got, r.outputs)
				}
			}
			if len(r.outputs) == 0 && (stdouts[0] != stdouts[1] || !strings.Contains(stdouts[0], `"districts"`)) {
				t.Errorf("stdout: %d bytes with 1 worker, %d with 2, differ or hold no report", len(stdouts[0]), len(stdouts[1]))
			}
			for _, f := range r.outputs {
				a, errA := os.ReadFile(filepath.Join(dirs[0], f))
				b, errB := os.ReadFile(filepath.Join(dirs[1], f))
				if errA != nil || errB != nil || len(a) < 100 {
					t.Errorf("%s: %d bytes (%v, %v)", f, len(a), errA, errB)
					continue
				}
				if !bytes.Equal(a, b) {
					t.Errorf("%s differs between 1 and 2 workers (%d and %d bytes)", f, len(a), len(b))
				}
			}
		})
	}
}

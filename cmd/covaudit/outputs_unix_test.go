//go:build unix

package main

import (
	"bytes"
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
		{"SIGINT during a long evaluation", time.Second, []os.Signal{os.Interrupt}, []string{"--tolerance", "0.01"}, true},
		{"SIGTERM during a long evaluation", time.Second, []os.Signal{syscall.SIGTERM}, []string{"--tolerance", "0.01"}, true},
		{"SIGINT twice", time.Second, []os.Signal{os.Interrupt, os.Interrupt}, []string{"--tolerance", "0.01"}, true},
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
			code := p.wait(t, 300*time.Second)
			t.Logf("exit %d %v after the signal", code, time.Since(start).Round(time.Millisecond))
			left := folderNames(t, dir)
			switch code {
			case 2:
				hits++
				want := "interrupted by " + signalName(a.sigs[0])
				if len(a.sigs) > 1 && !strings.Contains(p.stderr.String(), want) {
					want = signalName(a.sigs[0]) + " again: stopped at once"
				} else if len(a.sigs) > 1 {
					// The first signal's orderly stop ended the run within
					// the 50 ms before the second: TestOnSignals covers the
					// second signal's path without that race.
					t.Logf("the run stopped on the first signal before the second arrived")
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

// TestOutputsToPipes: -o and --gaps naming named pipes write into them (a
// reader gets the whole report, and the whole gap map as a GeoPackage
// through a link named .gpkg) and leave them pipes; -o /dev/stdout writes
// the process's standard output.
func TestOutputsToPipes(t *testing.T) {
	_, want, _ := runCLI(t, "", "check", "--format", "json")
	wantGaps := filepath.Join(t.TempDir(), "g.gpkg")
	if code, _, errOut := runCLI(t, "", "check", "--format", "json", "--gaps", wantGaps); code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	dir := t.TempDir()
	report, gaps := filepath.Join(dir, "report"), filepath.Join(dir, "gaps")
	for _, p := range []string{report, gaps} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skip("no named pipes here:", err)
		}
	}
	link := gaps + ".gpkg" // the gap map's format goes by its name
	if err := os.Symlink("gaps", link); err != nil {
		t.Fatal(err)
	}
	got := map[string]chan []byte{report: make(chan []byte, 1), gaps: make(chan []byte, 1)}
	for p, c := range got {
		go func() {
			b, _ := os.ReadFile(p)
			c <- b
		}()
	}
	code, _, errOut := runCLI(t, "", "check", "--format", "json", "-o", report, "--gaps", link)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for p, c := range got {
		select {
		case b := <-c:
			w := []byte(want)
			if p == gaps {
				w, _ = os.ReadFile(wantGaps)
			}
			if !bytes.Equal(b, w) || len(w) == 0 {
				t.Errorf("%s got %d bytes, want the %d written to a file", p, len(b), len(w))
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("nothing came out of %s", p)
		}
		if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("%s is no longer a named pipe", p)
		}
	}
	if got := folderNames(t, dir); !slices.Equal(got, []string{"gaps", "gaps.gpkg", "report"}) {
		t.Errorf("folder holds %v, want the two pipes and the link", got)
	}
	p := startCLI(t, "check", "--format", "json", "-o", "/dev/stdout")
	if code := p.wait(t, 60*time.Second); code != 1 || p.stdout.String() != want {
		t.Errorf("-o /dev/stdout: exit %d, %d bytes on stdout, want 1 and the %d of the report", code, p.stdout.Len(), len(want))
	}
}

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/covaudit/covaudit/audit"
)

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

// TestOnSignals: the first signal cancels the run with a cause that run
// reports as an interruption (exit 2, naming the signal, not "context
// canceled"); the second exits 2 at once.
func TestOnSignals(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	var errb bytes.Buffer
	exited := make(chan int, 1)
	go onSignals(sigs, cancel, &errb, func(code int) { exited <- code })
	sigs <- os.Interrupt
	<-ctx.Done()
	var in interrupted
	if !errors.As(context.Cause(ctx), &in) || in.sig != os.Interrupt {
		t.Fatalf("cause %v, want the interrupt", context.Cause(ctx))
	}
	var out, runErr bytes.Buffer
	if code := run(ctx, []string{"check"}, strings.NewReader(""), &out, &runErr); code != 2 ||
		!strings.Contains(runErr.String(), "interrupted by SIGINT") || strings.Contains(runErr.String(), "context canceled") || out.Len() != 0 {
		t.Errorf("a run cancelled by SIGINT: exit %d, stdout %d bytes, stderr %q", code, out.Len(), runErr.String())
	}
	sigs <- os.Interrupt
	select {
	case code := <-exited:
		if code != 2 || !strings.Contains(errb.String(), "SIGINT again: stopped at once") {
			t.Errorf("second signal: exit %d, stderr %q", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second signal did not stop the program")
	}
}

// TestValidateInterruptedWritesNothing: validate stopped by a signal (its
// context cancelled) before it writes leaves no findings file and says so
// by its error; it wrote the whole file and exited 0.
func TestValidateInterruptedWritesNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "v.json")
	var stdout, stderr bytes.Buffer
	err := runValidateArgs(ctx, []string{"--stations", "../../audit/demodata/andorra-services.geojson", "-f", "json", "-o", out}, strings.NewReader(""), &stdout, &stderr)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("validate with its context cancelled: error %v, want context.Canceled", err)
	}
	if _, serr := os.Stat(out); serr == nil {
		t.Errorf("validate with its context cancelled wrote %s", out)
	}
}

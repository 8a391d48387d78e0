package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const (
	testDistricts = "../../geodata/testdata/districts.geojson"
	testStations  = "../../geodata/testdata/stations.csv"
)

// runCLI runs the CLI in-process and returns its exit code and output.
func runCLI(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/covaudit -update to create it)", err)
	}
	if got != string(want) {
		// Kept after the test (not in t.TempDir) so that it can be diffed.
		dir, _ := os.MkdirTemp("", "covaudit-golden-")
		out := filepath.Join(dir, name)
		os.WriteFile(out, []byte(got), 0o644)
		t.Errorf("output differs from %s; got written to %s (diff them, or rerun with -update if the change is intended)", path, out)
	}
}

// TestValidateGolden runs validate on a CSV with a mix of problems, against
// the Monaco districts, in every format.
func TestValidateGolden(t *testing.T) {
	for _, format := range []string{"text", "json", "github"} {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "validate", "--stations", "../../validate/testdata/mixed.csv",
				"--districts", testDistricts, "--format", format)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (error-level findings): %s", code, errOut)
			}
			golden(t, "validate.golden."+format, out)
		})
	}
	if code, out, _ := runCLI(t, "", "validate", "--stations", "../../validate/testdata/gbk.csv", "--encoding", "gbk"); code != 0 {
		t.Errorf("clean file: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "", "validate", "--stations", "../../validate/testdata/missing.csv"); code != 2 || !strings.Contains(errOut, "missing.csv") {
		t.Errorf("unreadable file: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "id,lon\n1,2\n", "validate", "--stations", "-"); code != 2 || !strings.Contains(errOut, "no latitude column") {
		t.Errorf("file without a latitude column: exit %d, %s", code, errOut)
	}
}

// TestCheckGolden runs check on the Monaco test data in every format and
// compares with the golden files; the gap map too.
func TestCheckGolden(t *testing.T) {
	for _, format := range []string{"text", "json", "csv", "markdown"} {
		t.Run(format, func(t *testing.T) {
			gaps := filepath.Join(t.TempDir(), "gaps.geojson")
			code, out, errOut := runCLI(t, "", "check", "--districts", testDistricts, "--stations", testStations,
				"--skip-invalid", "--urban-radius", "500m", "--rural-time", "2m", "--format", format, "--gaps", gaps)
			if code != 1 {
				t.Fatalf("check exit code = %d, want 1 (stderr: %s)", code, errOut)
			}
			golden(t, "monaco.golden."+format, out)
			if format == "json" {
				b, err := os.ReadFile(gaps)
				if err != nil {
					t.Fatal(err)
				}
				golden(t, "monaco-gaps.golden.geojson", string(b))
			}
			if !strings.Contains(errOut, `stations.csv:7: column "lat": 437.31 is out of range [-90, 90]`) {
				t.Errorf("stderr does not warn about the skipped row: %s", errOut)
			}
		})
	}
}

// TestDemoGolden pins the demo audit (the README's first command).
func TestDemoGolden(t *testing.T) {
	code, out, errOut := runCLI(t, "", "check", "--format", "json")
	if code != 1 {
		t.Fatalf("demo exit code = %d, want 1: %s", code, errOut)
	}
	golden(t, "demo.golden.json", out)
	code, out, errOut = runCLI(t, "", "check")
	if code != 1 || !strings.Contains(out, "Escaldes-Engordany") || !strings.Contains(errOut, "OpenStreetMap contributors") {
		t.Errorf("demo text: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if strings.Contains(out, "OpenStreetMap") {
		t.Errorf("text report mixes the attribution into the data on stdout")
	}
}

// TestDemoRadiusOnlyReadsNoRoads: the demo with every class under a radius
// rule neither reads the embedded road network nor describes it.
func TestDemoRadiusOnlyReadsNoRoads(t *testing.T) {
	code, out, errOut := runCLI(t, "", "check", "--class", "all:values=urban|rural,rule=radius,distance=2km")
	if code != 1 || !strings.Contains(out, "Canillo") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if strings.Contains(out, "Road network") || strings.Contains(errOut, "road network") {
		t.Errorf("a radius-only demo describes the road network:\n%s\n%s", out, errOut)
	}
	_, out, _ = runCLI(t, "", "check", "--class", "all:values=urban|rural,rule=radius,distance=2km", "--format", "json")
	if strings.Contains(out, `"roads"`) {
		t.Errorf("a radius-only demo lists the road network among its inputs or summary")
	}
	// A closure is still applied and reported: the network is read for it.
	closeFile := filepath.Join(t.TempDir(), "bridge.txt")
	if err := os.WriteFile(closeFile, []byte("6281020\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, errOut = runCLI(t, "", "check", "--class", "all:values=urban|rural,rule=radius,distance=2km", "--close", closeFile, "--format", "json")
	if !strings.Contains(out, `"closed_ways": 1`) {
		t.Errorf("a radius-only demo with --close does not report the closure:\n%s", errOut)
	}
}

func TestJSONShape(t *testing.T) {
	_, out, _ := runCLI(t, "", "check", "--format", "json")
	var rep struct {
		Districts []map[string]any `json:"districts"`
		Summary   map[string]any   `json:"summary"`
		Meta      map[string]any   `json:"meta"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"name", "class", "rule", "area_m2", "uncovered_m2", "uncovered_m2_lower", "uncovered_m2_upper", "covered_pct", "pass", "fail_reason", "worst"} {
		if _, ok := rep.Districts[0][k]; !ok {
			t.Errorf("district has no %q", k)
		}
	}
	for _, k := range []string{"districts", "passing", "failing", "skipped", "area_m2", "uncovered_m2", "covered_pct"} {
		if _, ok := rep.Summary[k]; !ok {
			t.Errorf("summary has no %q", k)
		}
	}
	w := rep.Districts[0]["worst"].(map[string]any)
	for _, k := range []string{"lon", "lat", "cost", "unit", "station"} {
		if _, ok := w[k]; !ok {
			t.Errorf("worst has no %q", k)
		}
	}
	lo, up := rep.Districts[0]["uncovered_m2_lower"].(float64), rep.Districts[0]["uncovered_m2_upper"].(float64)
	if u := rep.Districts[0]["uncovered_m2"].(float64); !(lo <= u && u <= up) {
		t.Errorf("uncovered %v outside its bracket [%v, %v]", u, lo, up)
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stderr string // substring
	}{
		{"no command", nil, "", 2, "no command given"},
		{"unknown command", []string{"frobnicate"}, "", 2, `unknown command "frobnicate"`},
		{"help", []string{"help", "check"}, "", 0, ""},
		{"help unknown", []string{"help", "frob"}, "", 2, `unknown command "frob"`},
		{"--help", []string{"check", "--help"}, "", 0, "EXIT STATUS"},
		{"version", []string{"--version"}, "", 0, ""},
		{"bad flag", []string{"check", "--frob"}, "", 2, "unknown flag: --frob"},
		{"bad format", []string{"check", "--format", "xml"}, "", 2, `invalid format "xml", must be one of (text|json|csv|markdown)`},
		{"bad radius", []string{"check", "--urban-radius", "2 parsecs"}, "", 2, `invalid distance "2 parsecs"`},
		{"districts without stations", []string{"check", "--districts", testDistricts}, "", 2, "go together"},
		{"missing file", []string{"check", "--districts", "nope.geojson", "--stations", testStations}, "", 2, "nope.geojson"},
		{"invalid rows fail", []string{"check", "--districts", testDistricts, "--stations", testStations}, "", 2,
			"1 invalid record(s) (use --skip-invalid to skip them):\ncovaudit: ../../geodata/testdata/stations.csv:7: column \"lat\""},
		{"passing", []string{"check", "--districts", testDistricts, "--stations", "-", "--urban-radius", "3km"}, "lon,lat\n7.42,43.73\n", 0, ""},
		{"failing", []string{"check", "--districts", testDistricts, "--stations", "-", "--urban-radius", "100m"}, "lon,lat\n7.42,43.73\n", 1, ""},
		{"no stations at all", []string{"check", "--districts", testDistricts, "--stations", "-"}, "lon,lat\n", 2, "no stations"},
		{"unknown classes listed together", []string{"check", "--districts", testDistricts, "--stations", testStations, "--urban-values", "city", "--rural-values", "country"}, "", 2,
			`feature 0 (id "a4442357", name "La Condamine"): class "urban" is none of the classes' values: urban (city); rural (country)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("covaudit %v: exit %d, stderr %q; want exit %d and %q", tc.args, code, errOut, tc.code, tc.stderr)
			}
		})
	}
}

// TestSelfCrossingRing: a ring that crosses itself is an input error that
// names the feature, the ring and the edges, reported with the other
// problems; --skip-invalid leaves that district out.
func TestSelfCrossingRing(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"ok","properties":{"class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[1,1],[1.02,1],[1.02,1.02],[1,1.02],[1,1]]]}},
{"type":"Feature","id":"bow","properties":{"class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[0.02,0.02],[0.02,0],[0,0.01],[0,0]]]}},
{"type":"Feature","id":"odd","properties":{"class":"suburban"},"geometry":{"type":"Polygon","coordinates":[[[2,2],[2.02,2],[2.02,2.02],[2,2.02],[2,2]]]}}]}`
	f := filepath.Join(t.TempDir(), "d.geojson")
	os.WriteFile(f, []byte(in), 0o644)
	code, _, errOut := runCLI(t, "lon,lat\n0.01,0.01\n", "check", "--districts", f, "--stations", "-")
	want := `feature 1 (id "bow"): polygon 0: ring 0: edges 0 and 2 cross near (0.0066667, 0.0066667)`
	if code != 2 || !strings.Contains(errOut, "2 invalid record(s)") || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 2, 2 problems and %q", code, errOut, want)
	}
	code, out, errOut := runCLI(t, "lon,lat\n0.01,0.01\n", "check", "--districts", f, "--stations", "-", "--skip-invalid", "--skip-most", "--format", "csv")
	if code != 1 || strings.Contains(out, "bow") || !strings.Contains(errOut, "skipped: "+f+": "+want) {
		t.Errorf("--skip-invalid: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestUnknownClassesAllReported(t *testing.T) {
	_, _, errOut := runCLI(t, "", "check", "--districts", testDistricts, "--stations", testStations, "--skip-invalid=false", "--urban-values", "x", "--rural-values", "y")
	if n := strings.Count(errOut, "is none of the classes' values"); n != 3 {
		t.Errorf("%d class errors reported, want all 3:\n%s", n, errOut)
	}
	if !strings.Contains(errOut, "4 invalid record(s)") {
		t.Errorf("district and station problems not reported together:\n%s", errOut)
	}
}

func TestDefaultClass(t *testing.T) {
	code, out, errOut := runCLI(t, "", "check", "--districts", testDistricts, "--stations", testStations, "--skip-invalid",
		"--class-field", "nothing", "--default-class", "rural", "--format", "csv")
	if code > 1 || strings.Count(out, ",rural,") != 3 {
		t.Errorf("--default-class rural: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestOutputWholeOrNothing: a report that cannot be written leaves no file
// and exits 2; a failed write to stdout exits 2 too.
func TestOutputWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "missing-dir", "report.json")
	code, _, errOut := runCLI(t, "", "check", "-o", target)
	if code != 2 || !strings.Contains(errOut, "writing output") {
		t.Errorf("unwritable -o: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a report file exists after a failed write")
	}
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"check"}, strings.NewReader(""), failWriter{}, &errb); code != 2 {
		t.Errorf("failed stdout write: exit %d, want 2 (%s)", code, errb.String())
	}
	good := filepath.Join(dir, "r.json")
	if code, _, _ := runCLI(t, "", "check", "-o", good, "--format", "json"); code != 1 {
		t.Errorf("-o: exit %d", code)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

type failWriter struct{}

func (failWriter) Write(p []byte) (int, error) { return 0, errors.New("broken pipe") }

func TestOverlapWarning(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"name":"A","class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[0.02,0],[0.02,0.02],[0,0.02],[0,0]]]}},
{"type":"Feature","id":"b","properties":{"name":"B","class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[0.01,0.01],[0.03,0.01],[0.03,0.03],[0.01,0.03],[0.01,0.01]]]}},
{"type":"Feature","id":"c","properties":{"name":"C","class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[0.02,0],[0.04,0],[0.04,0.005],[0.02,0.005],[0.02,0]]]}}]}`
	f := filepath.Join(t.TempDir(), "d.geojson")
	os.WriteFile(f, []byte(in), 0o644)
	_, _, errOut := runCLI(t, "lon,lat\n0.01,0.01\n", "check", "--districts", f, "--stations", "-")
	if !strings.Contains(errOut, `districts "A" (feature 0, id "a") and "B" (feature 1, id "b") overlap`) {
		t.Errorf("no overlap warning for A and B:\n%s", errOut)
	}
	if strings.Contains(errOut, `"C"`) {
		t.Errorf("C only shares a border but is reported:\n%s", errOut)
	}
}

// BenchmarkCheckDemo runs the README's first command: the whole demo audit,
// from the embedded files to the JSON report.
func BenchmarkCheckDemo(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"check", "--format", "json"}, strings.NewReader(""), &out, &errb); code != 1 {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
	b.ReportMetric(float64(7*b.N)/b.Elapsed().Seconds(), "districts/s")
}

// BenchmarkRoadAuditAndorra: the full rural audit of Andorra by road: the
// embedded PBF read, the car network built and searched from the 65
// services, and all 7 parishes evaluated at 30 minutes to the JSON report.
func BenchmarkRoadAuditAndorra(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		var out, errb bytes.Buffer
		args := []string{"check", "--format", "json", "--rural-values", "urban,rural", "--urban-values", "none"}
		if code := run(context.Background(), args, strings.NewReader(""), &out, &errb); code != 1 {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
	}
	b.ReportMetric(float64(7*b.N)/b.Elapsed().Seconds(), "districts/s")
}

func TestHelpText(t *testing.T) {
	code, out, _ := runCLI(t, "", "help", "check")
	for _, want := range []string{"--urban-radius distance", "(default 2km)", "--rural-time duration", "(default 30m)", "EXIT STATUS"} {
		if !strings.Contains(out, want) {
			t.Errorf("help check lacks %q", want)
		}
	}
	if code != 0 || strings.Contains(out, "%!") || strings.Contains(out, "%s") {
		t.Errorf("help check: exit %d, unformatted text:\n%s", code, out)
	}
}

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputsNeverClobber: an output naming an input (by another path to
// the same file too), or two outputs on one file, is a usage error before
// anything is read or written, and every input is left as it was.
func TestOutputsNeverClobber(t *testing.T) {
	dir := t.TempDir()
	d := filepath.Join(dir, "d.geojson")
	s := filepath.Join(dir, "s.geojson")
	cfg := filepath.Join(dir, "covaudit.yaml")
	os.WriteFile(d, mustRead(t, demoParishes), 0o644)
	os.WriteFile(s, mustRead(t, demoServices), 0o644)
	os.WriteFile(cfg, []byte("pass:\n  min_coverage: 50\n"), 0o644)
	link := filepath.Join(dir, "link.geojson")
	if err := os.Symlink(s, link); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.json")
	base := []string{"check", "--districts", d, "--stations", s}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"report over the districts", []string{"-o", d}, "--output " + d + " is also the input of --districts"},
		{"gaps over the stations, by a link", []string{"--gaps", link}, "is also the input of --stations"},
		{"html over the config", []string{"--config", cfg, "--html", cfg}, "is also the input of --config"},
		{"two outputs on one file", []string{"--gaps", out, "--html", out}, "--gaps and --html both write " + out},
		{"relative and absolute", []string{"-o", out, "--svg", filepath.Join(dir, ".", "out.json")}, "--output and --svg both write"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := map[string]string{d: string(mustRead(t, d)), s: string(mustRead(t, s)), cfg: string(mustRead(t, cfg))}
			code, _, errOut := runCLI(t, "", append(base, c.args...)...)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, %q; want exit 2 and %q", code, errOut, c.want)
			}
			for p, b := range before {
				if string(mustRead(t, p)) != b {
					t.Errorf("%s changed", p)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s written", out)
			}
		})
	}
	// diff's base and head, and nearest's points, are inputs too.
	if code, _, errOut := runCLI(t, "", "diff", "--districts", d, "--base", s, "--head", s, "-o", s); code != 2 || !strings.Contains(errOut, "is also the input of --base") {
		t.Errorf("diff -o over --base: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "nearest", "--districts", d, "--stations", s, "--points", s, "-o", s); code != 2 || !strings.Contains(errOut, "is also the input of --stations") {
		t.Errorf("nearest -o over its stations: exit %d, %q", code, errOut)
	}
}

// failingWriter fails every write after the first n bytes.
type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= f.n {
		f.n -= len(p)
		return len(p), nil
	}
	k := f.n
	f.n = 0
	return k, errors.New("disk full")
}

// TestReportWriteErrors: a report that cannot be written whole exits 2
// in every format, whichever line the failure hits.
func TestReportWriteErrors(t *testing.T) {
	for _, format := range []string{"text", "markdown", "csv", "json"} {
		_, full, _ := runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--format", format)
		for _, n := range []int{0, 200, len(full) / 2, len(full) - 1} {
			var errb strings.Builder
			code := run(context.Background(), []string{"check", "--districts", demoParishes, "--stations", demoServices, "--format", format},
				strings.NewReader(""), &failingWriter{n: n}, &errb)
			if code != 2 || !strings.Contains(errb.String(), "disk full") {
				t.Errorf("%s, failing after %d bytes: exit %d, %q", format, n, code, errb.String())
			}
		}
	}
}

// TestConfigurationRefused: numbers and classes that cannot make an audit
// are usage errors that say why.
func TestConfigurationRefused(t *testing.T) {
	base := []string{"check", "--districts", demoParishes, "--stations", demoServices}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--min-coverage", "NaN"}, "min-coverage"},
		{[]string{"--urban-values", "urban", "--rural-values", "urban"}, `class value "urban" belongs to both "urban" and "rural"`},
		{[]string{"--class", "a:values=x,rule=road-time,time=10m"}, `class "a": the road-time rule needs a road network`},
		{[]string{"--class", "a:values=x,rule=radius"}, `class "a": radius must be positive`},
		{[]string{"--class", "a:values=x,rule=teleport,radius=1km"}, `unknown rule kind "teleport"`},
		{[]string{"--class", "a:values=x,rule=radius,radius=1km", "--urban-radius", "3km"}, "--urban-radius describes the two default classes"},
		{[]string{"--class", "a:values=x,rule=radius,radius=1km,colour=red"}, `unknown key "colour"`},
		{[]string{"--default-class", "suburban"}, `default class "suburban" is not a class`},
	} {
		code, _, errOut := runCLI(t, "", append(base, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

// TestSkipInvalidMajority: --skip-invalid refuses to audit when most
// stations would be skipped, unless --skip-most; stations at (0, 0) or
// far from every district are named in the warnings.
func TestSkipInvalidMajority(t *testing.T) {
	csv := "id,lon,lat\na,1.52,42.51\nb,1.52,91\nc,1.52,95\n"
	code, _, errOut := runCLI(t, csv, "check", "--districts", demoParishes, "--stations", "-", "--skip-invalid")
	if code != 2 || !strings.Contains(errOut, "2 of 3 stations are invalid and would be skipped") {
		t.Errorf("exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, csv, "check", "--districts", demoParishes, "--stations", "-", "--skip-invalid", "--skip-most"); code != 1 {
		t.Errorf("--skip-most: exit %d, %q", code, errOut)
	}
	csv = "id,lon,lat\na,1.52,42.51\nnull,0,0\nparis,2.35,48.85\nbeijing,116.4,39.9\n"
	_, _, errOut = runCLI(t, csv, "check", "--districts", demoParishes, "--stations", "-")
	if !strings.Contains(errOut, "1 station(s) at (0, 0), most likely missing coordinates: null") ||
		!strings.Contains(errOut, "1 station(s) more than 1000 km from every district, most likely misplaced: beijing") {
		t.Errorf("warnings: %q", errOut)
	}
}

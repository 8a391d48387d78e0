package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// badCase is one bad input of the catalogue: the command line, and what
// its error must name.
type badCase struct {
	name, kind, want string
	args             []string
}

// badCases reads testdata/bad/cases.tsv (scripts/make_bad_inputs.py) and
// adds the truncations of every binary format at many offsets, made from
// the committed good files into dir.
func badCases(t *testing.T, dir string) []badCase {
	t.Helper()
	f, err := os.Open("testdata/bad/cases.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []badCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 4 {
			t.Fatalf("cases.tsv: %q: want 4 fields", line)
		}
		out = append(out, badCase{name: p[0], kind: p[1], want: p[2], args: strings.Fields(p[3])})
	}
	truncate := func(kind, src string, role []string, fracs []float64) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, fr := range fracs {
			n := int(fr * float64(len(data)))
			name := fmt.Sprintf("%s-cut-%d%s", strings.TrimSuffix(filepath.Base(src), filepath.Ext(src)), n, filepath.Ext(src))
			if strings.HasSuffix(src, ".osm.pbf") {
				name = fmt.Sprintf("roads-cut-%d.osm.pbf", n)
			}
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, data[:n], 0o644); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"check"}, role...)
			out = append(out, badCase{name: name, kind: kind + " truncated", want: name, args: append(args, p)})
		}
	}
	cuts := []float64{0.0005, 0.01, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 0.999}
	truncate("osm", "../../audit/demodata/andorra-roads.osm.pbf", []string{"--roads"}, cuts)
	truncate("shapefile", "testdata/shp/services.zip", []string{"--districts", demoParishes, "--stations"}, cuts)
	truncate("gpkg", "testdata/gpkg/andorra.gpkg", []string{"--layer", "parishes", "--stations", demoServices, "--districts"}, []float64{0.001, 0.05, 0.3, 0.7})
	truncate("geotiff", "../../geodata/testdata/raster/f32-lzw-tiles.tif", []string{"--population"}, cuts)
	return out
}

// TestBadInputCatalogue runs the CLI on every bad input of the catalogue
// and asserts: exit 2; the message names the file (and the line, feature,
// byte or key the case says); no panic; no output file created, and no
// temporary file left beside it.
func TestBadInputCatalogue(t *testing.T) {
	work := t.TempDir()
	cases := badCases(t, work)
	kinds := map[string]int{}
	for _, c := range cases {
		kinds[c.kind]++
		t.Run(c.name, func(t *testing.T) {
			outDir := t.TempDir()
			out := filepath.Join(outDir, "report.json")
			args := make([]string, 0, len(c.args)+2)
			hasOut := false
			for _, a := range c.args {
				if a == "-o" || a == "--output" {
					hasOut = true
				}
				a = strings.NewReplacer("{bad}", "testdata/bad", "{d}", demoParishes, "{s}", demoServices, "{out}", outDir).Replace(a)
				if a == outDir && !strings.Contains(c.name, "missing-folder") {
					a = out
				}
				args = append(args, a)
			}
			if !hasOut && args[0] == "check" {
				args = append(args, "-o", out)
			}
			code, stdout, stderr := runCLI(t, "", args...)
			if code != 2 || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("covaudit %s\nexit %d, stderr %q\nwant exit 2 and %q", strings.Join(args, " "), code, stderr, c.want)
			}
			if stdout != "" {
				t.Errorf("wrote %d bytes of report to stdout", len(stdout))
			}
			left, _ := os.ReadDir(outDir)
			for _, e := range left {
				t.Errorf("left %s in the output folder", e.Name())
			}
		})
	}
	t.Logf("%d bad inputs by kind: %v", len(cases), kinds)
	if len(cases) < 80 {
		t.Errorf("%d cases; the catalogue holds at least 80", len(cases))
	}
}

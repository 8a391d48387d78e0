package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNearestAccessCLI runs nearest over the access fixture's own
// population points (no --points): the CSV's per-point index and served
// people are the reference script's (testdata/access/expected.json), and
// the surface's measure flag refuses what it cannot draw.
func TestNearestAccessCLI(t *testing.T) {
	const dir = "../../audit/testdata/access/"
	code, out, errOut := runCLI(t, "", "nearest", "--districts", "../../audit/demodata/andorra-parishes.geojson",
		"--stations", dir+"stations.csv", "--roads", "../../audit/demodata/andorra-roads.osm.pbf", "--rural-time", "30m",
		"--population", dir+"population.csv", "--access", "2sfca", "--capacitated", "--people-per-unit", "2000", "-f", "csv", "-q")
	if code > 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"population", "access_per_10k", "served", "residual"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("no column %q in %v", h, rows[0])
		}
	}
	var fx struct {
		Places []struct {
			Line int `json:"line"`
		} `json:"places"`
		Index struct {
			Index []float64 `json:"index"`
		} `json:"2sfca"`
		Capacitated struct {
			Served []float64 `json:"served"`
		} `json:"capacitated"`
	}
	if err := json.Unmarshal(mustRead(t, dir+"expected.json"), &fx); err != nil {
		t.Fatal(err)
	}
	num := func(r []string, h string) float64 {
		v, err := strconv.ParseFloat(r[col[h]], 64)
		if err != nil {
			t.Fatalf("%s %q: %v", h, r[col[h]], err)
		}
		return v
	}
	for k, p := range fx.Places {
		r := rows[p.Line-1] // the header is line 1 in both files
		a, want := num(r, "access_per_10k")/10000, fx.Index.Index[k]
		if d := a - want; d > 1e-9*want || -d > 1e-9*want {
			t.Errorf("line %d: index %.15g, reference %.15g", p.Line, a, want)
		}
		if s, want := num(r, "served"), fx.Capacitated.Served[k]; s-want > 0.005 || want-s > 0.005 {
			t.Errorf("line %d: served %v, reference %v", p.Line, s, want)
		}
	}
	tif := filepath.Join(t.TempDir(), "a.tif")
	for _, c := range []struct{ args, msg string }{
		{"--surface " + tif + " --surface-measure access", "--surface-measure access maps the accessibility index"},
		{"--surface-measure access", "give its file with --surface"},
		{"--surface " + tif + " --surface-measure people", "surface measure"},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"check"}, strings.Fields(c.args)...)...)
		if code != 2 || !strings.Contains(errOut, c.msg) {
			t.Errorf("check %s: exit %d, %q; want exit 2 and %q", c.args, code, errOut, c.msg)
		}
		if _, err := os.Stat(tif); err == nil {
			t.Errorf("check %s wrote the surface", c.args)
		}
	}
}

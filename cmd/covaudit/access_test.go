package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAccessFlags: the capacity column is read only when a measure asks
// for it; a missing one names the file and the flag; --default-capacity
// fills it; the report carries the measures and the gap map the
// over-capacity points, and a configuration file sets the same.
func TestAccessFlags(t *testing.T) {
	dir := t.TempDir()
	pop := filepath.Join(dir, "pop.csv")
	os.WriteFile(pop, []byte("name,lon,lat,population\na,1.5212467,42.5069391,40000\nb,1.5334945,42.55615,300\nc,1.6,42.58,500\n"), 0o644)
	code, _, errOut := runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--population", pop, "--access", "2sfca")
	if code != 2 || !strings.Contains(errOut, demoServices) || !strings.Contains(errOut, `"capacity"`) {
		t.Errorf("no capacity column: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "check", "--access", "3sfca"); code != 2 || !strings.Contains(errOut, "2sfca or e2sfca") {
		t.Errorf("--access 3sfca: exit %d, %s", code, errOut)
	}
	gaps := filepath.Join(dir, "gaps.geojson")
	code, out, errOut := runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--population", pop,
		"--access", "e2sfca", "--default-capacity", "1", "--capacitated", "--people-per-unit", "100", "--min-access", "1", "--format", "json", "--gaps", gaps)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Districts []struct {
			Name   string
			Access *struct {
				Mean *float64 `json:"mean_per_10k"`
			} `json:"access"`
			Capacitated *struct {
				Over float64 `json:"over_capacity"`
			} `json:"capacitated"`
		} `json:"districts"`
		Stations []struct {
			ID string `json:"id"`
		} `json:"stations"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Stations) == 0 || rep.Districts[1].Access == nil || rep.Districts[1].Access.Mean == nil || rep.Districts[1].Capacitated == nil {
		t.Fatalf("no access figures in %s", out[:min(len(out), 400)])
	}
	g, _ := os.ReadFile(gaps)
	if rep.Districts[1].Capacitated.Over > 0 && !strings.Contains(string(g), `"kind":"over-capacity"`) {
		t.Errorf("%s has people over capacity but the gap map no over-capacity feature", rep.Districts[1].Name)
	}
	// Without the flags the report is as before: no access member.
	_, out, _ = runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--population", pop, "--format", "json")
	if strings.Contains(out, `"access"`) || strings.Contains(out, `"stations": [`) {
		t.Error("a report without --access carries access figures")
	}
	cfgFile := filepath.Join(dir, "covaudit.yaml")
	os.WriteFile(cfgFile, []byte("columns:\n  default_capacity: 2\naccess:\n  method: 2sfca\n  capacitated: true\n  people_per_unit: 50\nclasses:\n  urban: {values: [urban], rule: radius, distance: 2km, decay: gaussian}\n  rural: {values: [rural], rule: speed, time: 30m, zones: [10m, 20m, 30m], weights: [1, 0.5, 0.25]}\n"), 0o644)
	code, out, errOut = runCLI(t, "", "check", "--config", cfgFile, "--districts", demoParishes, "--stations", demoServices, "--population", pop, "--format", "json")
	if code != 1 || !strings.Contains(out, `"people_per_unit": 50`) {
		t.Errorf("configuration file: exit %d, %s", code, errOut)
	}
	os.WriteFile(cfgFile, []byte("classes:\n  urban: {values: [urban], rule: radius, distance: 2km, zones: [1km, 3km], weights: [1, 0.5]}\n  rural: {values: [rural], rule: speed, time: 30m}\n"), 0o644)
	if code, _, errOut := runCLI(t, "", "check", "--config", cfgFile, "--districts", demoParishes, "--stations", demoServices); code != 2 || !strings.Contains(errOut, "beyond the rule's limit") {
		t.Errorf("a zone beyond the limit: exit %d, %s", code, errOut)
	}
}

package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestReadmeCommands runs the README's tour, line by line, as a newcomer
// would: covaudit init --demo writes the demo's files into a fresh folder
// and every later command runs there as written. Each must exit 0 or 1 (1:
// districts fail, or a change regresses), and the files the tour names
// must be written and readable.
func TestReadmeCommands(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var tour []string
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case !in && strings.HasPrefix(line, "covaudit init --demo "):
			in = true
			tour = append(tour, line)
		case in && strings.HasPrefix(line, "```"):
			in = false
		case in:
			tour = append(tour, line)
		}
	}
	if len(tour) < 8 {
		t.Fatalf("the README's tour has %d lines; want the block that starts with covaudit init --demo", len(tour))
	}
	t.Chdir(t.TempDir())
	for _, line := range tour {
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		if strings.ContainsAny(line, `'"|<>;&$`+"`") {
			t.Fatalf("README line %q: quoting, pipes and redirections are beyond this test; keep the tour's lines plain", line)
		}
		args := strings.Fields(line)
		switch {
		case len(args) == 0:
			continue
		case args[0] == "cd" && len(args) == 2:
			t.Chdir(args[1])
			continue
		case args[0] != "covaudit":
			t.Fatalf("README line %q is not a covaudit command", line)
		}
		code, _, errOut := runCLI(t, "", args[1:]...)
		if code != 0 && code != 1 || strings.Contains(errOut, "panic") {
			t.Errorf("%s: exit %d\n%s", line, code, errOut)
		}
	}
	var rep struct {
		Districts []struct {
			Name string `json:"name"`
		} `json:"districts"`
	}
	if b, err := os.ReadFile("report.json"); err != nil || json.Unmarshal(b, &rep) != nil || len(rep.Districts) != 7 {
		t.Errorf("report.json: %v, %d districts", err, len(rep.Districts))
	}
	var gaps struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if b, err := os.ReadFile("gaps.geojson"); err != nil || json.Unmarshal(b, &gaps) != nil || gaps.Type != "FeatureCollection" || len(gaps.Features) == 0 {
		t.Errorf("gaps.geojson: %v, %q with %d features", err, gaps.Type, len(gaps.Features))
	}
	for _, f := range []string{"report.html", "sites.html", "sole-cover.csv"} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: not written (%v)", f, err)
		}
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// capDemoPopulation writes the demo's 114 named places as population
// points of 100 to 4,099 people (a fixed pattern).
func capDemoPopulation(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile("../../audit/demodata/andorra-places.csv")
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"id,lon,lat,population"}
	for i, l := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(l, ",")
		out = append(out, fmt.Sprintf("%s,%s,%s,%d", f[0], f[3], f[4], ((i+2)*7919)%4000+100))
	}
	p := filepath.Join(dir, "pop.csv")
	if err := os.WriteFile(p, []byte(strings.Join(out, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type capSuggestJSON struct {
	Sites []struct {
		ID          string  `json:"id"`
		Lon         float64 `json:"lon"`
		Lat         float64 `json:"lat"`
		ServedGain  float64 `json:"served_gain"`
		ServedAfter float64 `json:"served_after"`
	} `json:"sites"`
	Summary struct {
		Objective   string `json:"objective"`
		Capacitated struct {
			ServedBefore float64 `json:"served_before"`
			ServedAfter  float64 `json:"served_after"`
			UpperBound   float64 `json:"upper_bound"`
		} `json:"capacitated"`
	} `json:"summary"`
	Start []capDistrict `json:"start"`
	After []capDistrict `json:"after"`
}

type capDistrict struct {
	Name        string `json:"name"`
	Capacitated *struct {
		Served float64 `json:"served"`
	} `json:"capacitated"`
}

// TestCapacitatedSuggestMatchesCheck: the suggested sites, added to the
// stations file with capacity X after the stations in the order chosen,
// give under check --capacitated the people suggest reported served, per
// district and in all (to the cent of a person, the reports' rounding),
// under the distance rules in both processing orders and by road, with
// the population places as candidates (sites among served people move
// the stations' service around); one worker or two, the same report.
func TestCapacitatedSuggestMatchesCheck(t *testing.T) {
	dir := t.TempDir()
	pop := capDemoPopulation(t, dir)
	svc, err := os.ReadFile(demoServices)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		extra []string
	}{
		{"capacity order", []string{"--people-per-unit", "4000"}},
		{"capacity order, short", []string{"--people-per-unit", "3000"}},
		{"given order", []string{"--people-per-unit", "3000", "--capacity-order", "given"}},
		{"roads", []string{"--people-per-unit", "3000", "--roads", "../../audit/demodata/andorra-roads.osm.pbf"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			common := append([]string{"--districts", demoParishes, "--population", pop, "--default-capacity", "1"}, tc.extra...)
			args := append(append([]string{"suggest", "--stations", demoServices, "--objective", "capacitated", "--add", "4", "--new-capacity", "2", "--candidates", pop, "--format", "json"}, common...), "--workers", "1")
			code, out, errOut := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("suggest: exit %d: %s", code, errOut)
			}
			var s capSuggestJSON
			if err := json.Unmarshal([]byte(out), &s); err != nil {
				t.Fatal(err)
			}
			if s.Summary.Objective != "capacitated" || len(s.Sites) == 0 {
				t.Fatalf("objective %q, %d sites", s.Summary.Objective, len(s.Sites))
			}
			args[len(args)-1] = "2"
			if _, out2, _ := runCLI(t, "", args...); out2 != out {
				t.Error("two workers give another report than one")
			}
			c := s.Summary.Capacitated
			if c.ServedAfter < c.ServedBefore || c.ServedAfter > c.UpperBound+0.01 {
				t.Errorf("served %v -> %v, bound %v", c.ServedBefore, c.ServedAfter, c.UpperBound)
			}
			// The stations and the sites, in order.
			var fc struct {
				Type     string            `json:"type"`
				Features []json.RawMessage `json:"features"`
			}
			if err := json.Unmarshal(svc, &fc); err != nil {
				t.Fatal(err)
			}
			for _, st := range s.Sites {
				fc.Features = append(fc.Features, json.RawMessage(fmt.Sprintf(`{"type":"Feature","properties":{"name":%q,"capacity":2},"geometry":{"type":"Point","coordinates":[%v,%v]}}`, st.ID, st.Lon, st.Lat)))
			}
			b, _ := json.Marshal(fc)
			with := filepath.Join(dir, "with.geojson")
			os.WriteFile(with, b, 0o644)
			code, out, errOut = runCLI(t, "", append([]string{"check", "--stations", with, "--capacitated", "--format", "json"}, common...)...)
			if code > 1 {
				t.Fatalf("check: exit %d: %s", code, errOut)
			}
			var rep struct {
				Districts []capDistrict `json:"districts"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			total := 0.0
			for i, d := range rep.Districts {
				if d.Capacitated == nil || s.After[i].Capacitated == nil {
					t.Fatalf("%s: no capacitated figures", d.Name)
				}
				total += d.Capacitated.Served
				if got, want := s.After[i].Capacitated.Served, d.Capacitated.Served; math.Abs(got-want) > 0.011+1e-9*want {
					t.Errorf("%s: suggest says %.2f people served with the sites, check %.2f", d.Name, got, want)
				}
			}
			if math.Abs(total-c.ServedAfter) > 0.05+1e-9*total {
				t.Errorf("check serves %.2f people with the sites, suggest reported %.2f", total, c.ServedAfter)
			}
			if last := s.Sites[len(s.Sites)-1].ServedAfter; last != c.ServedAfter {
				t.Errorf("the last site's served_after %v is not the summary's %v", last, c.ServedAfter)
			}
			t.Logf("%d sites: served %.0f -> %.0f (check %.2f), bound %.0f", len(s.Sites), c.ServedBefore, c.ServedAfter, total, c.UpperBound)
		})
	}
}

// TestCapacitatedSuggestUsage: what the objective needs is named.
func TestCapacitatedSuggestUsage(t *testing.T) {
	dir := t.TempDir()
	pop := capDemoPopulation(t, dir)
	base := []string{"suggest", "--districts", demoParishes, "--stations", demoServices, "--objective", "capacitated", "--add", "2"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--new-capacity", "2", "--people-per-unit", "10"}, "--population"},
		{[]string{"--population", pop, "--people-per-unit", "10"}, "--new-capacity"},
		{[]string{"--population", pop, "--new-capacity", "2"}, "--people-per-unit"},
		{[]string{"--population", pop, "--new-capacity", "-1", "--people-per-unit", "10"}, "at least 0"},
		{[]string{"--population", pop, "--new-capacity", "2", "--people-per-unit", "10"}, `"capacity"`},
	} {
		code, _, errOut := runCLI(t, "", append(append([]string{}, base...), tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %s named", tc.args, code, errOut, tc.want)
		}
	}
	code, _, errOut := runCLI(t, "", "suggest", "--districts", demoParishes, "--stations", demoServices, "--add", "1", "--new-capacity", "2")
	if code != 2 || !strings.Contains(errOut, "--objective capacitated") {
		t.Errorf("--new-capacity without the objective: exit %d, %q", code, errOut)
	}
}

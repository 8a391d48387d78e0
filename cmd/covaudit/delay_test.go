package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDelayColumn: --delay-col gives each station its own delay under the
// road-time rule. The same value at every station adds exactly that to
// every place's time, whatever the class's own delay; one station's delay
// leaves every place served by another station as it was and costs the
// places it served at most that delay; bad values are input errors naming
// the feature.
func TestDelayColumn(t *testing.T) {
	dir := t.TempDir()
	stations := func(name string, delay func(id string) any) string {
		var fc map[string]any
		json.Unmarshal(mustRead(t, demoServices), &fc)
		for _, f := range fc["features"].([]any) {
			m := f.(map[string]any)
			if v := delay(m["id"].(string)); v != nil {
				m["properties"].(map[string]any)["turnout_s"] = v
			}
		}
		b, _ := json.Marshal(fc)
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	places := "../../audit/demodata/andorra-places.csv"
	roadsFile := "../../audit/demodata/andorra-roads.osm.pbf"
	times := func(st, class string, extra ...string) (map[string]float64, map[string]string) {
		t.Helper()
		args := append([]string{"--districts", demoParishes, "--stations", st, "--roads", roadsFile, "--class", class, "--outside-class", "all"}, extra...)
		n, _ := runNearestJSON(t, places, args...)
		ts, by := map[string]float64{}, map[string]string{}
		for _, p := range n.Points {
			if p.TimeS != nil && p.Station != nil {
				ts[p.ID], by[p.ID] = *p.TimeS, *p.Station
			}
		}
		if len(ts) < 100 {
			t.Fatalf("%d places timed", len(ts))
		}
		return ts, by
	}
	const all = "all:values=urban|rural,rule=road-time,time=30m"
	base, baseBy := times(demoServices, all)
	every := stations("every.geojson", func(string) any { return 90 })
	for _, class := range []string{all, all + ",delay=60s"} {
		got, _ := times(every, class, "--delay-col", "turnout_s")
		for id, t0 := range base {
			if math.Abs(got[id]-t0-90) > 1e-9 {
				t.Errorf("%s, every station 90 s: %s takes %.3f s, %.3f s without", class, id, got[id], t0)
			}
		}
	}
	// Delay the station that serves the most places.
	count := map[string]int{}
	busy := ""
	for _, s := range baseBy {
		if count[s]++; count[s] > count[busy] {
			busy = s
		}
	}
	one := stations("one.geojson", func(id string) any {
		if id == busy {
			return "600"
		}
		return nil
	})
	got, _ := times(one, all, "--delay-col", "turnout_s")
	for id, t0 := range base {
		d := got[id] - t0
		if baseBy[id] != busy && math.Abs(d) > 1e-9 || baseBy[id] == busy && (d < -1e-9 || d > 600+1e-9) {
			t.Errorf("%s (served by %s, delayed %s): %.3f s, %.3f s without", id, baseBy[id], busy, got[id], t0)
		}
	}
	bad := stations("bad.geojson", func(id string) any {
		if id == busy {
			return -5
		}
		return 30
	})
	code, _, errOut := runCLI(t, "", "check", "--districts", demoParishes, "--stations", bad, "--roads", roadsFile, "--class", all, "--delay-col", "turnout_s")
	if code != 2 || !strings.Contains(errOut, "bad.geojson: feature") || !strings.Contains(errOut, `column "turnout_s": -5 s is not a delay`) {
		t.Errorf("a negative delay: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--roads", roadsFile, "--class", all, "--delay-col", "turnout_s")
	if code != 2 || !strings.Contains(errOut, `no station has a delay in "turnout_s"`) {
		t.Errorf("no station with a delay: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--delay-col", "turnout_s")
	if code != 2 || !strings.Contains(errOut, "no class has the road-time rule") {
		t.Errorf("a delay column without a road-time class: exit %d, %q", code, errOut)
	}
}

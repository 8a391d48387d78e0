package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// closedBridge is OpenStreetMap way 6281020, a secondary road's bridge in
// the Andorra demo extract whose closure cuts land off from every station
// within 30 minutes by car.
const closedBridge = "6281020"

// withoutMeta decodes a JSON report and drops its meta (the inputs and
// parameters, which name the files).
func withoutMeta(t *testing.T, data string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, data)
	}
	delete(m, "meta")
	return m
}

// TestCloseBridgeIsTheExtractWithout: check --close with the bridge's way
// id gives the report (apart from its meta) that check gives on the
// extract with the way removed by osmium (osmium removeid); the bridge
// costs land; and a GeoJSON line across the bridge closes it too.
// bridgeDemos writes two copies of the demo under root: closed, with
// closed/bridge.txt naming the bridge way closedBridge for --close, and
// edited, whose road extract has that way removed by osmium (the test
// skips where osmium is not installed).
func bridgeDemos(t *testing.T, root string) (closed, edited string) {
	t.Helper()
	osmium, err := exec.LookPath("osmium")
	if err != nil {
		t.Skip("osmium (Debian osmium-tool) is not installed: .ci/run installs it")
	}
	demo := func(name string) string {
		dir := filepath.Join(root, name)
		if code, _, errOut := runCLI(t, "", "init", "--demo", dir); code != 0 {
			t.Fatalf("init --demo: %s", errOut)
		}
		return dir
	}
	closed, edited = demo("closed"), demo("edited")
	pbf := filepath.Join(edited, "andorra-roads.osm.pbf")
	if out, err := exec.Command(osmium, "removeid", "--overwrite", "-o", pbf+".new.osm.pbf", pbf, "w"+closedBridge).CombinedOutput(); err != nil {
		t.Fatalf("osmium removeid: %v\n%s", err, out)
	}
	if err := os.Rename(pbf+".new.osm.pbf", pbf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(closed, "bridge.txt"), []byte("# the bridge\nway/"+closedBridge+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return closed, edited
}

func TestCloseBridgeIsTheExtractWithout(t *testing.T) {
	root := t.TempDir()
	closed, edited := bridgeDemos(t, root)
	report := func(dir string, args ...string) string {
		t.Helper()
		t.Chdir(dir)
		code, out, errOut := runCLI(t, "", append([]string{"check", "--format", "json"}, args...)...)
		if code != 1 {
			t.Fatalf("check %v in %s: exit %d\n%s", args, dir, code, errOut)
		}
		return out
	}
	open := report(closed)
	byID := report(closed, "--close", "bridge.txt")
	want := report(edited)
	if got, w := withoutMeta(t, byID), withoutMeta(t, want); !reflect.DeepEqual(got, w) {
		t.Errorf("check --close way/%s differs from check on the extract without it:\n%s\nwant:\n%s", closedBridge, byID, want)
	}
	uncovered := func(rep string) float64 {
		var r struct {
			Summary struct {
				UncoveredM2 float64 `json:"uncovered_m2"`
			} `json:"summary"`
		}
		json.Unmarshal([]byte(rep), &r)
		return r.Summary.UncoveredM2
	}
	lost := uncovered(byID) - uncovered(open)
	if lost < 1e6 {
		t.Errorf("closing way %s loses %.0f m2, want more than 1 km2", closedBridge, lost)
	}
	if !strings.Contains(byID, `"closed_ways": 1`) {
		t.Errorf("the report's meta does not count the closed way:\n%s", byID[:min(len(byID), 2000)])
	}
	// A 30 m line across the bridge's middle, at right angles to it.
	line := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1.6388997,42.5877779],[1.6390140,42.5880360]]}}]}`
	if err := os.WriteFile(filepath.Join(closed, "bridge.geojson"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	byLine := report(closed, "--close", "bridge.geojson")
	if got, w := withoutMeta(t, byLine), withoutMeta(t, want); !reflect.DeepEqual(got, w) {
		t.Errorf("check --close with a line across the bridge differs from check on the extract without it:\n%s", byLine)
	}
	// diff with the closure on the head side only reports that loss as
	// newly uncovered land, and fails.
	t.Chdir(closed)
	code, out, errOut := runCLI(t, "", "diff", "--base", "andorra-services.geojson", "--head", "andorra-services.geojson", "--head-close", "bridge.txt", "--format", "json")
	if code != 1 {
		t.Fatalf("diff --head-close: exit %d, want 1 (a regression)\n%s", code, errOut)
	}
	var d struct {
		Districts []struct {
			Name     string  `json:"name"`
			NewlyUnc float64 `json:"newly_uncovered_m2"`
			NewlyCov float64 `json:"newly_covered_m2"`
			ErrM2    float64 `json:"err_m2"`
		} `json:"districts"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	sum, errSum := 0.0, 0.0
	for _, x := range d.Districts {
		sum += x.NewlyUnc
		errSum += x.ErrM2
		if x.NewlyCov != 0 {
			t.Errorf("diff --head-close: %s newly covers %.2f m2; a closure covers nothing", x.Name, x.NewlyCov)
		}
	}
	if math.Abs(sum-lost) > errSum {
		t.Errorf("diff --head-close: newly uncovered %.2f m2, the two checks differ by %.2f m2 (error bound %.2f)", sum, lost, errSum)
	}
	t.Logf("closing way %s loses %.3f km2 (diff: %.3f km2)", closedBridge, lost/1e6, sum/1e6)
	const both = "changes both the stations and the roads"
	if strings.Contains(out, both) || strings.Contains(errOut, both) {
		t.Errorf("diff --head-close with the same stations warns that the stations changed too")
	}
	// A head that also drops a station is told that the split between the
	// two changes is not exact.
	var fc map[string]any
	raw, err := os.ReadFile("andorra-services.geojson")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatal(err)
	}
	fc["features"] = fc["features"].([]any)[1:]
	fewer, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("fewer.geojson", fewer, 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, errOut = runCLI(t, "", "diff", "--base", "andorra-services.geojson", "--head", "fewer.geojson", "--head-close", "bridge.txt", "--format", "json")
	if !strings.Contains(out, both) && !strings.Contains(errOut, both) {
		t.Errorf("diff --head-close with a station removed does not warn that the split is not exact:\n%s", errOut)
	}
}

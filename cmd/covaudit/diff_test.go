package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	demoParishes = "../../audit/demodata/andorra-parishes.geojson"
	demoServices = "../../audit/demodata/andorra-services.geojson"
	headServices = "../../audit/demodata/andorra-services-changed.geojson" // scripts/make_diff_testdata.py
)

// TestDiffGolden compares the demo services with a changed version (one
// removed, one moved, one added) in every format, and the gap map.
func TestDiffGolden(t *testing.T) {
	for _, format := range []string{"text", "json", "markdown"} {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "diff", "--base", demoServices, "--head", headServices, "--format", format)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (Andorra la Vella loses more than 1 ha): %s", code, errOut)
			}
			golden(t, "diff.golden."+format, out)
		})
	}
	gaps := filepath.Join(t.TempDir(), "new.geojson")
	if code, _, errOut := runCLI(t, "", "diff", "--base", demoServices, "--head", headServices, "--gaps", gaps, "--format", "json"); code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(gaps)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "diff-gaps.golden.geojson", string(b))
}

type diffJSON struct {
	Districts []struct {
		Name           string  `json:"name"`
		NewlyUncovered float64 `json:"newly_uncovered_m2"`
		NewlyCovered   float64 `json:"newly_covered_m2"`
		Regression     bool    `json:"regression"`
		Losses         []struct {
			Station string  `json:"station"`
			Loss    float64 `json:"loss_m2"`
		} `json:"losses"`
	} `json:"districts"`
	Stations []struct {
		Change string   `json:"change"`
		ID     string   `json:"id"`
		MovedM *float64 `json:"moved_m"`
	} `json:"stations"`
}

type checkJSON struct {
	Districts []struct {
		Name      string  `json:"name"`
		Uncovered float64 `json:"uncovered_m2"`
		Lower     float64 `json:"uncovered_m2_lower"`
		Upper     float64 `json:"uncovered_m2_upper"`
		Gaps      int     `json:"gaps"`
		Area      float64 `json:"area_m2"`
		Travel    *struct {
			Samples int `json:"samples"`
		} `json:"travel_time"`
		// Population is set with --population.
		Population *float64 `json:"population"`
	} `json:"districts"`
}

// editServices writes the demo services with feature k removed (move =
// false) or moved by dLon degrees.
func editServices(t *testing.T, id string, dLon float64, remove bool) string {
	t.Helper()
	b, err := os.ReadFile(demoServices)
	if err != nil {
		t.Fatal(err)
	}
	var fc map[string]any
	json.Unmarshal(b, &fc)
	var out []any
	for _, f := range fc["features"].([]any) {
		m := f.(map[string]any)
		if m["id"] == id {
			if remove {
				continue
			}
			c := m["geometry"].(map[string]any)["coordinates"].([]any)
			c[0] = c[0].(float64) + dLon
		}
		out = append(out, f)
	}
	fc["features"] = out
	p := filepath.Join(t.TempDir(), "head.geojson")
	nb, _ := json.Marshal(fc)
	os.WriteFile(p, nb, 0o644)
	return p
}

// TestDiffRemovalMatchesCheck: removing one station uncovers the area only
// it covered, which equals the difference of two check runs to the
// accuracy of check, and is that station's loss.
func TestDiffRemovalMatchesCheck(t *testing.T) {
	head := editServices(t, "n4699170492", 0, true) // Mitjavila, Andorra la Vella
	_, out, _ := runCLI(t, "", "diff", "--base", demoServices, "--head", head, "--districts", demoParishes, "--format", "json")
	var d diffJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err, out)
	}
	checks := map[string]checkJSON{}
	for _, st := range []string{demoServices, head} {
		_, out, _ := runCLI(t, "", "check", "--districts", demoParishes, "--stations", st, "--format", "json")
		var c checkJSON
		if err := json.Unmarshal([]byte(out), &c); err != nil {
			t.Fatal(err)
		}
		checks[st] = c
	}
	if len(d.Stations) != 1 || d.Stations[0].Change != "removed" || d.Stations[0].ID != "n4699170492" {
		t.Errorf("station changes %+v, want the one removal", d.Stations)
	}
	total := 0.0
	for i, dd := range d.Districts {
		b, h := checks[demoServices].Districts[i], checks[head].Districts[i]
		tol := (b.Upper - b.Lower) + (h.Upper - h.Lower) + 0.02
		if math.Abs(dd.NewlyUncovered-(h.Uncovered-b.Uncovered)) > tol || dd.NewlyCovered != 0 {
			t.Errorf("%s: newly uncovered %.2f m2, covered %.2f m2; the two check runs differ by %.2f m2 (tolerance %.2f)",
				dd.Name, dd.NewlyUncovered, dd.NewlyCovered, h.Uncovered-b.Uncovered, tol)
		}
		lost := 0.0
		for _, l := range dd.Losses {
			if l.Station != "n4699170492" {
				t.Errorf("%s: loss blamed on %s", dd.Name, l.Station)
			}
			lost += l.Loss
		}
		if math.Abs(lost-dd.NewlyUncovered) > 0.02 {
			t.Errorf("%s: losses %.2f m2, newly uncovered %.2f m2", dd.Name, lost, dd.NewlyUncovered)
		}
		total += dd.NewlyUncovered
	}
	if total < 1e4 {
		t.Errorf("removing Mitjavila uncovers %.2f m2; the test wants a station that matters", total)
	}
}

// TestDiffMove: moving a station is reported as a move, not as a removal
// and an addition.
func TestDiffMove(t *testing.T) {
	head := editServices(t, "n3265137527", 0.004, false) // the courthouse, about 330 m east
	_, out, errOut := runCLI(t, "", "diff", "--base", demoServices, "--head", head, "--format", "json")
	var d diffJSON
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err, errOut)
	}
	if len(d.Stations) != 1 || d.Stations[0].Change != "moved" || d.Stations[0].MovedM == nil || math.Abs(*d.Stations[0].MovedM-328.8) > 1 {
		t.Errorf("station changes %+v, want the courthouse moved about 329 m", d.Stations)
	}
	_, text, _ := runCLI(t, "", "diff", "--base", demoServices, "--head", head)
	if !strings.Contains(text, "moved courthouse (n3265137527) by 328.8 m") || strings.Contains(text, "station removed") || strings.Contains(text, "station added") {
		t.Errorf("text report:\n%s", text)
	}
}

func TestDiffUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"diff", "--base", demoServices}, "--base FILE and --head FILE"},
		{[]string{"diff", "--base", "-", "--head", "-"}, "only one of"},
		{[]string{"diff", "--base", demoServices, "--head", headServices, "--stations", demoServices}, "not --stations"},
		{[]string{"diff", "--base", demoServices, "--head", "nope.csv"}, "nope.csv"},
		{[]string{"diff", "--base", demoServices, "--head", headServices, "--max-loss-people", "5"}, "--max-loss-people needs --population"},
		{[]string{"diff", "--base", demoServices, "--head", headServices, "--max-loss-people", "-1"}, "invalid number of people"},
		{[]string{"diff", "--base", demoServices, "--head", headServices, "--max-loss", "2km3"}, "with m2, ha or km2"},
	} {
		if code, _, errOut := runCLI(t, "", tc.args...); code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

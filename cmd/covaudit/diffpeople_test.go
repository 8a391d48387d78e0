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

// writePopulationGrid writes population points over Andorra, 0.0025
// degrees apart (about 200 by 280 m), each with a whole number of people
// from 1 to 13, as CSV; whole numbers add up exactly.
func writePopulationGrid(t testing.TB, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("lon,lat,population\n")
	k := 0
	for i := 0; i < 156; i++ {
		for j := 0; j < 96; j++ {
			fmt.Fprintf(&b, "%.4f,%.4f,%d\n", 1.40+0.0025*float64(i), 42.42+0.0025*float64(j), 1+(k*7)%13)
			k++
		}
	}
	p := filepath.Join(dir, "population.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkPeople is check's people figures per district.
type checkPeople struct {
	Districts []struct {
		Name      string  `json:"name"`
		Pop       float64 `json:"population"`
		Uncovered float64 `json:"population_uncovered"`
	} `json:"districts"`
}

// diffPeople is diff's people figures per district.
type diffPeople struct {
	Districts []struct {
		Name       string `json:"name"`
		Regression bool   `json:"regression"`
		Reason     string `json:"reason"`
		Base       struct {
			Uncovered *float64 `json:"population_uncovered"`
		} `json:"base"`
		Head struct {
			Uncovered *float64 `json:"population_uncovered"`
		} `json:"head"`
		People *struct {
			Population float64 `json:"population"`
			Base       float64 `json:"uncovered_base"`
			Head       float64 `json:"uncovered_head"`
			Change     float64 `json:"uncovered_change"`
			Lost       float64 `json:"newly_uncovered"`
			Gained     float64 `json:"newly_covered"`
		} `json:"people"`
	} `json:"districts"`
	Summary struct {
		People *struct {
			Lost float64 `json:"newly_uncovered"`
		} `json:"people"`
	} `json:"summary"`
}

func decode(t *testing.T, what, data string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(data), v); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, data)
	}
}

// TestCloseBridgePeople: diff --head-close with --population reports as
// losing coverage, per district and exactly, the difference of the people
// check --population finds uncovered on the demo and on the extract with
// the bridge removed by osmium; each side's uncovered people are check's;
// the gap map's newly uncovered land holds those people; and
// --max-loss-people regresses above the loss and not at it.
func TestCloseBridgePeople(t *testing.T) {
	root := t.TempDir()
	closed, edited := bridgeDemos(t, root)
	pop := writePopulationGrid(t, root)
	check := func(dir string) checkPeople {
		t.Helper()
		t.Chdir(dir)
		code, out, errOut := runCLI(t, "", "check", "--population", pop, "--format", "json")
		if code != 1 {
			t.Fatalf("check --population in %s: exit %d\n%s", dir, code, errOut)
		}
		var c checkPeople
		decode(t, "check", out, &c)
		return c
	}
	before, after := check(closed), check(edited)

	t.Chdir(closed)
	gaps := filepath.Join(root, "new.geojson")
	diffArgs := []string{"diff", "--base", "andorra-services.geojson", "--head", "andorra-services.geojson", "--head-close", "bridge.txt", "--population", pop}
	code, out, errOut := runCLI(t, "", append(diffArgs, "--format", "json", "--gaps", gaps)...)
	if code != 1 {
		t.Fatalf("diff --head-close --population: exit %d, want 1\n%s", code, errOut)
	}
	var d diffPeople
	decode(t, "diff", out, &d)
	if len(d.Districts) != len(before.Districts) {
		t.Fatalf("diff has %d districts, check %d", len(d.Districts), len(before.Districts))
	}
	total, most, mostName := 0.0, 0.0, ""
	for i, dd := range d.Districts {
		b, a := before.Districts[i], after.Districts[i]
		p := dd.People
		if dd.Name != b.Name || p == nil || dd.Base.Uncovered == nil || dd.Head.Uncovered == nil {
			t.Fatalf("district %d: diff %q with people %v, check %q", i, dd.Name, p, b.Name)
		}
		if want := a.Uncovered - b.Uncovered; p.Lost != want || p.Change != want {
			t.Errorf("%s: %v people lose coverage (change %v); check on the edited extract finds %v uncovered, on the demo %v: want %v",
				dd.Name, p.Lost, p.Change, a.Uncovered, b.Uncovered, want)
		}
		if p.Base != b.Uncovered || p.Head != a.Uncovered || *dd.Base.Uncovered != b.Uncovered || *dd.Head.Uncovered != a.Uncovered {
			t.Errorf("%s: uncovered people %v -> %v, check finds %v -> %v", dd.Name, p.Base, p.Head, b.Uncovered, a.Uncovered)
		}
		if p.Gained != 0 || p.Population != b.Pop {
			t.Errorf("%s: %v people gain coverage from a closure, population %v (check: %v)", dd.Name, p.Gained, p.Population, b.Pop)
		}
		total += p.Lost
		if p.Lost > most {
			most, mostName = p.Lost, dd.Name
		}
	}
	if total < 50 {
		t.Fatalf("closing way %s cuts %v people off; the test wants the bridge to matter", closedBridge, total)
	}
	if d.Summary.People == nil || d.Summary.People.Lost != total {
		t.Errorf("summary people %+v, want %v losing coverage", d.Summary.People, total)
	}
	// The drawn newly uncovered land holds the people who lose coverage
	// (a point on a drawn edge may fall outside it).
	gb, err := os.ReadFile(gaps)
	if err != nil {
		t.Fatal(err)
	}
	var gm struct {
		Features []struct {
			Properties struct {
				District   string   `json:"district"`
				Population *float64 `json:"population"`
			} `json:"properties"`
		} `json:"features"`
	}
	decode(t, "gap map", string(gb), &gm)
	inGaps := 0.0
	for _, f := range gm.Features {
		if f.Properties.Population == nil {
			t.Fatalf("a newly uncovered gap of %s has no population", f.Properties.District)
		}
		inGaps += *f.Properties.Population
	}
	if inGaps > total || inGaps < 0.9*total {
		t.Errorf("the gap map's newly uncovered land holds %v people; %v lose coverage", inGaps, total)
	}
	t.Logf("closing way %s cuts %v people off (%v in the drawn gaps); most in %s (%v)", closedBridge, total, inGaps, mostName, most)

	t.Run("max-loss-people", func(t *testing.T) {
		t.Chdir(closed)
		// A district losing more people than allowed regresses, named with
		// the people; at the loss it does not (--max-loss set out of the way,
		// in km2, and no district passed before).
		n := fmt.Sprint(most - 1)
		want := fmt.Sprintf("| %s | rural | 30 min by car |", mostName)
		reason := fmt.Sprintf("%v people lose coverage, more than --max-loss-people %s", most, n)
		code, out, errOut := runCLI(t, "", append(diffArgs, "--max-loss", "1000km2", "--max-loss-people", n, "--format", "markdown")...)
		if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, reason) || !strings.Contains(out, "| people losing |") {
			t.Errorf("--max-loss-people %s: exit %d, want 1, the row %q and %q\n%s%s", n, code, want, reason, out, errOut)
		}
		n = fmt.Sprint(most)
		code, out, errOut = runCLI(t, "", append(diffArgs, "--max-loss", "1000km2", "--max-loss-people", n, "--format", "text")...)
		if code != 0 || strings.Contains(out, "REGRESSION") || !strings.Contains(out, "PEOPLE LOSING") {
			t.Errorf("--max-loss-people %s: exit %d, want 0 with the people columns\n%s%s", n, code, out, errOut)
		}
	})
}

// TestDiffPeopleRemoval: under the distance rules, removing a station
// takes coverage from the people check finds uncovered with it gone and
// not with it, per district: exactly for points, to floating point for a
// raster (whose cells the disks split exactly).
func TestDiffPeopleRemoval(t *testing.T) {
	head := editServices(t, "n4699170492", 0, true) // Mitjavila, Andorra la Vella
	dir := t.TempDir()
	for _, tc := range []struct {
		name, pop string
		tol       float64
	}{
		{"points", writePopulationGrid(t, dir), 0},
		{"raster", "../../geodata/testdata/raster/f32-deflate-pred3-tiles.tif", 1e-9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, out, errOut := runCLI(t, "", "diff", "--base", demoServices, "--head", head, "--districts", demoParishes, "--population", tc.pop, "--format", "json")
			var d diffPeople
			decode(t, "diff "+errOut, out, &d)
			checks := map[string]checkPeople{}
			for _, st := range []string{demoServices, head} {
				_, out, _ := runCLI(t, "", "check", "--districts", demoParishes, "--stations", st, "--population", tc.pop, "--format", "json")
				var c checkPeople
				decode(t, "check", out, &c)
				checks[st] = c
			}
			total := 0.0
			for i, dd := range d.Districts {
				b, h := checks[demoServices].Districts[i], checks[head].Districts[i]
				if dd.People == nil {
					t.Fatalf("%s: no people figures", dd.Name)
				}
				want := h.Uncovered - b.Uncovered
				// JSON writes people to 0.01: a raster's difference of two
				// rounded figures is within 0.01 of the rounded loss.
				ok := dd.People.Lost == want
				if tc.tol > 0 {
					ok = math.Abs(dd.People.Lost-want) <= 0.01+1e-9+tc.tol*b.Pop
				}
				if !ok {
					t.Errorf("%s: %v people lose coverage; check finds %v uncovered without the station, %v with it", dd.Name, dd.People.Lost, h.Uncovered, b.Uncovered)
				}
				if dd.People.Gained != 0 {
					t.Errorf("%s: %v people gain coverage from a removal", dd.Name, dd.People.Gained)
				}
				total += dd.People.Lost
			}
			if total <= 0 {
				t.Errorf("removing Mitjavila takes coverage from %v people; the test wants a station that matters", total)
			}
		})
	}
}

// TestDiffPeopleConfig: covaudit.yaml's diff.population and
// diff.max_loss_people do what the flags do, and max_loss_people without
// a population is a usage error.
func TestDiffPeopleConfig(t *testing.T) {
	abs := func(p string) string {
		t.Helper()
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	base, head, districts := abs(demoServices), abs(editServices(t, "n4699170492", 0, true)), abs(demoParishes)
	dir := t.TempDir()
	pop := writePopulationGrid(t, dir)
	t.Chdir(dir)
	args := []string{"diff", "--base", base, "--head", head, "--districts", districts, "--format", "json"}
	write := func(yaml string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "covaudit.yaml"), []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("diff:\n  max_loss: 1000km2\n  max_loss_people: 0\n")
	if code, _, errOut := runCLI(t, "", args...); code != 2 || !strings.Contains(errOut, "--max-loss-people needs --population") {
		t.Errorf("max_loss_people without a population: exit %d, %s", code, errOut)
	}
	write("diff:\n  population: " + filepath.Base(pop) + "\n  max_loss: 1000km2\n  max_loss_people: 0\n")
	code, out, errOut := runCLI(t, "", args...)
	var d diffPeople
	decode(t, "diff "+errOut, out, &d)
	regressed := 0
	for _, dd := range d.Districts {
		if dd.People == nil {
			t.Fatalf("%s: no people figures from diff.population", dd.Name)
		}
		lose := dd.People.Lost > 0
		if lose != dd.Regression || lose != strings.Contains(dd.Reason, "more than --max-loss-people 0") {
			t.Errorf("%s: %v people lose coverage; regression %v (%q)", dd.Name, dd.People.Lost, dd.Regression, dd.Reason)
		}
		if lose {
			regressed++
		}
	}
	if code != 1 || regressed == 0 {
		t.Errorf("max_loss_people 0 with %d district(s) losing people: exit %d, want 1", regressed, code)
	}
}

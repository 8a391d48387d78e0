package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
)

// TestAccessTablesMatchJSON: the per-district accessibility and
// capacitated figures that the CSV, text and Markdown reports print are
// the JSON report's: the CSV's cells exactly, the text and Markdown ones
// rounded (4 decimals, whole people, shares down to 0.01%); and without
// --access and --capacitated none of the columns appear.
func TestAccessTablesMatchJSON(t *testing.T) {
	args := []string{"check", "-q", "--population", "../../audit/testdata/access/population.csv", "--default-capacity", "1",
		"--access", "2sfca", "--min-access", "0.5", "--capacitated", "--people-per-unit", "3000",
		"--class", "urban:rule=radius,distance=2km", "--class", "rural:rule=radius,distance=5km"}
	run := func(more ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, "", append(append([]string{}, args...), more...)...)
		if code > 1 {
			t.Fatalf("check %v: exit %d: %s", more, code, errOut)
		}
		return out
	}
	var rep struct {
		Districts []struct {
			Name   string
			Access *struct {
				Mean        *float64 `json:"mean_per_10k"`
				MinV        *float64 `json:"min_per_10k"`
				BelowPeople *float64 `json:"below_min_people"`
				BelowPct    *float64 `json:"below_min_pct"`
			}
			Capacitated *struct {
				People, Served float64
				Over           float64 `json:"over_capacity"`
				Out            float64 `json:"out_of_reach"`
				Pct            float64 `json:"served_pct"`
			}
		}
	}
	if err := json.Unmarshal([]byte(run("--format", "json")), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Districts) != 7 {
		t.Fatalf("%d districts, want the demo's 7", len(rep.Districts))
	}
	recs, err := csv.NewReader(strings.NewReader(run("--format", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for k, h := range recs[0] {
		col[h] = k
	}
	text, md := run(), run("--format", "markdown")
	floor := func(p float64) string { return strconv.FormatFloat(math.Floor(p*100)/100, 'f', 2, 64) }
	for i, d := range rep.Districts {
		if d.Access == nil || d.Capacitated == nil || d.Access.Mean == nil || d.Access.MinV == nil || d.Access.BelowPct == nil {
			t.Fatalf("%s: no access or capacitated figures in the JSON", d.Name)
		}
		want := map[string]float64{
			"access_2sfca_mean_per_10k": *d.Access.Mean, "access_2sfca_min_per_10k": *d.Access.MinV,
			"below_min_access_people": *d.Access.BelowPeople, "below_min_access_pct": *d.Access.BelowPct,
			"capacitated_people": d.Capacitated.People, "served": d.Capacitated.Served,
			"residual_within_reach": d.Capacitated.Over, "out_of_reach": d.Capacitated.Out, "served_pct": d.Capacitated.Pct,
		}
		row := recs[i+1]
		if row[col["name"]] != d.Name {
			t.Fatalf("CSV row %d is %q, JSON district %q", i+1, row[col["name"]], d.Name)
		}
		for h, v := range want {
			k, ok := col[h]
			if !ok {
				t.Fatalf("CSV: no column %q in %q", h, recs[0])
			}
			if got, err := strconv.ParseFloat(row[k], 64); err != nil || got != v {
				t.Errorf("%s: CSV %s %q, JSON %v", d.Name, h, row[k], v)
			}
		}
		cells := []string{
			strconv.FormatFloat(*d.Access.Mean, 'f', 4, 64), strconv.FormatFloat(*d.Access.MinV, 'f', 4, 64),
			strconv.FormatFloat(*d.Access.BelowPeople, 'f', 0, 64), floor(*d.Access.BelowPct),
			strconv.FormatFloat(d.Capacitated.People, 'f', 0, 64), strconv.FormatFloat(d.Capacitated.Served, 'f', 0, 64),
			strconv.FormatFloat(d.Capacitated.Over, 'f', 0, 64), strconv.FormatFloat(d.Capacitated.Out, 'f', 0, 64),
			floor(d.Capacitated.Pct),
		}
		if mdRow := "| " + d.Name + " | " + strings.Join(cells, " | ") + " |"; !strings.Contains(md, mdRow) {
			t.Errorf("Markdown has no row %q:\n%s", mdRow, md)
		}
		found := false
		for _, line := range strings.Split(text, "\n") {
			if f := strings.Fields(strings.TrimPrefix(line, d.Name)); strings.HasPrefix(line, d.Name+" ") && strings.Join(f, " ") == strings.Join(cells, " ") {
				found = true
			}
		}
		if !found {
			t.Errorf("text has no access row for %s with %q:\n%s", d.Name, cells, text)
		}
	}
	// Without the measures: no columns, no table.
	code, plain, _ := runCLI(t, "", "check", "-q", "--format", "csv")
	if code > 1 || strings.Contains(plain, "access_2sfca") || strings.Contains(plain, ",served") {
		t.Errorf("plain check CSV (exit %d) has access columns: %.300s", code, plain)
	}
}

package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/geodata"
)

// TestSuggestPredictionHolds: on the Andorra demo, the land left uncovered
// once the suggested sites are added, as suggest predicts it, is what
// check finds with those sites added to the stations.
func TestSuggestPredictionHolds(t *testing.T) {
	code, out, errOut := runCLI(t, "", "suggest", "--districts", demoParishes, "--stations", demoServices, "--add", "3", "--format", "csv")
	if code != 0 {
		t.Fatalf("suggest: exit %d %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("%v: %q", err, out)
	}
	f, _ := os.Open(demoServices)
	st, _, _ := geodata.ReadStations(f, "s", geodata.StationOptions{})
	f.Close()
	var b strings.Builder
	b.WriteString("id,lon,lat\n")
	for _, s := range st {
		fmt.Fprintf(&b, "%s,%.10f,%.10f\n", s.ID, s.Point[0], s.Point[1])
	}
	for _, r := range rows[1:] {
		fmt.Fprintf(&b, "%s,%s,%s\n", r[1], r[3], r[4])
	}
	p := filepath.Join(t.TempDir(), "with.csv")
	os.WriteFile(p, []byte(b.String()), 0o644)
	_, out, errOut = runCLI(t, "", "check", "--districts", demoParishes, "--stations", p, "--format", "json")
	var rep struct {
		Summary struct {
			Uncovered float64 `json:"uncovered_m2"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err, errOut)
	}
	predicted, _ := strconv.ParseFloat(rows[3][7], 64)
	t.Logf("suggest predicts %.2f m2 uncovered, check finds %.2f m2", predicted, rep.Summary.Uncovered)
	// The sites are written to 1e-7 degrees (1 cm): the disks move by as much.
	if math.Abs(rep.Summary.Uncovered-predicted) > 100 {
		t.Errorf("suggest predicts %.2f m2 uncovered, check finds %.2f m2", predicted, rep.Summary.Uncovered)
	}
	if code, _, errOut := runCLI(t, "", "suggest"); code != 2 || !strings.Contains(errOut, "--add N") {
		t.Errorf("suggest without --add: exit %d %s", code, errOut)
	}
}

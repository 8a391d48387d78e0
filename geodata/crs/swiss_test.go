package crs

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestSwissAgainstPROJ compares LV95 and LV03 with cs2cs using the same
// Helmert translation (testdata/swiss.csv, scripts/reference/swiss_cs2cs.sh),
// forward and inverse, to 1 mm, and logs how far PROJ's default operation
// for the EPSG code lies.
func TestSwissAgainstPROJ(t *testing.T) {
	f, err := os.Open("testdata/swiss.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	worst := map[string]float64{}
	n := 0
	for _, row := range rows[1:] {
		v := make([]float64, len(row))
		for i, s := range row {
			if v[i], err = strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
				t.Fatalf("%v: %v", row, err)
			}
		}
		c, ok := FromEPSG(int(v[0]))
		if !ok {
			t.Fatalf("EPSG:%v not built in", v[0])
		}
		x, y := c.FromWGS84(v[1], v[2])
		fwd := math.Hypot(x-v[3], y-v[4])
		lon, lat := c.ToWGS84(v[3], v[4])
		inv := math.Hypot((lon-v[5])*111320*math.Cos(lat*deg), (lat-v[6])*110950)
		if fwd > 1e-3 || inv > 1e-3 {
			t.Errorf("%s at (%v, %v): forward (%.4f, %.4f), PROJ (%.4f, %.4f), %.2g m apart; inverse %.2g m from PROJ", c.Name, v[1], v[2], x, y, v[3], v[4], fwd, inv)
		}
		worst[c.Name+" forward"] = max(worst[c.Name+" forward"], fwd)
		worst[c.Name+" inverse"] = max(worst[c.Name+" inverse"], inv)
		worst[c.Name+" PROJ default vs Helmert"] = max(worst[c.Name+" PROJ default vs Helmert"], math.Hypot(v[7]-v[3], v[8]-v[4]))
		n++
	}
	if n < 60 {
		t.Fatalf("%d points, want 60", n)
	}
	for k, w := range worst {
		t.Logf("%s: largest difference %.3g m", k, w)
	}
}

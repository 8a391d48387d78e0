package crs

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
)

// TestTableAgainstPROJ: every code of the generated table against PROJ's
// cs2cs (testdata/proj_lcc_laea.csv, from scripts/make_crs_fixture.py, a
// 4x4 grid over each code's area of use): forward within 1 mm (in metres,
// whatever the unit) and inverse within 1 mm on the ellipsoid.
func TestTableAgainstPROJ(t *testing.T) {
	f, err := os.Open("testdata/proj_lcc_laea.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[int]int{}
	worst := map[string]float64{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if strings.HasPrefix(s, "#") || strings.HasPrefix(s, "code,") {
			continue
		}
		fs := strings.Split(s, ",")
		if len(fs) != 5 {
			t.Fatalf("proj_lcc_laea.csv:%d: %d fields, want 5", line, len(fs))
		}
		var v [5]float64
		for i, x := range fs {
			if v[i], err = strconv.ParseFloat(x, 64); err != nil {
				t.Fatalf("proj_lcc_laea.csv:%d: %v", line, err)
			}
		}
		code := int(v[0])
		c, ok := FromEPSG(code)
		if !ok {
			t.Fatalf("proj_lcc_laea.csv:%d: EPSG:%d not supported", line, code)
		}
		seen[code]++
		x, y := c.FromWGS84(v[1], v[2])
		df := math.Hypot(x-v[3], y-v[4]) * c.MetresPerUnit
		lon, lat := c.ToWGS84(v[3], v[4])
		di := geodesy.Distance(lon, lat, v[1], v[2])
		d := math.Max(df, di)
		if !(d <= 1e-3) {
			t.Errorf("%s %s (%v, %v): forward off by %.3g m (%.4f, %.4f), inverse by %.3g m (%.9f, %.9f)", c.Name, c.Title, v[1], v[2], df, x, y, di, lon, lat)
		}
		m := epsgTable[code].method
		worst[m] = math.Max(worst[m], d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for code := range epsgTable {
		if seen[code] < 4 {
			t.Errorf("EPSG:%d has %d fixture points, want at least 4", code, seen[code])
		}
	}
	for m, w := range worst {
		t.Logf("%s: largest difference from PROJ %.3g m", m, w)
	}
}

// TestUnits: the unit comes from the code.
func TestUnits(t *testing.T) {
	for _, c := range []struct {
		code int
		unit string
		m    float64
	}{{2264, "US survey foot", 1200.0 / 3937}, {32119, "metre", 1}, {2154, "metre", 1}, {3035, "metre", 1}, {25832, "metre", 1}, {32631, "metre", 1}, {4326, "degree", 0}} {
		s, err := Parse(strconv.Itoa(c.code))
		if err != nil {
			t.Fatal(err)
		}
		if s.Unit != c.unit || s.MetresPerUnit != c.m {
			t.Errorf("EPSG:%d: unit %q, %v m, want %q, %v", c.code, s.Unit, s.MetresPerUnit, c.unit, c.m)
		}
	}
	var ft bool
	for _, e := range epsgTable {
		ft = ft || e.unit == "foot" && e.metresPerUnit == 0.3048
	}
	if !ft {
		t.Error("no international-foot system in the table")
	}
}

func TestUnsupportedNamesTheTag(t *testing.T) {
	if withPROJ {
		t.Skip("proj build")
	}
	_, err := Parse("EPSG:2056")
	if err == nil || !strings.Contains(err.Error(), "-tags proj") || !strings.Contains(err.Error(), "ogr2ogr -t_srs EPSG:4326") {
		t.Errorf("Parse(EPSG:2056): %v", err)
	}
}

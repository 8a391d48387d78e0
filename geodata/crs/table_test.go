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
	_, err := Parse("EPSG:27700")
	if err == nil || !strings.Contains(err.Error(), "-tags proj") || !strings.Contains(err.Error(), "ogr2ogr -t_srs EPSG:4326") {
		t.Errorf("Parse(EPSG:27700): %v", err)
	}
}

// TestESRIStatePlane: ESRI .prj texts carry no EPSG authority; the
// parameters find the zone, in its unit.
func TestESRIStatePlane(t *testing.T) {
	for _, c := range []struct {
		wkt, title string
		m          float64
	}{
		{`PROJCS["NAD_1983_StatePlane_North_Carolina_FIPS_3200_Feet",GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",2000000.002616666],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",-79.0],PARAMETER["Standard_Parallel_1",34.33333333333334],PARAMETER["Standard_Parallel_2",36.16666666666666],PARAMETER["Latitude_Of_Origin",33.75],UNIT["Foot_US",0.3048006096012192]]`, "North Carolina (ftUS)", 1200.0 / 3937},
		{`PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]`, "Lambert-93", 1},
	} {
		s, err := FromWKT(c.wkt)
		if err != nil {
			t.Errorf("%s: %v", c.title, err)
			continue
		}
		if !strings.Contains(s.Title, c.title) || math.Abs(s.MetresPerUnit-c.m) > 1e-12 {
			t.Errorf("%s: got %s %q, %v m per unit", c.title, s.Name, s.Title, s.MetresPerUnit)
		}
	}
	if _, err := FromWKT(`PROJCS["x",GEOGCS["GCS_North_American_1983"],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",1.0],PARAMETER["Central_Meridian",-79.0],PARAMETER["Standard_Parallel_1",34.3],PARAMETER["Standard_Parallel_2",36.1],PARAMETER["Latitude_Of_Origin",33.75],UNIT["Meter",1.0]]`); err == nil {
		t.Error("a conic matching no table entry was accepted")
	}
}

//go:build proj

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

// TestPROJBuild: codes only PROJ converts (LV95, Austria Lambert, NZTM)
// against cs2cs (testdata/proj_tagged.csv, scripts/make_crs_fixture.py).
func TestPROJBuild(t *testing.T) {
	f, err := os.Open("testdata/proj_tagged.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line, n := 0, 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if strings.HasPrefix(s, "#") || strings.HasPrefix(s, "code,") {
			continue
		}
		var v [5]float64
		for i, x := range strings.Split(s, ",") {
			if v[i], err = strconv.ParseFloat(x, 64); err != nil {
				t.Fatalf("proj_tagged.csv:%d: %v", line, err)
			}
		}
		c, err := Parse("EPSG:" + strconv.Itoa(int(v[0])))
		if err != nil {
			t.Fatalf("proj_tagged.csv:%d: %v", line, err)
		}
		x, y := c.FromWGS84(v[1], v[2])
		lon, lat := c.ToWGS84(v[3], v[4])
		// The inverse is the very operation cs2cs ran (code to OGC:CRS84);
		// the forward is PROJ's inverse of a Helmert shift, itself
		// approximate to a few millimetres.
		di := geodesy.Distance(lon, lat, v[1], v[2])
		df := math.Hypot(x-v[3], y-v[4]) * c.MetresPerUnit
		if !(di <= 1e-3) || !(df <= 0.01) {
			t.Errorf("proj_tagged.csv:%d: %s: inverse off by %.3g m, forward by %.3g m", line, c.Name, di, df)
		}
		n++
	}
	if n < 16 {
		t.Fatalf("only %d points", n)
	}
}

func TestPROJParse(t *testing.T) {
	c, err := Parse("EPSG:2056")
	if err != nil || c.Unit != "metre" || c.MetresPerUnit != 1 || c.Geographic {
		t.Fatalf("EPSG:2056: %+v, %v", c, err)
	}
	// A PROJ string and a WKT without an EPSG authority that the built-in rules do not read.
	p, err := Parse("+proj=lcc +lat_1=33 +lat_2=45 +lat_0=23 +lon_0=-96 +x_0=0 +y_0=0 +ellps=GRS80 +units=us-ft +no_defs +type=crs")
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p.MetresPerUnit-1200.0/3937) > 1e-15 {
		t.Errorf("us-ft PROJ string: %v m per unit", p.MetresPerUnit)
	}
	lon, lat := p.ToWGS84(p.FromWGS84(-90, 40))
	if geodesy.Distance(lon, lat, -90, 40) > 1e-6 {
		t.Errorf("round trip: %v, %v", lon, lat)
	}
	wkt := `PROJCS["CH1903+_LV95",GEOGCS["GCS_CH1903+",DATUM["D_CH1903+",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Hotine_Oblique_Mercator_Azimuth_Center"],PARAMETER["False_Easting",2600000.0],PARAMETER["False_Northing",1200000.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Azimuth",90.0],PARAMETER["Longitude_Of_Center",7.439583333333333],PARAMETER["Latitude_Of_Center",46.95240555555556],UNIT["Meter",1.0]]`
	w, err := FromWKT(wkt)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := Parse("EPSG:2056")
	x1, y1 := w.FromWGS84(8.5, 47.4)
	x2, y2 := e.FromWGS84(8.5, 47.4)
	// The ESRI text has no datum shift: PROJ falls back to a ballpark one,
	// so the two agree only to the size of the CH1903+ shift (about 100 m).
	if d := math.Hypot(x1-x2, y1-y2); !(d < 500) {
		t.Errorf("ESRI LV95 .prj and EPSG:2056 differ by %.3g m", d)
	}
	if _, err := Parse("EPSG:99999999"); err == nil {
		t.Error("EPSG:99999999 accepted")
	}
}

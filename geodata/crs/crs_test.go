package crs

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
)

func readCSV(t *testing.T, path string) [][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]float64
	for _, r := range rows[1:] {
		var v []float64
		for _, s := range r {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			v = append(v, x)
		}
		out = append(out, v)
	}
	return out
}

// TestProjectedAgainstPROJ: every projected system against PROJ's
// transverse Mercator and Web Mercator (testdata/projected.csv, from
// scripts/reference/crs_vectors.py): both ways within 1 mm.
func TestProjectedAgainstPROJ(t *testing.T) {
	worst := 0.0
	for _, r := range readCSV(t, "testdata/projected.csv") {
		c, ok := FromEPSG(int(r[0]))
		if !ok {
			t.Fatalf("EPSG:%v not supported", r[0])
		}
		lon, lat := c.ToWGS84(r[3], r[4])
		d := geodesy.Distance(lon, lat, r[1], r[2])
		x, y := c.FromWGS84(r[1], r[2])
		d = math.Max(d, math.Hypot(x-r[3], y-r[4]))
		if d > 1e-3 {
			t.Errorf("%s (%v, %v): off by %.3g m (inverse %.9f, %.9f; forward %.4f, %.4f)", c.Name, r[1], r[2], d, lon, lat, x, y)
		}
		worst = math.Max(worst, d)
	}
	t.Logf("largest difference from PROJ: %.3g m", worst)
}

// TestGCJ02 against an independent implementation (testdata/gcj02.csv, the
// npm package gcoord 1.x): forward to 1 mm, and the inverses round-trip
// to under 0.5 m (in fact under 1 mm).
func TestGCJ02(t *testing.T) {
	gcj, _ := Parse("gcj02")
	bd, _ := Parse("bd09")
	worst := 0.0
	for _, r := range readCSV(t, "testdata/gcj02.csv") {
		for _, c := range []struct {
			crs  CRS
			x, y float64
		}{{gcj, r[2], r[3]}, {bd, r[4], r[5]}} {
			fx, fy := c.crs.FromWGS84(r[0], r[1])
			if d := geodesy.Distance(fx, fy, c.x, c.y); d > 1e-3 {
				t.Errorf("%s forward of (%v, %v): %.9f, %.9f, want %v, %v (%.3g m)", c.crs.Name, r[0], r[1], fx, fy, c.x, c.y, d)
			}
			lon, lat := c.crs.ToWGS84(c.x, c.y)
			d := geodesy.Distance(lon, lat, r[0], r[1])
			if d > 0.5 {
				t.Errorf("%s inverse of (%v, %v): off by %.3g m", c.crs.Name, c.x, c.y, d)
			}
			worst = math.Max(worst, d)
		}
	}
	t.Logf("largest GCJ-02/BD-09 round-trip error: %.3g m", worst)
	if lon, lat := gcj.ToWGS84(1.52, 42.51); lon != 1.52 || lat != 42.51 {
		t.Errorf("GCJ-02 moved a point outside China")
	}
}

func TestParse(t *testing.T) {
	for _, s := range []string{"", "EPSG:4326", "epsg:32631", "32631", "WGS84", "CRS84", "gcj02", "BD-09", "EPSG:4546", "urn:ogc:def:crs:EPSG::3857"} {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q): %v", s, err)
		}
	}
	for _, s := range []string{"EPSG:99999", "lambert", "EPSG:"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
}

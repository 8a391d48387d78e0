package main

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
)

// TestAuditAcrossCRS audits each synthetic city of testdata/crs-cities
// (scripts/reference/crs_cities.sh: ogr2ogr -t_srs copies of WGS84 files)
// from its WGS84 files and from its copy in EPSG:2264 (US survey feet),
// 2154, 25832, 3035 and 2056: every district's area and uncovered area
// agree within 1e-6 of its area. The copies declare their system in a
// GeoJSON "crs" member; in a -tags proj build the same codes are read (by
// the built-in conversions, which that build keeps).
func TestAuditAcrossCRS(t *testing.T) {
	type district struct {
		Name        string  `json:"name"`
		AreaM2      float64 `json:"area_m2"`
		UncoveredM2 float64 `json:"uncovered_m2"`
	}
	audit := func(t *testing.T, districts, stations string) map[string]district {
		t.Helper()
		code, out, errOut := runCLI(t, "", "check", "--districts", districts, "--stations", stations, "--format", "json")
		if code == 2 {
			t.Fatalf("check %s: exit 2: %s", districts, errOut)
		}
		var rep struct {
			Districts []district `json:"districts"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("check %s: %v", districts, err)
		}
		m := map[string]district{}
		for _, d := range rep.Districts {
			m[d.Name] = d
		}
		return m
	}
	for _, code := range []int{2264, 2154, 25832, 3035, 2056} {
		t.Run(fmt.Sprintf("EPSG:%d", code), func(t *testing.T) {
			base := fmt.Sprintf("testdata/crs-cities/city-%d", code)
			want := audit(t, base+"-wgs84-districts.geojson", base+"-wgs84-stations.geojson")
			got := audit(t, base+"-districts.geojson", base+"-stations.geojson")
			if len(want) != 3 || len(got) != len(want) {
				t.Fatalf("%d districts from the copy, %d from WGS84, want 3", len(got), len(want))
			}
			worst := 0.0
			for name, w := range want {
				g := got[name]
				da, du := math.Abs(g.AreaM2-w.AreaM2)/w.AreaM2, math.Abs(g.UncoveredM2-w.UncoveredM2)/w.AreaM2
				if da > 1e-6 || du > 1e-6 {
					t.Errorf("%s: area %.2f m², uncovered %.2f m² from EPSG:%d; %.2f and %.2f m² from WGS84 (relative %.2g, %.2g; want <= 1e-6)",
						name, g.AreaM2, g.UncoveredM2, code, w.AreaM2, w.UncoveredM2, da, du)
				}
				worst = max(worst, da, du)
			}
			t.Logf("largest difference %.2g of a district's area", worst)
		})
	}
}

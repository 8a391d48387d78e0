package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeodesicEdgesDecide: district North spans 2° at 59-60°N with
// geodesic edges (its north edge bows 0.0038° past the parallel 60°);
// district Strip lies above 60.001° with edges short enough to follow the
// parallel. Drawn straight in longitude and latitude they are apart; as
// the geodesics the engine audits, they overlap, and a point at
// (1, 60.002) lies in North. check warns of the overlap and nearest
// places the point in North.
func TestGeodesicEdgesDecide(t *testing.T) {
	var strip []string
	for k := 0; k <= 4000; k++ { // the south edge, 0.0005° steps
		strip = append(strip, fmt.Sprintf("[%.4f,60.001]", 2*float64(k)/4000))
	}
	for k := 4000; k >= 0; k-- {
		strip = append(strip, fmt.Sprintf("[%.4f,60.05]", 2*float64(k)/4000))
	}
	strip = append(strip, "[0,60.001]")
	dir := t.TempDir()
	d := filepath.Join(dir, "d.geojson")
	os.WriteFile(d, []byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"North","class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[0,59],[2,59],[2,60],[0,60],[0,59]]]}},
{"type":"Feature","properties":{"name":"Strip","class":"urban"},"geometry":{"type":"Polygon","coordinates":[[`+strings.Join(strip, ",")+`]]}}]}`), 0o644)
	s := filepath.Join(dir, "s.csv")
	os.WriteFile(s, []byte("id,lon,lat\ns1,1,59.5\ns2,1,60.02\n"), 0o644)
	_, _, errOut := runCLI(t, "", "check", "--districts", d, "--stations", s)
	if !strings.Contains(errOut, `"North"`) || !strings.Contains(errOut, `"Strip"`) || !strings.Contains(errOut, "overlap") {
		t.Errorf("no overlap warning between North and Strip:\n%s", errOut)
	}
	p := filepath.Join(dir, "p.csv")
	os.WriteFile(p, []byte("id,lon,lat\np1,1,60.002\np2,1,59.002\n"), 0o644)
	_, out, errOut := runCLI(t, "", "nearest", "--districts", d, "--stations", s, "--points", p, "--format", "json")
	var r struct {
		Points []struct {
			ID       string  `json:"id"`
			District *string `json:"district"`
		} `json:"points"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Points) != 2 {
		t.Fatalf("nearest: %v\n%s\n%s", err, out, errOut)
	}
	if r.Points[0].District == nil || *r.Points[0].District != "North" {
		t.Errorf("p1 (1, 60.002), inside North's geodesic edge: district %v", r.Points[0].District)
	}
	if r.Points[1].District != nil {
		t.Errorf("p2 (1, 59.002), south of North's geodesic south edge: district %q", *r.Points[1].District)
	}
}

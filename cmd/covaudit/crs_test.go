package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/covaudit/covaudit/geodata/gpkg"
	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// The Andorra demo data in UTM zone 31N, from scripts/make_crs_testdata.sh.
const (
	utmParishes = "testdata/crs/parishes-utm31.geojson"
	utmServices = "testdata/crs/services-utm31.csv"
)

// TestProjectedInputsAgree: stations and district vertices read from UTM
// coordinates land within 1 cm of their WGS84 originals, and the audit
// gives the same figures.
func TestProjectedInputsAgree(t *testing.T) {
	utm, _ := crs.Parse("EPSG:32631")
	read := func(path string, opts geodata.StationOptions) map[string][2]float64 {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, probs, err := geodata.ReadStations(f, path, opts)
		if err != nil || len(probs) > 0 {
			t.Fatal(err, probs)
		}
		m := map[string][2]float64{}
		for _, s := range st {
			m[s.ID] = s.Point
		}
		return m
	}
	orig, conv := read(demoServices, geodata.StationOptions{}), read(utmServices, geodata.StationOptions{CRS: utm})
	worst := 0.0
	for id, p := range orig {
		q, ok := conv[id]
		if !ok {
			t.Fatalf("station %s missing from the UTM file", id)
		}
		worst = math.Max(worst, geodesy.Distance(p[0], p[1], q[0], q[1]))
	}
	districts := func(path string, sys crs.CRS) []geodata.DistrictFeature {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ds, probs, err := geodata.ReadDistrictsData(b, path, geodata.DistrictOptions{CRS: sys})
		if err != nil || len(probs) > 0 {
			t.Fatal(err, probs)
		}
		return ds
	}
	od, cd := districts(demoParishes, crs.WGS84), districts(utmParishes, utm)
	vertices := 0
	for i := range od {
		for pi, poly := range od[i].Geometry {
			for ri, ring := range poly {
				for k, p := range ring {
					q := cd[i].Geometry[pi][ri][k]
					worst = math.Max(worst, geodesy.Distance(p[0], p[1], q[0], q[1]))
					vertices++
				}
			}
		}
	}
	t.Logf("%d stations and %d vertices from UTM: largest distance from the WGS84 original %.3g m", len(orig), vertices, worst)
	if worst > 0.01 {
		t.Errorf("projected inputs are %.3g m from their WGS84 versions, want <= 1 cm", worst)
	}

	var a, b checkJSON
	_, out, _ := runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--format", "json")
	json.Unmarshal([]byte(out), &a)
	_, out, errOut := runCLI(t, "", "check", "--districts", utmParishes, "--districts-crs", "EPSG:32631",
		"--stations", utmServices, "--stations-crs", "EPSG:32631", "--format", "json")
	json.Unmarshal([]byte(out), &b)
	if len(a.Districts) != 7 || len(b.Districts) != 7 {
		t.Fatalf("districts: %d and %d (%s)", len(a.Districts), len(b.Districts), errOut)
	}
	for i := range a.Districts {
		// A vertex moved by 0.1 mm moves the area by about perimeter x 0.1 mm.
		if d := math.Abs(a.Districts[i].Uncovered - b.Districts[i].Uncovered); d > 5 {
			t.Errorf("%s: uncovered %.2f m2 from WGS84, %.2f m2 from UTM", a.Districts[i].Name, a.Districts[i].Uncovered, b.Districts[i].Uncovered)
		}
	}
}

// TestCheckWarnsGCJ02: check warns when the stations look like GCJ-02.
func TestCheckWarnsGCJ02(t *testing.T) {
	gcj, _ := crs.Parse("gcj02")
	pts := [][2]float64{{116.391, 39.907}, {121.4737, 31.2304}, {113.2644, 23.1291}, {104.0665, 30.5723}, {108.9402, 34.3416}}
	var feats []string
	st := "id,lon,lat\n"
	for i, p := range pts {
		const h = 0.002
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","id":"d%d","properties":{"class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}}`,
			i, p[0]-h, p[1]-h, p[0]+h, p[1]-h, p[0]+h, p[1]+h, p[0]-h, p[1]+h, p[0]-h, p[1]-h))
		x, y := gcj.FromWGS84(p[0], p[1])
		st += fmt.Sprintf("s%d,%.7f,%.7f\n", i, x, y)
	}
	d := filepath.Join(t.TempDir(), "d.geojson")
	os.WriteFile(d, []byte(`{"type":"FeatureCollection","features":[`+strings.Join(feats, ",")+`]}`), 0o644)
	_, _, errOut := runCLI(t, st, "check", "--districts", d, "--stations", "-")
	if !strings.Contains(errOut, "likely in GCJ-02") || !strings.Contains(errOut, "--stations-crs gcj02") {
		t.Errorf("no GCJ-02 warning:\n%s", errOut)
	}
	code, _, errOut := runCLI(t, st, "check", "--districts", d, "--stations", "-", "--stations-crs", "gcj02")
	if code != 0 || strings.Contains(errOut, "GCJ-02") {
		t.Errorf("read as GCJ-02: exit %d\n%s", code, errOut)
	}
}

// TestSameAuditFromShapefiles: the demo audit from shapefiles (WGS84, UTM
// with its .prj, zipped) gives the figures of the GeoJSON files.
func TestSameAuditFromShapefiles(t *testing.T) {
	run := func(args ...string) checkJSON { return checkFigures(t, args...) }
	want := run("--districts", demoParishes, "--stations", demoServices)
	for _, tc := range []struct {
		name  string
		args  []string
		exact bool
	}{
		{"shapefiles", []string{"--districts", "testdata/shp/parishes.shp", "--stations", "testdata/shp/services.shp"}, true},
		{"zipped stations", []string{"--districts", "testdata/shp/parishes.shp", "--stations", "testdata/shp/services.zip"}, true},
		{"UTM districts by their .prj", []string{"--districts", "testdata/shp/parishes-utm31.shp", "--stations", demoServices}, false},
	} {
		got := run(tc.args...)
		for i, w := range want.Districts {
			g := got.Districts[i]
			tol := 0.0
			if !tc.exact {
				tol = 5 // m2: vertices within 0.1 mm
			}
			if g.Name != w.Name || math.Abs(g.Uncovered-w.Uncovered) > tol {
				t.Errorf("%s: %s uncovered %.2f m2, GeoJSON %s %.2f m2", tc.name, g.Name, g.Uncovered, w.Name, w.Uncovered)
			}
		}
	}
}

// TestSameAuditFromGeoPackage: the demo audit from GeoPackages made by
// ogr2ogr (two layers in one file, chosen by name; UTM by the file's
// spatial reference table) gives the figures of the GeoJSON files.
func TestSameAuditFromGeoPackage(t *testing.T) {
	run := func(args ...string) checkJSON { return checkFigures(t, args...) }
	want := run("--districts", demoParishes, "--stations", demoServices)
	gp := "testdata/gpkg/andorra.gpkg" // scripts/make_geopackage_testdata.sh
	for _, tc := range []struct {
		name string
		args []string
		tol  float64
	}{
		{"two layers", []string{"--districts", gp, "--districts-layer", "parishes", "--stations", gp, "--stations-layer", "services"}, 0},
		{"UTM by the spatial reference table", []string{"--districts", "testdata/gpkg/parishes-utm31.gpkg", "--stations", demoServices}, 5},
	} {
		got := run(tc.args...)
		for i, w := range want.Districts {
			if g := got.Districts[i]; g.Name != w.Name || math.Abs(g.Uncovered-w.Uncovered) > tc.tol {
				t.Errorf("%s: %s uncovered %.2f m2, GeoJSON %.2f m2", tc.name, g.Name, g.Uncovered, w.Uncovered)
			}
		}
	}
	if code, _, errOut := runCLI(t, "", "check", "--districts", gp, "--stations", demoServices); code != 2 || !strings.Contains(errOut, "2 feature layers (parishes, services): choose one") {
		t.Errorf("two layers without --layer: exit %d, %s", code, errOut)
	}
}

// TestValidateLayers: validate reads stations and districts from
// GeoPackage and Shapefile layers, with the same findings as from GeoJSON.
func TestValidateLayers(t *testing.T) {
	codes := func(args ...string) []string {
		t.Helper()
		_, out, errOut := runCLI(t, "", append([]string{"validate", "--format", "json"}, args...)...)
		var r struct {
			Findings []struct{ Code, ID string } `json:"findings"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %v %s", args, err, errOut)
		}
		var c []string
		for _, f := range r.Findings {
			c = append(c, f.Code+" "+f.ID)
		}
		return c
	}
	want := codes("--stations", demoServices, "--districts", demoParishes)
	for _, args := range [][]string{
		{"--stations", "testdata/gpkg/andorra.gpkg", "--stations-layer", "services", "--districts", "testdata/shp/parishes.shp"},
		{"--stations", "testdata/shp/services.zip", "--districts", "testdata/gpkg/andorra.gpkg", "--districts-layer", "parishes"},
	} {
		if got := codes(args...); strings.Join(got, "\n") != strings.Join(want, "\n") || len(want) == 0 {
			t.Errorf("%v:\n%v\nwant\n%v", args, got, want)
		}
	}
}

// TestGapsGeoPackage: --gaps FILE.gpkg writes the gap map as a GeoPackage
// layer that reads back with the GeoJSON map's features and areas.
func TestGapsGeoPackage(t *testing.T) {
	dir := t.TempDir()
	gj, gp := filepath.Join(dir, "gaps.geojson"), filepath.Join(dir, "gaps.gpkg")
	runCLI(t, "", "check", "--gaps", gj)
	runCLI(t, "", "check", "--gaps", gp)
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	b, _ := os.ReadFile(gj)
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	l, err := gpkg.Read(gp, "gaps")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Features) != len(fc.Features) || len(l.Features) == 0 || !l.HasCRS || !l.CRS.IsWGS84() {
		t.Fatalf("%d features (CRS %q), GeoJSON has %d", len(l.Features), l.CRS.Name, len(fc.Features))
	}
	for i, f := range l.Features {
		want := fc.Features[i].Properties
		wantLon := "" // road gaps have no farthest place: a null, which GeoPackage leaves out
		if v := want["worst_lon"]; v != nil {
			wantLon = fmt.Sprint(v)
		}
		if f.Attrs["district"] != want["district"] || f.Attrs["area_m2"] != fmt.Sprint(want["area_m2"]) || f.Geometry == nil || f.Attrs["worst_lon"] != wantLon {
			t.Errorf("feature %d: %v, GeoJSON %v", i, f.Attrs, want)
		}
		if !strings.Contains(f.Attrs["attribution"], "OpenStreetMap") {
			t.Errorf("feature %d carries no attribution", i)
		}
	}
}

// TestShapefileGBK: attributes in GBK, as the .cpg says, read as UTF-8.
func TestShapefileGBK(t *testing.T) {
	l, err := geodata.ReadShapefile("testdata/shp/stations-gbk.shp", "")
	if err != nil {
		t.Fatal(err)
	}
	st, probs := geodata.StationsFromLayer(l, "stations-gbk.shp", geodata.StationOptions{})
	if len(probs) > 0 || len(st) != 2 || st[0].Name != "北京邮局" || st[1].Name != "上海站" || st[0].ID != "B1" {
		t.Errorf("%+v %v", st, probs)
	}
}

// TestGeoJSONCRSMember: a GeoJSON file that declares its system in a
// "crs" member (before RFC 7946; ogr2ogr writes one) is read in it.
func TestGeoJSONCRSMember(t *testing.T) {
	var a, b checkJSON
	_, out, _ := runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--format", "json")
	json.Unmarshal([]byte(out), &a)
	_, out, errOut := runCLI(t, "", "check", "--districts", utmParishes, "--stations", demoServices, "--format", "json")
	json.Unmarshal([]byte(out), &b)
	if len(b.Districts) != 7 {
		t.Fatalf("UTM GeoJSON without a flag: %s", errOut)
	}
	for i := range a.Districts {
		if d := math.Abs(a.Districts[i].Uncovered - b.Districts[i].Uncovered); d > 5 {
			t.Errorf("%s: %.2f m2 apart", a.Districts[i].Name, d)
		}
	}
}

// TestGapsCRS: --gaps-crs writes the gap map in another EPSG system, named
// in the file, and the map reads back to the WGS84 one within 1 cm.
func TestGapsCRS(t *testing.T) {
	dir := t.TempDir()
	ref, gj, gp := filepath.Join(dir, "ref.gpkg"), filepath.Join(dir, "utm.geojson"), filepath.Join(dir, "utm.gpkg")
	runCLI(t, "", "check", "--gaps", ref)
	runCLI(t, "", "check", "--gaps", gj, "--gaps-crs", "EPSG:32631")
	runCLI(t, "", "check", "--gaps", gp, "--gaps-crs", "EPSG:32631")
	want, err := gpkg.Read(ref, "gaps")
	if err != nil {
		t.Fatal(err)
	}
	got, err := gpkg.Read(gp, "gaps")
	if err != nil || !got.HasCRS || got.CRS.Name != "EPSG:32631" {
		t.Fatalf("%v, CRS %q", err, got.CRS.Name)
	}
	b, _ := os.ReadFile(gj)
	ds, probs, err := geodata.ReadDistrictsData(b, gj, geodata.DistrictOptions{})
	if err != nil || len(probs) > 0 || len(ds) != len(want.Features) {
		t.Fatalf("GeoJSON in UTM: %v %v", err, probs)
	}
	worst := 0.0
	for i, f := range want.Features {
		w := f.Geometry.(orb.MultiPolygon)[0][0]
		g := got.Features[i].Geometry.(orb.MultiPolygon)[0][0]
		for k, p := range w {
			lon, lat := got.CRS.ToWGS84(g[k][0], g[k][1])
			worst = math.Max(worst, geodesy.Distance(p[0], p[1], lon, lat))
			q := ds[i].Geometry[0][0][k]
			worst = math.Max(worst, geodesy.Distance(p[0], p[1], q[0], q[1]))
		}
	}
	if worst > 0.01 {
		t.Errorf("gap maps in UTM are %.3g m from the WGS84 one", worst)
	}
	if code, _, errOut := runCLI(t, "", "check", "--gaps", gj, "--gaps-crs", "gcj02"); code != 2 || !strings.Contains(errOut, "EPSG systems only") {
		t.Errorf("--gaps-crs gcj02: exit %d, %s", code, errOut)
	}
}

// checkFigures runs check with args and returns its JSON report (7 demo
// districts expected).
func checkFigures(t *testing.T, args ...string) checkJSON {
	t.Helper()
	_, out, errOut := runCLI(t, "", append([]string{"check", "--format", "json"}, args...)...)
	var c checkJSON
	if err := json.Unmarshal([]byte(out), &c); err != nil || len(c.Districts) != 7 {
		t.Fatalf("%v: %v %s", args, err, errOut)
	}
	return c
}

// TestSuggestSitesGeoPackageAndCRS: suggest writes its sites as a
// GeoPackage point layer and, with --sites-crs, in another EPSG system
// (GeoJSON naming it by a "crs" member); every version holds the same
// places as the WGS84 GeoJSON within 1 cm. Bad combinations are usage errors.
func TestSuggestSitesGeoPackageAndCRS(t *testing.T) {
	dir := t.TempDir()
	ref, gp, gpUTM, gjUTM := filepath.Join(dir, "ref.geojson"), filepath.Join(dir, "sites.gpkg"), filepath.Join(dir, "utm.gpkg"), filepath.Join(dir, "utm.geojson")
	for _, args := range [][]string{
		{"-f", "geojson", "-o", ref},
		{"-f", "gpkg", "-o", gp},
		{"-f", "gpkg", "-o", gpUTM, "--sites-crs", "EPSG:32631"},
		{"-f", "geojson", "-o", gjUTM, "--sites-crs", "EPSG:32631"},
	} {
		if code, _, errOut := runCLI(t, "", append([]string{"suggest", "--add", "2"}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d, %s", args, code, errOut)
		}
	}
	type fc struct {
		CRS      *struct{ Properties struct{ Name string } }
		Features []struct {
			Properties map[string]any
			Geometry   struct{ Coordinates [2]float64 }
		}
	}
	readFC := func(path string) fc {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var c fc
		if err := json.Unmarshal(b, &c); err != nil || len(c.Features) != 2 {
			t.Fatalf("%s: %v, %d features", path, err, len(c.Features))
		}
		return c
	}
	want := readFC(ref)
	if want.CRS != nil {
		t.Errorf("WGS84 GeoJSON has a crs member: %+v", want.CRS)
	}
	utm := readFC(gjUTM)
	if utm.CRS == nil || utm.CRS.Properties.Name != "urn:ogc:def:crs:EPSG::32631" {
		t.Errorf("GeoJSON in UTM names no EPSG:32631: %+v", utm.CRS)
	}
	sys, err := crs.Parse("EPSG:32631")
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	far := func(p orb.Point, lon, lat float64) {
		worst = math.Max(worst, geodesy.Distance(p[0], p[1], lon, lat))
	}
	for _, c := range []struct {
		path, epsg string
	}{{gp, "EPSG:4326"}, {gpUTM, "EPSG:32631"}} {
		l, err := gpkg.Read(c.path, "")
		if err != nil || l.Name != "sites" || !l.HasCRS || l.CRS.Name != c.epsg || len(l.Features) != 2 {
			t.Fatalf("%s: %v, layer %+v", c.path, err, l)
		}
		for i, f := range l.Features {
			p := f.Geometry.(orb.Point)
			lon, lat := l.CRS.ToWGS84(p[0], p[1])
			far(orb.Point(want.Features[i].Geometry.Coordinates), lon, lat)
			if f.Attrs["id"] != want.Features[i].Properties["id"] || f.Attrs["attribution"] == "" {
				t.Errorf("%s feature %d: attributes %v", c.path, i, f.Attrs)
			}
		}
	}
	for i, f := range utm.Features {
		lon, lat := sys.ToWGS84(f.Geometry.Coordinates[0], f.Geometry.Coordinates[1])
		far(orb.Point(want.Features[i].Geometry.Coordinates), lon, lat)
	}
	if worst > 0.01 {
		t.Errorf("sites are %.3g m from the WGS84 GeoJSON ones", worst)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-f", "gpkg"}, "-o FILE"},
		{[]string{"-f", "csv", "--sites-crs", "EPSG:32631"}, "applies to --format geojson and gpkg"},
		{[]string{"-f", "geojson", "--sites-crs", "gcj02"}, "EPSG systems only"},
	} {
		if code, _, errOut := runCLI(t, "", append([]string{"suggest", "--add", "1"}, c.args...)...); code != 2 || !strings.Contains(errOut, c.msg) {
			t.Errorf("%v: exit %d, %s", c.args, code, errOut)
		}
	}
}

// TestCheckWarnsGCJ02WholeCity: twelve districts that cover a city near
// Shenzhen and 60 stations named after their ward, written in GCJ-02, all
// inside the city: no station falls outside, yet check warns (by the
// names) and validate reports crs-mismatch; the audit read as GCJ-02
// differs from the one read as WGS84 by the offset's effect, logged.
func TestCheckWarnsGCJ02WholeCity(t *testing.T) {
	gcj, _ := crs.Parse("gcj02")
	const lon0, lat0 = 113.95, 22.50
	dLon, dLat := 24000/(111320*math.Cos(lat0*math.Pi/180)), 24000/110574.0
	var feats []string
	ward := func(c, r int) string { return fmt.Sprintf("Ward%c%d", 'A'+c, r+1) }
	for r := range 4 {
		for c := range 3 {
			x0, x1 := lon0+dLon*float64(c)/3, lon0+dLon*float64(c+1)/3
			y0, y1 := lat0+dLat*float64(r)/4, lat0+dLat*float64(r+1)/4
			feats = append(feats, fmt.Sprintf(`{"type":"Feature","properties":{"name":%q,"class":"urban"},"geometry":{"type":"Polygon","coordinates":[[[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f],[%.9f,%.9f]]]}}`,
				ward(c, r), x0, y0, x1, y0, x1, y1, x0, y1, x0, y0))
		}
	}
	dir := t.TempDir()
	d := filepath.Join(dir, "wards.geojson")
	if err := os.WriteFile(d, []byte(`{"type":"FeatureCollection","features":[`+strings.Join(feats, ",")+`]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(7))
	st := "id,name,lon,lat\n"
	for i := range 60 {
		u, v := 0.1+0.8*rng.Float64(), 0.1+0.8*rng.Float64()
		x, y := gcj.FromWGS84(lon0+dLon*u, lat0+dLat*v)
		st += fmt.Sprintf("s%d,%s legal-aid station,%.7f,%.7f\n", i, ward(int(u*3), int(v*4)), x, y)
	}
	s := filepath.Join(dir, "stations.csv")
	if err := os.WriteFile(s, []byte(st), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, errOut := runCLI(t, "", "check", "--districts", d, "--stations", s)
	if !strings.Contains(errOut, "whose name names a district") || !strings.Contains(errOut, "--stations-crs gcj02") {
		t.Errorf("no GCJ-02 warning:\n%s", errOut)
	}
	_, out, _ := runCLI(t, "", "validate", "--districts", d, "--stations", s, "--format", "json")
	if !strings.Contains(out, `"crs-mismatch"`) {
		t.Errorf("validate: no crs-mismatch:\n%s", out)
	}
	asRead := checkJSONOf(t, "--districts", d, "--stations", s)
	fixed := checkJSONOf(t, "--districts", d, "--stations", s, "--stations-crs", "gcj02")
	for i := range asRead.Districts {
		a, b := asRead.Districts[i].Uncovered, fixed.Districts[i].Uncovered
		t.Logf("%s: uncovered %.0f m2 as WGS84, %.0f m2 as GCJ-02 (%+.1f%%)", asRead.Districts[i].Name, a, b, 100*(a-b)/math.Max(b, 1))
	}
	if _, _, errOut := runCLI(t, "", "check", "--districts", d, "--stations", s, "--stations-crs", "gcj02"); strings.Contains(errOut, "GCJ-02") {
		t.Errorf("read as GCJ-02, still warned:\n%s", errOut)
	}
}

func checkJSONOf(t *testing.T, args ...string) checkJSON {
	t.Helper()
	_, out, errOut := runCLI(t, "", append([]string{"check", "--format", "json"}, args...)...)
	var c checkJSON
	if err := json.Unmarshal([]byte(out), &c); err != nil || len(c.Districts) == 0 {
		t.Fatalf("%v: %v %s", args, err, errOut)
	}
	return c
}

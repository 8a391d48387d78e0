package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/geodata/gpkg"
)

// TestDistrictsGeoPackageLayer: check --gaps FILE.gpkg writes two layers,
// gaps and districts; ogrinfo lists both with their feature counts and the
// districts' fields; layer_styles has one default row per layer, the
// districts' QML a graduated renderer on covered_share whose ranges hold
// every share in [0, 1] (QGIS's rule: both ends included, first range
// wins) and a fill for each; covered_share is 1 - uncovered_m2 / area_m2
// of the JSON report's numbers, exactly, for every district of the demo;
// with --gaps-crs the outlines are in that system;
// and the file's bytes are the same with --workers 1 and 2.
func TestDistrictsGeoPackageLayer(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "")
	dir := t.TempDir()
	gp1, gp2, rep := filepath.Join(dir, "w1.gpkg"), filepath.Join(dir, "w2.gpkg"), filepath.Join(dir, "r.json")
	if code, _, stderr := runCLI(t, "", "check", "-q", "--workers", "1", "--gaps", gp1, "--format", "json", "-o", rep); code > 1 {
		t.Fatalf("check --workers 1: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "check", "-q", "--workers", "2", "--gaps", gp2, "-o", filepath.Join(dir, "r.txt")); code > 1 {
		t.Fatalf("check --workers 2: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(gp1)
	b, _ := os.ReadFile(gp2)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the GeoPackage differs between --workers 1 (%d bytes) and 2 (%d bytes)", len(a), len(b))
	}
	var report struct {
		Districts []struct {
			Name        string
			AreaM2      json.Number `json:"area_m2"`
			UncoveredM2 json.Number `json:"uncovered_m2"`
			Pass        bool
			Gaps        int
		}
	}
	data, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&report); err != nil || len(report.Districts) == 0 {
		t.Fatalf("report: %v, %d districts", err, len(report.Districts))
	}
	nGaps := 0
	for _, d := range report.Districts {
		nGaps += d.Gaps
	}

	// ogrinfo: both layers, their counts and the districts' fields.
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Log("ogrinfo not installed: GDAL's reading not checked")
	} else {
		out, err := exec.Command("ogrinfo", "-ro", "-q", gp1).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "gaps (Multi Polygon)") || !strings.Contains(string(out), "districts (Multi Polygon)") {
			t.Errorf("ogrinfo %s: %v\n%s", gp1, err, out)
		}
		for _, c := range []struct {
			layer  string
			n      int
			fields []string
		}{
			{"gaps", nGaps, []string{"district: String", "kind: String", "area_m2: Real"}},
			{"districts", len(report.Districts), []string{"name: String", "id: String", "class: String", "rule: String", "area_m2: Real",
				"uncovered_m2: Real", "covered_share: Real", "covered_pct: Real", "pass: Integer", "fail_reason: String", "worst_station: String", "attribution: String"}},
		} {
			out, err := exec.Command("ogrinfo", "-ro", "-so", gp1, c.layer).CombinedOutput()
			if err != nil {
				t.Fatalf("ogrinfo -so %s %s: %v\n%s", gp1, c.layer, err, out)
			}
			if m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(string(out)); m == nil || m[1] != strconv.Itoa(c.n) {
				t.Errorf("ogrinfo: layer %s has %v features, want %d:\n%s", c.layer, m, c.n, out)
			}
			if !strings.Contains(string(out), "Geometry: Multi Polygon") {
				t.Errorf("ogrinfo: layer %s is not of multipolygons:\n%s", c.layer, out)
			}
			for _, f := range c.fields {
				if !strings.Contains(string(out), "\n"+f) {
					t.Errorf("ogrinfo: layer %s has no field %q:\n%s", c.layer, f, out)
				}
			}
		}
	}

	db, err := sql.Open("sqlite", "file:"+gp1+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// covered_share, exactly 1 - uncovered/area of the report's numbers;
	// pass as 0 or 1.
	rows, err := db.Query(`SELECT name, area_m2, uncovered_m2, covered_share, pass FROM districts ORDER BY fid`)
	if err != nil {
		t.Fatal(err)
	}
	var shares []float64
	i := 0
	for rows.Next() {
		var name string
		var area, unc, share float64
		var pass int
		if err := rows.Scan(&name, &area, &unc, &share, &pass); err != nil {
			t.Fatal(err)
		}
		if i >= len(report.Districts) {
			t.Fatalf("districts layer has more rows than the report's %d districts", len(report.Districts))
		}
		d := report.Districts[i]
		ra, _ := strconv.ParseFloat(string(d.AreaM2), 64)
		ru, _ := strconv.ParseFloat(string(d.UncoveredM2), 64)
		if want := 1 - ru/ra; name != d.Name || area != ra || unc != ru || share != want || share < 0 || share > 1 {
			t.Errorf("district %d %q: area %v, uncovered %v, covered_share %v; report: %q, %s, %s, want covered_share %v",
				i, name, area, unc, share, d.Name, d.AreaM2, d.UncoveredM2, want)
		}
		if want := map[bool]int{false: 0, true: 1}[d.Pass]; pass != want {
			t.Errorf("district %q: pass %d, want %d", name, pass, want)
		}
		shares = append(shares, share)
		i++
	}
	rows.Close()
	if i != len(report.Districts) {
		t.Errorf("districts layer has %d rows, the report %d districts", i, len(report.Districts))
	}

	// One default style per layer.
	styles := map[string]string{}
	srows, err := db.Query(`SELECT f_table_name, f_geometry_column, styleQML, useAsDefault FROM layer_styles ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for srows.Next() {
		var table, geom, qml string
		var def bool
		if err := srows.Scan(&table, &geom, &qml, &def); err != nil {
			t.Fatal(err)
		}
		if geom != "geom" || !def || styles[table] != "" {
			t.Errorf("layer_styles row of %s: column %q, default %v (or a second row)", table, geom, def)
		}
		styles[table] = qml
		order = append(order, table)
	}
	srows.Close()
	if strings.Join(order, ",") != "gaps,districts" {
		t.Fatalf("layer_styles rows for %v, want gaps,districts", order)
	}
	// With --gaps-crs, the outlines in that system, as the gaps are.
	utm := filepath.Join(dir, "utm.gpkg")
	if code, _, stderr := runCLI(t, "", "check", "-q", "--gaps", utm, "--gaps-crs", "EPSG:32631", "-o", filepath.Join(dir, "r.txt")); code > 1 {
		t.Fatalf("check --gaps-crs: exit %d: %s", code, stderr)
	}
	ul, err := gpkg.Read(utm, "districts")
	if err != nil || ul.CRS.Name != "EPSG:32631" || len(ul.Features) != len(report.Districts) {
		t.Fatalf("districts layer in UTM: %v, CRS %q, %d features", err, ul.CRS.Name, len(ul.Features))
	}
	for _, f := range ul.Features {
		b := f.Geometry.Bound()
		if lon, lat := ul.CRS.ToWGS84(b.Center()[0], b.Center()[1]); lon < 1.3 || lon > 1.9 || lat < 42.3 || lat > 42.7 {
			t.Errorf("district %s: centre of its UTM outline at %v, %v, not in Andorra", f.Attrs["name"], lon, lat)
		}
	}
	ranges := graduatedRanges(t, styles["districts"])
	checkRangesCover(t, ranges)
	for _, s := range shares {
		if k := qgisRange(ranges, s); k < 0 {
			t.Errorf("covered_share %v falls in no range", s)
		}
	}
}

// shareRange is one range of a graduated QGIS renderer.
type shareRange struct {
	lower, upper float64
	symbol       string
}

// graduatedRanges parses a QML style (strict XML) and returns the ranges of
// its graduated renderer on covered_share, checking that every range's
// symbol exists and has a fill colour.
func graduatedRanges(t *testing.T, qml string) []shareRange {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(qml))
	dec.Strict = true
	var ranges []shareRange
	renderer, inSymbols := false, false
	symbol := ""
	fills := map[string]string{}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("QML is not well-formed XML: %v\n%s", err, qml)
		}
		attr := func(se xml.StartElement, name string) string {
			for _, a := range se.Attr {
				if a.Name.Local == name {
					return a.Value
				}
			}
			return ""
		}
		switch se := tok.(type) {
		case xml.StartElement:
			switch se.Name.Local {
			case "renderer-v2":
				renderer = attr(se, "type") == "graduatedSymbol" && attr(se, "attr") == "covered_share"
			case "symbols":
				inSymbols = true
			case "symbol":
				if inSymbols {
					symbol = attr(se, "name")
				}
			case "Option":
				if inSymbols && attr(se, "name") == "color" {
					fills[symbol] = attr(se, "value")
				}
			case "range":
				lo, err1 := strconv.ParseFloat(attr(se, "lower"), 64)
				hi, err2 := strconv.ParseFloat(attr(se, "upper"), 64)
				if err1 != nil || err2 != nil {
					t.Fatalf("range %v: bounds do not parse", se.Attr)
				}
				ranges = append(ranges, shareRange{lo, hi, attr(se, "symbol")})
			}
		case xml.EndElement:
			if se.Name.Local == "symbols" {
				inSymbols = false
			}
		}
	}
	if !renderer || len(ranges) == 0 {
		t.Fatalf("QML has no graduated renderer on covered_share with ranges:\n%s", qml)
	}
	for _, r := range ranges {
		if fills[r.symbol] == "" {
			t.Errorf("range %v: symbol %q has no fill colour", r, r.symbol)
		}
	}
	if len(fills) < 3 || fills[ranges[0].symbol] == fills[ranges[len(ranges)-1].symbol] {
		t.Errorf("fills %v: want a ramp of colours, the lowest class not the highest", fills)
	}
	return ranges
}

// qgisRange is the range QGIS draws the value v with (its
// QgsGraduatedSymbolRenderer::rangeForValue: the first range holding v,
// both ends included), -1 for none.
func qgisRange(ranges []shareRange, v float64) int {
	for k, r := range ranges {
		if r.lower <= v && v <= r.upper {
			return k
		}
	}
	return -1
}

// checkRangesCover checks that the ranges, in order, start at 0, end at
// 1 and leave no float64 between them uncovered, that 0.5, 0.9, 0.99 and 1
// begin ranges of their own (a share of exactly 0.9 is "90% or more"), and
// that a sweep of shares all fall in a range.
func checkRangesCover(t *testing.T, ranges []shareRange) {
	t.Helper()
	if ranges[0].lower != 0 || ranges[len(ranges)-1].upper != 1 {
		t.Errorf("ranges %v do not run from 0 to 1", ranges)
	}
	for k := 1; k < len(ranges); k++ {
		prev, r := ranges[k-1], ranges[k]
		if r.lower > prev.upper && r.lower != math.Nextafter(prev.upper, 2) || r.lower > r.upper {
			t.Errorf("ranges %v then %v leave a gap (or run backwards)", prev, r)
		}
	}
	for _, v := range []float64{0.5, 0.9, 0.99, 1} {
		k := qgisRange(ranges, v)
		if k < 0 || ranges[k].lower != v {
			t.Errorf("covered share %v is drawn by range %d (%v), want one starting at %v", v, k, ranges, v)
		}
		if below := qgisRange(ranges, math.Nextafter(v, 0)); below == k {
			t.Errorf("covered share just under %v is drawn with %v itself (range %d)", v, v, k)
		}
	}
	for n := 0; n <= 10000; n++ {
		if v := float64(n) / 10000; qgisRange(ranges, v) < 0 {
			t.Errorf("covered share %v falls in no range", v)
		}
	}
}

// TestMergeDistrictsLayer: covaudit merge writes the GeoPackage gap map,
// districts layer and all, byte for byte as the unsharded check does.
func TestMergeDistrictsLayer(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "")
	dir := t.TempDir()
	full := filepath.Join(dir, "full.gpkg")
	if code, _, stderr := runCLI(t, "", "check", "-q", "--gaps", full, "-o", filepath.Join(dir, "full.txt")); code > 1 {
		t.Fatalf("check: exit %d: %s", code, stderr)
	}
	var shards []string
	for k := 1; k <= 2; k++ {
		s := filepath.Join(dir, fmt.Sprintf("s%d.json", k))
		if code, _, stderr := runCLI(t, "", "check", "-q", "--shard", fmt.Sprintf("%d/2", k), "--format", "json", "-o", s); code > 1 {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
		shards = append(shards, s)
	}
	merged := filepath.Join(dir, "merged.gpkg")
	if code, _, stderr := runCLI(t, "", append([]string{"merge", "-q", "--gaps", merged, "-o", filepath.Join(dir, "m.txt")}, shards...)...); code > 1 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(full)
	b, _ := os.ReadFile(merged)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("merged GeoPackage (%d bytes) differs from the unsharded check's (%d bytes)", len(b), len(a))
	}
}

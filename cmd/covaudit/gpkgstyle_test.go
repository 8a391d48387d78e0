package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGapsGeoPackageStyle checks the QGIS style of a GeoPackage gap map:
// the layer_styles table holds one default style for the gaps layer (the
// districts layer's is TestDistrictsGeoPackageLayer's), its
// QML is well-formed XML with a categorized renderer on kind, and it names
// the colours of the GeoJSON gap map's simplestyle properties; the bytes
// stay the same run to run, and ogrinfo still lists the layer.
func TestGapsGeoPackageStyle(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	dir := t.TempDir()
	gp, gj := filepath.Join(dir, "gaps.gpkg"), filepath.Join(dir, "gaps.geojson")
	for _, out := range []string{gp, gj} {
		if code, _, stderr := runCLI(t, "", "check", "-q", "--gaps", out, "-o", filepath.Join(dir, "r.txt")); code > 1 {
			t.Fatalf("check --gaps %s: exit %d: %s", out, code, stderr)
		}
	}
	first, err := os.ReadFile(gp)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+gp+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT f_table_name, f_geometry_column, styleName, styleQML, useAsDefault, '' || update_time FROM layer_styles WHERE f_table_name = 'gaps'`)
	if err != nil {
		t.Fatalf("layer_styles: %v", err)
	}
	defer rows.Close()
	n := 0
	var qml string
	for rows.Next() {
		var table, geom, name, stamp string
		var def bool
		if err := rows.Scan(&table, &geom, &name, &qml, &def, &stamp); err != nil {
			t.Fatal(err)
		}
		n++
		if table != "gaps" || geom != "geom" || !def || stamp != "2023-11-14T22:13:20.000Z" {
			t.Errorf("layer_styles row %d: table %q, column %q, default %v, update_time %q; want gaps, geom, true, SOURCE_DATE_EPOCH's time", n, table, geom, def, stamp)
		}
	}
	if n != 1 {
		t.Fatalf("layer_styles has %d rows for gaps, want 1", n)
	}
	// Well-formed XML, a categorized renderer on kind.
	dec := xml.NewDecoder(strings.NewReader(qml))
	dec.Strict = true
	renderer := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("QML is not well-formed XML: %v\n%s", err, qml)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "renderer-v2" {
			for _, a := range se.Attr {
				if a.Name.Local == "type" && a.Value == "categorizedSymbol" {
					renderer = true
				}
			}
		}
	}
	if !renderer || !strings.Contains(qml, `attr="kind"`) {
		t.Errorf("QML has no categorized renderer on kind:\n%s", qml)
	}
	// The GeoJSON gap map's colours, as QGIS writes them (r,g,b,a).
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	data, err := os.ReadFile(gj)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range fc.Features {
		kind, _ := f.Properties["kind"].(string)
		for _, key := range []string{"fill", "stroke"} {
			hex, _ := f.Properties[key].(string)
			v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
			if err != nil {
				t.Fatalf("gap %s: %s %q", kind, key, hex)
			}
			rgb := fmt.Sprintf("%d,%d,%d,", v>>16&0xff, v>>8&0xff, v&0xff)
			seen[kind+" "+key] = true
			if !strings.Contains(qml, `value="`+rgb) {
				t.Errorf("QML does not name the %s of %s gaps, %s (%s)", key, kind, hex, rgb)
			}
		}
	}
	if len(seen) < 4 {
		t.Errorf("the demo's gap map has gaps of %d kind(s) and colours: %v; want beyond-threshold and no-access", len(seen)/2, seen)
	}
	// Deterministic, and GDAL still reads the layer.
	if code, _, stderr := runCLI(t, "", "check", "-q", "--gaps", gp, "-o", filepath.Join(dir, "r.txt")); code > 1 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if again, _ := os.ReadFile(gp); !bytes.Equal(first, again) {
		t.Error("the GeoPackage's bytes differ between two runs")
	}
	if _, err := exec.LookPath("ogrinfo"); err == nil {
		out, err := exec.Command("ogrinfo", "-ro", "-q", gp).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "gaps (Multi Polygon)") {
			t.Errorf("ogrinfo %s: %v\n%s", gp, err, out)
		}
	}
}

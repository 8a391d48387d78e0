package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/report"
)

// qgisScript loads a GeoPackage's gaps and districts layers in QGIS (its
// Python bindings, no display) with their default styles and prints, as
// JSON, each layer's renderer, the gaps' category colours and the colour
// QGIS fills each district with.
const qgisScript = `
import json, os, sys
from qgis.core import QgsApplication, QgsVectorLayer, QgsRenderContext
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
out = {}
for name in ["gaps", "districts"]:
    l = QgsVectorLayer(sys.argv[1] + "|layername=" + name, name, "ogr")
    r = l.renderer()
    o = {"valid": l.isValid(), "renderer": r.type(), "attr": r.classAttribute(), "colours": {}}
    if r.type() == "categorizedSymbol":
        for c in r.categories():
            o["colours"][str(c.value())] = c.symbol().color().name()
    else:
        ctx = QgsRenderContext()
        r.startRender(ctx, l.fields())
        for f in l.getFeatures():
            s = r.symbolForFeature(f, ctx)
            o["colours"][f["name"]] = [f["covered_share"], s.color().name() if s else ""]
        r.stopRender(ctx)
    out[name] = o
print("RESULT " + json.dumps(out), flush=True)
os._exit(0)  # without exitQgis, which may crash on the way out
`

// TestGeoPackageStylesInQGIS: QGIS itself (where its Python bindings,
// Debian's python3-qgis, are installed; skipped elsewhere) opens the
// GeoPackage gap map with its default styles: gaps categorized by kind in
// the report's gap colours, and every district of the demo filled in the
// colour of its covered-share class.
func TestGeoPackageStylesInQGIS(t *testing.T) {
	if exec.Command("/usr/bin/python3", "-c", "import qgis.core").Run() != nil {
		t.Skip("QGIS's Python bindings (python3-qgis) are not installed")
	}
	gp := filepath.Join(t.TempDir(), "audit.gpkg")
	if code, _, stderr := runCLI(t, "", "check", "-q", "--gaps", gp, "-o", filepath.Join(t.TempDir(), "r.txt")); code > 1 {
		t.Fatalf("check: exit %d: %s", code, stderr)
	}
	cmd := exec.Command("/usr/bin/python3", "-c", qgisScript, gp)
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen", "XDG_RUNTIME_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	_, js, ok := strings.Cut(string(out), "RESULT ")
	if err != nil || !ok {
		t.Fatalf("QGIS: %v\n%s", err, out)
	}
	var got map[string]struct {
		Valid          bool
		Renderer, Attr string
		Colours        map[string]any
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("QGIS's answer %q: %v", js, err)
	}
	g, d := got["gaps"], got["districts"]
	if !g.Valid || g.Renderer != "categorizedSymbol" || g.Attr != "kind" {
		t.Errorf("QGIS reads the gaps layer as valid %v, renderer %s on %q; want categorizedSymbol on kind", g.Valid, g.Renderer, g.Attr)
	}
	for _, k := range report.GapKinds() {
		if fill, _ := report.GapColour(k); g.Colours[k] != fill {
			t.Errorf("QGIS fills %s gaps %v, want %s", k, g.Colours[k], fill)
		}
	}
	if !d.Valid || d.Renderer != "graduatedSymbol" || d.Attr != "covered_share" || len(d.Colours) != 7 {
		t.Fatalf("QGIS reads the districts layer as valid %v, renderer %s on %q, %d districts; want graduatedSymbol on covered_share, 7", d.Valid, d.Renderer, d.Attr, len(d.Colours))
	}
	for name, v := range d.Colours {
		pair, _ := v.([]any)
		share, _ := pair[0].(float64)
		want := ""
		for _, c := range report.ShareClasses() {
			if c.Lower <= share && share <= c.Upper {
				want = c.Colour
				break
			}
		}
		if pair[1] != want || want == "" {
			t.Errorf("QGIS fills %s (covered share %v) %v, want its class's %s", name, share, pair[1], want)
		}
	}
}

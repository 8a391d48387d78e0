package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestGapMapStyled: GeoJSON gap maps carry simplestyle properties for web
// viewers, the fill chosen by the gap's kind in the HTML report's colours
// (no-access purple, others red).
func TestGapMapStyled(t *testing.T) {
	gaps := filepath.Join(t.TempDir(), "gaps.geojson")
	if code, _, errOut := runCLI(t, "", "check", "--gaps", gaps); code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	b, _ := os.ReadFile(gaps)
	if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) == 0 {
		t.Fatalf("%v, %d features", err, len(fc.Features))
	}
	kinds := map[string]bool{}
	for _, f := range fc.Features {
		p := f.Properties
		kind, _ := p["kind"].(string)
		kinds[kind] = true
		want := "#d7191c"
		if kind == "no-access" {
			want = "#6a3d9a"
		}
		if p["fill"] != want || p["stroke"] == nil || p["fill-opacity"] != 0.35 || p["stroke-width"] != 1.0 {
			t.Errorf("%s gap of %v: style %v %v %v %v", kind, p["district"], p["fill"], p["fill-opacity"], p["stroke"], p["stroke-width"])
		}
	}
	if !kinds["no-access"] || !kinds["beyond-threshold"] {
		t.Errorf("kinds drawn: %v; the demo has no-access and distance gaps", kinds)
	}
}

package report

import (
	"fmt"
	"math"
)

// The colours of both maps (HTML and SVG). Districts are filled by covered
// share on a yellow-to-green ramp; gaps are red (beyond the rule) or purple
// (no road or station within reach on foot), hues the ramp never takes, so
// that a gap cannot be read as a poorly covered district; travel-time
// bands are blues, drawn on a layer of their own.
var (
	shareStops = []struct {
		pct     float64
		r, g, b float64
	}{{0, 0xf7, 0xfc, 0xb9}, {50, 0xad, 0xdd, 0x8e}, {90, 0x41, 0xab, 0x5d}, {100, 0x00, 0x68, 0x37}}
	gapFill, gapStroke           = "#d7191c", "#8c0a0c"
	noAccessFill, noAccessStroke = "#6a3d9a", "#3b1f5c"
	bandColours                  = []string{"#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"}
	bandLimitsS                  = []float64{600, 1200, 1800, 3600}
	bandLabels                   = []string{"≤ 10 min", "10-20 min", "20-30 min", "30-60 min", "> 60 min"}
)

// shareColour is the fill of a district covered p percent.
func shareColour(p float64) string {
	p = math.Max(0, math.Min(100, p))
	if math.IsNaN(p) {
		p = 0
	}
	for i := 1; i < len(shareStops); i++ {
		a, b := shareStops[i-1], shareStops[i]
		if p <= b.pct {
			t := (p - a.pct) / (b.pct - a.pct)
			return fmt.Sprintf("#%02x%02x%02x", int(math.Round(a.r+t*(b.r-a.r))), int(math.Round(a.g+t*(b.g-a.g))), int(math.Round(a.b+t*(b.b-a.b))))
		}
	}
	return "#006837"
}

// palette is the colours as the page's script gets them.
type palette struct {
	Share          [][2]any  `json:"share"` // [percent, colour] for the legend
	Gap            string    `json:"gap"`
	GapStroke      string    `json:"gap_stroke"`
	NoAccess       string    `json:"no_access"`
	NoAccessStroke string    `json:"no_access_stroke"`
	Bands          []string  `json:"bands"`
	BandLimits     []float64 `json:"band_limits_s"`
	BandLabels     []string  `json:"band_labels"`
}

func thePalette() palette {
	p := palette{Gap: gapFill, GapStroke: gapStroke, NoAccess: noAccessFill, NoAccessStroke: noAccessStroke,
		Bands: bandColours, BandLimits: bandLimitsS, BandLabels: bandLabels}
	for _, v := range []float64{0, 50, 90, 100} {
		p.Share = append(p.Share, [2]any{v, shareColour(v)})
	}
	return p
}

package report

import (
	"fmt"
	"math"
	"slices"
)

// The colours of every map covaudit writes: the HTML and SVG maps, the
// GeoJSON gap map's simplestyle properties and the GeoPackage's QGIS
// styles all take them from here. Districts are filled by covered share on
// a yellow-to-green ramp; gaps are red (beyond the rule) or purple (no
// road or station within reach on foot), hues the ramp never takes, so
// that a gap cannot be read as a poorly covered district; diff's newly
// uncovered land is orange and over-capacity places magenta; travel-time
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
	// gapColours are the fill and stroke of each kind of gap.
	gapColours = map[string][2]string{
		"beyond-threshold": {gapFill, gapStroke},
		"travel-time":      {gapFill, gapStroke},
		"no-access":        {noAccessFill, noAccessStroke},
		"newly-uncovered":  {"#ff7f00", "#a04000"},
		"over-capacity":    {"#dd3497", "#7a0177"},
	}
)

// DistrictFillOpacity is the opacity (0 to 1) of district fills, and
// DistrictOutline the colour of district outlines, on the HTML map (its
// script draws them so) and in the districts' QGIS style.
const (
	DistrictFillOpacity = 0.55
	DistrictOutline     = "#222222"
)

// GapColour is the fill and stroke (#rrggbb) of a gap of the kind
// ("beyond-threshold", "travel-time", "no-access", "newly-uncovered",
// "over-capacity"); any other kind, or none, is drawn as beyond-threshold.
func GapColour(kind string) (fill, stroke string) {
	c, ok := gapColours[kind]
	if !ok {
		c = gapColours["beyond-threshold"]
	}
	return c[0], c[1]
}

// GapKinds are the kinds of gap that GapColour knows, sorted.
func GapKinds() []string {
	kinds := make([]string, 0, len(gapColours))
	for k := range gapColours {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// ShareColour is the fill (#rrggbb) of a district covered p percent (0 to
// 100, clamped; NaN as 0), on the ramp the HTML and SVG maps draw.
func ShareColour(p float64) string { return shareColour(p) }

// ShareClass is a class of covered share (0 to 1) for maps that draw
// districts in classes: shares from Lower to Upper, both included, with
// the fill Colour (#rrggbb) and a Label for the legend.
type ShareClass struct {
	Lower, Upper float64
	Label        string
	Colour       string
}

// ShareClasses are the classes of covered share that the districts' QGIS
// style draws: under 50%, 50% to under 90%, 90% to under 99%, 99% to
// under 100%, and fully covered. Each class but the last ends at the
// float64 just below the next one's Lower, so that together they hold
// every share in [0, 1] exactly once, as QGIS's graduated renderer reads
// its ranges (both ends included). A class's colour is the ramp's
// (ShareColour) at the middle of the class, full coverage's the ramp's end.
func ShareClasses() []ShareClass {
	bounds := []float64{0, 0.5, 0.9, 0.99, 1}
	labels := []string{"under 50%", "50% to under 90%", "90% to under 99%", "99% to under 100%", "100% (full)"}
	var out []ShareClass
	for i, lo := range bounds {
		c := ShareClass{Lower: lo, Upper: 1, Label: labels[i], Colour: shareColour(100)}
		if i+1 < len(bounds) {
			c.Upper = math.Nextafter(bounds[i+1], 0)
			c.Colour = shareColour(100 * (lo + bounds[i+1]) / 2)
		}
		out = append(out, c)
	}
	return out
}

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

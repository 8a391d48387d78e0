package report

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"

	"github.com/paulmach/orb"
)

// WriteSVG writes a static map of the report, 1000 pixels wide: districts
// coloured by covered share, gaps, population points, stations, the
// farthest places, proposed sites and a legend, in an equirectangular projection scaled by the cosine of the
// mean latitude (fine for the extent of a city or a county).
func WriteSVG(w io.Writer, d Data, opts Options) error {
	tol := tolerance(&d, opts)
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, di := range d.Districts {
		b = b.Union(di.Geometry.Bound())
	}
	if len(d.Districts) == 0 {
		b = orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{1, 1}}
	}
	k := math.Cos((b.Min[1] + b.Max[1]) / 2 * math.Pi / 180)
	const width, pad, legendH = 1000.0, 10.0, 70.0
	sx := (width - 2*pad) / math.Max((b.Max[0]-b.Min[0])*k, 1e-9)
	height := (b.Max[1]-b.Min[1])*sx + 2*pad
	xy := func(p orb.Point) (float64, float64) {
		return pad + (p[0]-b.Min[0])*k*sx, pad + (b.Max[1]-p[1])*sx
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="13">`+"\n",
		width, height+legendH, width, height+legendH)
	fmt.Fprintf(bw, "<title>%s</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#f4f2ee\"/>\n", html.EscapeString(d.Title))
	path := func(mp orb.MultiPolygon) string {
		s := ""
		for _, poly := range mp {
			for _, r := range poly {
				for i, p := range simplify(r, tol) {
					x, y := xy(p)
					if i == 0 {
						s += fmt.Sprintf("M%.1f %.1f", x, y)
					} else {
						s += fmt.Sprintf("L%.1f %.1f", x, y)
					}
				}
				s += "Z"
			}
		}
		return s
	}
	for _, di := range d.Districts {
		fmt.Fprintf(bw, `<path class="district" d="%s" fill="%s" fill-opacity="0.5" fill-rule="evenodd" stroke="#333" stroke-width="0.8"><title>%s: covered %.2f%%</title></path>`+"\n",
			path(di.Geometry), shareColour(di.CoveredPct), html.EscapeString(di.Name), di.CoveredPct)
	}
	drawnGaps := clippedGaps(&d)
	for k, g := range d.Gaps {
		fill, stroke := gapFill, gapStroke
		if g.Kind == "no-access" { // no road or station within reach on foot
			fill, stroke = noAccessFill, noAccessStroke
		}
		fmt.Fprintf(bw, `<path class="gap" d="%s" fill="%s" fill-opacity="0.6" fill-rule="evenodd" stroke="%s" stroke-width="0.6"/>`+"\n",
			path(drawnGaps[k]), fill, stroke)
	}
	maxCount := 0.0
	for _, p := range d.People {
		maxCount = math.Max(maxCount, p.Count)
	}
	for _, p := range d.People {
		x, y := xy(p.Point)
		fmt.Fprintf(bw, `<circle class="person" cx="%.1f" cy="%.1f" r="%.1f" fill="#bf812d" fill-opacity="0.55" stroke="#543005" stroke-width="0.5"/>`+"\n",
			x, y, 1.5+6*math.Sqrt(p.Count/math.Max(maxCount, 1e-300)))
	}
	for _, s := range d.Stations {
		x, y := xy(s.Point)
		fmt.Fprintf(bw, `<circle class="station" cx="%.1f" cy="%.1f" r="2.5" fill="#2f6fde" stroke="#0b3d91" stroke-width="0.6"/>`+"\n", x, y)
	}
	for _, di := range d.Districts {
		if di.Worst != nil {
			x, y := xy(di.Worst.Point)
			fmt.Fprintf(bw, `<circle class="worst" cx="%.1f" cy="%.1f" r="4" fill="#fff" stroke="#000" stroke-width="1.5"/>`+"\n", x, y)
		}
	}
	for _, s := range d.Sites {
		x, y := xy(s.Point)
		fmt.Fprintf(bw, `<g class="site"><circle cx="%.1f" cy="%.1f" r="7" fill="#ff9f1c" stroke="#7a3b00" stroke-width="1.5"/><text x="%.1f" y="%.1f" font-size="10" font-weight="700" text-anchor="middle">%d</text><title>proposed site %d: %s</title></g>`+"\n",
			x, y, x, y+3.5, s.Rank, s.Rank, html.EscapeString(s.label()))
	}
	ly := height + 20
	for i, p := range []float64{0, 50, 90, 100} {
		fmt.Fprintf(bw, `<rect x="%d" y="%.0f" width="14" height="14" fill="%s" stroke="#555"/><text x="%d" y="%.0f">%g%%</text>`+"\n",
			10+i*70, ly, shareColour(p), 28+i*70, ly+12, p)
	}
	fmt.Fprintf(bw, `<rect x="300" y="%.0f" width="14" height="14" fill="%s" fill-opacity="0.6" stroke="%s"/><text x="318" y="%.0f">gap</text>`+"\n", ly, gapFill, gapStroke, ly+12)
	fmt.Fprintf(bw, `<circle cx="367" cy="%.0f" r="4" fill="#2f6fde"/><text x="376" y="%.0f">station</text>`+"\n", ly+7, ly+12)
	fmt.Fprintf(bw, `<circle cx="447" cy="%.0f" r="4" fill="#fff" stroke="#000" stroke-width="1.5"/><text x="456" y="%.0f">farthest place</text>`+"\n", ly+7, ly+12)
	if len(d.People) > 0 {
		fmt.Fprintf(bw, `<circle cx="577" cy="%.0f" r="4" fill="#bf812d"/><text x="586" y="%.0f">people</text>`+"\n", ly+7, ly+12)
	}
	for _, g := range d.Gaps {
		if g.Kind == "no-access" {
			fmt.Fprintf(bw, `<rect x="10" y="%.0f" width="14" height="14" fill="%s" fill-opacity="0.6" stroke="%s"/><text x="28" y="%.0f">no road or station within reach on foot</text>`+"\n", ly+20, noAccessFill, noAccessStroke, ly+32)
			break
		}
	}
	if len(d.Sites) > 0 {
		fmt.Fprintf(bw, `<circle cx="657" cy="%.0f" r="5" fill="#ff9f1c" stroke="#7a3b00"/><text x="667" y="%.0f">proposed site</text>`+"\n", ly+7, ly+12)
	}
	text := d.Summary
	for _, a := range d.Attribution {
		text += " " + a
	}
	fmt.Fprintf(bw, `<text x="10" y="%.0f" font-size="11" fill="#555">%s</text>`+"\n", ly+40, html.EscapeString(text))
	bw.WriteString("</svg>\n")
	return bw.Flush()
}

package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func sample() Data {
	sq := func(x, y, s float64) orb.Polygon {
		return orb.Polygon{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}
	}
	return Data{
		Title: "test <audit>",
		Districts: []District{
			{Name: "A & B", Class: "urban", Rule: "2 km", AreaM2: 1e6, CoveredPct: 40, Geometry: orb.MultiPolygon{sq(1.5, 42.5, 0.01)},
				Worst: &Worst{Point: orb.Point{1.505, 42.505}, Cost: "1 km", Station: "s1"}},
			{Name: "C", Class: "rural", Rule: "30 min", AreaM2: 1e6, CoveredPct: 100, Pass: true, Geometry: orb.MultiPolygon{sq(1.51, 42.5, 0.01)}},
		},
		Gaps:     []Gap{{District: "A & B", AreaM2: 5e5, Polygon: sq(1.5, 42.5, 0.005)}},
		Stations: []Station{{ID: "s1", Name: "</script><b>", Point: orb.Point{1.515, 42.505}}},
		People:   []Person{{Point: orb.Point{1.502, 42.502}, Count: 120}, {Point: orb.Point{1.512, 42.502}, Count: 0}},
		Sites:    []Site{{Rank: 1, ID: "c1", Name: "Hall <&>", Point: orb.Point{1.503, 42.503}}},
	}
}

// TestSVG: a well-formed SVG with every district, gap, station, population
// point and site, and names escaped.
func TestSVG(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSVG(&b, sample(), Options{}); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(b.Bytes()))
	counts := map[string]int{}
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed XML: %v", err)
			}
			break
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "class" {
					counts[a.Value]++
				}
			}
		}
	}
	if counts["district"] != 2 || counts["gap"] != 1 || counts["station"] != 1 || counts["worst"] != 1 ||
		counts["person"] != 2 || counts["site"] != 1 {
		t.Errorf("classes drawn: %v", counts)
	}
}

// TestHTMLSelfContained: the page carries its scripts and styles, no
// reference that a browser would fetch, and data that cannot close its
// script element.
func TestHTMLSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, sample(), Options{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script src", "<link", "url(images/", "</script><b>"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	if !strings.Contains(page, "Leaflet 1.9.4") || !strings.Contains(page, "Copyright") {
		t.Errorf("the licences are missing")
	}
	if !strings.Contains(page, "<title>test &lt;audit&gt;</title>") {
		t.Errorf("the title is not escaped")
	}
}

func TestSimplify(t *testing.T) {
	var r orb.Ring
	for i := 0; i <= 1000; i++ { // a square with 250 points per side, wiggling 1e-6
		f := float64(i%250) / 250
		var p orb.Point
		switch i / 250 {
		case 0:
			p = orb.Point{f, 0}
		case 1:
			p = orb.Point{1, f}
		case 2:
			p = orb.Point{1 - f, 1}
		default:
			p = orb.Point{0, 1 - f}
		}
		p[0] += 1e-6 * float64(i%2)
		r = append(r, p)
	}
	r[len(r)-1] = r[0]
	s := simplify(r, 1e-4)
	if len(s) > 8 || len(s) < 4 {
		t.Errorf("%d points after simplifying a wiggly square", len(s))
	}
}

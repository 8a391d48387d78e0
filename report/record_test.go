package report

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// inside: even-odd point in polygon (all rings).
func inside(poly [][]orb.Point, p orb.Point) bool {
	in := false
	for _, r := range poly {
		for i := range r {
			a, b := r[i], r[(i+1)%len(r)]
			if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
				in = !in
			}
		}
	}
	return in
}

// A U-shaped district (its box's centre is outside it), a square with a
// hole in the middle and, as a second part, a small island.
var (
	uShape  = orb.MultiPolygon{{{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}, {0, 0}}}}
	holed   = orb.MultiPolygon{{{{10, 10}, {14, 10}, {14, 14}, {10, 14}, {10, 10}}, {{11, 11}, {11, 13}, {13, 13}, {13, 11}, {11, 11}}}, {{{20, 20}, {20.1, 20}, {20.1, 20.1}, {20, 20}}}}
	nothing = orb.MultiPolygon{}
)

// TestLabelPoint: a district's name goes inside it, off its holes and
// bays, in its largest part, with the width of the run there.
func TestLabelPoint(t *testing.T) {
	for _, tc := range []struct {
		name string
		mp   orb.MultiPolygon
	}{{"u-shape", uShape}, {"holed with an island", holed}} {
		p, w := labelPoint(tc.mp)
		if !inside(rings(tc.mp[:1]), p) || w <= 0 {
			t.Errorf("labelPoint(%s) = %v, run %g: want a point inside the largest part, run > 0", tc.name, p, w)
		}
	}
	if p, w := labelPoint(nothing); w != 0 || p != (orb.Point{}) {
		t.Errorf("labelPoint(empty) = %v, %g", p, w)
	}
}

// TestTimeSquaresCut: travel-time squares on a district's border are cut
// to it (the cut square holds exactly the district's points of the
// square), the others lie inside whole.
func TestTimeSquaresCut(t *testing.T) {
	// A holed square and a concave part, near 42° N; samples every 200 m
	// over the box, those inside kept.
	sq := func(x, y, s float64) orb.Ring {
		return orb.Ring{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}
	}
	hole := sq(1.52, 42.52, 0.02)
	for i, j := 0, len(hole)-1; i < j; i, j = i+1, j-1 {
		hole[i], hole[j] = hole[j], hole[i]
	}
	mp := orb.MultiPolygon{{sq(1.5, 42.5, 0.06), hole}, {{{1.58, 42.5}, {1.64, 42.5}, {1.64, 42.56}, {1.62, 42.56}, {1.62, 42.52}, {1.60, 42.52}, {1.60, 42.56}, {1.58, 42.56}, {1.58, 42.5}}}}
	d := Data{Districts: []District{{Name: "d", Geometry: mp}}}
	rr := rings(mp)
	for x := 1.4991; x < 1.641; x += 0.0024 {
		for y := 42.4993; y < 42.561; y += 0.0018 {
			if inside(rr, orb.Point{x, y}) {
				d.Times = append(d.Times, TimeSample{Point: orb.Point{x, y}, Seconds: 700, SpacingM: 200, District: 0})
			}
		}
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, d, Options{}); err != nil {
		t.Fatal(err)
	}
	js := pageData(t, b.String())
	shapes := map[int][][]orb.Point{}
	for _, s := range js.TimeShapes {
		var poly [][]orb.Point
		for _, r := range s.Rings {
			var ring []orb.Point
			for _, p := range r {
				ring = append(ring, orb.Point{p[0], p[1]})
			}
			poly = append(poly, ring)
		}
		shapes[s.I] = poly
	}
	if len(js.Times) != len(d.Times) || len(shapes) == 0 || len(shapes) == len(d.Times) {
		t.Fatalf("%d samples, %d written, %d cut: want all written, some cut, not all", len(d.Times), len(js.Times), len(shapes))
	}
	rng := rand.New(rand.NewSource(1))
	bad := 0
	for k, ts := range d.Times {
		box := timeSquare(ts.Point, ts.SpacingM)
		for range 60 {
			p := orb.Point{box.Min[0] + rng.Float64()*(box.Max[0]-box.Min[0]), box.Min[1] + rng.Float64()*(box.Max[1]-box.Min[1])}
			want := inside(rr, p)
			got := true // a square not cut is drawn whole
			if poly, ok := shapes[k]; ok {
				got = inside(poly, p)
			}
			if got != want {
				bad++
				if bad < 5 {
					t.Errorf("sample %d at %v: point %v drawn %v, inside the district %v", k, ts.Point, p, got, want)
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d points of the squares drawn wrongly", bad)
	}
}

func pageData(t *testing.T, page string) jsData {
	t.Helper()
	m := regexp.MustCompile(`(?s)id="covaudit-data">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no data in the page")
	}
	var js jsData
	if err := json.Unmarshal([]byte(strings.ReplaceAll(m[1], `<\/`, "</")), &js); err != nil {
		t.Fatal(err)
	}
	return js
}

// TestRunRecordAndSites: the run record lists inputs, classes,
// parameters, warnings, skipped records and missing districts, escaped,
// with no date unless one is given; suggest's pages list the sites, with
// people gained only when people were counted.
func TestRunRecordAndSites(t *testing.T) {
	d := sample()
	d.Run = &RunRecord{Tool: "covaudit", Version: "v1", Command: "suggest",
		Inputs:     []Input{{Role: "districts", Name: "a<b>.geojson", Bytes: 1234567, SHA256: "ab12"}},
		Classes:    []ClassRule{{Name: "urban", Values: []string{"u"}, Rule: "2 km", Detail: "radius: 2000 m"}},
		Parameters: []Parameter{{Name: "min_coverage_pct", Value: "100"}},
		Warnings:   []string{"w <1>"}, Skipped: []string{"a<b>.geojson: feature 3: bad"}, Missing: []string{"a<b>.geojson: feature 3: bad"},
		Districts: "2 of 3 district(s) of a<b>.geojson were audited"}
	d.Suggest = true
	var b bytes.Buffer
	if err := WriteHTML(&b, d, Options{}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"a&lt;b&gt;.geojson", "1,234,567", "<code class=\"sha\">ab12</code>", "radius: 2000 m", "min_coverage_pct",
		"<li>w &lt;1&gt;</li>", `id="run-missing"><li>a&lt;b&gt;.geojson: feature 3: bad</li>`, "not recorded", `id="sites"`, "Hall &lt;&amp;&gt; (c1)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "people gained") {
		t.Errorf("people gained shown without a population")
	}
	d.Population, d.Run.Date = true, "2025-12-02 00:00:00 UTC"
	b.Reset()
	WriteHTML(&b, d, Options{})
	if page := b.String(); !strings.Contains(page, "people gained") || !strings.Contains(page, `<span id="run-date">2025-12-02 00:00:00 UTC</span>`) {
		t.Errorf("with a population and a date: no people gained column or no date")
	}
	d.Sites = nil
	b.Reset()
	WriteHTML(&b, d, Options{})
	if !strings.Contains(b.String(), "No site proposed") {
		t.Errorf("a suggest page without sites does not say so")
	}
}

// TestShareColours: the gap colours stand apart from every fill of the
// covered-share ramp.
func TestShareColours(t *testing.T) {
	hex := func(s string) [3]float64 {
		var c [3]float64
		for i := range 3 {
			var v int
			for _, ch := range s[1+2*i : 3+2*i] {
				v = v*16 + strings.IndexRune("0123456789abcdef", ch)
			}
			c[i] = float64(v)
		}
		return c
	}
	for p := 0.0; p <= 100; p += 5 {
		f := hex(shareColour(p))
		for _, g := range []string{gapFill, noAccessFill} {
			c := hex(g)
			if d := (f[0]-c[0])*(f[0]-c[0]) + (f[1]-c[1])*(f[1]-c[1]) + (f[2]-c[2])*(f[2]-c[2]); d < 120*120 {
				t.Errorf("fill at %g%% %s is %.0f from gap colour %s, want >= 120", p, shareColour(p), math.Sqrt(d), g)
			}
		}
	}
}

// TestGapsCutToDistrict: a gap that spills over its district's border is
// drawn only inside it (in the HTML data and the SVG); one inside is drawn
// as given.
func TestGapsCutToDistrict(t *testing.T) {
	d := Data{Districts: []District{{Name: "u", Geometry: uShape}},
		Gaps: []Gap{{District: "u", AreaM2: 1, Polygon: orb.Polygon{{{-1, 2}, {4, 2}, {4, 2.5}, {-1, 2.5}, {-1, 2}}}},
			{District: "u", AreaM2: 1, Polygon: orb.Polygon{{{0.2, 0.2}, {0.8, 0.2}, {0.8, 0.8}, {0.2, 0.8}, {0.2, 0.2}}}}}}
	got := clippedGaps(&d)
	if len(got) != 2 || len(got[0]) != 2 || len(got[1]) != 1 || len(got[1][0][0]) != 5 {
		t.Fatalf("clippedGaps = %v, want the strip cut in two (the U's arms) and the square as given", got)
	}
	rr := rings(uShape)
	for _, p := range got[0] {
		for _, q := range p[0] {
			// On or inside the border: nudged toward the part's centre.
			c := p[0].Bound().Center()
			if !inside(rr, orb.Point{q[0] + (c[0]-q[0])*1e-6, q[1] + (c[1]-q[1])*1e-6}) {
				t.Errorf("drawn gap vertex %v lies outside the district", q)
			}
		}
	}
	var b bytes.Buffer
	if err := WriteSVG(&b, d, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "M-") {
		t.Errorf("the SVG draws the gap beyond the district")
	}
}

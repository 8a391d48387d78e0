// Package report draws an audit for people: a self-contained HTML page
// with an interactive map (Leaflet 1.9.4 and Leaflet.markercluster 1.5.3,
// embedded, with their licences) and a sortable district table, and a
// static SVG map. Nothing is fetched by the page unless a basemap is asked
// for. Geometry is simplified for display (see Options.SimplifyDeg); the
// numbers come from the exact evaluation.
package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"github.com/covaudit/covaudit/internal/planar"
	"html"
	"io"
	"math"
	"regexp"
	"strings"

	"github.com/paulmach/orb"
)

// Data is what the report shows; coordinates are {lon, lat}, WGS84.
type Data struct {
	Title     string
	Districts []District
	Gaps      []Gap
	Stations  []Station
	// Population: the audit counted people; each district then has its
	// Population and UncoveredPeople.
	Population bool
	People     []Person // population points drawn on the map (none for a raster)
	Sites      []Site   // proposed station sites (covaudit suggest)
	// Times are sampled travel times of road districts, drawn in bands.
	Times       []TimeSample
	Attribution []string
	Summary     string // one line: "2 of 7 districts fail ..."
	// Suggest: the page shows covaudit suggest's proposed sites, with a
	// table of them (even when none was proposed).
	Suggest bool
	// Run is the run record shown under the tables (nil: none).
	Run *RunRecord
}

// TimeSample is a place's travel time, seconds, standing for the square
// of side SpacingM around it, in District (an index into Data.Districts;
// the square is cut to that district; -1: not cut).
type TimeSample struct {
	Point    orb.Point
	Seconds  float64
	SpacingM float64
	District int
}

// Person is a population point: Count people at Point.
type Person struct {
	Point orb.Point
	Count float64
}

// Site is a proposed station site, Rank from 1 in the order chosen, and
// what it gains.
type Site struct {
	Rank     int
	ID, Name string
	Point    orb.Point
	Gain     SiteGain
}

// District is one audited district.
type District struct {
	Name, Class, Rule string
	AreaM2            float64
	UncoveredM2       float64
	CoveredPct        float64
	Pass              bool
	FailReason        string
	Population        float64 // people inside, with Data.Population
	UncoveredPeople   float64 // of them, people outside the rule
	Geometry          orb.MultiPolygon
	Worst             *Worst // nil when no station serves it
	// Travel summarises travel times under the road rule ("median 12.2
	// min, 95% 43.1 min"); empty otherwise.
	Travel string
}

// Worst is a district's place farthest from every station.
type Worst struct {
	Point   orb.Point
	Cost    string // "4.41 km" or "20.7 min"
	Station string
	// Value is the cost in its rule's unit (m or s), Unit that unit: the
	// table sorts by them.
	Value float64
	Unit  string
}

// Gap is one uncovered area.
type Gap struct {
	District string
	AreaM2   float64
	Polygon  orb.Polygon
	// Kind is "no-access" (no road or station within the access cap) or
	// "travel-time" under the road rule; empty under the distance rules.
	Kind string
}

// Station is a service point.
type Station struct {
	ID, Name string
	Point    orb.Point
}

func (s Site) label() string {
	if s.Name != "" {
		return s.Name + " (" + s.ID + ")"
	}
	return s.ID
}

// Options choose how the report is drawn.
type Options struct {
	// Basemap adds OpenStreetMap tiles (fetched from tile.openstreetmap.org,
	// with its attribution); without it the page makes no request.
	Basemap bool
	// SimplifyDeg is the Douglas-Peucker tolerance, degrees, for drawing
	// districts and gaps: 0 chooses it from the size of the input (none
	// below 100,000 vertices, 1e-4 degrees, about 10 m, above).
	SimplifyDeg float64
}

//go:embed assets/leaflet.js
var leafletJS string

//go:embed assets/leaflet.css
var leafletCSS string

//go:embed assets/leaflet.markercluster.js
var clusterJS string

//go:embed assets/MarkerCluster.css
var clusterCSS string

//go:embed assets/MarkerCluster.Default.css
var clusterDefaultCSS string

//go:embed assets/LICENSE-leaflet.txt
var leafletLicence string

//go:embed assets/LICENSE-leaflet.markercluster.txt
var clusterLicence string

//go:embed page.html
var pageTemplate string

//go:embed page.js
var pageJS string

// Image references in the embedded stylesheets are for controls and icons
// the report does not use; they are removed so that nothing could be
// fetched for them.
var cssURL = regexp.MustCompile(`url\(images/[^)]*\)`)

func tolerance(d *Data, opts Options) float64 {
	if opts.SimplifyDeg > 0 {
		return opts.SimplifyDeg
	}
	n := 0
	for _, di := range d.Districts {
		for _, p := range di.Geometry {
			for _, r := range p {
				n += len(r)
			}
		}
	}
	if n < 100000 {
		return 0
	}
	return 1e-4
}

type jsDistrict struct {
	Name         string          `json:"name"`
	Fill         string          `json:"fill"`
	Label        [2]float64      `json:"label"`   // lon, lat of the name
	LabelW       float64         `json:"label_w"` // width of the run there, degrees of longitude
	Class        string          `json:"class"`
	Rule         string          `json:"rule"`
	AreaKm2      float64         `json:"area_km2"`
	Uncovered    float64         `json:"uncovered_km2"`
	Covered      float64         `json:"covered_pct"`
	Pass         bool            `json:"pass"`
	FailReason   string          `json:"fail_reason"`
	People       *float64        `json:"people,omitempty"`
	UncoveredPpl *float64        `json:"uncovered_people,omitempty"`
	Geometry     json.RawMessage `json:"geometry"`
	Worst        *jsWorst        `json:"worst"`
	Travel       string          `json:"travel,omitempty"`
}

type jsWorst struct {
	Lon     float64 `json:"lon"`
	Lat     float64 `json:"lat"`
	Cost    string  `json:"cost"`
	Station string  `json:"station"`
	Sort    string  `json:"sort"` // unit, then the value, for sorting
}

type jsData struct {
	Title       string            `json:"title"`
	Summary     string            `json:"summary"`
	Basemap     bool              `json:"basemap"`
	Canvas      bool              `json:"canvas"`
	Cluster     bool              `json:"cluster"`
	Simplify    float64           `json:"simplify_deg"`
	Districts   []jsDistrict      `json:"districts"`
	Gaps        []json.RawMessage `json:"gaps"`
	GapInfo     []string          `json:"gap_info"`
	GapKind     []string          `json:"gap_kind"`
	Stations    [][3]any          `json:"stations"`
	Population  bool              `json:"population"`
	People      [][3]float64      `json:"people"` // lon, lat, count
	Sites       [][4]any          `json:"sites"`  // lon, lat, rank, label
	Times       [][4]float64      `json:"times"`  // lon, lat, seconds, spacing m
	TimeShapes  []jsShape         `json:"time_shapes"`
	Attribution []string          `json:"attribution"`
	Palette     palette           `json:"palette"`
	Suggest     bool              `json:"suggest"`
}

// jsShape is a travel-time square cut to its district: I is its index in
// times, Rings its rings (open, even-odd).
type jsShape struct {
	I     int            `json:"i"`
	Rings [][][2]float64 `json:"rings"`
}

// geometryJSON writes a simplified geometry as GeoJSON, coordinates to
// 1e-6 degrees (10 cm): enough for a display.
func geometryJSON(mp orb.MultiPolygon, tol float64) json.RawMessage {
	var b bytes.Buffer
	b.WriteString(`{"type":"MultiPolygon","coordinates":[`)
	for i, poly := range mp {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j, r := range poly {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('[')
			for k, p := range simplify(r, tol) {
				if k > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "[%.6f,%.6f]", p[0], p[1])
			}
			b.WriteByte(']')
		}
		b.WriteByte(']')
	}
	b.WriteString("]}")
	return b.Bytes()
}

// simplify is Douglas-Peucker on a closed ring with tolerance tol
// (degrees, measured in longitude-latitude); rings keep at least 4 points.
func simplify(r orb.Ring, tol float64) orb.Ring {
	if tol <= 0 || len(r) <= 8 {
		return r
	}
	keep := make([]bool, len(r))
	keep[0], keep[len(r)-1] = true, true
	// Split the ring at its farthest point from the first so that the
	// closing vertex does not make a degenerate first segment.
	far, fd := 0, -1.0
	for i, p := range r {
		if d := math.Hypot(p[0]-r[0][0], p[1]-r[0][1]); d > fd {
			far, fd = i, d
		}
	}
	keep[far] = true
	var dp func(a, b int)
	dp = func(a, b int) {
		if b <= a+1 {
			return
		}
		best, bd := -1, tol
		for i := a + 1; i < b; i++ {
			if d := segDistance(r[i], r[a], r[b]); d > bd {
				best, bd = i, d
			}
		}
		if best >= 0 {
			keep[best] = true
			dp(a, best)
			dp(best, b)
		}
	}
	dp(0, far)
	dp(far, len(r)-1)
	out := make(orb.Ring, 0, len(r)/4+4)
	for i, p := range r {
		if keep[i] {
			out = append(out, p)
		}
	}
	if len(out) < 4 {
		return r
	}
	return out
}

func segDistance(p, a, b orb.Point) float64 { return planar.SegmentDistance(p, a, b) }

// WriteHTML writes the self-contained HTML report.
func WriteHTML(w io.Writer, d Data, opts Options) error {
	tol := tolerance(&d, opts)
	js := jsData{Title: d.Title, Summary: d.Summary, Basemap: opts.Basemap, Simplify: tol, Attribution: d.Attribution,
		Canvas: len(d.Districts) > 500 || len(d.Gaps) > 1000 || len(d.People) > 2000, Cluster: len(d.Stations) > 2000,
		Districts: []jsDistrict{}, Gaps: []json.RawMessage{}, GapInfo: []string{}, GapKind: []string{}, Times: [][4]float64{}, Stations: [][3]any{},
		Population: d.Population, People: [][3]float64{}, Sites: [][4]any{}, TimeShapes: []jsShape{}, Palette: thePalette(), Suggest: d.Suggest}
	for _, di := range d.Districts {
		lp, lw := labelPoint(di.Geometry)
		j := jsDistrict{Name: di.Name, Fill: shareColour(di.CoveredPct), Label: [2]float64{round7(lp[0]), round7(lp[1])}, LabelW: round7(lw),
			Class: di.Class, Rule: di.Rule, AreaKm2: di.AreaM2 / 1e6, Uncovered: di.UncoveredM2 / 1e6,
			Covered: di.CoveredPct, Pass: di.Pass, FailReason: di.FailReason, Geometry: geometryJSON(di.Geometry, tol), Travel: di.Travel}
		if d.Population {
			j.People, j.UncoveredPpl = &di.Population, &di.UncoveredPeople
		}
		if di.Worst != nil {
			j.Worst = &jsWorst{Lon: di.Worst.Point[0], Lat: di.Worst.Point[1], Cost: di.Worst.Cost, Station: di.Worst.Station,
				Sort: fmt.Sprintf("%s %020.3f", di.Worst.Unit, di.Worst.Value)}
		}
		js.Districts = append(js.Districts, j)
	}
	drawnGaps := clippedGaps(&d)
	for k, g := range d.Gaps {
		js.Gaps = append(js.Gaps, geometryJSON(drawnGaps[k], tol))
		info := fmt.Sprintf("%s: %.2f ha uncovered", g.District, g.AreaM2/1e4)
		if g.Kind == "no-access" {
			info += ", no road or station within reach on foot"
		} else if g.Kind != "" {
			info += ", too far by road"
		}
		js.GapInfo = append(js.GapInfo, info)
		js.GapKind = append(js.GapKind, g.Kind)
	}
	index := map[int]*edgeIndex{}
	for k, t := range d.Times {
		js.Times = append(js.Times, [4]float64{round7(t.Point[0]), round7(t.Point[1]), math.Round(t.Seconds), math.Round(t.SpacingM*1000) / 1000})
		if t.District < 0 || t.District >= len(d.Districts) {
			continue
		}
		sq := timeSquare(t.Point, t.SpacingM)
		ix := index[t.District]
		if ix == nil {
			ix = newEdgeIndex(d.Districts[t.District].Geometry, 2*(sq.Max[1]-sq.Min[1]))
			index[t.District] = ix
		}
		if !ix.crosses(sq) {
			continue // inside (its centre is): drawn whole
		}
		sh := jsShape{I: k, Rings: [][][2]float64{}}
		for _, r := range ix.clipToBox(sq) {
			ring := make([][2]float64, len(r))
			for i, p := range r {
				ring[i] = [2]float64{round7(p[0]), round7(p[1])}
			}
			sh.Rings = append(sh.Rings, ring)
		}
		js.TimeShapes = append(js.TimeShapes, sh)
	}
	for _, s := range d.Stations {
		label := s.Name
		if label == "" {
			label = s.ID
		}
		js.Stations = append(js.Stations, [3]any{math.Round(s.Point[0]*1e6) / 1e6, math.Round(s.Point[1]*1e6) / 1e6, label})
	}
	for _, p := range d.People {
		js.People = append(js.People, [3]float64{math.Round(p.Point[0]*1e6) / 1e6, math.Round(p.Point[1]*1e6) / 1e6, p.Count})
	}
	for _, s := range d.Sites {
		js.Sites = append(js.Sites, [4]any{math.Round(s.Point[0]*1e7) / 1e7, math.Round(s.Point[1]*1e7) / 1e7, s.Rank, s.label()})
	}
	data, err := json.Marshal(js)
	if err != nil {
		return err
	}
	css := cssURL.ReplaceAllString(leafletCSS+"\n"+clusterCSS+"\n"+clusterDefaultCSS, "none")
	r := strings.NewReplacer(
		"{{TITLE}}", html.EscapeString(d.Title),
		"{{LEAFLET_CSS}}", css,
		"{{LEAFLET_JS}}", strings.ReplaceAll(leafletJS, "</script", `<\/script`),
		"{{CLUSTER_JS}}", strings.ReplaceAll(clusterJS, "</script", `<\/script`),
		"{{PAGE_JS}}", pageJS,
		"{{DATA}}", strings.ReplaceAll(string(data), "</", `<\/`),
		"{{SITES}}", sitesHTML(&d),
		"{{RUN_RECORD}}", runRecordHTML(d.Run),
		"{{LICENCES}}", html.EscapeString("Leaflet 1.9.4:\n"+leafletLicence+"\nLeaflet.markercluster 1.5.3:\n"+clusterLicence),
	)
	_, err = io.WriteString(w, r.Replace(pageTemplate))
	return err
}

// round7 rounds degrees to 1e-7 (about 1 cm), as the reports write them.
func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

// Package validate checks a station dataset the way a careful reviewer of a
// station repository would: unreadable or empty coordinates, values out of
// range, latitude and longitude swapped, (0, 0), coordinates in metres,
// too few decimals, duplicate ids and locations, stations far from every
// district, and files in the wrong text encoding. Each finding has a
// severity, a stable code (see Codes), the place (file and line, or
// feature) and, where one exists, a suggested fix.
package validate

import (
	"bytes"
	"cmp"
	"fmt"
	"github.com/covaudit/covaudit/internal/planar"
	"math"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Severity of a finding: an error fails validation, a warning does not.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Code is a kind of finding.
type Code struct {
	Code     string
	Severity Severity
	Meaning  string
}

// Codes lists every finding code, in the order of the README's table.
var Codes = []Code{
	{"invalid-utf8", Error, "the file is not UTF-8 (and does not read as GBK/GB18030 either)"},
	{"gbk-encoding", Error, "the file is GBK/GB18030-encoded Chinese text, not UTF-8; rerun with --encoding gbk or convert it"},
	{"unreadable-record", Error, "a record that cannot be split into fields (CSV quoting, a GeoJSON feature that is not a point)"},
	{"empty-coordinate", Error, "longitude or latitude is empty"},
	{"unparsable-coordinate", Error, "longitude or latitude is not a number (a phone number or an address pasted into the column, for instance)"},
	{"null-island", Error, "the coordinates are exactly (0, 0): a missing location written as zeros"},
	{"swapped-latlon", Error, "latitude and longitude are swapped: out of range as written and valid swapped, or (with districts) outside every district and inside one when swapped"},
	{"projected-coordinates", Error, "values far beyond degrees: metres in a projected system (UTM, Web Mercator), not longitude and latitude"},
	{"out-of-range", Error, "longitude outside [-180, 180] or latitude outside [-90, 90], and not explained by a swap"},
	{"duplicate-id", Error, "the same id on two records"},
	{"low-precision", Warning, "fewer than 3 decimals (a place known to about 100 m or worse)"},
	{"duplicate-location", Warning, "two stations within --duplicate-distance of each other"},
	{"far-outside", Warning, "farther than --max-outside from every district"},
	{"crs-mismatch", Warning, "with districts: the stations look like GCJ-02 or BD-09 (Chinese web maps): read in that system more fall inside a district or the district their name names, or none leaves the districts moved back by the offset"},
}

func severity(code string) Severity {
	for _, c := range Codes {
		if c.Code == code {
			return c.Severity
		}
	}
	panic("validate: unknown code " + code)
}

// Finding is one problem found in a station file.
type Finding struct {
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	File     string   `json:"file"`
	// Line is the 1-based line of the CSV record, or the line where the
	// GeoJSON feature starts; 0 when the finding is about the whole file.
	Line int `json:"line,omitempty"`
	// Feature is the GeoJSON feature index, or -1.
	Feature int    `json:"feature"`
	ID      string `json:"id,omitempty"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

// Options are the thresholds and context of the checks.
type Options struct {
	// Encoding of the file: "" to detect (UTF-8 expected), or one of
	// geodata.Encodings.
	Encoding string
	// DuplicateDistanceM: stations closer than this, metres (default 10).
	DuplicateDistanceM float64
	// MaxOutsideM: with districts, stations farther than this from every
	// district, metres (default 50 km).
	MaxOutsideM float64
	// Districts, when given, enable the checks against them.
	Districts []coverage.District
	Stations  geodata.StationOptions
}

// Result is the outcome of checking one file.
type Result struct {
	Findings []Finding
	Records  int // station records read
	Format   string
}

// Errors counts the error-level findings.
func (r *Result) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == Error {
			n++
		}
	}
	return n
}

// File checks a station file held in memory. The error is for a file that
// cannot be read at all (no header row, a missing column, a document that
// is not GeoJSON); everything else is a finding.
func File(name string, data []byte, opts Options) (*Result, error) {
	if opts.DuplicateDistanceM <= 0 {
		opts.DuplicateDistanceM = 10
	}
	if opts.MaxOutsideM <= 0 {
		opts.MaxOutsideM = 50e3
	}
	res := &Result{}
	add := func(line, feature int, id, code, msg, fix string) {
		res.Findings = append(res.Findings, Finding{Severity: severity(code), Code: code, File: name, Line: line,
			Feature: feature, ID: id, Message: msg, Fix: fix})
	}
	switch {
	case opts.Encoding != "":
		d, err := geodata.Decode(data, opts.Encoding)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		data = d
	case geodata.IsUTF16(data):
		// UTF-16 (a spreadsheet's "Unicode text"): StationRecords decodes it.
	case !utf8.Valid(data):
		line := geodata.InvalidUTF8Line(data)
		if geodata.LooksGB18030(data) {
			add(line, -1, "", "gbk-encoding", "the file is not UTF-8 but reads as GBK/GB18030 Chinese text",
				"rerun with --encoding gbk, or convert the file: iconv -f GB18030 -t UTF-8")
			data, _ = geodata.Decode(data, "gb18030") // so that the other checks can read it
		} else {
			add(line, -1, "", "invalid-utf8", fmt.Sprintf("line %d is not valid UTF-8, and the file does not read as GBK/GB18030", line),
				"save the file as UTF-8")
		}
	}
	c := newChecker(name, opts, recordsHint(data))
	sf, err := geodata.EachStationRecord(data, name, opts.Stations, c.record)
	if err != nil {
		c.stop()
		return nil, err
	}
	return c.finish(sf, res), nil
}

// recordsHint is about the number of records of a station file: its lines
// for CSV, its features for GeoJSON (whose pretty-printed files have a dozen
// lines a feature). The arrays sized by it grow past it when needed.
func recordsHint(data []byte) int {
	if t := bytes.TrimLeft(data, " \t\r\n\ufeff"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return bytes.Count(data, []byte(`"Feature"`))
	}
	return bytes.Count(data, []byte{'\n'})
}

// Records checks a station file already split into records (a Shapefile
// or GeoPackage layer, see geodata.RecordsFromLayer).
func Records(name string, sf *geodata.StationFile, opts Options) *Result {
	c := newChecker(name, opts, len(sf.Records))
	for _, r := range sf.Records {
		c.record(sf, r)
	}
	return c.finish(sf, &Result{})
}

// where names a record for messages: "on line 4" or "by feature 2 (line 9)",
// with its id.
func where(r geodata.StationRecord) string {
	s := fmt.Sprintf("on line %d", r.Line)
	switch {
	case r.Feature >= 0 && r.Line > 0:
		s = fmt.Sprintf("by feature %d (line %d)", r.Feature, r.Line)
	case r.Feature >= 0:
		s = fmt.Sprintf("by feature %d", r.Feature)
	}
	if r.ID != "" {
		s += fmt.Sprintf(" (id %q)", r.ID)
	}
	return s
}

var phoneLike = regexp.MustCompile(`^\+?[\d\s().\-/]{7,}$`)

// looksLikePhone: seven or more digits with the spaces, dashes and brackets
// of telephone numbers, or a leading '+'.
func looksLikePhone(s string) bool {
	digits := strings.Count(s, "") - 1 - len(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, s))
	return phoneLike.MatchString(s) && digits >= 7 && (strings.ContainsAny(s, " -()/") || strings.HasPrefix(s, "+"))
}

func precisionText(decimals int) string {
	return []string{"100 km", "10 km", "1 km"}[max(0, min(2, decimals))]
}

func kmText(m float64) string {
	if m >= 1000 {
		return fmt.Sprintf("%g km", m/1000)
	}
	return fmt.Sprintf("%g m", m)
}

// districts answers point-in-district and distance questions in lon/lat.
type districts struct {
	ds    []coverage.District
	bands []*bandedRings // containment in ds[i], as holds answers it
	tree  rtree.RTreeG[int]
	grid  *boxGrid // the districts' boxes, for contains
}

func newDistricts(ds []coverage.District) *districts {
	if len(ds) == 0 {
		return nil
	}
	// Containment follows the engine's geodesic edges: long edges are
	// replaced by points along them (coverage.GeodesicOutline).
	// The outlines and their band indexes are made on all cores.
	d := &districts{ds: make([]coverage.District, len(ds)), bands: make([]*bandedRings, len(ds))}
	eachChunk(len(ds), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			d.ds[i] = ds[i]
			d.ds[i].Geometry = coverage.GeodesicOutline(ds[i].Geometry)
			d.bands[i] = newBandedRings(d.ds[i].Geometry)
		}
	})
	boxes := make([]orb.Bound, len(d.ds))
	for i := range d.ds {
		b := d.ds[i].Geometry.Bound()
		d.tree.Insert(b.Min, b.Max, i)
		boxes[i] = b
	}
	d.grid = newBoxGrid(boxes)
	return d
}

func (d *districts) at(p orb.Point) int {
	found := -1
	d.tree.Search(p, p, func(_, _ [2]float64, i int) bool {
		if d.bands[i].holds(p) {
			found = i
			return false
		}
		return true
	})
	return found
}

// holds is even-odd containment over all rings of a multipolygon, in
// lon/lat (the district's box was tested already; long edges were
// replaced by their geodesics in newDistricts).
func holds(mp orb.MultiPolygon, p orb.Point) bool {
	in := false
	for _, poly := range mp {
		for _, r := range poly {
			for i := range r {
				a, b := r[i], r[(i+1)%len(r)]
				if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])/(b[1]-a[1])*(b[0]-a[0]) {
					in = !in
				}
			}
		}
	}
	return in
}

// contains reports whether a district holds p: d.at(p) >= 0.
func (d *districts) contains(p orb.Point) bool {
	return d.grid.any(p, func(i int) bool { return d.bands[i].holds(p) })
}

func (d *districts) nameAt(p orb.Point) string {
	if i := d.at(p); i >= 0 {
		return fmt.Sprintf("district %q", d.ds[i].Name)
	}
	return "a district"
}

// distance returns the distance, metres, from p to a district boundary
// within limit, not always the nearest: the search stops at the first edge
// within limit (more than limit when there is none; callers only compare
// it with limit, and a station list of a million rows has many stations
// in lakes and beyond the last district, each of which scanned every edge
// within 50 km: 195 s of a 227 s validate). Edges are
// measured in a local equirectangular frame at p's latitude, which errs by
// well under 1% at these distances: enough for a warning threshold.
func (d *districts) distance(p orb.Point, limit float64) float64 {
	const mPerDeg = planar.MetresPerDeg
	kx := mPerDeg * math.Cos(p[1]*math.Pi/180)
	dLat, dLon := limit/mPerDeg, limit/math.Max(kx, 1)
	within := func(i int) (float64, bool) {
		best := math.Inf(1)
		for _, poly := range d.ds[i].Geometry {
			for _, ring := range poly {
				for k := 1; k < len(ring); k++ {
					ax, ay := (ring[k-1][0]-p[0])*kx, (ring[k-1][1]-p[1])*mPerDeg
					bx, by := (ring[k][0]-p[0])*kx, (ring[k][1]-p[1])*mPerDeg
					best = math.Min(best, segDist(ax, ay, bx, by))
					if best <= limit {
						return best, true
					}
				}
			}
		}
		return best, false
	}
	// The districts listed in p's grid cell first, or in the nearest cell
	// when p is beyond the grid (a station in a lake has the district
	// around it there, one beyond the last district its neighbours): any
	// edge within limit answers. Without one, the search below decides.
	// (Within metres of a pole, kx < 1, the search's reach is narrower
	// than limit: left to it.)
	if kx >= 1 {
		for _, i := range d.grid.cellNear(p) {
			b := d.grid.boxes[i]
			bx := max(0, b.Min[0]-p[0], p[0]-b.Max[0]) * kx
			by := max(0, b.Min[1]-p[1], p[1]-b.Max[1]) * mPerDeg
			if math.Hypot(bx, by) > limit {
				continue // none of its edges is within limit
			}
			if b, ok := within(int(i)); ok {
				return b
			}
		}
	}
	// Districts nearest by box first: the first edge within limit ends the
	// search, and a far district's edges are all beyond it.
	type near struct {
		i   int
		box float64
	}
	var cands []near
	d.tree.Search([2]float64{p[0] - dLon, p[1] - dLat}, [2]float64{p[0] + dLon, p[1] + dLat}, func(mn, mx [2]float64, i int) bool {
		bx := max(0, mn[0]-p[0], p[0]-mx[0]) * kx
		by := max(0, mn[1]-p[1], p[1]-mx[1]) * mPerDeg
		cands = append(cands, near{i, math.Hypot(bx, by)})
		return true
	})
	slices.SortFunc(cands, func(a, b near) int { return cmp.Compare(a.box, b.box) })
	best := math.Inf(1)
	for _, c := range cands {
		if c.box > limit*1.01 {
			break // the box's distance, in the same frame, bounds its edges'
		}
		b, ok := within(c.i)
		best = math.Min(best, b)
		if ok {
			return best
		}
	}
	return best
}

// segDist is the distance from the origin to segment a-b.
func segDist(ax, ay, bx, by float64) float64 {
	return planar.SegmentDistance([2]float64{}, [2]float64{ax, ay}, [2]float64{bx, by})
}

// CRSHint is a coordinate system that explains where stations lie better
// than reading them as WGS84, and the evidence for it.
type CRSHint struct {
	CRS           string  // "gcj02" or "bd09"
	Evidence      string  // "inside", "names" or "clearance": which test fired (see LikelyCRS)
	Stations      int     // stations looked at
	Of            int     // when more than Stations: the stations in the file, of which Stations were sampled
	MedianOffsetM float64 // how far the reading in CRS moves them, median, metres
	// Inside and IfRead: stations inside a district as read, and as read
	// in CRS (Evidence "inside"); for "names", stations inside the
	// district their name names, as read and as read in CRS.
	Inside, IfRead int
	// Named: stations whose name names one district (Evidence "names").
	Named int
	// Other: for "clearance", the stations that would leave the districts
	// when moved by the same offset turned in other directions (mean of
	// seven); moved back by the offset itself none do.
	Other float64
}

// clearanceDirections is the number of directions (the correction and its
// turns by multiples of 45°) of the clearance test, and clearanceMin the
// mean number of stations that must leave the districts in the turned
// directions for a correction that moves none out to count: under WGS84
// the correction is one direction among eight, and it moves none out with
// a probability near e^-clearanceMin (under 1% at 5) when stations are
// spread evenly near the edges.
const (
	clearanceDirections = 8
	clearanceMin        = 5.0
	clearanceSample     = 20000 // stations looked at by the clearance test, at most
	// hintSample: stations looked at by LikelyCRS, at most, evenly spaced
	// in file order (a national list of a million: an offset shared by
	// the file shows in any tenth of it, at a tenth of the cost).
	hintSample = 100000
)

// LikelyCRS looks for the consistent offset of stations geocoded on a
// Chinese web map (GCJ-02, or BD-09 on Baidu) but read as WGS84: a few
// hundred metres, in a direction the published formula gives for each
// place. Three tests, each of which can fire alone:
//   - inside: reading the stations in the system puts at least 20% more
//     of them (and 3 or more) inside a district (small or scattered
//     districts, stations just outside);
//   - names: stations whose name contains one district's name (a
//     "Futian District legal-aid station") lie in that district when read
//     in the system in at least 3 more cases, and at least 3 times as
//     many as it breaks (stations within the offset of a boundary between
//     districts: the test that fires when districts cover the whole city);
//   - clearance: moved back by the offset, no station leaves the districts,
//     while moved the same distance in the seven other directions at 45°
//     steps at least clearanceMin (mean) would: true places are inside,
//     so their shifted copies keep a band of the offset's width free along
//     the edges facing away from the shift (also when every station is
//     inside).
//
// Stations outside China's box are moved by neither system; when none is
// inside it, nothing is looked at. ok is false when no test fires.
func LikelyCRS(stations []coverage.Station, ds []coverage.District) (hint CRSHint, ok bool) {
	if len(ds) == 0 || len(stations) == 0 {
		return hint, false
	}
	of := len(stations)
	if of > hintSample {
		sample := make([]coverage.Station, hintSample)
		for k := range sample {
			sample[k] = stations[hintSampled(k, of)]
		}
		stations = sample
	}
	return likelyCRS(stations, of, ds)
}

// hintMoveEvery makes LikelyCRS move every station it looks at in both
// systems, as if the inside test could fire: tests compare the hints.
var hintMoveEvery = false

// hintSampled is the index of the k-th station LikelyCRS looks at in a
// file of of stations (more than hintSample).
func hintSampled(k, of int) int { return k * of / hintSample }

// likelyCRS is LikelyCRS on stations already sampled from a file of of.
func likelyCRS(stations []coverage.Station, of int, ds []coverage.District) (hint CRSHint, ok bool) {
	return likelyCRSWith(stations, of, ds, nil)
}

// likelyCRSWith is likelyCRS with the districts' index already made (nil:
// made here, when needed).
func likelyCRSWith(stations []coverage.Station, of int, ds []coverage.District, dist *districts) (hint CRSHint, ok bool) {
	if len(ds) == 0 || len(stations) == 0 {
		return hint, false
	}
	gcj, _ := crs.Parse("gcj02")
	some := false
	for _, s := range stations {
		if lon, lat := gcj.ToWGS84(s.Point[0], s.Point[1]); lon != s.Point[0] || lat != s.Point[1] {
			some = true
			break
		}
	}
	if !some {
		return hint, false
	}
	if dist == nil {
		dist = newDistricts(ds)
	}
	at := make([]int, len(stations))
	eachChunk(len(stations), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			at[i] = dist.at(stations[i].Point)
		}
	})
	inside := 0
	for _, d := range at {
		if d >= 0 {
			inside++
		}
	}
	named := namedDistricts(stations, ds)
	// need: when the inside test cannot fire (too few stations outside
	// the districts as read for a gain of 20%), the stations moved before
	// the tests, those whose name names a district; the clearance test
	// moves those it looks at as it goes (it stops at the first that
	// leaves the districts), and every station is moved only for the
	// median offset of a hint that fires (moveAll). Nil: every station is
	// moved before the tests.
	var need []bool
	if out := len(stations) - inside; !hintMoveEvery && (out < 3 || float64(out) < 0.2*float64(len(stations))) {
		need = make([]bool, len(stations))
		for i, d := range named {
			need[i] = d >= 0
		}
	}
	var best CRSHint
	for _, name := range []string{"gcj02", "bd09"} {
		sys, _ := crs.Parse(name)
		moved := make([]orb.Point, len(stations))
		if need != nil {
			eachChunk(len(stations), func(lo, hi int) {
				for i := lo; i < hi; i++ {
					if need[i] {
						s := stations[i]
						lon, lat := sys.ToWGS84(s.Point[0], s.Point[1])
						moved[i] = orb.Point{lon, lat}
					}
				}
			})
		}
		h := CRSHint{CRS: name, Stations: len(stations), Of: of}
		n := 0
		if need == nil {
			n, h.MedianOffsetM = moveAll(stations, sys, moved, dist)
		}
		// inside
		if gain := n - inside; gain >= 3 && float64(gain) >= 0.2*float64(len(stations)) {
			h.Evidence, h.Inside, h.IfRead = "inside", inside, n
			if best.CRS == "" || best.Evidence != "inside" || gain > best.IfRead-best.Inside {
				best = h
			}
			continue
		}
		if best.Evidence == "inside" {
			continue
		}
		// names
		if len(named) > 0 {
			before, fixed, broken := 0, 0, 0
			for i, d := range named {
				if d < 0 {
					continue
				}
				was, now := at[i] == d, dist.at(moved[i]) == d
				if was {
					before++
				}
				switch {
				case now && !was:
					fixed++
				case was && !now:
					broken++
				}
			}
			if fixed >= 3 && fixed >= 3*broken {
				h.Evidence, h.Inside, h.IfRead = "names", before, before+fixed-broken
				for _, d := range named {
					if d >= 0 {
						h.Named++
					}
				}
				if best.Evidence != "names" || h.IfRead-h.Inside > best.IfRead-best.Inside {
					best = h
				}
				continue
			}
		}
		if best.Evidence == "names" {
			continue
		}
		// clearance
		if other, ok := clearance(stations, moved, sys, at, dist); ok && (best.CRS == "" || other > best.Other) {
			h.Evidence, h.Other = "clearance", other
			best = h
		}
	}
	if need != nil && best.CRS != "" {
		sys, _ := crs.Parse(best.CRS)
		_, best.MedianOffsetM = moveAll(stations, sys, make([]orb.Point, len(stations)), nil)
	}
	return best, best.CRS != ""
}

// moveAll reads every station in sys into moved, and returns how many it
// moves into a district (dist nil: not counted) and the median of how far
// it moves those it moves (stations outside China stay where they are).
func moveAll(stations []coverage.Station, sys crs.CRS, moved []orb.Point, dist *districts) (n int, median float64) {
	offset := make([]float64, len(stations))
	state := make([]uint8, len(stations)) // 0: not moved (outside China), 1: moved, 2: moved into a district
	eachChunk(len(stations), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			s := stations[i]
			lon, lat := sys.ToWGS84(s.Point[0], s.Point[1])
			moved[i] = orb.Point{lon, lat}
			if lon == s.Point[0] && lat == s.Point[1] {
				continue // outside China: the system changes nothing
			}
			offset[i], state[i] = geodesy.Distance(s.Point[0], s.Point[1], lon, lat), 1
			if dist != nil && dist.contains(moved[i]) {
				state[i] = 2
			}
		}
	})
	var offsets []float64
	for i, st := range state {
		if st > 0 {
			offsets = append(offsets, offset[i])
		}
		if st == 2 {
			n++
		}
	}
	slices.Sort(offsets)
	return n, offsets[len(offsets)/2]
}

// namedDistricts gives, for each station, the district whose name its name
// contains (the longest such name, of at least two letters; -1 when none,
// or when two districts of equal length match). Nil when no station names
// a district.
func namedDistricts(stations []coverage.Station, ds []coverage.District) []int {
	type named struct {
		name string
		i    int
	}
	var names []named
	first := map[string]int{} // a name's district, or -2 when two districts share it
	minLen, maxLen := math.MaxInt, 0
	for i, d := range ds {
		if n := strings.ToLower(strings.TrimSpace(d.Name)); utf8.RuneCountInString(n) >= 2 {
			names = append(names, named{n, i})
			if _, dup := first[n]; dup {
				first[n] = -2
			} else {
				first[n] = i
			}
			minLen, maxLen = min(minLen, len(n)), max(maxLen, len(n))
		}
	}
	if len(names) == 0 {
		return nil
	}
	// The district of a station is that of the longest district name its
	// own name contains, when one district alone has a contained name of
	// that length. The names a station's name contains are its substrings
	// of lengths minLen..maxLen found in first: looking them up costs
	// len(sn) x (maxLen-minLen+1) probes, scanning every name len(names)
	// substring searches; each station takes the cheaper way. Both give
	// the same answer.
	out := make([]int, len(stations))
	var found atomic.Bool
	eachChunk(len(stations), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			sn := strings.ToLower(stations[k].Name)
			best, at := 0, -1
			if span := maxLen - minLen + 1; len(sn)*span <= len(names) {
				for l := min(maxLen, len(sn)); l >= minLen && at == -1; l-- {
					for i := 0; i+l <= len(sn); i++ {
						d, ok := first[sn[i:i+l]]
						if !ok {
							continue
						}
						if at == -1 && best == 0 {
							best, at = l, d
						} else if d != at {
							at = -2
						}
					}
					if at == -1 {
						best = 0
					}
				}
			} else {
				for _, n := range names {
					if l := len(n.name); l >= best && strings.Contains(sn, n.name) {
						if l == best && at != n.i {
							at = -2 // two districts: no name
							continue
						}
						best, at = l, n.i
					}
				}
			}
			if at < 0 {
				at = -1
			}
			out[k] = at
			if at >= 0 {
				found.Store(true)
			}
		}
	})
	if !found.Load() {
		return nil
	}
	return out
}

// eachChunk calls fn on consecutive ranges [lo, hi) covering 0..n, on all
// cores at once; fn must only write what its own range owns.
func eachChunk(n int, fn func(lo, hi int)) {
	w := min(runtime.GOMAXPROCS(0), max(1, n/1024))
	if w <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for k := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(k*n/w, (k+1)*n/w)
		}()
	}
	wg.Wait()
}

// clearance is the clearance test of LikelyCRS: moving each station inside
// a district by its correction (moved[i] - station i) keeps every one
// inside, while turning the correction by 45°, 90°, ... (in a local metric
// frame) moves out at least clearanceMin of them on average. It returns
// that mean. At most clearanceSample stations, evenly spaced in file
// order, are looked at. A station it looks at whose moved[i] is (0, 0)
// is moved by sys first (again, when it really moves to (0, 0)).
func clearance(stations []coverage.Station, moved []orb.Point, sys crs.CRS, at []int, dist *districts) (float64, bool) {
	step := max(1, len(stations)/clearanceSample)
	var lost [clearanceDirections]int
	for i := 0; i < len(stations); i += step {
		if at[i] < 0 {
			continue
		}
		p := stations[i].Point
		if moved[i] == (orb.Point{}) {
			lon, lat := sys.ToWGS84(p[0], p[1])
			moved[i] = orb.Point{lon, lat}
		}
		q := moved[i]
		if p == q {
			continue
		}
		kx := math.Cos(p[1] * math.Pi / 180)
		dx, dy := (q[0]-p[0])*kx, q[1]-p[1] // degrees of latitude
		for k := range clearanceDirections {
			a := 2 * math.Pi * float64(k) / clearanceDirections
			c, s := math.Cos(a), math.Sin(a)
			to := orb.Point{p[0] + (dx*c-dy*s)/kx, p[1] + dx*s + dy*c}
			if k == 0 {
				to = q // the correction as the formula gives it
			}
			if !dist.contains(to) {
				lost[k]++
				if k == 0 {
					return 0, false // a true place outside: not this system
				}
			}
		}
	}
	sum := 0
	for _, n := range lost[1:] {
		sum += n
	}
	mean := float64(sum) / (clearanceDirections - 1)
	return mean, mean >= clearanceMin
}

// Message says what the hint means for people.
func (h CRSHint) Message() string {
	sys := map[string]string{"gcj02": "GCJ-02", "bd09": "BD-09"}[h.CRS]
	var why string
	switch h.Evidence {
	case "names":
		why = fmt.Sprintf("of %d stations whose name names a district, %d lie in it as read (WGS84), %d if they are %s", h.Named, h.Inside, h.IfRead, sys)
	case "clearance":
		why = fmt.Sprintf("moved back by the %s offset no station leaves the districts, while moved as far in other directions %.1f (mean) would: stations keep clear of the edges exactly as %s places read as WGS84 do", sys, h.Other, sys)
	default:
		why = fmt.Sprintf("%d of %d stations lie inside a district as read (WGS84), %d if they are %s", h.Inside, h.Stations, h.IfRead, sys)
	}
	if h.Of > h.Stations {
		why = fmt.Sprintf("%s (%d of the %d stations, evenly spaced in file order, looked at)", why, h.Stations, h.Of)
	}
	return fmt.Sprintf("%s (a consistent offset of about %.0f m): the stations are likely in %s", why, h.MedianOffsetM, sys)
}

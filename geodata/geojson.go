package geodata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/covaudit/covaudit/geodata/crs"
	"io"
	"math"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/covaudit/covaudit/coverage"
	"github.com/paulmach/orb"
)

// maxInputBytes caps what a reader loads into memory (1 GiB); a file
// beyond it is an error naming the limit, never read in part. A variable
// so that tests can lower it.
var maxInputBytes = 1 << 30

// errTooLarge is the error for a file beyond maxInputBytes; callers add
// the file's name.
func errTooLarge() error {
	limit := fmt.Sprintf("%d bytes", maxInputBytes)
	if maxInputBytes%(1<<30) == 0 {
		limit = fmt.Sprintf("%d GiB", maxInputBytes>>30)
	}
	return fmt.Errorf("larger than %s, the most covaudit reads from one file", limit)
}

// limitedReader reads r like io.LimitReader, but fails with errTooLarge
// where the input goes on past maxInputBytes instead of ending it there
// silently.
type limitedReader struct {
	r    io.Reader
	left int // bytes still allowed
}

func newLimitedReader(r io.Reader) *limitedReader { return &limitedReader{r, maxInputBytes} }

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errTooLarge()
	}
	if len(p) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= n
	if l.left < 0 {
		return n - 1, errTooLarge()
	}
	return n, err
}

// splitFeatures splits a GeoJSON document held in memory into features;
// the features refer to data, which must not change afterwards. emit, when
// not nil, is called with each feature of a collection as soon as it is
// split (see splitCollection).
func splitFeatures(data []byte, name string, emit func(rawFeatureSpans)) ([]rawFeatureSpans, error) {
	if len(data) > maxInputBytes {
		return nil, fmt.Errorf("%s: %w", name, errTooLarge())
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	feats, err := splitCollection(data, emit)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return feats, nil
}

// props decodes a feature's properties (null or absent: none).
func (f *rawFeatureSpans) props() (map[string]json.RawMessage, error) {
	if len(f.properties) == 0 || string(f.properties) == "null" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(f.properties, &m); err != nil {
		return nil, fmt.Errorf("properties: %v", err)
	}
	return m, nil
}

// check reports a feature that is not one.
func (f *rawFeatureSpans) check() error {
	if f.typ != "Feature" {
		return fmt.Errorf("type %q, want Feature", f.typ)
	}
	if f.geomErr != nil {
		return f.geomErr
	}
	return nil
}

// idText renders a feature id (string or number) as text.
func idText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func propText(props map[string]json.RawMessage, key string) (string, bool) {
	raw, ok := props[key]
	if !ok || string(raw) == "null" {
		return "", false
	}
	return idText(raw), true
}

// DistrictFeature is a district as read from a file, before its class is
// mapped to a rule.
type DistrictFeature struct {
	// Index is the 0-based feature index in the file.
	Index int
	ID    string
	Name  string
	// Class is the value of the class property as text; HasClass is false
	// when the property is missing or null.
	Class    string
	HasClass bool
	// Group is the value of DistrictOptions.GroupField (HasGroup false when
	// missing or null): districts sharing it are dissolved into one.
	Group    string
	HasGroup bool
	Geometry orb.MultiPolygon
	// Warnings say what the reader repaired in the feature (a ring that was
	// not closed), each naming the file, the feature and the place.
	Warnings Problems
}

// DistrictOptions name the properties ReadDistricts reads.
type DistrictOptions struct {
	NameField  string // default "name"
	ClassField string // default "class"
	// GroupField names the property whose value DistrictFeature.Group
	// holds (for --dissolve-by); "" reads none.
	GroupField string
	// CRS of the coordinates (default WGS84); they are converted to WGS84
	// before any check.
	CRS crs.CRS
	// Repair keeps the geometries that cross or touch themselves, or
	// whose holes lie outside their shells, for the caller to repair
	// (coverage.MakeValid, --repair); only coordinates out of range and
	// empty geometries are problems then.
	Repair bool
}

// ReadDistricts reads a GeoJSON FeatureCollection of Polygon and
// MultiPolygon features. Every feature whose geometry is missing, of another
// type, out of range, too small or self-crossing is reported in Problems; the
// others are returned. A ring that is not closed is closed and named in the
// district's Warnings. The error is for a file that cannot be read at all
// (or larger than 1 GiB).
func ReadDistricts(r io.Reader, name string, opts DistrictOptions) ([]DistrictFeature, Problems, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(maxInputBytes)+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return ReadDistrictsData(data, name, opts)
}

// ReadDistrictsData is ReadDistricts for a file already in memory, which
// spares a copy of large boundary files. data must not change while it runs.
func ReadDistrictsData(data []byte, name string, opts DistrictOptions) ([]DistrictFeature, Problems, error) {
	if opts.NameField == "" {
		opts.NameField = "name"
	}
	if opts.ClassField == "" {
		opts.ClassField = "class"
	}
	if opts.CRS.Name == "" {
		c, err := declaredCRS(data, name)
		if err != nil {
			return nil, nil, err
		}
		opts.CRS = c
	}
	// Features are decoded and checked in parallel as the walk over the
	// document finds them; results keep file order.
	type slot struct {
		d    DistrictFeature
		prob *Problem
	}
	type job struct {
		i int
		f rawFeatureSpans
	}
	type result struct {
		i int
		s slot
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job, 4*workers)
	done := make([][]result, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				d, prob := decodeDistrict(&j.f, j.i, name, opts)
				done[w] = append(done[w], result{j.i, slot{d, prob}})
			}
		}()
	}
	sent := 0
	feats, err := splitFeatures(data, name, func(f rawFeatureSpans) {
		jobs <- job{sent, f}
		sent++
	})
	for ; err == nil && sent < len(feats); sent++ { // a bare Feature
		jobs <- job{sent, feats[sent]}
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, nil, err
	}
	slots := make([]slot, len(feats))
	if sent == len(feats) {
		for _, rs := range done {
			for _, r := range rs {
				slots[r.i] = r.s
			}
		}
	} else { // an odd document (a bare Feature with a "features" key)
		for i := range feats {
			d, prob := decodeDistrict(&feats[i], i, name, opts)
			slots[i] = slot{d, prob}
		}
	}
	var out []DistrictFeature
	var probs Problems
	for _, s := range slots {
		if s.prob != nil {
			probs = append(probs, *s.prob)
		} else {
			out = append(out, s.d)
		}
	}
	if len(feats) == 0 {
		probs = append(probs, Problem{File: name, Feature: -1, Msg: "no features"})
	}
	return out, probs, nil
}

// decodeDistrict decodes and checks feature i.
func decodeDistrict(f *rawFeatureSpans, i int, name string, opts DistrictOptions) (DistrictFeature, *Problem) {
	d := DistrictFeature{Index: i, ID: idText(f.id)}
	props, err := f.props()
	if err == nil {
		err = f.check()
	}
	if d.ID == "" {
		d.ID, _ = propText(props, "id")
	}
	if err != nil {
		return DistrictFeature{}, &Problem{File: name, Feature: i, ID: d.ID, Msg: err.Error()}
	}
	d.Name, _ = propText(props, opts.NameField)
	d.Class, d.HasClass = propText(props, opts.ClassField)
	if opts.GroupField != "" {
		d.Group, d.HasGroup = propText(props, opts.GroupField)
	}
	mp, unclosed, err := decodeAreal(f, opts.CRS)
	if err == nil {
		err = validateDistrict(mp, opts)
	}
	if err != nil {
		return DistrictFeature{}, &Problem{File: name, Feature: i, ID: d.ID, Name: d.Name, Msg: err.Error()}
	}
	for _, u := range unclosed {
		d.Warnings = append(d.Warnings, Problem{File: name, Feature: i, ID: d.ID,
			Msg: fmt.Sprintf("polygon %d: ring %d is not closed (its last position is not its first, as RFC 7946 requires); closed it", u[0], u[1])})
	}
	d.Geometry = mp
	return d, nil
}

// validateDistrict checks a district's geometry: whole (ValidateGeometry),
// or, when it is to be repaired, its coordinates only.
func validateDistrict(mp orb.MultiPolygon, opts DistrictOptions) error {
	if opts.Repair {
		return coverage.ValidateCoordinates(mp)
	}
	return coverage.ValidateGeometry(mp)
}

// decodeAreal decodes a Polygon or MultiPolygon, closing rings that are
// not closed; unclosed lists those (polygon, ring).
func decodeAreal(g *rawFeatureSpans, sys crs.CRS) (mp orb.MultiPolygon, unclosed [][2]int, err error) {
	if !g.hasGeom {
		return nil, nil, fmt.Errorf("no geometry")
	}
	c := &coordParser{data: g.coords, sys: sys}
	switch g.geomType {
	case "Polygon":
		p, err := c.polygon()
		if err == nil {
			err = c.end()
		}
		if err != nil {
			return nil, nil, err
		}
		return orb.MultiPolygon{p}, c.unclosed, nil
	case "MultiPolygon":
		mp, err := c.multiPolygon()
		if err == nil {
			err = c.end()
		}
		return mp, c.unclosed, err
	}
	return nil, nil, fmt.Errorf("geometry type %q, want Polygon or MultiPolygon", g.geomType)
}

// toPoint checks a GeoJSON position: two or more numbers, longitude in
// [-180, 180] and latitude in [-90, 90].
func toPoint(pos []float64) (orb.Point, error) {
	if len(pos) < 2 {
		return orb.Point{}, fmt.Errorf("position has %d numbers, want 2", len(pos))
	}
	lon, lat := pos[0], pos[1]
	if err := checkLonLat(lon, lat); err != nil {
		return orb.Point{}, err
	}
	return orb.Point{lon, lat}, nil
}

func checkLonLat(lon, lat float64) error {
	if NotACoordinate(lon) {
		return fmt.Errorf("longitude: %s", notCoordinateMsg(fmtNum(lon)))
	}
	if math.IsNaN(lon) || math.IsInf(lon, 0) || lon < -180 || lon > 180 {
		return fmt.Errorf("longitude %s is out of range [-180, 180]", fmtNum(lon))
	}
	if NotACoordinate(lat) {
		return fmt.Errorf("latitude: %s", notCoordinateMsg(fmtNum(lat)))
	}
	if math.IsNaN(lat) || math.IsInf(lat, 0) || lat < -90 || lat > 90 {
		return fmt.Errorf("latitude %s is out of range [-90, 90]", fmtNum(lat))
	}
	return nil
}

// MaxProjectedM bounds the coordinates of every projected system in use,
// metres: Web Mercator reaches 2.004e7, Gauss-Krüger eastings written with
// their zone number in front (CGCS2000 3-degree zones 25 to 45) stay below
// 4.6e7. A value beyond it (a phone number pasted into a coordinate
// column, 4.0016612E+9) is neither degrees nor projected metres.
const MaxProjectedM = 1e8

// NotACoordinate reports whether v is too large to be a coordinate in
// degrees or in projected metres (|v| > MaxProjectedM).
func NotACoordinate(v float64) bool { return math.Abs(v) > MaxProjectedM && !math.IsInf(v, 0) }

// notCoordinateMsg says that the value written as text is not a coordinate.
func notCoordinateMsg(text string) string {
	return fmt.Sprintf("value %s is not a coordinate (too large for degrees or projected metres)", text)
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// StationOptions name the columns or properties station readers use. Empty
// fields are found by their usual names.
type StationOptions struct {
	LonCol, LatCol, IDCol, NameCol string
	// ValueCol names a column (or property) of counts read into
	// StationRecord.Value, for population points.
	ValueCol string
	// DelayCol names a column (or property) of per-station delays,
	// seconds (a turnout time; see coverage.Station.DelayS). Empty cells
	// and missing properties leave the station without one; a CSV without
	// the column is an error.
	DelayCol string
	// CapacityCol names a column (or property) of station capacities
	// (coverage.Station.Capacity): a non-negative number. An empty cell or
	// missing property, or a CSV without the column, takes
	// DefaultCapacity when HasDefaultCapacity, else it is an error.
	CapacityCol        string
	DefaultCapacity    float64
	HasDefaultCapacity bool
	// CRS of the coordinates (default WGS84): x and y columns in it are
	// converted to WGS84 longitude and latitude before any check.
	CRS crs.CRS
}

// ReadStationsGeoJSON reads stations from a GeoJSON FeatureCollection of
// Point and MultiPoint features. A station's id is the feature id, else
// properties.id, else its 1-based feature number; each point of a MultiPoint
// is a station with "#k" appended to the id. Name is properties.name (or
// the property named by opts.NameCol). Coordinates are in opts.CRS, else in
// the system a legacy "crs" member names (as ReadDistricts has it), else
// WGS84.
func ReadStationsGeoJSON(r io.Reader, name string, opts StationOptions) ([]coverage.Station, Problems, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(maxInputBytes)+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if opts.CRS.Name == "" { // a legacy "crs" member, as district files have
		if opts.CRS, err = declaredCRS(data, name); err != nil {
			return nil, nil, err
		}
	}
	feats, err := splitFeatures(data, name, nil)
	if err != nil {
		return nil, nil, err
	}
	nameKey := opts.NameCol
	if nameKey == "" {
		nameKey = "name"
	}
	idKey := opts.IDCol
	var out []coverage.Station
	var probs Problems
	for i := range feats {
		f := &feats[i]
		props, perr := f.props()
		if perr == nil {
			perr = f.check()
		}
		id := ""
		if idKey != "" && idKey != "id" {
			id, _ = propText(props, idKey)
		} else {
			// "id" (the default, and what covaudit.yaml's example names) is the
			// feature's own id member, else a property of that name.
			id = idText(f.id)
			if id == "" {
				id, _ = propText(props, "id")
			}
		}
		given := id != ""
		if !given {
			id = strconv.Itoa(i + 1)
		}
		if perr != nil {
			probs = append(probs, Problem{File: name, Feature: i, ID: id, Msg: perr.Error()})
			continue
		}
		nm, _ := propText(props, nameKey)
		pts, err := decodePoints(f, opts.CRS)
		if err != nil {
			probs = append(probs, Problem{File: name, Feature: i, ID: id, Msg: err.Error()})
			continue
		}
		var delay float64
		var hasDelay bool
		if opts.DelayCol != "" {
			text, _ := propText(props, opts.DelayCol)
			if delay, hasDelay, err = parseDelay(text, opts.DelayCol, ','); err != nil {
				probs = append(probs, Problem{File: name, Feature: i, ID: id, Msg: err.Error()})
				continue
			}
		}
		var capa float64
		if opts.CapacityCol != "" {
			text, _ := propText(props, opts.CapacityCol)
			if capa, err = opts.capacity(text, ','); err != nil {
				probs = append(probs, Problem{File: name, Feature: i, ID: id, Msg: err.Error()})
				continue
			}
		}
		for k, p := range pts {
			sid := id
			if len(pts) > 1 {
				sid = fmt.Sprintf("%s#%d", id, k+1)
			}
			out = append(out, coverage.Station{ID: sid, Name: nm, Point: p, IDGiven: given, DelayS: delay, HasDelay: hasDelay, Capacity: capa})
		}
	}
	return out, probs, nil
}

func decodePoints(g *rawFeatureSpans, sys crs.CRS) ([]orb.Point, error) {
	if !g.hasGeom {
		return nil, fmt.Errorf("no geometry")
	}
	c := &coordParser{data: g.coords, sys: sys}
	var out []orb.Point
	var err error
	switch g.geomType {
	case "Point":
		var p orb.Point
		p, err = c.point()
		out = []orb.Point{p}
	case "MultiPoint":
		err = c.array(func(k int) error {
			p, err := c.point()
			if err != nil {
				return fmt.Errorf("point %d: %w", k, err)
			}
			out = append(out, p)
			return nil
		})
		if err == nil && len(out) == 0 {
			return nil, fmt.Errorf("empty MultiPoint")
		}
	default:
		return nil, fmt.Errorf("geometry type %q, want Point or MultiPoint", g.geomType)
	}
	if err == nil {
		err = c.end()
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

var crsMember = regexp.MustCompile(`"crs"\s*:\s*\{[^\[]*?"properties"\s*:\s*\{\s*"name"\s*:\s*"([^"]+)"`)

// declaredCRS reads the "crs" member that GeoJSON files from before RFC
// 7946 (and ogr2ogr's with RFC7946=NO) carry at the top of the document,
// before the features: {"type": "name", "properties": {"name":
// "urn:ogc:def:crs:EPSG::32631"}}. Without one the coordinates are WGS84.
func declaredCRS(data []byte, name string) (crs.CRS, error) {
	head := data[:min(len(data), 4096)]
	if i := bytes.IndexByte(head, '['); i >= 0 {
		head = head[:i] // the member comes before the features
	}
	m := crsMember.FindSubmatch(head)
	if m == nil {
		// Writers that order members otherwise put it after the features.
		tail := data[max(0, len(data)-4096):]
		if i := bytes.LastIndexByte(tail, ']'); i >= 0 {
			tail = tail[i:]
		}
		m = crsMember.FindSubmatch(tail)
	}
	if m == nil {
		return crs.WGS84, nil
	}
	c, err := crs.Parse(string(m[1]))
	if err != nil {
		return crs.CRS{}, fmt.Errorf("%s: the \"crs\" member: %w", name, err)
	}
	return c, nil
}

// parseDelay reads a station's delay, seconds: "" is none; otherwise a
// finite number at least 0 (decimal notation).
func parseDelay(text, col string, sep rune) (float64, bool, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, false, nil
	}
	v, err := parseCoord(text, sep)
	if err != nil {
		return 0, false, fmt.Errorf("column %q: %v (a delay in seconds)", col, err)
	}
	if v < 0 || v > 86400 {
		return 0, false, fmt.Errorf("column %q: %s s is not a delay (want 0 to 86400 seconds)", col, fmtNum(v))
	}
	return v, true, nil
}

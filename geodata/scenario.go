package geodata

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/covaudit/covaudit/internal/number"
	"github.com/covaudit/covaudit/roads"
)

// maxScenarioBytes bounds a closure or speed-factor file (read whole).
const maxScenarioBytes = 256 << 20

// ReadClosures reads the roads a scenario closes (--close): a GeoJSON
// FeatureCollection of LineString, MultiLineString, Polygon or
// MultiPolygon features in WGS84, or a text list of OpenStreetMap way ids,
// one a line ("123", "way 123", "w123" or "way/123"; blank lines and
// lines from "#" are skipped). Every bad line or feature is reported, by
// line or feature index.
func ReadClosures(r io.Reader, name string) (*roads.Scenario, error) {
	sc := &roads.Scenario{ClosedWays: map[int64]bool{}}
	err := readScenario(r, name, false, func(id int64, _ float64) { sc.ClosedWays[id] = true },
		func(s roads.Shape, _ float64) { sc.Closed = append(sc.Closed, s) })
	return sc, err
}

// ReadSpeedFactors reads the roads a scenario slows (--speed-factor):
// GeoJSON features as ReadClosures reads, each with a number property
// "factor" in (0, 1], or text lines "way_id factor" (the way id as
// ReadClosures reads it). Speeds are multiplied by the factor.
func ReadSpeedFactors(r io.Reader, name string) (*roads.Scenario, error) {
	sc := &roads.Scenario{WayFactor: map[int64]float64{}}
	err := readScenario(r, name, true, func(id int64, f float64) {
		if v, ok := sc.WayFactor[id]; !ok || f < v {
			sc.WayFactor[id] = f
		}
	}, func(s roads.Shape, f float64) { sc.Slowed = append(sc.Slowed, roads.SlowShape{Shape: s, Factor: f}) })
	return sc, err
}

func readScenario(r io.Reader, name string, factors bool, way func(int64, float64), shape func(roads.Shape, float64)) error {
	data, err := io.ReadAll(io.LimitReader(r, maxScenarioBytes+1))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxScenarioBytes {
		return fmt.Errorf("%s: larger than %d MB", name, maxScenarioBytes>>20)
	}
	var probs Problems
	if t := bytes.TrimLeft(data, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
		probs = readScenarioGeoJSON(t, name, factors, shape)
	} else {
		probs = readScenarioText(data, name, factors, way)
	}
	if len(probs) > 0 {
		return fmt.Errorf("%d invalid record(s):\n%w", len(probs), probs)
	}
	return nil
}

func parseWayID(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	for _, p := range []string{"way/", "way ", "w"} {
		if strings.HasPrefix(s, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

func parseFactor(s string) (float64, string) {
	v, ok := number.Parse(strings.TrimSpace(s))
	if !ok {
		return 0, fmt.Sprintf("factor %q is not a number", s)
	}
	if !(v > 0 && v <= 1) {
		return 0, fmt.Sprintf("factor %v is outside (0, 1]", v)
	}
	return v, ""
}

func readScenarioText(data []byte, name string, factors bool, way func(int64, float64)) Problems {
	var probs Problems
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
		if text == "" {
			continue
		}
		bad := func(msg string) { probs = append(probs, Problem{File: name, Line: line, Feature: -1, Msg: msg}) }
		f := 1.0
		idText := text
		if factors {
			fields := strings.Fields(text)
			if len(fields) < 2 {
				bad(fmt.Sprintf("want \"way_id factor\", got %q", text))
				continue
			}
			idText = strings.Join(fields[:len(fields)-1], " ")
			var msg string
			if f, msg = parseFactor(fields[len(fields)-1]); msg != "" {
				bad(msg)
				continue
			}
		}
		id, ok := parseWayID(idText)
		if !ok {
			bad(fmt.Sprintf("%q is not an OpenStreetMap way id (a positive integer, as 123 or way/123)", idText))
			continue
		}
		way(id, f)
	}
	if err := sc.Err(); err != nil {
		probs = append(probs, Problem{File: name, Line: line + 1, Feature: -1, Msg: err.Error()})
	}
	return probs
}

type scenarioFeature struct {
	Type       string                     `json:"type"`
	Properties map[string]json.RawMessage `json:"properties"`
	Geometry   *struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

func readScenarioGeoJSON(data []byte, name string, factors bool, shape func(roads.Shape, float64)) Problems {
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return Problems{{File: name, Feature: -1, Msg: "not GeoJSON: " + err.Error()}}
	}
	if fc.Type != "FeatureCollection" {
		return Problems{{File: name, Feature: -1, Msg: fmt.Sprintf("want a GeoJSON FeatureCollection, got type %q", fc.Type)}}
	}
	var probs Problems
	for i, raw := range fc.Features {
		bad := func(msg string) { probs = append(probs, Problem{File: name, Feature: i, Msg: msg}) }
		var f scenarioFeature
		if err := json.Unmarshal(raw, &f); err != nil {
			bad("not a GeoJSON feature: " + err.Error())
			continue
		}
		if f.Geometry == nil {
			bad("no geometry")
			continue
		}
		factor := 1.0
		if factors {
			v, ok := f.Properties["factor"]
			if !ok {
				bad(`no "factor" property`)
				continue
			}
			var x float64
			if err := json.Unmarshal(v, &x); err != nil {
				bad(fmt.Sprintf(`property "factor": %s is not a number`, string(v)))
				continue
			}
			var msg string
			if factor, msg = parseFactor(strconv.FormatFloat(x, 'g', -1, 64)); msg != "" {
				bad(msg)
				continue
			}
		}
		var s roads.Shape
		var err error
		c := f.Geometry.Coordinates
		switch f.Geometry.Type {
		case "LineString":
			var l [][2]float64
			if l, err = scenarioPath(c, 2); err == nil {
				s.Lines = [][][2]float64{l}
			}
		case "MultiLineString":
			var ls []json.RawMessage
			if err = json.Unmarshal(c, &ls); err == nil {
				for k, lc := range ls {
					l, e := scenarioPath(lc, 2)
					if e != nil {
						err = fmt.Errorf("line %d: %w", k, e)
						break
					}
					s.Lines = append(s.Lines, l)
				}
			}
		case "Polygon":
			s.Rings, err = scenarioRings(c)
		case "MultiPolygon":
			var ps []json.RawMessage
			if err = json.Unmarshal(c, &ps); err == nil {
				for k, pc := range ps {
					rs, e := scenarioRings(pc)
					if e != nil {
						err = fmt.Errorf("polygon %d: %w", k, e)
						break
					}
					s.Rings = append(s.Rings, rs...)
				}
			}
		default:
			err = fmt.Errorf("geometry type %q: want LineString, MultiLineString, Polygon or MultiPolygon", f.Geometry.Type)
		}
		if err != nil {
			bad(err.Error())
			continue
		}
		shape(s, factor)
	}
	return probs
}

// scenarioPath decodes a list of at least n [lon, lat] positions.
func scenarioPath(c json.RawMessage, n int) ([][2]float64, error) {
	var pts [][]float64
	if err := json.Unmarshal(c, &pts); err != nil {
		return nil, fmt.Errorf("coordinates: %w", err)
	}
	if len(pts) < n {
		return nil, fmt.Errorf("%d position(s), want at least %d", len(pts), n)
	}
	out := make([][2]float64, len(pts))
	for i, p := range pts {
		if len(p) < 2 {
			return nil, fmt.Errorf("position %d: want [lon, lat]", i)
		}
		if !(p[0] >= -180 && p[0] <= 180) || !(p[1] >= -90 && p[1] <= 90) || math.IsNaN(p[0]) {
			return nil, fmt.Errorf("position %d: (%v, %v) is out of range", i, p[0], p[1])
		}
		out[i] = [2]float64{p[0], p[1]}
	}
	return out, nil
}

func scenarioRings(c json.RawMessage) ([][][2]float64, error) {
	var rs []json.RawMessage
	if err := json.Unmarshal(c, &rs); err != nil {
		return nil, fmt.Errorf("coordinates: %w", err)
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("no ring")
	}
	var out [][][2]float64
	for k, rc := range rs {
		r, err := scenarioPath(rc, 4)
		if err != nil {
			return nil, fmt.Errorf("ring %d: %w", k, err)
		}
		out = append(out, r)
	}
	return out, nil
}

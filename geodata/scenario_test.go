package geodata

import (
	"strings"
	"testing"
)

func TestReadClosures(t *testing.T) {
	sc, err := ReadClosures(strings.NewReader("# closed for works\n123\nway 45\nw6\n\nway/7 # the ford\n"), "close.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{123, 45, 6, 7} {
		if !sc.ClosedWays[id] {
			t.Errorf("ReadClosures: way %d not closed (%v)", id, sc.ClosedWays)
		}
	}
	gj := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1.5,42.5],[1.6,42.5]]}},
{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[1,42],[2,42],[2,43],[1,42]]]]}}]}`
	sc, err = ReadClosures(strings.NewReader(gj), "close.geojson")
	if err != nil || len(sc.Closed) != 2 || len(sc.Closed[0].Lines) != 1 || len(sc.Closed[1].Rings) != 1 {
		t.Errorf("ReadClosures(GeoJSON) = %+v, %v", sc, err)
	}
}

func TestReadSpeedFactors(t *testing.T) {
	sc, err := ReadSpeedFactors(strings.NewReader("12 0.5\nway/13 1\n12 0.25\n"), "slow.txt")
	if err != nil || sc.WayFactor[12] != 0.25 || sc.WayFactor[13] != 1 {
		t.Errorf("ReadSpeedFactors = %+v, %v; want way 12 at 0.25 (the smaller), 13 at 1", sc, err)
	}
	gj := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"factor":0.3},"geometry":{"type":"LineString","coordinates":[[1.5,42.5],[1.6,42.5]]}}]}`
	sc, err = ReadSpeedFactors(strings.NewReader(gj), "slow.geojson")
	if err != nil || len(sc.Slowed) != 1 || sc.Slowed[0].Factor != 0.3 {
		t.Errorf("ReadSpeedFactors(GeoJSON) = %+v, %v", sc, err)
	}
}

// TestScenarioErrors: every bad line or feature is reported at once, by
// file and line or feature.
func TestScenarioErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		factors    bool
		want       []string
	}{
		{"text ids", "12\nabc\n-4\nway/x\n", false, []string{`close.txt:2: "abc" is not`, `close.txt:3: "-4"`, `close.txt:4: "way/x"`}},
		{"text factors", "12 0.5\n13 0\n14 1.5\n15\n16 x\n", true, []string{"close.txt:2: factor 0 is outside (0, 1]", "close.txt:3: factor 1.5", `close.txt:4: want "way_id factor"`, `close.txt:5: factor "x" is not a number`}},
		{"geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}},{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2]]}},{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[1,95]]}},{"type":"Feature","geometry":null}]}`, false,
			[]string{`feature 0: geometry type "Point"`, "feature 1: 1 position(s), want at least 2", "feature 2: position 1: (1, 95) is out of range", "feature 3: no geometry"}},
		{"geojson factors", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,2],[1,3]]}},{"type":"Feature","properties":{"factor":"slow"},"geometry":{"type":"LineString","coordinates":[[1,2],[1,3]]}},{"type":"Feature","properties":{"factor":2},"geometry":{"type":"LineString","coordinates":[[1,2],[1,3]]}}]}`, true,
			[]string{`feature 0: no "factor" property`, `feature 1: property "factor": "slow" is not a number`, "feature 2: factor 2 is outside (0, 1]"}},
		{"not a collection", `{"type":"Feature"}`, false, []string{`want a GeoJSON FeatureCollection, got type "Feature"`}},
		{"broken json", `{"type":`, false, []string{"close.txt: not GeoJSON"}},
	} {
		read := ReadClosures
		if tc.factors {
			read = ReadSpeedFactors
		}
		_, err := read(strings.NewReader(tc.data), "close.txt")
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", tc.name, err, w)
			}
		}
	}
}

func FuzzReadClosures(f *testing.F) {
	f.Add([]byte("123\nway/4\n# c\n"))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[1,42],[2,42],[2,43],[1,42]]]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ReadClosures(strings.NewReader(string(data)), "f")
		if err == nil {
			for id := range sc.ClosedWays {
				if id <= 0 {
					t.Fatalf("way id %d accepted", id)
				}
			}
		}
	})
}

func FuzzReadSpeedFactors(f *testing.F) {
	f.Add([]byte("123 0.5\nway/4 1\n"))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"factor":0.5},"geometry":{"type":"LineString","coordinates":[[1,42],[2,42]]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ReadSpeedFactors(strings.NewReader(string(data)), "f")
		if err != nil {
			return
		}
		for _, v := range sc.WayFactor {
			if !(v > 0 && v <= 1) {
				t.Fatalf("factor %v accepted", v)
			}
		}
		for _, s := range sc.Slowed {
			if !(s.Factor > 0 && s.Factor <= 1) {
				t.Fatalf("factor %v accepted", s.Factor)
			}
		}
	})
}

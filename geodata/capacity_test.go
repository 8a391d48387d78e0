package geodata

import (
	"strings"
	"testing"
)

func TestReadStationCapacities(t *testing.T) {
	csvIn := "id,lon,lat,capacity\na,1.5,42.5,3\nb,1.6,42.5,\nc,1.7,42.5,-1\nd,1.8,42.5,x2\ne,1.9,42.5,0\n"
	st, probs, err := ReadStations(strings.NewReader(csvIn), "s.csv", StationOptions{CapacityCol: "capacity"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"s.csv:3", "s.csv:4", "s.csv:5"}
	if len(probs) != len(want) {
		t.Fatalf("problems %v, want lines 3, 4, 5", probs)
	}
	for i, p := range probs {
		if !strings.HasPrefix(p.Error(), want[i]) || !strings.Contains(p.Error(), `column "capacity"`) {
			t.Errorf("problem %d = %q, want %s naming the column", i, p.Error(), want[i])
		}
	}
	if len(st) != 2 || st[0].Capacity != 3 || st[1].Capacity != 0 {
		t.Errorf("stations %+v, want a (3) and e (0)", st)
	}
	// With a default, empty cells take it; bad ones stay errors.
	st, probs, _ = ReadStations(strings.NewReader(csvIn), "s.csv", StationOptions{CapacityCol: "capacity", DefaultCapacity: 2, HasDefaultCapacity: true})
	if len(probs) != 2 || len(st) != 3 || st[1].Capacity != 2 {
		t.Errorf("with a default: stations %+v, problems %v", st, probs)
	}
	// A file without the column: an error, unless a default is given.
	noCol := "id,lon,lat\na,1.5,42.5\n"
	if _, _, err := ReadStations(strings.NewReader(noCol), "s.csv", StationOptions{CapacityCol: "capacity"}); err == nil || !strings.Contains(err.Error(), `no column "capacity"`) {
		t.Errorf("no column: %v", err)
	}
	if st, _, err := ReadStations(strings.NewReader(noCol), "s.csv", StationOptions{CapacityCol: "capacity", DefaultCapacity: 4, HasDefaultCapacity: true}); err != nil || st[0].Capacity != 4 {
		t.Errorf("no column with a default: %v %+v", err, st)
	}
	gj := `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"beds":"12.5"},"geometry":{"type":"Point","coordinates":[1.5,42.5]}},
{"type":"Feature","id":"b","properties":{"beds":-3},"geometry":{"type":"Point","coordinates":[1.5,42.5]}},
{"type":"Feature","id":"c","properties":{},"geometry":{"type":"Point","coordinates":[1.5,42.5]}}]}`
	st, probs, err = ReadStations(strings.NewReader(gj), "s.geojson", StationOptions{CapacityCol: "beds"})
	if err != nil || len(st) != 1 || st[0].Capacity != 12.5 || len(probs) != 2 || probs[0].Feature != 1 || probs[1].Feature != 2 {
		t.Errorf("GeoJSON: %v, stations %+v, problems %v", err, st, probs)
	}
}

// FuzzReadStationCapacities: with a capacity column every accepted
// station has a finite capacity of at least 0, never a panic.
func FuzzReadStationCapacities(f *testing.F) {
	f.Add([]byte("id,lon,lat,capacity\na,1.5,42.5,3\nb,1.6,42.5,\nc,1.7,42.5,-1\n"))
	f.Add([]byte("lon;lat;capacity\n1,5;2;3,5\n"))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"capacity":"2"},"geometry":{"type":"Point","coordinates":[1,2]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []StationOptions{{CapacityCol: "capacity"}, {CapacityCol: "capacity", DefaultCapacity: 1, HasDefaultCapacity: true}} {
			st, _, err := ReadStations(strings.NewReader(string(data)), "fuzz", opts)
			if err != nil {
				continue
			}
			for _, s := range st {
				if !(s.Capacity >= 0 && s.Capacity <= 1e15) {
					t.Fatalf("station %q: capacity %v", s.ID, s.Capacity)
				}
			}
		}
	})
}

package roads

import (
	"bytes"
	"maps"
	"strings"
	"testing"
)

func TestWaySpeeds(t *testing.T) {
	for _, c := range []struct {
		desc     string
		p        Profile
		tags     map[string]string
		fwd, bwd float64
	}{
		{"primary", Car(), map[string]string{"highway": "primary"}, 65, 65},
		{"maxspeed km/h at 0.8", Car(), map[string]string{"highway": "primary", "maxspeed": "50"}, 40, 40},
		{"maxspeed mph", Car(), map[string]string{"highway": "primary", "maxspeed": "30 mph"}, 0.8 * 30 * 1.609344, 0.8 * 30 * 1.609344},
		{"maxspeed not numeric", Car(), map[string]string{"highway": "primary", "maxspeed": "RO:urban"}, 65, 65},
		{"oneway yes", Car(), map[string]string{"highway": "residential", "oneway": "yes"}, 25, 0},
		{"oneway -1", Car(), map[string]string{"highway": "residential", "oneway": "-1"}, 0, 25},
		{"motorway implies oneway", Car(), map[string]string{"highway": "motorway"}, 90, 0},
		{"motorway oneway=no", Car(), map[string]string{"highway": "motorway", "oneway": "no"}, 90, 90},
		{"roundabout implies oneway", Car(), map[string]string{"highway": "tertiary", "junction": "roundabout"}, 40, 0},
		{"reversible not driven", Car(), map[string]string{"highway": "tertiary", "oneway": "reversible"}, 0, 0},
		{"access=private", Car(), map[string]string{"highway": "service", "access": "private"}, 0, 0},
		{"motor_vehicle=no", Car(), map[string]string{"highway": "service", "motor_vehicle": "no"}, 0, 0},
		{"access=no but motorcar=yes", Car(), map[string]string{"highway": "service", "access": "no", "motorcar": "yes"}, 15, 15},
		{"track not driven", Car(), map[string]string{"highway": "track"}, 0, 0},
		{"area=yes", Car(), map[string]string{"highway": "service", "area": "yes"}, 0, 0},
		{"bicycle on track", Bicycle(), map[string]string{"highway": "track"}, 12, 12},
		{"bicycle not on motorway", Bicycle(), map[string]string{"highway": "motorway"}, 0, 0},
		{"bicycle contraflow", Bicycle(), map[string]string{"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"}, 18, 18},
		{"foot ignores oneway", Foot(), map[string]string{"highway": "residential", "oneway": "yes"}, 5, 5},
		{"foot on steps", Foot(), map[string]string{"highway": "steps"}, 2, 2},
		{"foot=no", Foot(), map[string]string{"highway": "path", "foot": "no"}, 0, 0},
	} {
		fwd, bwd := c.p.WaySpeeds(func(k string) string { return c.tags[k] })
		if !near(fwd, c.fwd) || !near(bwd, c.bwd) {
			t.Errorf("%s: %v forwards, %v backwards; want %v, %v", c.desc, fwd, bwd, c.fwd, c.bwd)
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestSpeedsRoundTrip(t *testing.T) {
	for _, p := range []Profile{Car(), Bicycle(), Foot()} {
		var b bytes.Buffer
		if err := p.WriteSpeeds(&b); err != nil {
			t.Fatal(err)
		}
		q, err := ReadSpeeds(&b, "speeds", Profile{Name: p.Name, AccessKeys: p.AccessKeys})
		if err != nil || !maps.Equal(p.Speeds, q.Speeds) || p.MaxspeedFactor != q.MaxspeedFactor || p.Oneway != q.Oneway {
			t.Errorf("%s: read back %+v, %v", p.Name, q, err)
		}
	}
	_, err := ReadSpeeds(strings.NewReader("primary fast\nmotorway 90\nx 1 2\nmaxspeed-factor 9\noneway perhaps\n"), "s.txt", Car())
	for _, want := range []string{"s.txt:1:", "s.txt:3:", "s.txt:4:", "s.txt:5:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

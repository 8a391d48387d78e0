package roads

import (
	"bytes"
	"maps"
	"math"
	"strings"
	"testing"
)

// FuzzReadSpeeds: any speeds file is a profile or an error naming the
// file, never a panic; a profile read holds finite speeds in [0, 400] and a
// factor in [0, 2]; written back by WriteSpeeds and read over an empty
// profile it gives the same speeds, factor and oneway.
//
//	go test ./roads -run '^$' -fuzz FuzzReadSpeeds -fuzztime 3000x
func FuzzReadSpeeds(f *testing.F) {
	for _, p := range []Profile{Car(), Bicycle(), Foot()} {
		var b bytes.Buffer
		p.WriteSpeeds(&b)
		f.Add(b.Bytes())
	}
	for _, s := range []string{"primary 70\nmaxspeed-factor 0\noneway no\n", "residential NaN\n", "motorway +Inf\n", "primary 0x40\n",
		"track 1e1 # comment\r\n\n  service\t7.5\n", "primary 1_5\n", "x 1 2\n", "oneway perhaps\n", "living_street 0.1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadSpeeds(bytes.NewReader(data), "s.txt", Car())
		if err != nil {
			if !strings.HasPrefix(err.Error(), "s.txt:") {
				t.Errorf("ReadSpeeds error %q does not name the file", err)
			}
			return
		}
		for c, v := range p.Speeds {
			if math.IsNaN(v) || v < 0 || v > 400 {
				t.Errorf("ReadSpeeds(%q): class %q at %v km/h", data, c, v)
			}
		}
		if !(p.MaxspeedFactor >= 0 && p.MaxspeedFactor <= 2) {
			t.Errorf("ReadSpeeds(%q): maxspeed-factor %v", data, p.MaxspeedFactor)
		}
		var b bytes.Buffer
		if err := p.WriteSpeeds(&b); err != nil {
			t.Fatal(err)
		}
		q, err := ReadSpeeds(bytes.NewReader(b.Bytes()), "written", Profile{Name: p.Name})
		if err != nil || !maps.Equal(p.Speeds, q.Speeds) || p.MaxspeedFactor != q.MaxspeedFactor || p.Oneway != q.Oneway {
			t.Errorf("ReadSpeeds(%q), written as\n%s\nreads back as %+v, %v, want %+v", data, b.Bytes(), q, err, p)
		}
	})
}

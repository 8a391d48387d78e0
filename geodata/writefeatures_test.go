package geodata

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// writeFeaturesSerial is WriteFeatures as it was before it encoded on all
// cores: one feature after the other, straight into the writer. The
// parallel writer must give its bytes.
func writeFeaturesSerial(w io.Writer, feats []Feature, extra []Prop) error {
	coord := func(v float64) string {
		s := strconv.FormatFloat(v, 'f', 7, 64)
		for len(s) > 1 && s[len(s)-1] == '0' {
			s = s[:len(s)-1]
		}
		s = strings.TrimSuffix(s, ".")
		if s == "-0" {
			s = "0"
		}
		return s
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"type":"FeatureCollection"`)
	for _, p := range extra {
		if err := writeProp(bw, p); err != nil {
			return err
		}
	}
	bw.WriteString(`,"features":[`)
	for i, f := range feats {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n{\"type\":\"Feature\",\"properties\":{")
		for k, p := range f.Props {
			b, err := json.Marshal(p.Value)
			if err != nil {
				return fmt.Errorf("feature %d: property %q: %w", i, p.Key, err)
			}
			if k > 0 {
				bw.WriteByte(',')
			}
			kb, _ := json.Marshal(p.Key)
			bw.Write(kb)
			bw.WriteByte(':')
			bw.Write(b)
		}
		if f.Point != nil {
			fmt.Fprintf(bw, `},"geometry":{"type":"Point","coordinates":[%s,%s]}}`, coord(f.Point[0]), coord(f.Point[1]))
			continue
		}
		bw.WriteString(`},"geometry":{"type":"Polygon","coordinates":[`)
		for ri, ring := range f.Polygon {
			if ri > 0 {
				bw.WriteByte(',')
			}
			bw.WriteByte('[')
			var last [2]string
			n := 0
			for _, p := range ring {
				c := [2]string{coord(p[0]), coord(p[1])}
				if n > 0 && c == last {
					continue
				}
				if n > 0 {
					bw.WriteByte(',')
				}
				fmt.Fprintf(bw, "[%s,%s]", c[0], c[1])
				last = c
				n++
			}
			bw.WriteByte(']')
		}
		bw.WriteString("]}}")
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// randomFeatures makes n features with the cases the writer treats apart:
// points, holes, points that round to the same 1e-7 degrees, negative
// zeros, whole and long coordinates, strings to escape, Fixed values.
func randomFeatures(rng *rand.Rand, n int) []Feature {
	feats := make([]Feature, n)
	for i := range feats {
		f := Feature{Props: []Prop{
			{Key: "name", Value: fmt.Sprintf("d<%d> & \"q\"", i)},
			{Key: "area_m2", Value: Fixed{V: rng.Float64() * 1e6, Digits: 2}},
			{Key: "n", Value: rng.IntN(10)},
		}}
		if rng.IntN(10) == 0 {
			f.Point = &orb.Point{rng.Float64()*360 - 180, -0.0000000001}
			feats[i] = f
			continue
		}
		for range 1 + rng.IntN(3) {
			var ring orb.Ring
			for range 3 + rng.IntN(40) {
				p := orb.Point{114 + rng.Float64(), 22 + rng.Float64()}
				switch rng.IntN(6) {
				case 0:
					p = orb.Point{math.Copysign(0, -1), -1e-9} // both write "0"
				case 1:
					p[0] = math.Round(p[0]) // a whole degree: no decimals
				}
				ring = append(ring, p)
				if rng.IntN(4) == 0 { // the same point after rounding
					ring = append(ring, orb.Point{p[0] + 1e-9, p[1] - 1e-9})
				}
			}
			ring = append(ring, ring[0])
			f.Polygon = append(f.Polygon, ring)
		}
		feats[i] = f
	}
	return feats
}

func TestWriteFeaturesMatchesSerial(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(7, 15))
	extra := []Prop{{Key: "attribution", Value: "© contributors"}}
	for _, n := range []int{0, 1, featureRun - 1, featureRun, featureRun + 1, 10*featureRun + 3} {
		feats := randomFeatures(rng, n)
		var want bytes.Buffer
		if err := writeFeaturesSerial(&want, feats, extra); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(want.Bytes()) {
			t.Fatalf("%d features: the reference writes invalid JSON", n)
		}
		for _, procs := range []int{1, 2, 4} {
			runtime.GOMAXPROCS(procs)
			var got bytes.Buffer
			if err := WriteFeatures(&got, feats, extra); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%d features, %d cores: the bytes differ from the serial writer's", n, procs)
			}
		}
	}
}

// failAfter fails every write after the first n bytes.
type failAfter struct{ n int }

func (w *failAfter) Write(p []byte) (int, error) {
	if w.n < len(p) {
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteFeaturesErrors(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	rng := rand.New(rand.NewPCG(1, 2))
	feats := randomFeatures(rng, 20*featureRun)
	// A value JSON cannot hold: the error names the first such feature.
	bad := 7*featureRun + 5
	feats[bad].Props = append(feats[bad].Props, Prop{Key: "x", Value: math.NaN()})
	feats[bad+featureRun].Props = append(feats[bad+featureRun].Props, Prop{Key: "y", Value: math.Inf(1)})
	err := WriteFeatures(io.Discard, feats, nil)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("feature %d: property \"x\"", bad)) {
		t.Errorf("got %v, want the error of feature %d", err, bad)
	}
	// A writer that fails part way: its error comes back.
	feats[bad].Props = feats[bad].Props[:3]
	feats[bad+featureRun].Props = feats[bad+featureRun].Props[:3]
	if err := WriteFeatures(&failAfter{n: 200000}, feats, nil); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("got %v, want the writer's error", err)
	}
}

func TestInOrder(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 5, 99, 1000} {
			var got []byte
			err := inOrder(n, 7, func(lo, hi int, buf []byte) ([]byte, error) {
				for i := lo; i < hi; i++ {
					buf = strconv.AppendInt(buf, int64(i), 10)
					buf = append(buf, ' ')
				}
				return buf, nil
			}, func(b []byte) error {
				got = append(got, b...)
				return nil
			})
			var want []byte
			for i := range n {
				want = append(strconv.AppendInt(want, int64(i), 10), ' ')
			}
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%d cores, n=%d: got %q, %v", procs, n, got, err)
			}
		}
	}
}

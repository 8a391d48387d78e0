package geodata

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/paulmach/orb"
)

// Fixed is a number written with a fixed count of decimals, so that output
// diffs cleanly. NaN and infinities are written as null.
type Fixed struct {
	V      float64
	Digits int
}

// String is the number as MarshalJSON writes it ("null" for NaN and
// infinities), for CSV and text.
func (f Fixed) String() string {
	b, _ := f.MarshalJSON()
	return string(b)
}

// MarshalJSON writes the number with f.Digits decimals.
func (f Fixed) MarshalJSON() ([]byte, error) {
	if math.IsNaN(f.V) || math.IsInf(f.V, 0) {
		return []byte("null"), nil
	}
	v := f.V
	if v == 0 {
		v = 0 // no "-0.00"
	}
	s := strconv.FormatFloat(v, 'f', f.Digits, 64)
	if s[0] == '-' && isZeros(s[1:]) {
		s = s[1:]
	}
	return []byte(s), nil
}

func isZeros(s string) bool {
	for _, c := range s {
		if c != '0' && c != '.' {
			return false
		}
	}
	return true
}

// Prop is one property of a feature; Props keep their order in the output.
type Prop struct {
	Key   string
	Value any
}

// Feature is a polygon feature for WriteFeatures.
type Feature struct {
	Polygon orb.Polygon
	Props   []Prop
}

// WriteFeatures writes an RFC 7946 FeatureCollection of Polygon features:
// coordinates rounded to 1e-7 degrees (repeated points after rounding are
// dropped), one feature per line, "features": [] when there are none.
func WriteFeatures(w io.Writer, feats []Feature, extra []Prop) error {
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

func writeProp(bw *bufio.Writer, p Prop) error {
	b, err := json.Marshal(p.Value)
	if err != nil {
		return err
	}
	kb, _ := json.Marshal(p.Key)
	bw.WriteByte(',')
	bw.Write(kb)
	bw.WriteByte(':')
	bw.Write(b)
	return nil
}

// coord formats a coordinate to 1e-7 degrees without trailing zeros.
func coord(v float64) string {
	s := strconv.FormatFloat(v, 'f', 7, 64)
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	s = trimDot(s)
	if s == "-0" {
		s = "0"
	}
	return s
}

func trimDot(s string) string {
	if s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
}

// WriteFileAtomic writes a file whole or not at all: write fills a temporary
// file in the same directory, which is renamed over path only when write
// and the flush to disk succeed.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

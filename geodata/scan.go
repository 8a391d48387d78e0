package geodata

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// The GeoJSON files covaudit reads can hold millions of coordinates.
// encoding/json validates and scans a value each time it is decoded, so
// decoding a collection, then each feature, then each geometry reads the
// coordinates three times. The scanner below walks the object structure once,
// hands the small parts (ids, properties, type names) to encoding/json and the
// coordinates to coordParser. Values of keys it does not use are skipped by
// matching brackets and strings without further checks.

// span is a JSON value's bytes in the file, with its offset.
type span struct {
	off  int
	data []byte
}

type jsonWalker struct {
	data []byte
	pos  int
}

func (w *jsonWalker) errf(format string, args ...any) error {
	line := 1 + bytes.Count(w.data[:min(w.pos, len(w.data))], []byte("\n"))
	return fmt.Errorf("line %d, byte offset %d: %s", line, w.pos, fmt.Sprintf(format, args...))
}

func (w *jsonWalker) ws() {
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return
		}
	}
}

func (w *jsonWalker) expect(b byte) error {
	w.ws()
	if w.pos >= len(w.data) || w.data[w.pos] != b {
		if w.pos >= len(w.data) {
			return w.errf("unexpected end of file, want %q", b)
		}
		return w.errf("want %q, got %q", b, w.data[w.pos])
	}
	w.pos++
	return nil
}

// skip moves past one JSON value and returns its span.
func (w *jsonWalker) skip() (span, error) {
	w.ws()
	start := w.pos
	depth := 0
	for w.pos < len(w.data) {
		switch c := w.data[w.pos]; c {
		case '"':
			if err := w.skipString(); err != nil {
				return span{}, err
			}
			if depth == 0 {
				return span{start, w.data[start:w.pos]}, nil
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				if w.pos > start { // the end of a literal
					return span{start, w.data[start:w.pos]}, nil
				}
				return span{}, w.errf("unexpected %q", c)
			}
			depth--
			if depth == 0 {
				w.pos++
				return span{start, w.data[start:w.pos]}, nil
			}
		case ',', ':':
			if depth == 0 {
				if w.pos == start {
					return span{}, w.errf("want a value, got %q", c)
				}
				return span{start, w.data[start:w.pos]}, nil
			}
		case ' ', '\t', '\n', '\r':
			if depth == 0 && w.pos > start {
				return span{start, w.data[start:w.pos]}, nil
			}
		}
		w.pos++
	}
	if depth > 0 || w.pos == start {
		return span{}, w.errf("unexpected end of file")
	}
	return span{start, w.data[start:w.pos]}, nil
}

// skipArray moves past an array of numbers (coordinates) by counting
// brackets only, which is several times faster than skip; an array with a
// string inside goes to skip.
func (w *jsonWalker) skipArray() (span, error) {
	w.ws()
	start := w.pos
	if w.pos >= len(w.data) || w.data[w.pos] != '[' {
		return w.skip()
	}
	depth := 0
	for i := w.pos; i < len(w.data); i++ {
		switch w.data[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				w.pos = i + 1
				return span{start, w.data[start:w.pos]}, nil
			}
		case '"', '{', '}':
			return w.skip()
		}
	}
	return w.skip()
}

func (w *jsonWalker) skipString() error {
	w.pos++ // opening quote
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case '\\':
			w.pos += 2
			continue
		case '"':
			w.pos++
			return nil
		}
		w.pos++
	}
	return w.errf("unterminated string")
}

// object calls fn for each key of the object at the current position, with
// the walker placed on the key's value; fn must consume the value.
func (w *jsonWalker) object(fn func(key string) error) error {
	if err := w.expect('{'); err != nil {
		return err
	}
	w.ws()
	if w.pos < len(w.data) && w.data[w.pos] == '}' {
		w.pos++
		return nil
	}
	for {
		w.ws()
		if w.pos >= len(w.data) || w.data[w.pos] != '"' {
			return w.errf("want an object key")
		}
		ks, err := w.skip()
		if err != nil {
			return err
		}
		var key string
		if err := json.Unmarshal(ks.data, &key); err != nil {
			return w.errf("bad object key: %v", err)
		}
		if err := w.expect(':'); err != nil {
			return err
		}
		if err := fn(key); err != nil {
			return err
		}
		w.ws()
		if w.pos >= len(w.data) {
			return w.errf("unexpected end of file in an object")
		}
		switch w.data[w.pos] {
		case ',':
			w.pos++
		case '}':
			w.pos++
			return nil
		default:
			return w.errf("want ',' or '}' in an object, got %q", w.data[w.pos])
		}
	}
}

// array calls fn for each element of the array at the current position;
// fn must consume the element.
func (w *jsonWalker) array(fn func(i int) error) error {
	if err := w.expect('['); err != nil {
		return err
	}
	w.ws()
	if w.pos < len(w.data) && w.data[w.pos] == ']' {
		w.pos++
		return nil
	}
	for i := 0; ; i++ {
		if err := fn(i); err != nil {
			return err
		}
		w.ws()
		if w.pos >= len(w.data) {
			return w.errf("unexpected end of file in an array")
		}
		switch w.data[w.pos] {
		case ',':
			w.pos++
		case ']':
			w.pos++
			return nil
		default:
			return w.errf("want ',' or ']' in an array, got %q", w.data[w.pos])
		}
	}
}

// rawFeatureSpans is a feature split into the parts covaudit reads.
type rawFeatureSpans struct {
	off        int // byte offset of the feature in the file
	typ        string
	id         []byte
	properties []byte
	geomType   string
	hasGeom    bool
	coords     []byte
	geomErr    error
}

// splitCollection walks a FeatureCollection (or a single Feature) and
// returns its features' parts, checking the structure above the coordinates.
// emit, when not nil, gets each feature of a collection as soon as it is
// read, so that decoding can start before the walk ends (a bare Feature is
// only returned).
func splitCollection(data []byte, emit func(rawFeatureSpans)) ([]rawFeatureSpans, error) {
	w := &jsonWalker{data: data}
	var feats []rawFeatureSpans
	topType := ""
	sawFeatures := false
	single := rawFeatureSpans{}
	err := w.object(func(key string) error {
		switch key {
		case "type":
			s, err := w.skip()
			if err != nil {
				return err
			}
			json.Unmarshal(s.data, &topType)
			single.typ = topType
		case "features":
			sawFeatures = true
			w.ws()
			if w.pos < len(w.data) && w.data[w.pos] == 'n' { // null
				_, err := w.skip()
				return err
			}
			return w.array(func(int) error {
				f, err := w.feature()
				feats = append(feats, f)
				if err == nil && emit != nil {
					emit(f)
				}
				return err
			})
		case "id", "properties", "geometry":
			// A bare Feature at the top level.
			return w.featureKey(&single, key)
		default:
			_, err := w.skip()
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	w.ws()
	if w.pos != len(data) {
		return nil, w.errf("unexpected data after the top-level object")
	}
	switch topType {
	case "FeatureCollection":
		if !sawFeatures || feats == nil && !bytes.Contains(data, []byte("[")) {
			return nil, fmt.Errorf("FeatureCollection has no \"features\" array")
		}
		return feats, nil
	case "Feature":
		return []rawFeatureSpans{single}, nil
	}
	return nil, fmt.Errorf("GeoJSON type %q, want a FeatureCollection", topType)
}

func (w *jsonWalker) feature() (rawFeatureSpans, error) {
	w.ws()
	f := rawFeatureSpans{off: w.pos}
	err := w.object(func(key string) error { return w.featureKey(&f, key) })
	return f, err
}

func (w *jsonWalker) featureKey(f *rawFeatureSpans, key string) error {
	switch key {
	case "type":
		s, err := w.skip()
		if err != nil {
			return err
		}
		json.Unmarshal(s.data, &f.typ)
	case "id":
		s, err := w.skip()
		f.id = s.data
		return err
	case "properties":
		s, err := w.skip()
		f.properties = s.data
		return err
	case "geometry":
		w.ws()
		if w.pos < len(w.data) && w.data[w.pos] == 'n' {
			_, err := w.skip() // null
			return err
		}
		f.hasGeom = true
		return w.object(func(k string) error {
			switch k {
			case "type":
				s, err := w.skip()
				if err != nil {
					return err
				}
				if err := json.Unmarshal(s.data, &f.geomType); err != nil {
					f.geomErr = fmt.Errorf("geometry type is not a string")
				}
			case "coordinates":
				s, err := w.skipArray()
				f.coords = s.data
				return err
			default:
				_, err := w.skip()
				return err
			}
			return nil
		})
	default:
		_, err := w.skip()
		return err
	}
	return nil
}

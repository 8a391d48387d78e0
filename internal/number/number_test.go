package number

import (
	"regexp"
	"testing"
)

// grammar is the syntax Parse accepts, as a regular expression: the
// reference the scanner is fuzzed against.
var grammar = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1.5", 1.5, true}, {"-0.25", -0.25, true}, {"+3", 3, true}, {".5", 0.5, true}, {"5.", 5, true},
		{"1e3", 1000, true}, {"4.0016612E+9", 4.0016612e9, true},
		{"1_5", 0, false}, {"0x1p0", 0, false}, {"NaN", 0, false}, {"Inf", 0, false}, {"-infinity", 0, false},
		{"1e400", 0, false}, {"", 0, false}, {"1.5.2", 0, false}, {" 1", 0, false}, {"1,5", 0, false}, {"e5", 0, false},
	} {
		v, ok := Parse(c.in)
		if ok != c.ok || (ok && v != c.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v, %v", c.in, v, ok, c.want, c.ok)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.5", "1_5", "0x1p0", "NaN", "1e400", ".", "+.e1", "5.e-3", "-.5E+07", "1e", "++1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := Parse(s); ok && (v != v || v > 1.7e308 || v < -1.7e308) {
			t.Errorf("Parse(%q) accepted %v", s, v)
		}
		if decimal(s) != grammar.MatchString(s) {
			t.Errorf("decimal(%q) = %v, the grammar says %v", s, decimal(s), grammar.MatchString(s))
		}
	})
}

// Package number reads the numbers of covaudit's inputs: decimal notation
// only (an optional sign, digits with an optional fraction, an optional
// exponent), finite. Go's own syntax (1_5, 0x1p0, Inf, NaN) is refused, so
// that a mistyped coordinate is an error, not another number.
package number

import (
	"regexp"
	"strconv"
)

var decimal = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// Parse reads a finite decimal number; ok is false for anything else,
// including numbers too large for a float64.
func Parse(s string) (v float64, ok bool) {
	if !decimal.MatchString(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v || v > 1.7e308 || v < -1.7e308 {
		return 0, false
	}
	return v, true
}

// Package number reads the numbers of covaudit's inputs: decimal notation
// only (an optional sign, digits with an optional fraction, an optional
// exponent), finite. Go's own syntax (1_5, 0x1p0, Inf, NaN) is refused, so
// that a mistyped coordinate is an error, not another number.
package number

import "strconv"

// Parse reads a finite decimal number; ok is false for anything else,
// including numbers too large for a float64.
func Parse(s string) (v float64, ok bool) {
	if !decimal(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v || v > 1.7e308 || v < -1.7e308 {
		return 0, false
	}
	return v, true
}

// decimal says whether s is [+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?
// (a scanner rather than a regular expression: it runs once per
// coordinate of files of millions of rows).
func decimal(s string) bool {
	i, n := 0, len(s)
	if i < n && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		j := i
		for i < n && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	whole := digits()
	frac := 0
	if i < n && s[i] == '.' {
		i++
		frac = digits()
	}
	if whole == 0 && frac == 0 {
		return false
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < n && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == n
}

package report

import (
	"math"
	"strconv"
	"testing"
)

// TestGapColoursApartFromShares: every kind of gap is filled in a colour
// far (>= 120 in RGB) from every district fill of the ramp, so that no gap
// reads as a poorly covered district; an unknown kind is drawn as
// beyond-threshold.
func TestGapColoursApartFromShares(t *testing.T) {
	rgb := func(s string) [3]float64 {
		v, err := strconv.ParseUint(s[1:], 16, 32)
		if err != nil || len(s) != 7 {
			t.Fatalf("colour %q is not #rrggbb", s)
		}
		return [3]float64{float64(v >> 16 & 0xff), float64(v >> 8 & 0xff), float64(v & 0xff)}
	}
	for _, k := range GapKinds() {
		fill, stroke := GapColour(k)
		rgb(stroke)
		g := rgb(fill)
		for p := 0.0; p <= 100; p += 2.5 {
			f := rgb(ShareColour(p))
			if d := math.Hypot(math.Hypot(f[0]-g[0], f[1]-g[1]), f[2]-g[2]); d < 120 {
				t.Errorf("%s gaps' fill %s is %.0f from the fill at %g%%, %s; want >= 120", k, fill, d, p, ShareColour(p))
			}
		}
	}
	if f, s := GapColour("no-such-kind"); f != gapFill || s != gapStroke {
		t.Errorf("GapColour(unknown) = %s, %s; want beyond-threshold's %s, %s", f, s, gapFill, gapStroke)
	}
}

// TestShareClasses: the classes hold every share in [0, 1] exactly once,
// taken as QGIS takes graduated ranges (both ends, first match), and the
// bounds 0.5, 0.9, 0.99 and 1 each start a class.
func TestShareClasses(t *testing.T) {
	cs := ShareClasses()
	class := func(v float64) []int {
		var in []int
		for k, c := range cs {
			if c.Lower <= v && v <= c.Upper {
				in = append(in, k)
			}
		}
		return in
	}
	for _, v := range []float64{0, 0.25, math.Nextafter(0.5, 0), 0.5, 0.7, 0.9, math.Nextafter(0.99, 0), 0.99, 0.995, math.Nextafter(1, 0), 1} {
		if in := class(v); len(in) != 1 {
			t.Errorf("share %v is in classes %v, want exactly one", v, in)
		}
	}
	for i, b := range []float64{0, 0.5, 0.9, 0.99, 1} {
		if in := class(b); len(in) != 1 || in[0] != i || cs[i].Lower != b {
			t.Errorf("share %v is in classes %v, want class %d starting there", b, in, i)
		}
	}
	if cs[0].Colour == cs[len(cs)-1].Colour || cs[len(cs)-1].Colour != ShareColour(100) {
		t.Errorf("class colours %v: want the ramp from light to the full green %s", cs, ShareColour(100))
	}
}

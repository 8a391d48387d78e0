package planar

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSegmentDistance(t *testing.T) {
	for _, c := range []struct {
		p, a, b [2]float64
		want    float64
	}{
		{[2]float64{0, 1}, [2]float64{-1, 0}, [2]float64{1, 0}, 1}, // above the middle
		{[2]float64{3, 4}, [2]float64{0, 0}, [2]float64{0, 0}, 5},  // a point segment
		{[2]float64{-3, 4}, [2]float64{0, 0}, [2]float64{2, 0}, 5}, // beyond an end
		{[2]float64{1, 0}, [2]float64{0, 0}, [2]float64{2, 0}, 0},  // on it
		{[2]float64{5, 2}, [2]float64{0, 0}, [2]float64{3, 0}, math.Hypot(2, 2)},
	} {
		if got := SegmentDistance(c.p, c.a, c.b); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("SegmentDistance(%v, %v, %v) = %v, want %v", c.p, c.a, c.b, got, c.want)
		}
	}
}

func TestAreaAndContains(t *testing.T) {
	sq := [][2]float64{{0, 0}, {2, 0}, {2, 2}, {0, 2}}
	closed := append(append([][2]float64{}, sq...), sq[0])
	if Area(sq) != 4 || Area(closed) != 4 {
		t.Errorf("square: %v, closed %v", Area(sq), Area(closed))
	}
	rev := [][2]float64{{0, 2}, {2, 2}, {2, 0}, {0, 0}}
	if Area(rev) != -4 {
		t.Errorf("clockwise square: %v", Area(rev))
	}
	// An L-shape: inside and outside points, against the area split.
	l := [][2]float64{{0, 0}, {3, 0}, {3, 1}, {1, 1}, {1, 3}, {0, 3}}
	rng := rand.New(rand.NewPCG(1, 1))
	in := 0
	const n = 200000
	for range n {
		p := [2]float64{rng.Float64() * 3, rng.Float64() * 3}
		want := p[1] < 1 || p[0] < 1
		got := Contains(l, p)
		if got != want {
			t.Fatalf("Contains(L, %v) = %v", p, got)
		}
		if got {
			in++
		}
	}
	if a := Area(l); math.Abs(float64(in)/n*9-a) > 0.05 {
		t.Errorf("L-shape: area %v, sampled %v", a, float64(in)/n*9)
	}
}

func TestClipSegment(t *testing.T) {
	mn, mx := [2]float64{0, 0}, [2]float64{1, 1}
	p, q, ok := ClipSegment([2]float64{-1, 0.5}, [2]float64{2, 0.5}, mn, mx)
	if !ok || p != [2]float64{0, 0.5} || q != [2]float64{1, 0.5} {
		t.Errorf("across: %v %v %v", p, q, ok)
	}
	if _, _, ok := ClipSegment([2]float64{-1, 2}, [2]float64{2, 2}, mn, mx); ok {
		t.Error("a segment above the box was kept")
	}
	if p, q, ok := ClipSegment([2]float64{0.2, 0.2}, [2]float64{0.3, 0.4}, mn, mx); !ok || p != [2]float64{0.2, 0.2} || q != [2]float64{0.3, 0.4} {
		t.Errorf("inside: %v %v %v", p, q, ok)
	}
}

func TestSegmentsMeetAndProperCross(t *testing.T) {
	type pt = [2]float64
	for _, c := range []struct {
		a, b, c, d   pt
		meet, proper bool
		at           pt
	}{
		{pt{0, 0}, pt{2, 2}, pt{0, 2}, pt{2, 0}, true, true, pt{1, 1}},   // an X
		{pt{0, 0}, pt{2, 0}, pt{1, 0}, pt{1, 3}, true, false, pt{1, 0}},  // a T: touching only
		{pt{0, 0}, pt{1, 0}, pt{2, 0}, pt{3, 0}, false, false, pt{}},     // collinear, apart
		{pt{0, 0}, pt{1, 1}, pt{0, 1}, pt{0.4, 0.6}, false, false, pt{}}, // short of each other
	} {
		at, meet := SegmentsMeet(c.a, c.b, c.c, c.d)
		_, proper := ProperCross(c.a, c.b, c.c, c.d)
		if meet != c.meet || proper != c.proper || meet && at != c.at {
			t.Errorf("%v-%v with %v-%v: meet %v at %v, proper %v; want %v at %v, %v", c.a, c.b, c.c, c.d, meet, at, proper, c.meet, c.at, c.proper)
		}
	}
}

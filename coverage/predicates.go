package coverage

import (
	"math"
	"math/big"
	"slices"
)

// Exact geometric predicates for the Delaunay triangulation. Each first
// computes in floating point with Shewchuk's forward error bound ("Adaptive
// Precision Floating-Point Arithmetic and Fast Robust Geometric Predicates",
// 1997) and, when the result is within the bound of zero, again exactly in
// rationals, so the sign is always right. The exact path runs only for
// (nearly) collinear or cocircular points.

const (
	epsilon      = 1.0 / (1 << 53)
	ccwErrBoundA = (3 + 16*epsilon) * epsilon
	iccErrBoundA = (10 + 96*epsilon) * epsilon
)

// orient is positive when a, b, c turn counter-clockwise, negative when
// clockwise and zero when they are collinear.
func orient(a, b, c [2]float64) int {
	l := (a[0] - c[0]) * (b[1] - c[1])
	r := (a[1] - c[1]) * (b[0] - c[0])
	det := l - r
	bound := ccwErrBoundA * (math.Abs(l) + math.Abs(r))
	switch {
	case det > bound:
		return 1
	case -det > bound:
		return -1
	}
	return orientExact(a, b, c)
}

func orientExact(a, b, c [2]float64) int {
	acx, acy := ratSub(a[0], c[0]), ratSub(a[1], c[1])
	bcx, bcy := ratSub(b[0], c[0]), ratSub(b[1], c[1])
	l := new(big.Rat).Mul(acx, bcy)
	r := new(big.Rat).Mul(acy, bcx)
	return l.Cmp(r)
}

// inCircle is positive when d lies inside the circle through a, b, c
// (counter-clockwise), negative outside and zero on it.
func inCircle(a, b, c, d [2]float64) int {
	adx, ady := a[0]-d[0], a[1]-d[1]
	bdx, bdy := b[0]-d[0], b[1]-d[1]
	cdx, cdy := c[0]-d[0], c[1]-d[1]
	bdxcdy, cdxbdy := bdx*cdy, cdx*bdy
	alift := adx*adx + ady*ady
	cdxady, adxcdy := cdx*ady, adx*cdy
	blift := bdx*bdx + bdy*bdy
	adxbdy, bdxady := adx*bdy, bdx*ady
	clift := cdx*cdx + cdy*cdy
	det := alift*(bdxcdy-cdxbdy) + blift*(cdxady-adxcdy) + clift*(adxbdy-bdxady)
	permanent := (math.Abs(bdxcdy)+math.Abs(cdxbdy))*alift +
		(math.Abs(cdxady)+math.Abs(adxcdy))*blift +
		(math.Abs(adxbdy)+math.Abs(bdxady))*clift
	bound := iccErrBoundA * permanent
	switch {
	case det > bound:
		return 1
	case -det > bound:
		return -1
	}
	return inCircleExact(a, b, c, d)
}

func inCircleExact(a, b, c, d [2]float64) int {
	adx, ady := ratSub(a[0], d[0]), ratSub(a[1], d[1])
	bdx, bdy := ratSub(b[0], d[0]), ratSub(b[1], d[1])
	cdx, cdy := ratSub(c[0], d[0]), ratSub(c[1], d[1])
	lift := func(x, y *big.Rat) *big.Rat {
		s := new(big.Rat).Mul(x, x)
		return s.Add(s, new(big.Rat).Mul(y, y))
	}
	cross := func(x1, y1, x2, y2 *big.Rat) *big.Rat {
		s := new(big.Rat).Mul(x1, y2)
		return s.Sub(s, new(big.Rat).Mul(y1, x2))
	}
	det := new(big.Rat).Mul(lift(adx, ady), cross(bdx, bdy, cdx, cdy))
	det.Add(det, new(big.Rat).Mul(lift(bdx, bdy), cross(cdx, cdy, adx, ady)))
	det.Add(det, new(big.Rat).Mul(lift(cdx, cdy), cross(adx, ady, bdx, bdy)))
	return det.Sign()
}

func ratSub(x, y float64) *big.Rat {
	r := new(big.Rat).SetFloat64(x)
	return r.Sub(r, new(big.Rat).SetFloat64(y))
}

// hilbertOrder returns the indexes of the sites sorted along a Hilbert
// curve over the square of side size at mn (ties by index), so that
// consecutive sites are near each other.
func hilbertOrder(sites [][2]float64, mn [2]float64, size float64) []int {
	const bits = 16
	const side = 1 << bits
	// The key (32 bits) above the index: sorting the words orders by key,
	// then index.
	keys := make([]uint64, len(sites))
	for i, p := range sites {
		x := uint32(min(side-1, max(0, (p[0]-mn[0])/size*side)))
		y := uint32(min(side-1, max(0, (p[1]-mn[1])/size*side)))
		keys[i] = hilbertKey(x, y, bits)<<32 | uint64(i)
	}
	slices.Sort(keys)
	order := make([]int, len(sites))
	for k, w := range keys {
		order[k] = int(uint32(w))
	}
	return order
}

// hilbertKey is the distance of cell (x, y) along the Hilbert curve of
// order bits.
func hilbertKey(x, y uint32, bits uint) uint64 {
	var d uint64
	for s := uint32(1) << (bits - 1); s > 0; s >>= 1 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x = s - 1 - x&(s-1) | x&^(s-1)
				y = s - 1 - y&(s-1) | y&^(s-1)
			}
			x, y = y, x
		}
	}
	return d
}

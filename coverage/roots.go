package coverage

import "math"

// realRoots returns the real roots of the polynomial c[0] + c[1] s + ... in
// increasing order, for degree up to 4. Roots are isolated between the
// critical points (the roots of the derivative, found recursively) and then
// bisected to full precision, so close pairs of roots are not lost the way
// sampling loses them. Leading coefficients below 1e-13 of the largest are
// dropped: their roots lie beyond any range covaudit evaluates.
func realRoots(c []float64) []float64 {
	big := 0.0
	for _, v := range c {
		big = math.Max(big, math.Abs(v))
	}
	if big == 0 {
		return nil
	}
	n := len(c) - 1
	for n > 0 && math.Abs(c[n]) <= 1e-13*big {
		n--
	}
	c = c[:n+1]
	switch n {
	case 0:
		return nil
	case 1:
		return []float64{-c[0] / c[1]}
	}
	d := make([]float64, n)
	for i := 1; i <= n; i++ {
		d[i-1] = float64(i) * c[i]
	}
	crit := realRoots(d)
	// Cauchy bound on the roots' magnitude.
	bound := 0.0
	for i := 0; i < n; i++ {
		bound = math.Max(bound, math.Abs(c[i]/c[n]))
	}
	bound++
	pts := make([]float64, 0, len(crit)+2)
	pts = append(pts, -bound)
	for _, x := range crit {
		if x > -bound && x < bound {
			pts = append(pts, x)
		}
	}
	pts = append(pts, bound)
	var roots []float64
	for i := 0; i+1 < len(pts); i++ {
		lo, hi := pts[i], pts[i+1]
		flo, fhi := horner(c, lo), horner(c, hi)
		if flo == 0 {
			if len(roots) == 0 || roots[len(roots)-1] != lo {
				roots = append(roots, lo)
			}
			continue
		}
		if (flo < 0) == (fhi < 0) || fhi == 0 {
			continue
		}
		roots = append(roots, refineRoot(c, d, lo, hi, flo))
	}
	if f := horner(c, pts[len(pts)-1]); f == 0 {
		roots = append(roots, pts[len(pts)-1])
	}
	return roots
}

// refineRoot finds the root of c in [lo, hi], where c changes sign, by
// Newton steps (derivative d) kept inside a shrinking bracket, falling back
// to bisection when a step leaves it.
func refineRoot(c, d []float64, lo, hi, flo float64) float64 {
	x := lo + (hi-lo)/2
	for k := 0; k < 100; k++ {
		fx := horner(c, x)
		if fx == 0 {
			return x
		}
		if (fx < 0) == (flo < 0) {
			lo, flo = x, fx
		} else {
			hi = x
		}
		if hi-lo <= 1e-15*math.Max(1, math.Abs(x)) {
			break
		}
		nx := x - fx/horner(d, x)
		if !(nx > lo && nx < hi) || k > 40 {
			nx = lo + (hi-lo)/2
		}
		if nx == x {
			break
		}
		x = nx
	}
	return x
}

func horner(c []float64, x float64) float64 {
	v := 0.0
	for i := len(c) - 1; i >= 0; i-- {
		v = v*x + c[i]
	}
	return v
}

// intersectEllipses returns the parameters on e of the points where the
// boundaries of e and f cross. With t = t0 + 2 atan(s), the condition
// level_f(e(t)) = 1 is a quartic in s; t0 puts s = infinity on the point of e
// farthest from f, which is never a crossing unless the ellipses nearly
// coincide.
func intersectEllipses(e, f *ellipse) []float64 {
	dx, dy := e.cx-f.cx, e.cy-f.cy
	// Direction from f's centre to e's, in e's normalised parameter.
	t0 := math.Atan2((-dx*e.uy+dy*e.ux)/e.b, (dx*e.ux+dy*e.uy)/e.a) + math.Pi
	s0, c0 := math.Sincos(t0)
	// e(t0 + tau) = C + cos(tau) P + sin(tau) Q.
	px, py := e.a*c0*e.ux-e.b*s0*e.uy, e.a*c0*e.uy+e.b*s0*e.ux
	qx, qy := -e.a*s0*e.ux-e.b*c0*e.uy, -e.a*s0*e.uy+e.b*c0*e.ux
	// In f's normalised frame each coordinate is k0 + k1 cos + k2 sin.
	a0 := (dx*f.ux + dy*f.uy) / f.a
	a1 := (px*f.ux + py*f.uy) / f.a
	a2 := (qx*f.ux + qy*f.uy) / f.a
	b0 := (-dx*f.uy + dy*f.ux) / f.b
	b1 := (-px*f.uy + py*f.ux) / f.b
	b2 := (-qx*f.uy + qy*f.ux) / f.b
	// With w = 1 + s^2: X w = (a0 - a1) s^2 + 2 a2 s + (a0 + a1).
	xa := [3]float64{a0 + a1, 2 * a2, a0 - a1}
	yb := [3]float64{b0 + b1, 2 * b2, b0 - b1}
	var poly [5]float64
	for i := range 3 {
		for j := range 3 {
			poly[i+j] += xa[i]*xa[j] + yb[i]*yb[j]
		}
	}
	// minus w^2 = 1 + 2 s^2 + s^4
	poly[0]--
	poly[2] -= 2
	poly[4]--
	rs := realRoots(poly[:])
	ts := make([]float64, len(rs))
	for i, s := range rs {
		ts[i] = t0 + 2*math.Atan(s)
	}
	return ts
}

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
		big = max(big, math.Abs(v))
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
		bound = max(bound, math.Abs(c[i]/c[n]))
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
		if hi-lo <= 1e-15*max(1, math.Abs(x)) {
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
// boundaries of e and f cross. Disjoint and nested pairs are rejected from
// their axes; for the usual pair of near-circles crossing at a clear angle
// the crossings of the mean circles are polished by Newton steps on both
// ellipse equations; near tangency, near-coincident centres, or when the
// polish does not converge, the exact quartic below decides.
func intersectEllipses(e, f *ellipse) []float64 {
	dx, dy := f.cx-e.cx, f.cy-e.cy
	d := hypot(dx, dy)
	ea, eb := max(e.a, e.b), min(e.a, e.b)
	fa, fb := max(f.a, f.b), min(f.a, f.b)
	if d > ea+fa || d+ea < fb || d+fa < eb {
		return nil // apart, or one inside the other
	}
	r1, r2 := (e.a+e.b)/2, (f.a+f.b)/2
	if d > 1e-3*(r1+r2) && d < (r1+r2)*(1-1e-3) && d > math.Abs(r1-r2)*(1+1e-3)+1e-3*(r1+r2) {
		// Crossings of the two circles.
		a := (d*d + r1*r1 - r2*r2) / (2 * d)
		h := math.Sqrt(max(0, r1*r1-a*a))
		ux, uy := dx/d, dy/d
		out := make([]float64, 0, 2)
		for _, sgn := range [2]float64{1, -1} {
			p := [2]float64{e.cx + a*ux - sgn*h*uy, e.cy + a*uy + sgn*h*ux}
			p, ok := polishCrossing(e, f, p)
			if !ok {
				return intersectEllipsesQuartic(e, f)
			}
			out = append(out, e.param(p[0], p[1]))
		}
		return out
	}
	return intersectEllipsesQuartic(e, f)
}

// polishCrossing refines a point near a crossing of e and f by Newton
// steps on level_e = 1, level_f = 1.
func polishCrossing(e, f *ellipse, p [2]float64) ([2]float64, bool) {
	grad := func(g *ellipse, x, y float64) (float64, float64, float64) {
		X, Y := g.local(x, y)
		// d(level)/dp = 2 X u / a + 2 Y v / b, with v = (-uy, ux).
		gx := 2 * (X*g.ux/g.a - Y*g.uy/g.b)
		gy := 2 * (X*g.uy/g.a + Y*g.ux/g.b)
		return X*X + Y*Y - 1, gx, gy
	}
	for range 8 {
		f1, a11, a12 := grad(e, p[0], p[1])
		f2, a21, a22 := grad(f, p[0], p[1])
		det := a11*a22 - a12*a21
		if det == 0 {
			return p, false
		}
		dx := -(f1*a22 - f2*a12) / det
		dy := -(a11*f2 - a21*f1) / det
		p = [2]float64{p[0] + dx, p[1] + dy}
		if math.Abs(dx)+math.Abs(dy) < 1e-9 {
			f1, _, _ = grad(e, p[0], p[1])
			f2, _, _ = grad(f, p[0], p[1])
			return p, math.Abs(f1) < 1e-12 && math.Abs(f2) < 1e-12
		}
	}
	return p, false
}

// intersectEllipsesQuartic returns the parameters on e of the points where
// the boundaries of e and f cross. With t = t0 + 2 atan(s), the condition
// level_f(e(t)) = 1 is a quartic in s; t0 puts s = infinity on the point of e
// farthest from f, which is never a crossing unless the ellipses nearly
// coincide.
func intersectEllipsesQuartic(e, f *ellipse) []float64 {
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

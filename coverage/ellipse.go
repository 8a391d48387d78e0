package coverage

import (
	"math"

	"github.com/covaudit/covaudit/geodesy"
)

// ellipse is a geodesic circle projected into a district frame. In the
// equal-area frame a geodesic circle of radius r is an ellipse to within
// about 0.1 mm for the radii and distances covaudit accepts (see
// TestEllipseFit), so it is stored as one: centre (cx, cy), semi-axes a and b
// along the unit vectors u = (ux, uy) and v = (-uy, ux), metres.
type ellipse struct {
	cx, cy float64
	a, b   float64
	ux, uy float64
	ia, ib float64 // 1/a and 1/b, see prepared
}

// prepared returns e with its reciprocal axes set.
func (e ellipse) prepared() ellipse {
	e.ia, e.ib = 1/e.a, 1/e.b
	return e
}

// fitSamples is the number of exact geodesic-circle points an ellipse is
// fitted to.
const fitSamples = 8

// fitEllipse fits the ellipse through fitSamples points of the geodesic
// circle of radius r metres around (lon, lat) degrees, projected by p. The
// fit is a linear least-squares conic fit in coordinates scaled by r; it also
// returns the largest distance, metres, of a sample from the fitted ellipse.
func fitEllipse(p *geodesy.LAEA, lon, lat, r float64) (ellipse, float64) {
	x0, y0 := p.Forward(lon, lat)
	return fitEllipseAt(p, lon, lat, x0, y0, r)
}

// fitEllipseAt is fitEllipse for a centre already projected to (x0, y0).
func fitEllipseAt(p *geodesy.LAEA, lon, lat, x0, y0, r float64) (ellipse, float64) {
	var xs, ys [fitSamples]float64
	// A geodesic circle is symmetric about the meridian of its centre (the
	// ellipsoid is one of revolution): the point at azimuth -az mirrors the
	// one at az in longitude, so half the circle is computed.
	for i := 0; i <= fitSamples/2; i++ {
		lon2, lat2 := geodesy.Direct(lon, lat, 360*float64(i)/fitSamples, r)
		x, y := p.Forward(lon2, lat2)
		xs[i], ys[i] = (x-x0)/r, (y-y0)/r
		if j := fitSamples - i; i > 0 && j < fitSamples && j != i {
			x, y = p.Forward(2*lon-lon2, lat2)
			xs[j], ys[j] = (x-x0)/r, (y-y0)/r
		}
	}
	// Conic X^2 + Y^2 + k0 (X^2 - Y^2) + k1 XY + k2 X + k3 Y + k4 = 0.
	var m [5][6]float64
	for i := range fitSamples {
		X, Y := xs[i], ys[i]
		row := [6]float64{X*X - Y*Y, X * Y, X, Y, 1, -(X*X + Y*Y)}
		for j := range 5 {
			for k := range 6 {
				m[j][k] += row[j] * row[k]
			}
		}
	}
	k := solve5(m)
	// Quadratic form M = [[1+k0, k1/2], [k1/2, 1-k0]], linear part L = (k2, k3).
	m11, m12, m22 := 1+k[0], k[1]/2, 1-k[0]
	det := m11*m22 - m12*m12
	// Centre X0 = -M^-1 L / 2.
	cX := -(m22*k[2] - m12*k[3]) / (2 * det)
	cY := -(-m12*k[2] + m11*k[3]) / (2 * det)
	rhs := -(k[4] + (k[2]*cX+k[3]*cY)/2) // (X-X0)' M (X-X0) = rhs
	// Eigen-decomposition of M.
	tr, diff := (m11+m22)/2, hypot((m11-m22)/2, m12)
	l1, l2 := tr-diff, tr+diff // l1 <= l2: the a-axis goes with l1
	th := 0.5 * math.Atan2(2*m12, m11-m22)
	// The eigenvector of the larger eigenvalue l2 is at angle th; u is
	// perpendicular to it.
	e := ellipse{
		cx: x0 + cX*r, cy: y0 + cY*r,
		a: r * math.Sqrt(rhs/l1), b: r * math.Sqrt(rhs/l2),
		ux: -math.Sin(th), uy: math.Cos(th),
	}.prepared()
	resid := 0.0
	for i := range fitSamples {
		X, Y := e.local(x0+xs[i]*r, y0+ys[i]*r)
		resid = max(resid, math.Abs(hypot(X, Y)-1)*e.a)
	}
	return e, resid
}

// solve5 solves the 5x5 linear system in augmented form by Gaussian
// elimination with partial pivoting.
func solve5(m [5][6]float64) [5]float64 {
	for c := range 5 {
		p := c
		for r := c + 1; r < 5; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		for r := c + 1; r < 5; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k < 6; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	var x [5]float64
	for r := 4; r >= 0; r-- {
		s := m[r][5]
		for k := r + 1; k < 5; k++ {
			s -= m[r][k] * x[k]
		}
		x[r] = s / m[r][r]
	}
	return x
}

// at returns the point of parameter t, radians: c + a cos t u + b sin t v.
func (e *ellipse) at(t float64) (x, y float64) {
	s, c := math.Sincos(t)
	ax, by := e.a*c, e.b*s
	return e.cx + ax*e.ux - by*e.uy, e.cy + ax*e.uy + by*e.ux
}

// local returns (x, y) in the ellipse's normalised frame, where the ellipse
// is the unit circle.
func (e *ellipse) local(x, y float64) (X, Y float64) {
	dx, dy := x-e.cx, y-e.cy
	return (dx*e.ux + dy*e.uy) * e.ia, (-dx*e.uy + dy*e.ux) * e.ib
}

// level is below 1 inside the ellipse, 1 on it and above 1 outside.
func (e *ellipse) level(x, y float64) float64 {
	X, Y := e.local(x, y)
	return X*X + Y*Y
}

// param returns the parameter t of the point of the ellipse nearest in
// normalised angle to (x, y).
func (e *ellipse) param(x, y float64) float64 {
	X, Y := e.local(x, y)
	return math.Atan2(Y, X)
}

// green returns the line integral (x dy - y dx)/2 along the ellipse
// counter-clockwise from parameter t1 to t2 >= t1, whose end points are
// (x1, y1) and (x2, y2): (C x (P2 - P1) + a b (t2 - t1)) / 2, exact.
func (e *ellipse) green(t1, x1, y1, t2, x2, y2 float64) float64 {
	return 0.5 * (e.cx*(y2-y1) - e.cy*(x2-x1) + e.a*e.b*(t2-t1))
}

// box returns the ellipse's bounding box.
func (e *ellipse) box() (min, max [2]float64) {
	hx := hypot(e.a*e.ux, e.b*e.uy)
	hy := hypot(e.a*e.uy, e.b*e.ux)
	return [2]float64{e.cx - hx, e.cy - hy}, [2]float64{e.cx + hx, e.cy + hy}
}

// hypot is sqrt(x*x + y*y) without math.Hypot's guard against overflow,
// which frame coordinates (metres, below 1e7) cannot reach.
func hypot(x, y float64) float64 { return math.Sqrt(x*x + y*y) }

package geodesy

import "math"

// LAEA is the oblique Lambert azimuthal equal-area projection of the WGS84
// ellipsoid centred on (Lon0, Lat0) (Snyder 1987, "Map Projections: A Working
// Manual", USGS PP 1395, eqs. 3-12, 24-13 to 24-21). It is exactly equal-area:
// the planar area of a projected region is its ellipsoidal area. Scale is
// true at the centre and errs by about (d/R)^2/8 at distance d, in opposite
// senses radially and tangentially.
//
// Forward and Inverse take and give (lon, lat) degrees and (x, y) metres, x
// east and y north at the centre. A LAEA is immutable and safe for concurrent
// use.
type LAEA struct {
	Lon0, Lat0 float64 // centre, degrees
	e          float64 // first eccentricity
	qp, rq     float64 // q at the pole; authalic radius, m
	sinB1      float64 // sin and cos of the centre's authalic latitude
	cosB1      float64
	d          float64 // Snyder's D
}

// NewLAEA returns the projection centred on (lon0, lat0), degrees.
// The centre's latitude must lie strictly between -90 and 90.
func NewLAEA(lon0, lat0 float64) *LAEA {
	p := &LAEA{Lon0: lon0, Lat0: lat0, e: math.Sqrt(E2)}
	p.qp = p.q(1)
	p.rq = A * math.Sqrt(p.qp/2)
	sinPhi1, cosPhi1 := math.Sincos(lat0 * deg)
	b1 := math.Asin(p.q(sinPhi1) / p.qp)
	p.sinB1, p.cosB1 = math.Sincos(b1)
	m1 := cosPhi1 / math.Sqrt(1-E2*sinPhi1*sinPhi1)
	p.d = A * m1 / (p.rq * p.cosB1)
	return p
}

// q is Snyder's eq. 3-12 as a function of sin(latitude).
// The logarithm is written as atanh(e sin phi)/e, summed as its series:
// e sin phi <= 0.082, so nine terms reach 1e-19.
func (p *LAEA) q(sinPhi float64) float64 {
	x := p.e * sinPhi
	x2 := x * x
	at := 1 + x2*(1.0/3+x2*(1.0/5+x2*(1.0/7+x2*(1.0/9+x2*(1.0/11+x2*(1.0/13+x2*(1.0/15+x2*(1.0/17))))))))
	return (1 - E2) * (sinPhi/(1-x2) + sinPhi*at)
}

// Forward projects (lon, lat) degrees to (x, y) metres.
func (p *LAEA) Forward(lon, lat float64) (x, y float64) {
	sinPhi := math.Sin(lat * deg)
	sinB := p.q(sinPhi) / p.qp
	if sinB > 1 {
		sinB = 1
	} else if sinB < -1 {
		sinB = -1
	}
	cosB := math.Sqrt(1 - sinB*sinB)
	sinL, cosL := math.Sincos(remainder(lon-p.Lon0) * deg)
	den := 1 + p.sinB1*sinB + p.cosB1*cosB*cosL
	bb := p.rq * math.Sqrt(2/den)
	x = bb * p.d * cosB * sinL
	y = bb / p.d * (p.cosB1*sinB - p.sinB1*cosB*cosL)
	return x, y
}

// Inverse maps (x, y) metres back to (lon, lat) degrees.
func (p *LAEA) Inverse(x, y float64) (lon, lat float64) {
	xd, yd := x/p.d, y*p.d
	rho := hypot(xd, yd)
	if rho == 0 {
		return p.Lon0, p.Lat0
	}
	ce := 2 * math.Asin(min(1, rho/(2*p.rq)))
	sinCe, cosCe := math.Sincos(ce)
	q := p.qp * (cosCe*p.sinB1 + p.d*y*sinCe*p.cosB1/rho)
	lam := math.Atan2(x*sinCe, p.d*rho*p.cosB1*cosCe-p.d*p.d*y*p.sinB1*sinCe)
	// Latitude from q: series start (Snyder 3-18), then Newton on eq. 3-16.
	beta := math.Asin(max(-1, min(1, q/p.qp)))
	e2, e4, e6 := E2, E2*E2, E2*E2*E2
	phi := beta + (e2/3+31*e4/180+517*e6/5040)*math.Sin(2*beta) +
		(23*e4/360+251*e6/3780)*math.Sin(4*beta) + 761*e6/45360*math.Sin(6*beta)
	for i := 0; i < 3; i++ {
		sinPhi, cosPhi := math.Sincos(phi)
		es := p.e * sinPhi
		one := 1 - es*es
		dphi := one * one / (2 * cosPhi) * (q/(1-E2) - sinPhi/one + 1/(2*p.e)*math.Log((1-es)/(1+es)))
		phi += dphi
		if math.Abs(dphi) < 1e-15 {
			break
		}
	}
	return remainder(p.Lon0 + lam/deg), phi / deg
}

// hypot is sqrt(x*x + y*y) without math.Hypot's guard against overflow,
// which frame coordinates (metres, below 1e7) cannot reach.
func hypot(x, y float64) float64 { return math.Sqrt(x*x + y*y) }

package crs

import "math"

// The Swiss systems: CH1903+ / LV95 (EPSG:2056) and CH1903 / LV03
// (EPSG:21781), the oblique conformal cylindrical projection of the Bessel
// 1841 ellipsoid by swisstopo's rigorous formulas ("Formulas and constants
// for the calculation of the Swiss conformal cylindrical projection and for
// the transformation between coordinate systems", swisstopo 2016: the
// ellipsoid to the Gauss sphere, rotated to the pseudo-equator through
// Bern, then Mercator), which is EPSG's Hotine oblique Mercator variant B
// and PROJ's somerc. The datum shift to WGS84 is the published 3-parameter
// geocentric translation (dx, dy, dz) = (674.374, 15.056, 405.346) m
// (EPSG:1676, "CH1903+ to WGS 84 (1)", stated accurate to about 1 m; the
// same for CH1903), with the ellipsoidal height taken as 0 on the source
// ellipsoid, as PROJ's 2D transformations do.

const (
	besselA  = 6377397.155
	besselF  = 1 / 299.1528128
	swissLat = 46.95240555555556 // 46°57'08.66"
	swissLon = 7.439583333333333 // 7°26'22.50"
)

var swissShift = [3]float64{674.374, 15.056, 405.346}

type swissOblique struct {
	fe, fn         float64 // false easting and northing
	e, r, alpha, k float64
	sinB0, cosB0   float64
	lon0           float64 // radians
	a, e2, wA, wE2 float64
	dx, dy, dz     float64
}

func newSwiss(fe, fn float64) swissOblique {
	e2 := besselF * (2 - besselF)
	e := math.Sqrt(e2)
	phi0 := swissLat * deg
	s0 := math.Sin(phi0)
	r := besselA * math.Sqrt(1-e2) / (1 - e2*s0*s0)
	alpha := math.Sqrt(1 + e2/(1-e2)*math.Pow(math.Cos(phi0), 4))
	b0 := math.Asin(s0 / alpha)
	k := math.Log(math.Tan(math.Pi/4+b0/2)) - alpha*math.Log(math.Tan(math.Pi/4+phi0/2)) +
		alpha*e/2*math.Log((1+e*s0)/(1-e*s0))
	return swissOblique{fe: fe, fn: fn, e: e, r: r, alpha: alpha, k: k, sinB0: math.Sin(b0), cosB0: math.Cos(b0),
		lon0: swissLon * deg, a: besselA, e2: e2, wA: wgsA, wE2: wgsF * (2 - wgsF),
		dx: swissShift[0], dy: swissShift[1], dz: swissShift[2]}
}

// project maps Bessel (lon, lat) degrees to (E, N) metres.
func (s swissOblique) project(lon, lat float64) (float64, float64) {
	phi := lat * deg
	sp := math.Sin(phi)
	S := s.alpha*math.Log(math.Tan(math.Pi/4+phi/2)) - s.alpha*s.e/2*math.Log((1+s.e*sp)/(1-s.e*sp)) + s.k
	b := 2 * (math.Atan(math.Exp(S)) - math.Pi/4)
	l := s.alpha * (lon*deg - s.lon0)
	lb := math.Atan2(math.Sin(l), s.sinB0*math.Tan(b)+s.cosB0*math.Cos(l))
	bb := math.Asin(s.cosB0*math.Sin(b) - s.sinB0*math.Cos(b)*math.Cos(l))
	return s.fe + s.r*lb, s.fn + s.r/2*math.Log((1+math.Sin(bb))/(1-math.Sin(bb)))
}

// unproject maps (E, N) metres to Bessel (lon, lat) degrees.
func (s swissOblique) unproject(x, y float64) (float64, float64) {
	lb := (x - s.fe) / s.r
	bb := 2 * (math.Atan(math.Exp((y-s.fn)/s.r)) - math.Pi/4)
	b := math.Asin(s.cosB0*math.Sin(bb) + s.sinB0*math.Cos(bb)*math.Cos(lb))
	l := math.Atan2(math.Sin(lb), s.cosB0*math.Cos(lb)-s.sinB0*math.Tan(bb))
	lon := s.lon0 + l/s.alpha
	phi := b
	for range 20 {
		S := (math.Log(math.Tan(math.Pi/4+b/2))-s.k)/s.alpha + s.e*math.Log(math.Tan(math.Pi/4+math.Asin(s.e*math.Sin(phi))/2))
		next := 2*math.Atan(math.Exp(S)) - math.Pi/2
		if math.Abs(next-phi) < 1e-15 {
			phi = next
			break
		}
		phi = next
	}
	return lon / deg, phi / deg
}

// geocentric converts (lon, lat) degrees at height 0 on an ellipsoid to
// Earth-centred coordinates, metres.
func geocentric(a, e2, lon, lat float64) (x, y, z float64) {
	sl, cl := math.Sincos(lon * deg)
	sp, cp := math.Sincos(lat * deg)
	n := a / math.Sqrt(1-e2*sp*sp)
	return n * cp * cl, n * cp * sl, n * (1 - e2) * sp
}

// geodetic converts Earth-centred coordinates to (lon, lat) degrees on an
// ellipsoid (iterated to 1e-15 rad; the height is dropped).
func geodetic(a, e2, x, y, z float64) (lon, lat float64) {
	p := math.Hypot(x, y)
	phi := math.Atan2(z, p*(1-e2))
	for range 10 {
		sp := math.Sin(phi)
		n := a / math.Sqrt(1-e2*sp*sp)
		h := p/math.Cos(phi) - n
		next := math.Atan2(z, p*(1-e2*n/(n+h)))
		if math.Abs(next-phi) < 1e-15 {
			phi = next
			break
		}
		phi = next
	}
	return math.Atan2(y, x) / deg, phi / deg
}

func (s swissOblique) inverse(x, y float64) (float64, float64) {
	lon, lat := s.unproject(x, y)
	X, Y, Z := geocentric(s.a, s.e2, lon, lat)
	return geodetic(s.wA, s.wE2, X+s.dx, Y+s.dy, Z+s.dz)
}

func (s swissOblique) forward(lon, lat float64) (float64, float64) {
	X, Y, Z := geocentric(s.wA, s.wE2, lon, lat)
	blon, blat := geodetic(s.a, s.e2, X-s.dx, Y-s.dy, Z-s.dz)
	return s.project(blon, blat)
}

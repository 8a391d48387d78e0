package geodesy

import (
	"errors"
	"math"
)

// WGS84 ellipsoid constants.
const (
	// A is the WGS84 equatorial radius in metres.
	A = 6378137.0
	// F is the WGS84 flattening.
	F = 1 / 298.257223563
	// B is the WGS84 polar semi-axis in metres.
	B = A * (1 - F)
	// E2 is the first eccentricity squared.
	E2 = F * (2 - F)
)

// ErrNoConvergence is returned by Inverse for nearly antipodal points, where
// Vincenty's iteration does not converge.
var ErrNoConvergence = errors.New("geodesy: geodesic inverse did not converge (nearly antipodal points)")

const deg = math.Pi / 180

// Inverse solves the inverse geodesic problem on WGS84 between (lon1, lat1)
// and (lon2, lat2), degrees. It returns the geodesic length s12 in metres and
// the forward azimuths at both ends, degrees clockwise from north.
// Coincident points give s12 = 0 and azimuths 0.
func Inverse(lon1, lat1, lon2, lat2 float64) (s12, azi1, azi2 float64, err error) {
	if lon1 == lon2 && lat1 == lat2 {
		return 0, 0, 0, nil
	}
	L := remainder(lon2-lon1) * deg
	U1 := math.Atan((1 - F) * math.Tan(lat1*deg))
	U2 := math.Atan((1 - F) * math.Tan(lat2*deg))
	sinU1, cosU1 := math.Sincos(U1)
	sinU2, cosU2 := math.Sincos(U2)
	lambda := L
	var sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM, sinLambda, cosLambda float64
	converged := false
	for iter := 0; iter < 200; iter++ {
		sinLambda, cosLambda = math.Sincos(lambda)
		t1 := cosU2 * sinLambda
		t2 := cosU1*sinU2 - sinU1*cosU2*cosLambda
		sinSigma = math.Sqrt(t1*t1 + t2*t2)
		if sinSigma == 0 {
			return 0, 0, 0, nil
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosLambda
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinLambda / sinSigma
		cosSqAlpha = 1 - sinAlpha*sinAlpha
		if cosSqAlpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cosSqAlpha
		} else {
			cos2SigmaM = 0 // equatorial line
		}
		C := F / 16 * cosSqAlpha * (4 + F*(4-3*cosSqAlpha))
		prev := lambda
		lambda = L + (1-C)*F*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-13 {
			converged = true
			break
		}
	}
	if !converged || math.Abs(lambda) > math.Pi {
		return math.NaN(), math.NaN(), math.NaN(), ErrNoConvergence
	}
	uSq := cosSqAlpha * (A*A - B*B) / (B * B)
	bigA := 1 + uSq/16384*(4096+uSq*(-768+uSq*(320-175*uSq)))
	bigB := uSq / 1024 * (256 + uSq*(-128+uSq*(74-47*uSq)))
	deltaSigma := bigB * sinSigma * (cos2SigmaM + bigB/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
		bigB/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
	s12 = B * bigA * (sigma - deltaSigma)
	azi1 = math.Atan2(cosU2*sinLambda, cosU1*sinU2-sinU1*cosU2*cosLambda) / deg
	azi2 = math.Atan2(cosU1*sinLambda, -sinU1*cosU2+cosU1*sinU2*cosLambda) / deg
	return s12, azi1, azi2, nil
}

// Distance returns the WGS84 geodesic distance in metres between two points
// given as (lon, lat) degrees. Nearly antipodal points, where Vincenty's
// inverse does not converge, give +Inf: covaudit never measures such spans.
func Distance(lon1, lat1, lon2, lat2 float64) float64 {
	s, _, _, err := Inverse(lon1, lat1, lon2, lat2)
	if err != nil {
		return math.Inf(1)
	}
	return s
}

// Direct solves the direct geodesic problem on WGS84: from (lon1, lat1),
// degrees, along azimuth azi1 (degrees clockwise from north) for s12 metres.
// It returns the end point (lon2, lat2) in degrees, lon2 in [-180, 180).
func Direct(lon1, lat1, azi1, s12 float64) (lon2, lat2 float64) {
	sinAlpha1, cosAlpha1 := math.Sincos(azi1 * deg)
	tanU1 := (1 - F) * math.Tan(lat1*deg)
	cosU1 := 1 / math.Sqrt(1+tanU1*tanU1)
	sinU1 := tanU1 * cosU1
	sigma1 := math.Atan2(tanU1, cosAlpha1)
	sinAlpha := cosU1 * sinAlpha1
	cosSqAlpha := 1 - sinAlpha*sinAlpha
	uSq := cosSqAlpha * (A*A - B*B) / (B * B)
	bigA := 1 + uSq/16384*(4096+uSq*(-768+uSq*(320-175*uSq)))
	bigB := uSq / 1024 * (256 + uSq*(-128+uSq*(74-47*uSq)))
	sigma := s12 / (B * bigA)
	var sinSigma, cosSigma, cos2SigmaM float64
	for iter := 0; iter < 100; iter++ {
		cos2SigmaM = math.Cos(2*sigma1 + sigma)
		sinSigma, cosSigma = math.Sincos(sigma)
		deltaSigma := bigB * sinSigma * (cos2SigmaM + bigB/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
			bigB/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
		prev := sigma
		sigma = s12/(B*bigA) + deltaSigma
		if math.Abs(sigma-prev) < 1e-14 {
			break
		}
	}
	cos2SigmaM = math.Cos(2*sigma1 + sigma)
	sinSigma, cosSigma = math.Sincos(sigma)
	tmp := sinU1*sinSigma - cosU1*cosSigma*cosAlpha1
	lat2 = math.Atan2(sinU1*cosSigma+cosU1*sinSigma*cosAlpha1, (1-F)*math.Sqrt(sinAlpha*sinAlpha+tmp*tmp))
	lambda := math.Atan2(sinSigma*sinAlpha1, cosU1*cosSigma-sinU1*sinSigma*cosAlpha1)
	C := F / 16 * cosSqAlpha * (4 + F*(4-3*cosSqAlpha))
	L := lambda - (1-C)*F*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
	return remainder(lon1 + L/deg), lat2 / deg
}

// remainder reduces an angle in degrees to [-180, 180).
func remainder(x float64) float64 {
	x = math.Mod(x+180, 360)
	if x < 0 {
		x += 360
	}
	return x - 180
}

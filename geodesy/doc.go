// Package geodesy holds the WGS84 ellipsoid computations covaudit rests on:
// geodesic distances and azimuths (Vincenty's inverse and direct methods) and
// the oblique Lambert azimuthal equal-area projection (Snyder 1987) used as the
// working frame of every district.
//
// Points are (longitude, latitude) in degrees on WGS84; distances are metres
// along the geodesic; azimuths are degrees clockwise from north. Every
// function is pure and safe for concurrent use.
//
// Vincenty's method (Survey Review 23(176), 1975) agrees with Karney's
// algorithms (GeographicLib) to well under a millimetre for the distances
// covaudit uses; its known limit is that the inverse problem does not
// converge for nearly antipodal points, which Inverse reports as an error.
package geodesy

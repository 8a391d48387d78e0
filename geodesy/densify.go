package geodesy

// AppendGeodesic appends to dst the projected points of the geodesic from
// (lon1, lat1) to (lon2, lat2), degrees, excluding the first point and
// including the last, so that the polyline through them stays within tolM
// metres of the projected geodesic. Short edges, whose projected curvature
// cannot bend them by tolM, are returned as one segment without evaluation.
func (p *LAEA) AppendGeodesic(dst [][2]float64, lon1, lat1, lon2, lat2, tolM float64) [][2]float64 {
	x1, y1 := p.Forward(lon1, lat1)
	x2, y2 := p.Forward(lon2, lat2)
	return p.appendGeodesic(dst, lon1, lat1, x1, y1, lon2, lat2, x2, y2, tolM, 0)
}

// AppendGeodesicProjected is AppendGeodesic for end points already
// projected to (x1, y1) and (x2, y2).
func (p *LAEA) AppendGeodesicProjected(dst [][2]float64, lon1, lat1, x1, y1, lon2, lat2, x2, y2, tolM float64) [][2]float64 {
	return p.appendGeodesic(dst, lon1, lat1, x1, y1, lon2, lat2, x2, y2, tolM, 0)
}

func (p *LAEA) appendGeodesic(dst [][2]float64, lon1, lat1, x1, y1, lon2, lat2, x2, y2, tol float64, depth int) [][2]float64 {
	l := hypot(x2-x1, y2-y1)
	rho := max(hypot(x1, y1), hypot(x2, y2))
	// A projected geodesic bends with curvature below 4(rho+l)/R^2 within a
	// few thousand km of the centre; the chord then errs by at most l^2 k/8.
	const r2 = 6.3e6 * 6.3e6
	if depth >= 30 || l*l*4*(rho+l)/r2/8 < tol {
		return append(dst, [2]float64{x2, y2})
	}
	s, azi, _, err := Inverse(lon1, lat1, lon2, lat2)
	if err != nil {
		return append(dst, [2]float64{x2, y2})
	}
	lonm, latm := Direct(lon1, lat1, azi, s/2)
	xm, ym := p.Forward(lonm, latm)
	if hypot(xm-(x1+x2)/2, ym-(y1+y2)/2) < tol/4 {
		return append(dst, [2]float64{x2, y2})
	}
	dst = p.appendGeodesic(dst, lon1, lat1, x1, y1, lonm, latm, xm, ym, tol, depth+1)
	return p.appendGeodesic(dst, lonm, latm, xm, ym, lon2, lat2, x2, y2, tol, depth+1)
}

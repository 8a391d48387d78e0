package crs

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var (
	wktParam = regexp.MustCompile(`(?i)PARAMETER\["([^"]+)",\s*([-+0-9.eE]+)\s*\]`)
	wktProj  = regexp.MustCompile(`(?i)PROJECTION\["([^"]+)"`)
	wktUnit  = regexp.MustCompile(`(?i)UNIT\["([^"]*)",\s*([-+0-9.eE]+)`)
)

// fromWKTParams finds the table system a WKT 1 (OGC or ESRI) projected
// text describes by its projection and parameters, as ESRI .prj files
// name State Plane zones without an EPSG authority
// ("NAD_1983_StatePlane_North_Carolina_FIPS_3200_Feet"). Systems sharing
// parameters across NAD83 realisations are all taken as WGS84, so the
// lowest matching code is as good as any.
func fromWKTParams(w string) (CRS, bool) {
	pm := wktProj.FindStringSubmatch(w)
	if pm == nil {
		return CRS{}, false
	}
	proj := strings.ToLower(strings.ReplaceAll(pm[1], " ", "_"))
	p := map[string]float64{}
	for _, m := range wktParam.FindAllStringSubmatch(w, -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return CRS{}, false
		}
		p[strings.ToLower(strings.ReplaceAll(m[1], " ", "_"))] = v
	}
	units := wktUnit.FindAllStringSubmatch(w, -1)
	if len(units) == 0 {
		return CRS{}, false
	}
	mpu, err := strconv.ParseFloat(units[len(units)-1][2], 64) // the last UNIT is the projected one
	if err != nil || !(mpu > 0) {
		return CRS{}, false
	}
	get := func(names ...string) (float64, bool) {
		for _, n := range names {
			if v, ok := p[n]; ok {
				return v, true
			}
		}
		return 0, false
	}
	lat0, _ := get("latitude_of_origin", "latitude_of_center")
	lon0, ok := get("central_meridian", "longitude_of_origin", "longitude_of_center")
	if !ok {
		return CRS{}, false
	}
	fe, _ := get("false_easting")
	fn, _ := get("false_northing")
	k0, hasK := get("scale_factor")
	lat1, has1 := get("standard_parallel_1")
	lat2, has2 := get("standard_parallel_2")
	var method string
	switch {
	case strings.Contains(proj, "transverse_mercator"):
		method = "tm"
	case strings.Contains(proj, "lambert_conformal_conic") && has1 && has2:
		method = "lcc2"
	case strings.Contains(proj, "lambert_conformal_conic"):
		method = "lcc1"
		if has1 && !hasK { // ESRI writes a 1SP conic as one standard parallel
			lat0 = lat1
		}
		if !hasK {
			k0 = 1
		}
	case strings.Contains(proj, "lambert_azimuthal_equal_area"):
		method = "laea"
	default:
		return CRS{}, false
	}
	near := func(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
	var codes []int
	for code, e := range epsgTable {
		if e.method != method || !near(e.metresPerUnit, mpu, 1e-9) ||
			!near(e.lon0, lon0, 1e-8) || !near(e.lat0, lat0, 1e-8) ||
			!near(e.fe, fe*mpu, 1e-3) || !near(e.fn, fn*mpu, 1e-3) {
			continue
		}
		switch method {
		case "tm", "lcc1":
			if !near(e.k0, k0, 1e-10) {
				continue
			}
		case "lcc2":
			a, b := math.Min(lat1, lat2), math.Max(lat1, lat2)
			if !near(math.Min(e.lat1, e.lat2), a, 1e-8) || !near(math.Max(e.lat1, e.lat2), b, 1e-8) {
				continue
			}
		}
		codes = append(codes, code)
	}
	if len(codes) == 0 {
		return CRS{}, false
	}
	sort.Ints(codes)
	return fromTable(codes[0], epsgTable[codes[0]]), true
}

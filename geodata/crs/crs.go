// Package crs converts coordinates in the systems station lists and
// district files arrive in to WGS84 longitude and latitude, degrees:
// WGS84 itself (EPSG:4326), Web Mercator (EPSG:3857), UTM on WGS84
// (EPSG:32601-32660 north, 32701-32760 south), CGCS2000 (EPSG:4490) and
// its Gauss-Krüger zones (EPSG:4491-4554), the Chinese web-map systems
// GCJ-02 and BD-09, and the systems of epsg_table.go, generated from PROJ's
// EPSG database by scripts/make_crs_fixture.py: the NAD83, NAD83(HARN) and
// NAD83(2011) State Plane, county and UTM grids that use the Lambert
// conformal conic or the transverse Mercator (metres, US survey feet,
// international feet), Lambert-93, ETRS89 UTM and ETRS89-LAEA. Built with
// the proj tag, any system PROJ reads (proj.go).
//
// The transverse Mercator is Krüger's series to sixth order in n (Karney
// 2011, "Transverse Mercator with an accuracy of a few nanometers"):
// nanometres within 4,000 km of the central meridian. The conic and the
// azimuthal equal-area are the closed forms of EPSG Guidance Note 7-2,
// inverted by iteration to 1e-15 rad. CGCS2000 is taken as WGS84: the two
// frames agree to a few centimetres. NAD83 (1 to 2 m) and ETRS89 (about
// 0.9 m) are taken as WGS84 too; docs/coordinate-systems.md says what that
// costs. GCJ-02 is the published obfuscation, BD-09 the published rotation
// on top of it; both are inverted by iteration to under a millimetre.
package crs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// CRS is a coordinate system; ToWGS84 maps its (x, y), easting/northing
// metres or longitude/latitude degrees, to WGS84 (lon, lat) degrees.
type CRS struct {
	Name string // canonical: "EPSG:32631", "gcj02"
	// Title is the system's EPSG name where known: "NAD83 / North Carolina (ftUS)".
	Title string
	// Geographic says x and y are longitude and latitude degrees.
	Geographic bool
	// Unit names the unit of x and y: "degree", "metre", "US survey foot"
	// (1200/3937 m) or "foot" (0.3048 m).
	Unit string
	// MetresPerUnit converts x and y to metres; 0 for geographic systems.
	MetresPerUnit float64
	toWGS84       func(x, y float64) (lon, lat float64)
	fromWGS84     func(lon, lat float64) (x, y float64)
}

// WGS84 is EPSG:4326, longitude first.
var WGS84 = CRS{Name: "EPSG:4326", Geographic: true, Unit: "degree",
	toWGS84:   func(x, y float64) (float64, float64) { return x, y },
	fromWGS84: func(x, y float64) (float64, float64) { return x, y }}

// IsWGS84 reports whether c needs no conversion.
func (c CRS) IsWGS84() bool { return c.Name == WGS84.Name }

// ToWGS84 converts one position.
func (c CRS) ToWGS84(x, y float64) (lon, lat float64) { return c.toWGS84(x, y) }

// FromWGS84 converts one WGS84 position into c.
func (c CRS) FromWGS84(lon, lat float64) (x, y float64) { return c.fromWGS84(lon, lat) }

// Names lists what Parse accepts, for help texts.
const Names = "EPSG:4326 (WGS84), EPSG:3857 (Web Mercator), EPSG:326NN/327NN (UTM), EPSG:258NN (ETRS89 UTM), EPSG:3035 (ETRS89-LAEA), EPSG:2154 (Lambert-93), NAD83/HARN/2011 State Plane and UTM (metres and feet, e.g. EPSG:2264), EPSG:4490 (CGCS2000), EPSG:4491-4554 (CGCS2000 Gauss-Krüger), gcj02, bd09"

// unsupported is the error for a code this build cannot convert.
func unsupported(code int) error {
	if withPROJ {
		return fmt.Errorf("EPSG:%d: PROJ does not know this code", code)
	}
	return fmt.Errorf("EPSG:%d is not supported by this build (supported: %s); build covaudit with `go build -tags proj` for any EPSG code, or convert the data with `ogr2ogr -t_srs EPSG:4326`", code, Names)
}

func epsgName(code int) string { return fmt.Sprintf("EPSG:%d", code) }

// Parse reads a system's name: "EPSG:32631", "epsg:4326", "4326",
// "WGS84", "CRS84", "gcj02", "bd09". The empty string is WGS84.
func Parse(s string) (CRS, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "", "wgs84", "wgs 84", "crs84", "ogc:crs84", "urn:ogc:def:crs:ogc:1.3:crs84":
		return WGS84, nil
	case "gcj02", "gcj-02", "gcj":
		return CRS{Name: "gcj02", Geographic: true, Unit: "degree", toWGS84: gcjToWGS, fromWGS84: wgsToGCJ}, nil
	case "bd09", "bd-09", "baidu":
		return CRS{Name: "bd09", Geographic: true, Unit: "degree", toWGS84: bdToWGS, fromWGS84: func(lon, lat float64) (float64, float64) {
			return gcjToBD(wgsToGCJ(lon, lat))
		}}, nil
	}
	t = strings.TrimPrefix(strings.TrimPrefix(t, "urn:ogc:def:crs:"), "epsg:")
	t = strings.TrimPrefix(t, ":")
	code, err := strconv.Atoi(t)
	if err != nil {
		if c, perr := parseOther(s); perr == nil {
			return c, nil
		}
		return CRS{}, fmt.Errorf("unknown coordinate system %q (want one of %s; other systems need `go build -tags proj`)", s, Names)
	}
	if c, ok := FromEPSG(code); ok {
		return c, nil
	}
	return CRS{}, unsupported(code)
}

// FromEPSG returns the system of an EPSG code covaudit knows: the built-in
// ones, then, in a `-tags proj` build, any code PROJ knows.
func FromEPSG(code int) (CRS, bool) {
	if c, ok := fromEPSGBuiltin(code); ok {
		return c, true
	}
	return fromEPSGPROJ(code)
}

func fromEPSGBuiltin(code int) (CRS, bool) {
	name := fmt.Sprintf("EPSG:%d", code)
	geo := func() CRS {
		return CRS{Name: name, Geographic: true, Unit: "degree", toWGS84: WGS84.toWGS84, fromWGS84: WGS84.fromWGS84}
	}
	switch {
	case code == 4326:
		return WGS84, true
	case code == 4490: // CGCS2000 geographic, taken as WGS84
		return geo(), true
	case code == 3857 || code == 900913:
		return projected(name, webMercator{}), true
	case code == 2056: // CH1903+ / LV95 (swiss.go)
		c := projected(name, newSwiss(2600000, 1200000))
		c.Title = "CH1903+ / LV95"
		return c, true
	case code == 21781: // CH1903 / LV03
		c := projected(name, newSwiss(600000, 200000))
		c.Title = "CH1903 / LV03"
		return c, true
	case code >= 32601 && code <= 32660:
		return projected(name, utm(code-32600, false)), true
	case code >= 32701 && code <= 32760:
		return projected(name, utm(code-32700, true)), true
	case code >= 4491 && code <= 4501: // 6-degree zones 13-23, zone number in the easting
		z := float64(code - 4491 + 13)
		return projected(name, newTM(6*z-3, 1, z*1e6+500000, 0)), true
	case code >= 4502 && code <= 4512: // 6-degree zones by central meridian 75E-135E
		return projected(name, newTM(75+6*float64(code-4502), 1, 500000, 0)), true
	case code >= 4513 && code <= 4533: // 3-degree zones 25-45, zone number in the easting
		z := float64(code - 4513 + 25)
		return projected(name, newTM(3*z, 1, z*1e6+500000, 0)), true
	case code >= 4534 && code <= 4554: // 3-degree zones by central meridian 75E-135E
		return projected(name, newTM(75+3*float64(code-4534), 1, 500000, 0)), true
	}
	if e, ok := epsgTable[code]; ok {
		return fromTable(code, e), true
	}
	return CRS{}, false
}

type projection interface {
	inverse(x, y float64) (lon, lat float64)
	forward(lon, lat float64) (x, y float64)
}

func projected(name string, p projection) CRS {
	return CRS{Name: name, Unit: "metre", MetresPerUnit: 1, toWGS84: p.inverse, fromWGS84: p.forward}
}

// WGS84 ellipsoid.
const (
	wgsA = 6378137.0
	wgsF = 1 / 298.257223563
	deg  = math.Pi / 180
)

type webMercator struct{}

func (webMercator) inverse(x, y float64) (float64, float64) {
	return x / wgsA / deg, math.Atan(math.Sinh(y/wgsA)) / deg
}

func (webMercator) forward(lon, lat float64) (float64, float64) {
	return wgsA * lon * deg, wgsA * math.Asinh(math.Tan(lat*deg))
}

func utm(zone int, south bool) tm {
	fn := 0.0
	if south {
		fn = 10e6
	}
	return newTM(float64(6*zone-183), 0.9996, 500000, fn)
}

// tm is the transverse Mercator on the WGS84 (= GRS80 to 0.1 mm) ellipsoid,
// latitude of origin 0.
type tm struct {
	lon0, k0, fe, fn float64
	e, a1            float64    // eccentricity; rectifying radius A
	alpha, beta      [7]float64 // Krüger's coefficients, 1-based
}

func newTM(lon0, k0, fe, fn float64) tm { return newTMEllipsoid(wgsA, wgsF, lon0, k0, fe, fn) }

// newTMEllipsoid is the transverse Mercator on the ellipsoid (a, f).
func newTMEllipsoid(a, f, lon0, k0, fe, fn float64) tm {
	n := f / (2 - f)
	n2 := n * n
	n3, n4, n5, n6 := n2*n, n2*n2, n2*n2*n, n2*n2*n2
	t := tm{lon0: lon0, k0: k0, fe: fe, fn: fn, e: math.Sqrt(f * (2 - f))}
	t.a1 = a / (1 + n) * (1 + n2/4 + n4/64 + n6/256)
	t.alpha = [7]float64{0,
		n/2 - 2*n2/3 + 5*n3/16 + 41*n4/180 - 127*n5/288 + 7891*n6/37800,
		13*n2/48 - 3*n3/5 + 557*n4/1440 + 281*n5/630 - 1983433*n6/1935360,
		61*n3/240 - 103*n4/140 + 15061*n5/26880 + 167603*n6/181440,
		49561*n4/161280 - 179*n5/168 + 6601661*n6/7257600,
		34729*n5/80640 - 3418889*n6/1995840,
		212378941 * n6 / 319334400,
	}
	t.beta = [7]float64{0,
		n/2 - 2*n2/3 + 37*n3/96 - n4/360 - 81*n5/512 + 96199*n6/604800,
		n2/48 + n3/15 - 437*n4/1440 + 46*n5/105 - 1118711*n6/3870720,
		17*n3/480 - 37*n4/840 - 209*n5/4480 + 5569*n6/90720,
		4397*n4/161280 - 11*n5/504 - 830251*n6/7257600,
		4583*n5/161280 - 108847*n6/3991680,
		20648693 * n6 / 638668800,
	}
	return t
}

func (t tm) forward(lon, lat float64) (float64, float64) {
	phi, lam := lat*deg, wrap(lon-t.lon0)*deg
	s := math.Sin(phi)
	tau := math.Sinh(math.Atanh(s) - t.e*math.Atanh(t.e*s)) // tangent of the conformal latitude
	xi1 := math.Atan2(tau, math.Cos(lam))
	eta1 := math.Atanh(math.Sin(lam) / math.Sqrt(1+tau*tau))
	xi, eta := xi1, eta1
	for j := 1; j <= 6; j++ {
		jj := 2 * float64(j)
		xi += t.alpha[j] * math.Sin(jj*xi1) * math.Cosh(jj*eta1)
		eta += t.alpha[j] * math.Cos(jj*xi1) * math.Sinh(jj*eta1)
	}
	return t.fe + t.k0*t.a1*eta, t.fn + t.k0*t.a1*xi
}

func (t tm) inverse(x, y float64) (float64, float64) {
	xi := (y - t.fn) / (t.k0 * t.a1)
	eta := (x - t.fe) / (t.k0 * t.a1)
	xi1, eta1 := xi, eta
	for j := 1; j <= 6; j++ {
		jj := 2 * float64(j)
		xi1 -= t.beta[j] * math.Sin(jj*xi) * math.Cosh(jj*eta)
		eta1 -= t.beta[j] * math.Cos(jj*xi) * math.Sinh(jj*eta)
	}
	sh, c := math.Sinh(eta1), math.Cos(xi1)
	taup := math.Sin(xi1) / math.Hypot(sh, c) // tangent of the conformal latitude
	lam := math.Atan2(sh, c)
	// Latitude from the conformal latitude by Newton's method (Karney 2011).
	e2 := t.e * t.e
	tau := taup / (1 - e2)
	for range 5 {
		tau1 := math.Sqrt(1 + tau*tau)
		sig := math.Sinh(t.e * math.Atanh(t.e*tau/tau1))
		taui := tau*math.Sqrt(1+sig*sig) - sig*tau1
		d := (taup - taui) / math.Sqrt(1+taui*taui) * (1 + (1-e2)*tau*tau) / ((1 - e2) * tau1)
		tau += d
		if math.Abs(d) < 1e-14 {
			break
		}
	}
	return wrap(t.lon0 + lam/deg), math.Atan(tau) / deg
}

// GCJ-02: the published obfuscation of Chinese web maps (Krasovsky
// constants), applied inside China's rough box only.
const (
	gcjA  = 6378245.0
	gcjEE = 0.00669342162296594323
)

func outOfChina(lon, lat float64) bool {
	return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271
}

func gcjOffset(lon, lat float64) (dLon, dLat float64) {
	x, y := lon-105, lat-35
	// The term in x common to both, and sin(lat), are computed once: the
	// same operations in the same order as the published formula, so the
	// same bits, at 12 sines and cosines where it writes 15.
	common := (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	dLat = -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	dLat += common
	dLat += (20*math.Sin(y*math.Pi) + 40*math.Sin(y/3*math.Pi)) * 2 / 3
	dLat += (160*math.Sin(y/12*math.Pi) + 320*math.Sin(y*math.Pi/30)) * 2 / 3
	dLon = 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	dLon += common
	dLon += (20*math.Sin(x*math.Pi) + 40*math.Sin(x/3*math.Pi)) * 2 / 3
	dLon += (150*math.Sin(x/12*math.Pi) + 300*math.Sin(x/30*math.Pi)) * 2 / 3
	rad := lat * deg
	sin := math.Sin(rad)
	m := 1 - gcjEE*sin*sin
	sm := math.Sqrt(m)
	dLat = dLat * 180 / ((gcjA * (1 - gcjEE)) / (m * sm) * math.Pi)
	dLon = dLon * 180 / (gcjA / sm * math.Cos(rad) * math.Pi)
	return dLon, dLat
}

func wgsToGCJ(lon, lat float64) (float64, float64) {
	if outOfChina(lon, lat) {
		return lon, lat
	}
	dLon, dLat := gcjOffset(lon, lat)
	return lon + dLon, lat + dLat
}

// gcjToWGS inverts wgsToGCJ by fixed-point iteration: the offset varies
// slowly (about 1e-5 of its size per metre), so each step gains five digits.
func gcjToWGS(lon, lat float64) (float64, float64) {
	x, y := lon, lat
	for range 10 {
		gx, gy := wgsToGCJ(x, y)
		dx, dy := lon-gx, lat-gy
		x, y = x+dx, y+dy
		if math.Abs(dx)+math.Abs(dy) < 1e-12 {
			break
		}
	}
	return x, y
}

const bdPi = math.Pi * 3000 / 180

func gcjToBD(lon, lat float64) (float64, float64) {
	z := math.Hypot(lon, lat) + 0.00002*math.Sin(lat*bdPi)
	th := math.Atan2(lat, lon) + 0.000003*math.Cos(lon*bdPi)
	return z*math.Cos(th) + 0.0065, z*math.Sin(th) + 0.006
}

func bdToGCJ(lon, lat float64) (float64, float64) {
	x, y := lon-0.0065, lat-0.006
	z := math.Hypot(x, y) - 0.00002*math.Sin(y*bdPi)
	th := math.Atan2(y, x) - 0.000003*math.Cos(x*bdPi)
	return z * math.Cos(th), z * math.Sin(th)
}

// bdToWGS inverts gcjToBD(wgsToGCJ(.)) by iteration from the published
// approximate inverse.
func bdToWGS(lon, lat float64) (float64, float64) {
	x, y := gcjToWGS(bdToGCJ(lon, lat))
	for range 10 {
		bx, by := gcjToBD(wgsToGCJ(x, y))
		dx, dy := lon-bx, lat-by
		x, y = x+dx, y+dy
		if math.Abs(dx)+math.Abs(dy) < 1e-12 {
			break
		}
	}
	return x, y
}

// FromWKT reads the system a .prj file or a spatial reference table
// declares, in OGC or ESRI WKT: by the EPSG authority of the outermost
// system when it has one, else by the system's name (WGS 84, UTM zones on
// WGS 84, Pseudo-Mercator, CGCS2000 and its Gauss-Krüger zones). In a
// `-tags proj` build, a text these rules do not resolve goes to PROJ.
func FromWKT(wkt string) (CRS, error) {
	c, err := fromWKTBuiltin(wkt)
	if err == nil || !withPROJ {
		return c, err
	}
	if pc, perr := ParseWKT(wkt); perr == nil {
		return pc, nil
	}
	return CRS{}, err
}

// ParseWKT resolves any WKT or PROJ string through PROJ; without the
// proj build tag it says how to get one.
var ParseWKT = func(def string) (CRS, error) {
	return CRS{}, fmt.Errorf("this covaudit build reads only the systems %s; build with `go build -tags proj` for any WKT, or convert the data with `ogr2ogr -t_srs EPSG:4326`", Names)
}

func parseOther(s string) (CRS, error) {
	if !withPROJ {
		return CRS{}, fmt.Errorf("not built with proj")
	}
	return ParseWKT(s)
}

func fromWKTBuiltin(wkt string) (CRS, error) {
	w := strings.TrimSpace(wkt)
	head, _, _ := strings.Cut(w, "[")
	head = strings.ToUpper(strings.TrimSpace(head))
	// The outermost AUTHORITY closes the text: the last one at depth 1.
	if i := strings.LastIndex(strings.ToUpper(w), `AUTHORITY["EPSG",`); i >= 0 {
		depth := 0
		for _, r := range w[:i] {
			switch r {
			case '[':
				depth++
			case ']':
				depth--
			}
		}
		if depth == 1 {
			rest := w[i+len(`AUTHORITY["EPSG",`):]
			rest = strings.Trim(strings.SplitN(rest, "]", 2)[0], `" `)
			if code, err := strconv.Atoi(rest); err == nil {
				if c, ok := FromEPSG(code); ok {
					return c, nil
				}
				return CRS{}, unsupported(code)
			}
		}
	}
	if head == "PROJCS" {
		if c, ok := fromWKTParams(w); ok {
			return c, nil
		}
	}
	name := ""
	if q := strings.SplitN(w, `"`, 3); len(q) == 3 {
		name = q[1]
	}
	n := strings.ToLower(strings.NewReplacer("_", " ", "-", " ").Replace(name))
	switch {
	case head == "GEOGCS" || head == "GEOGCRS":
		if strings.Contains(n, "wgs 1984") || strings.Contains(n, "wgs 84") || strings.Contains(n, "wgs84") {
			return WGS84, nil
		}
		if strings.Contains(n, "cgcs2000") || strings.Contains(n, "china geodetic coordinate system 2000") {
			c, _ := FromEPSG(4490)
			return c, nil
		}
	case strings.Contains(n, "pseudo mercator") || strings.Contains(n, "web mercator"):
		c, _ := FromEPSG(3857)
		return c, nil
	case strings.Contains(n, "utm zone"):
		var zone int
		var hemi string
		if _, err := fmt.Sscanf(n[strings.Index(n, "utm zone")+len("utm zone"):], " %d%s", &zone, &hemi); err == nil &&
			zone >= 1 && zone <= 60 && (strings.Contains(n, "wgs 1984") || strings.Contains(n, "wgs 84")) {
			if strings.HasPrefix(hemi, "s") {
				return mustEPSG(32700 + zone)
			}
			return mustEPSG(32600 + zone)
		}
	case strings.Contains(n, "cgcs2000"):
		var v int
		switch {
		case strings.Contains(n, "3 degree gk cm "):
			if _, err := fmt.Sscanf(n[strings.Index(n, "cm ")+3:], "%d", &v); err == nil && v >= 75 && v <= 135 && v%3 == 0 {
				return mustEPSG(4534 + (v-75)/3)
			}
		case strings.Contains(n, "3 degree gk zone "):
			if _, err := fmt.Sscanf(n[strings.Index(n, "zone ")+5:], "%d", &v); err == nil && v >= 25 && v <= 45 {
				return mustEPSG(4513 + v - 25)
			}
		case strings.Contains(n, "gk cm "):
			if _, err := fmt.Sscanf(n[strings.Index(n, "cm ")+3:], "%d", &v); err == nil && v >= 75 && v <= 135 && (v-75)%6 == 0 {
				return mustEPSG(4502 + (v-75)/6)
			}
		case strings.Contains(n, "gk zone "):
			if _, err := fmt.Sscanf(n[strings.Index(n, "zone ")+5:], "%d", &v); err == nil && v >= 13 && v <= 23 {
				return mustEPSG(4491 + v - 13)
			}
		}
	}
	return CRS{}, fmt.Errorf("coordinate system %q is not one this covaudit build reads (%s); build with `go build -tags proj`, convert the data with `ogr2ogr -t_srs EPSG:4326`, or name its system with a --*-crs flag", name, Names)
}

func mustEPSG(code int) (CRS, error) {
	if c, ok := FromEPSG(code); ok {
		return c, nil
	}
	return CRS{}, unsupported(code)
}

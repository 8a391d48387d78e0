package geodesy

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

func readCSV(tb testing.TB, name string) [][]string {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for i := 0; sc.Scan(); i++ {
		if i > 0 {
			rows = append(rows, strings.Split(sc.Text(), ","))
		}
	}
	return rows
}

func num(tb testing.TB, s string) float64 {
	tb.Helper()
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

func angleDiff(a, b float64) float64 { return math.Abs(remainder(a - b)) }

// TestInverseGeographicLib checks distances and azimuths against
// GeographicLib (testdata/geodesic.csv, see scripts/reference).
func TestInverseGeographicLib(t *testing.T) {
	rows := readCSV(t, "testdata/geodesic.csv")
	if len(rows) < 400 {
		t.Fatalf("only %d vectors", len(rows))
	}
	worstAbs, worstRel := 0.0, 0.0
	for _, r := range rows {
		lon1, lat1, lon2, lat2 := num(t, r[0]), num(t, r[1]), num(t, r[2]), num(t, r[3])
		want, wa1, wa2 := num(t, r[4]), num(t, r[5]), num(t, r[6])
		s, a1, a2, err := Inverse(lon1, lat1, lon2, lat2)
		if err != nil {
			t.Errorf("Inverse(%v,%v,%v,%v): %v", lon1, lat1, lon2, lat2, err)
			continue
		}
		abs := math.Abs(s - want)
		worstAbs = math.Max(worstAbs, abs)
		if want > 0 {
			worstRel = math.Max(worstRel, abs/want)
		}
		// 0.1 mm plus 1e-9 relative: far inside the 0.01% contract.
		if abs > 1e-4+1e-9*want {
			t.Errorf("Inverse(%v,%v,%v,%v) = %.6f m, want %.6f m", lon1, lat1, lon2, lat2, s, want)
		}
		// The vectors carry coordinates to 1e-12 degrees (0.1 um), which
		// limits the azimuth of very short lines.
		azTol := 1e-7 + 1e-6/want/deg
		if want > 0.5 && (angleDiff(a1, wa1) > azTol || angleDiff(a2, wa2) > azTol) {
			t.Errorf("Inverse(%v,%v,%v,%v) azimuths = %.9f, %.9f, want %.9f, %.9f", lon1, lat1, lon2, lat2, a1, a2, wa1, wa2)
		}
	}
	t.Logf("%d vectors: worst |error| %.3g m, worst relative %.3g", len(rows), worstAbs, worstRel)
}

func TestDirectRoundTrip(t *testing.T) {
	rows := readCSV(t, "testdata/geodesic.csv")
	for _, r := range rows {
		lon1, lat1, lon2, lat2 := num(t, r[0]), num(t, r[1]), num(t, r[2]), num(t, r[3])
		s, azi := num(t, r[4]), num(t, r[5])
		if s == 0 {
			continue
		}
		glon, glat := Direct(lon1, lat1, azi, s)
		if d := Distance(glon, glat, lon2, lat2); d > 1e-4 {
			t.Errorf("Direct(%v,%v,%v,%v) = (%v,%v), %.3g m from GeographicLib's (%v,%v)", lon1, lat1, azi, s, glon, glat, d, lon2, lat2)
		}
	}
}

func TestInverseAntipodal(t *testing.T) {
	if _, _, _, err := Inverse(0, 0, 179.8, 0.1); err == nil {
		// Vincenty may or may not converge here; when it does, the answer must be sane.
		if s := Distance(0, 0, 179.8, 0.1); !(s > 1.9e7 && s < 2.01e7) {
			t.Errorf("Distance near antipode = %v", s)
		}
	}
	if d := Distance(5, 5, 5, 5); d != 0 {
		t.Errorf("Distance of a point to itself = %v, want 0", d)
	}
}

func TestLAEARoundTrip(t *testing.T) {
	for _, c := range []struct{ lon0, lat0 float64 }{{0, 0}, {1.5, 42.5}, {-70, -33}, {150, 60}, {-20, -75}, {179.9, 10}} {
		p := NewLAEA(c.lon0, c.lat0)
		for _, off := range [][2]float64{{0, 0}, {0.9, 0.3}, {-1.2, 0.7}, {0.4, -1.5}, {0.3, 0.0}} {
			lon, lat := remainder(c.lon0+off[0]), c.lat0+off[1]
			x, y := p.Forward(lon, lat)
			glon, glat := p.Inverse(x, y)
			if d := Distance(lon, lat, glon, glat); d > 1e-6 {
				t.Errorf("centre %v: Inverse(Forward(%v,%v)) = (%v,%v), %.3g m off", c, lon, lat, glon, glat, d)
			}
		}
	}
}

// TestLAEAArea checks that the frame is equal-area: projected, densified
// geodesic polygons have GeographicLib's ellipsoidal areas.
func TestLAEAArea(t *testing.T) {
	rows := readCSV(t, "testdata/areas.csv")
	for i, r := range rows {
		want := num(t, r[0])
		var ring [][2]float64
		for _, pt := range strings.Split(r[1], ";") {
			f := strings.Fields(pt)
			ring = append(ring, [2]float64{num(t, f[0]), num(t, f[1])})
		}
		p := NewLAEA(ring[0][0], ring[0][1])
		var pts [][2]float64
		for j := range ring {
			a, b := ring[j], ring[(j+1)%len(ring)]
			pts = p.AppendGeodesic(pts, a[0], a[1], b[0], b[1], 1e-6)
		}
		area := 0.0
		for j := range pts {
			a, b := pts[j], pts[(j+1)%len(pts)]
			area += a[0]*b[1] - a[1]*b[0]
		}
		area = math.Abs(area / 2)
		if math.Abs(area-want) > 1e-8*want+1e-3 {
			t.Errorf("row %d: projected area %.6f m2, GeographicLib %.6f m2 (rel %.3g)", i, area, want, (area-want)/want)
		}
	}
}

func BenchmarkInverse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Inverse(1.5, 42.5, 1.53, 42.52)
	}
}

func BenchmarkDirect(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Direct(1.5, 42.5, 33, 2000)
	}
}

func BenchmarkForward(b *testing.B) {
	p := NewLAEA(11, 45)
	b.ReportAllocs()
	for i := range b.N {
		p.Forward(11.1+float64(i%1000)*1e-4, 45.2)
	}
}

// TestQSeries checks the series form of Snyder's q against the logarithm, to
// a few units in the last place (both forms round).
func TestQSeries(t *testing.T) {
	p := NewLAEA(0, 0)
	for lat := -90.0; lat <= 90; lat += 0.25 {
		s := math.Sin(lat * deg)
		es := p.e * s
		want := (1 - E2) * (s/(1-es*es) - 1/(2*p.e)*math.Log((1-es)/(1+es)))
		if got := p.q(s); math.Abs(got-want) > 3e-15*math.Max(1, math.Abs(want)) {
			t.Errorf("q(sin %v) = %.17g, want %.17g", lat, got, want)
		}
	}
}

// TestLAEAScale: the frame's scale error at distance d from its centre
// (10 m legs in 24 directions, 24 bearings, centres at latitudes 0 to 80)
// stays within 1.8e-10 d + (d/R)^2/8 plus 5%, and at 10 km the linear term
// is needed: (d/R)^2/8 alone is several times too small.
func TestLAEAScale(t *testing.T) {
	const R = 6371e3
	for _, d := range []float64{1e3, 1e4, 5e4, 1e5, 2.5e5} {
		worst := 0.0
		for lat0 := 0.0; lat0 <= 80; lat0 += 5 {
			p := NewLAEA(10, lat0)
			for b := 0.0; b < 360; b += 15 {
				lon, lat := Direct(10, lat0, b, d)
				x1, y1 := p.Forward(lon, lat)
				for a := 0.0; a < 360; a += 15 {
					lon2, lat2 := Direct(lon, lat, a, 10)
					x2, y2 := p.Forward(lon2, lat2)
					worst = math.Max(worst, math.Abs(math.Hypot(x2-x1, y2-y1)/10-1))
				}
			}
		}
		quad := d * d / R / R / 8
		if bound := 1.05 * (1.8e-10*d + quad); worst > bound {
			t.Errorf("d = %g m: scale error %.3g beyond the stated %.3g", d, worst, bound)
		}
		if d == 1e4 && worst < 3*quad {
			t.Errorf("d = 10 km: scale error %.3g, not beyond (d/R)^2/8 = %.3g: the linear term is not needed", worst, quad)
		}
		t.Logf("d = %g m: scale error %.3g, (d/R)^2/8 = %.3g", d, worst, quad)
	}
}

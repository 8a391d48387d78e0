package coverage

import (
	"context"
	"math"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// cellAreaM2 is the ellipsoidal area of a longitude-latitude cell, closed
// form (Snyder 1987, eq. 3-12: the authalic function q).
func cellAreaM2(lon0, lat0, lon1, lat1 float64) float64 {
	const a, f = 6378137.0, 1 / 298.257223563
	e2 := f * (2 - f)
	e := math.Sqrt(e2)
	q := func(lat float64) float64 {
		s := math.Sin(lat * math.Pi / 180)
		return s/(1-e2*s*s) - 1/(2*e)*math.Log((1-e*s)/(1+e*s))
	}
	return a * a * (1 - e2) / 2 * (lon1 - lon0) * math.Pi / 180 * (q(lat1) - q(lat0))
}

// TestRasterCellsSplit: a square district at 45N straddles the meridian
// between two raster cells, with a station on that meridian: each cell
// holds half the district and half the disk (a geodesic circle is
// symmetric about its meridian), so each cell's people inside and beyond
// the rule follow from areas in closed form.
func TestRasterCellsSplit(t *testing.T) {
	const lon, lat = 11.0, 45.0
	p := geodesy.NewLAEA(lon, lat)
	var ring orb.Ring
	for _, c := range [][2]float64{{-3000, -3000}, {3000, -3000}, {3000, 3000}, {-3000, 3000}, {-3000, -3000}} {
		lo, la := p.Inverse(c[0], c[1])
		ring = append(ring, orb.Point{lo, la})
	}
	d := []District{{Name: "sq", Geometry: orb.MultiPolygon{{ring}}, Rule: Rule{Kind: KindRadius, RadiusM: 2000}}}
	// Two cells of 0.1 x 0.1 degrees meeting at lon = 11.
	g := &Grid{Width: 2, Height: 1, X0: 10.9, Y0: 45.05, DX: 0.1, DY: 0.1, Values: []float64{1000, 3000}}
	res, err := Evaluate(context.Background(), d, NewIndex([]Station{{ID: "s", Point: orb.Point{lon, lat}}}), Options{Population: NewRasterPopulation(g)})
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	cell := cellAreaM2(10.9, 44.95, 11.0, 45.05) // both cells have this area
	disk := r.AreaM2 - r.UncoveredM2
	wantTotal := (1000 + 3000) * (r.AreaM2 / 2) / cell
	wantUnc := (1000 + 3000) * (r.AreaM2/2 - disk/2) / cell
	if math.Abs(r.Population-wantTotal) > 1e-4*wantTotal || math.Abs(r.UncoveredPopulation-wantUnc) > 1e-4*wantUnc {
		t.Errorf("people %.4f (want %.4f), uncovered %.4f (want %.4f)", r.Population, wantTotal, r.UncoveredPopulation, wantUnc)
	}
	if math.Abs(disk-math.Pi*2000*2000) > 1e-5*disk {
		t.Errorf("the disk inside is %.1f m2", disk)
	}
}

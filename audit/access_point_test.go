package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
)

// accessFixture is a fixture of scripts/reference/access_2sfca.py: its
// places (a population file's line, or a raster's cell) and, per method,
// the indices, ratios and demands, and the capacitated coverage.
type accessFixture struct {
	Places []struct {
		Line     int    `json:"line"`
		Cell     []int  `json:"cell"`
		District string `json:"district"`
	} `json:"places"`
	Methods     map[string]accessFixtureMethod
	Capacitated struct {
		Served    []float64 `json:"served"`
		ByStation []float64 `json:"by_station"`
	} `json:"capacitated"`
	Sizes []int `json:"catchment_sizes"`
}

type accessFixtureMethod struct {
	Index  []float64 `json:"index"`
	Ratio  []float64 `json:"ratio"`
	Demand []float64 `json:"demand"`
}

func readAccessFixture(t *testing.T, path string) *accessFixture {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fx accessFixture
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	fx.Methods = map[string]accessFixtureMethod{}
	for _, m := range []string{"2sfca", "e2sfca", "gaussian"} {
		var v accessFixtureMethod
		if err := json.Unmarshal(raw[m], &v); err != nil {
			t.Fatalf("%s: %s: %v", path, m, err)
		}
		fx.Methods[m] = v
	}
	return &fx
}

// loadAccess loads the Andorra parishes with testdata/access's stations
// and the population file (urban parishes at 2 km, rural ones at 30
// minutes by car) and computes the measures asked for, without the
// coverage audit (the measures do not need it).
func loadAccess(t *testing.T, population string, ac AccessConfig, out Output) *Audit {
	t.Helper()
	cfg := Default()
	cfg.Districts, cfg.Stations = "demodata/andorra-parishes.geojson", "testdata/access/stations.csv"
	cfg.Population = population
	cfg.Roads.File = DemoRoads
	cfg.Classes[1].Rule = RuleSpec{Kind: coverage.KindRoadTime, TimeS: 30 * 60}
	cfg.Columns.CapacityCol = "capacity"
	cfg.Access = ac
	cfg.Output = out
	cfg.Workers = 2
	a, err := Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.runAccess(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return a
}

// relNear says whether got and want agree to tol relative.
func relNear(got, want, tol float64) bool {
	return got == want || math.Abs(got-want) <= tol*math.Max(math.Abs(got), math.Abs(want))
}

// TestNearestAccessMatchesCheck runs nearest over the population's own
// points: per district, the population-weighted mean of the points'
// indices is check's district mean to 1e-12 relative, and every point's
// index (and, capacitated, its served people) is the reference script's
// to 1e-9 relative.
func TestNearestAccessMatchesCheck(t *testing.T) {
	const pop = "testdata/access/population.csv"
	fx := readAccessFixture(t, "testdata/access/expected.json")
	for _, ac := range []AccessConfig{
		{Method: "2sfca"}, // memberships only
		{Method: "e2sfca", Capacitated: true, PeoplePerUnit: 2000, CapacityOrder: "capacity"},
	} {
		t.Run(ac.Method, func(t *testing.T) {
			a := loadAccess(t, pop, ac, Output{})
			rep, err := a.Nearest(context.Background(), pop, crs.CRS{}, "rural")
			if err != nil {
				t.Fatal(err)
			}
			if rep.Access == nil || rep.Access.Method != ac.Method {
				t.Fatalf("report's access parameters %+v", rep.Access)
			}
			sum, people := map[string]float64{}, map[string]float64{}
			for _, p := range rep.Points {
				if p.Access == nil || p.Population == nil {
					continue
				}
				sum[*p.District] += p.Population.V * *p.Access
				people[*p.District] += p.Population.V
			}
			compared := 0
			for i, d := range a.Districts {
				da, _ := a.districtAccess(i)
				if da.Mean == nil {
					if people[d.Name] > 0 {
						t.Errorf("%s: check has no people, nearest %v", d.Name, people[d.Name])
					}
					continue
				}
				compared++
				if got := sum[d.Name] / people[d.Name]; !relNear(got, da.Mean.V, 1e-12) {
					t.Errorf("%s: nearest's weighted mean %.17g, check's mean %.17g", d.Name, got, da.Mean.V)
				}
				if !relNear(people[d.Name], da.People.V, 1e-12) {
					t.Errorf("%s: nearest's people %v, check's %v", d.Name, people[d.Name], da.People.V)
				}
			}
			if compared < 5 {
				t.Fatalf("only %d districts with people", compared)
			}
			want := fx.Methods[ac.Method].Index
			bad := 0
			for k, pl := range fx.Places {
				p := rep.Points[pl.Line-2]
				if p.Access == nil || strOr(p.District) != pl.District {
					t.Fatalf("line %d: district %q, index %v; the reference's district %q", pl.Line, strOr(p.District), p.Access, pl.District)
				}
				if got := *p.Access / AccessUnit; !relNear(got, want[k], 1e-9) {
					if bad < 5 {
						t.Errorf("line %d: index %.15g per person, reference %.15g", pl.Line, got, want[k])
					}
					bad++
				}
				if ac.Capacitated {
					s := fx.Capacitated.Served[k]
					if p.Served == nil || !relNear(p.Served.V, s, 1e-9) || !relNear(p.Residual.V, p.Population.V-s, 1e-9) {
						t.Errorf("line %d: served %v, residual %v; the reference serves %v of %v", pl.Line, p.Served, p.Residual, s, p.Population.V)
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d indices differ from the reference", bad, len(want))
			}
			// Points beyond every district have no index.
			outside := 0
			for _, p := range rep.Points {
				if p.District == nil {
					outside++
					if p.Access != nil {
						t.Errorf("point %s outside every district has index %v", p.ID, *p.Access)
					}
				}
			}
			if outside == 0 {
				t.Error("the population has no point outside the parishes: the case is not exercised")
			}
		})
	}
}

// TestAccessSurfaceMatchesNearest writes the E2SFCA surface (400 m cells)
// and reads it back with geodata's GeoTIFF reader: at 100 random cells the
// value is the index nearest computes for the cell's centre, rounded to
// Float32, and no-data exactly where nearest finds no district.
func TestAccessSurfaceMatchesNearest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.tif")
	a := loadAccess(t, "testdata/access/population.csv", AccessConfig{Method: "e2sfca"},
		Output{Surface: path, SurfaceCellM: 400, SurfaceMeasure: "access"})
	if err := a.writeSurface(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := geodata.ReadGeoTIFF(b, path)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(17, 2))
	var csv strings.Builder
	csv.WriteString("id,lon,lat\n")
	type cell struct{ row, col int }
	var cells []cell
	valued := 0
	for len(cells) < 100 {
		c := cell{rng.IntN(r.Height), rng.IntN(r.Width)}
		v := r.At(c.col, c.row)
		if !math.IsNaN(v) {
			valued++
		} else if len(cells)-valued >= 30 {
			continue // mostly cells in the parishes
		}
		cells = append(cells, c)
		lon, lat := r.X0+(float64(c.col)+0.5)*r.DX, r.Y0-(float64(c.row)+0.5)*r.DY
		fmt.Fprintf(&csv, "c%d_%d,%s,%s\n", c.row, c.col, strconv.FormatFloat(lon, 'g', -1, 64), strconv.FormatFloat(lat, 'g', -1, 64))
	}
	pts := filepath.Join(dir, "cells.csv")
	if err := os.WriteFile(pts, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Nearest(context.Background(), pts, crs.CRS{}, "rural")
	if err != nil {
		t.Fatal(err)
	}
	positive := 0
	for k, c := range cells {
		v, p := r.At(c.col, c.row), rep.Points[k]
		switch {
		case p.Access == nil:
			if !math.IsNaN(v) {
				t.Errorf("cell %v: surface %v, nearest finds no district", c, v)
			}
		case float64(float32(*p.Access)) != v:
			t.Errorf("cell %v: surface %v, nearest %.9g (Float32 %v)", c, v, *p.Access, float32(*p.Access))
		case v > 0:
			positive++
		}
	}
	if valued < 60 || positive < 30 {
		t.Fatalf("%d cells in the parishes, %d with a positive index: the surface is not exercised", valued, positive)
	}
}

// TestAccessRasterMatchesReference compares 2SFCA, E2SFCA (zones and
// Gaussian) and capacitated coverage over a population raster's cell
// centres with scripts/reference/access_2sfca.py --raster's independent
// computation, to 1e-9 relative (the Gaussian to 1e-6, as for points).
func TestAccessRasterMatchesReference(t *testing.T) {
	fx := readAccessFixture(t, "testdata/access/expected-raster.json")
	a := loadAccess(t, "testdata/access/population.tif",
		AccessConfig{Method: "2sfca", Capacitated: true, PeoplePerUnit: 2000, CapacityOrder: "capacity"}, Output{})
	ar := a.access
	if ar.cells == nil {
		t.Fatal("the population is not read as a raster")
	}
	if len(ar.places) != len(fx.Places) {
		t.Fatalf("%d places, the reference has %d", len(ar.places), len(fx.Places))
	}
	g := a.population.Grid()
	for i, p := range fx.Places {
		pl := ar.places[i]
		col, row := (pl.Point[0]-g.X0)/g.DX-0.5, (g.Y0-pl.Point[1])/g.DY-0.5
		if len(p.Cell) != 2 || math.Abs(row-float64(p.Cell[0])) > 1e-9 || math.Abs(col-float64(p.Cell[1])) > 1e-9 {
			t.Fatalf("place %d: cell (%v, %v), the reference's %v", i, row, col, p.Cell)
		}
		if got := a.Districts[pl.District].Name; got != p.District {
			t.Errorf("place %d (cell %v): district %q, want %q", i, p.Cell, got, p.District)
		}
	}
	matchAccessFixture(t, a, fx, 50, 30)
}

// matchAccessFixture compares a's catchments, 2SFCA, E2SFCA (zones and
// Gaussian) and capacitated coverage with the reference fixture fx, place
// by place, to 1e-9 relative (the Gaussian to 1e-6); the fixture must
// hold at least minRural road memberships and minShared places in several
// catchments, or it tests too little.
func matchAccessFixture(t *testing.T, a *Audit, fx *accessFixture, minRural, minShared int) {
	t.Helper()
	ar := a.access
	rural, shared := 0, 0
	for j, ms := range ar.catch.Members {
		if len(ms) != fx.Sizes[j] {
			t.Errorf("station %d (%s): %d places in its catchment, the reference has %d", j, a.Stations[j].ID, len(ms), fx.Sizes[j])
		}
		for _, m := range ms {
			if a.Districts[ar.places[m.Place].District].Rule.ByRoad() {
				rural++
			}
		}
	}
	for _, r := range ar.catch.Reached {
		if r > 1 {
			shared++
		}
	}
	if rural < minRural || shared < minShared {
		t.Fatalf("the fixture does not exercise what it should: %d road memberships, %d places in several catchments", rural, shared)
	}
	check := func(name string, got, want []float64, tol float64) {
		t.Helper()
		bad := 0
		for i := range want {
			if !relNear(got[i], want[i], tol) {
				if bad < 5 {
					t.Errorf("%s[%d] = %.15g, reference %.15g", name, i, got[i], want[i])
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d differ by more than %g relative", name, bad, len(want), tol)
		}
	}
	zones := make([]coverage.Decay, len(a.Districts))
	gauss := make([]coverage.Decay, len(a.Districts))
	for i, d := range a.Districts {
		zones[i], gauss[i] = defaultDecay(d.Rule.Limit()), coverage.Decay{Gaussian: true}
	}
	for name, decay := range map[string][]coverage.Decay{"2sfca": nil, "e2sfca": zones, "gaussian": gauss} {
		tol := map[bool]float64{false: 1e-9, true: 1e-6}[name == "gaussian"]
		acc := ar.catch.Access(ar.places, a.Districts, ar.capacity, decay)
		want := fx.Methods[name]
		check(name+" index", acc.Index, want.Index, tol)
		check(name+" ratio", acc.Ratio, want.Ratio, tol)
		check(name+" demand", acc.Demand, want.Demand, tol)
	}
	check("served", ar.capac.Served, fx.Capacitated.Served, 1e-9)
	check("served by station", ar.capac.ByStation, fx.Capacitated.ByStation, 1e-9)
}

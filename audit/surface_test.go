package audit_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/covaudit/covaudit/audit"
	"github.com/covaudit/covaudit/coverage"
)

// TestSurfaceWorkers computes the demo's surface (urban parishes at 2 km,
// rural ones 30 minutes by road) on one and on two workers (under the race
// detector in CI): the cells are the same, and every cell is no-data, +Inf
// or a cost of at least 0.
func TestSurfaceWorkers(t *testing.T) {
	var grids [][]float32
	for _, workers := range []int{1, 2} {
		cfg := audit.Default()
		cfg.Roads.File = audit.DemoRoads
		cfg.Classes[1].Rule = audit.RuleSpec{Kind: coverage.KindRoadTime, TimeS: 30 * 60}
		cfg.Workers = workers
		cfg.Output.Surface, cfg.Output.SurfaceCellM = "unused.tif", 400
		a, err := audit.Load(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		g, err := a.Surface(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if g.EPSG != 4326 || !g.Geographic || g.Width*g.Height != len(g.Values) {
			t.Fatalf("surface EPSG:%d, %d x %d cells, %d values", g.EPSG, g.Width, g.Height, len(g.Values))
		}
		// 400 m cells at Andorra's latitude: about 0.0049 by 0.0036 degrees.
		if math.Abs(g.DX*81900-400) > 10 || math.Abs(g.DY*111100-400) > 10 {
			t.Errorf("cell %g x %g degrees, want about 400 m square", g.DX, g.DY)
		}
		nodata, valid := 0, 0
		for _, v := range g.Values {
			switch {
			case v == audit.SurfaceNoData:
				nodata++
			case v >= 0:
				valid++
			default:
				t.Fatalf("cell value %v", v)
			}
		}
		if nodata == 0 || valid < len(g.Values)/3 {
			t.Errorf("%d no-data and %d valued cells of %d", nodata, valid, len(g.Values))
		}
		grids = append(grids, g.Values)
	}
	if !slices.Equal(grids[0], grids[1]) {
		t.Error("the surface differs between one and two workers")
	}
}

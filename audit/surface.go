package audit

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/paulmach/orb"
)

// MaxSurfaceCells is the most cells a cost surface may have: 25 million
// (5,000 x 5,000) Float32 values take 100 MB in memory.
const MaxSurfaceCells = 25_000_000

// SurfaceNoData is the value of the surface's cells outside every
// district (its GDAL_NODATA).
const SurfaceNoData = -9999

// surfaceGrid is the surface's grid in its coordinate system (WGS84
// degrees or projected units): the north-west corner of the first cell,
// the cell size and the number of cells.
type surfaceGrid struct {
	sys            crs.CRS
	epsg           int
	x0, y0, dx, dy float64
	w, h           int
}

// WGS84's semi-major axis (m) and first eccentricity squared.
const (
	wgsA  = 6378137
	wgsE2 = (2 - 1/298.257223563) / 298.257223563
)

// metresPerDegree are the lengths of a degree of latitude (along the
// meridian) and of longitude (along the parallel) at latitude lat on the
// WGS84 ellipsoid, metres: the meridian radius of curvature and the
// parallel's radius, times pi/180.
func metresPerDegree(lat float64) (mLat, mLon float64) {
	s, c := math.Sincos(lat * math.Pi / 180)
	w := 1 - wgsE2*s*s
	return wgsA * (1 - wgsE2) / (w * math.Sqrt(w)) * math.Pi / 180, wgsA * c / math.Sqrt(w) * math.Pi / 180
}

// surfaceGrid lays the surface's grid over the districts' extent: cells of
// Output.SurfaceCellM metres, in WGS84 degrees at the districts' middle
// latitude (half-way between their southern- and northernmost points),
// or in the projected system's units, the grid's corner on a whole
// multiple of the cell size. More than MaxSurfaceCells is a UsageError.
func (a *Audit) surfaceGrid() (surfaceGrid, error) {
	o := a.Config.Output
	g := surfaceGrid{sys: crs.WGS84, epsg: 4326}
	if o.SurfaceCRS.Name != "" && !o.SurfaceCRS.IsWGS84() {
		g.sys = o.SurfaceCRS
		g.epsg, _ = strconv.Atoi(strings.TrimPrefix(o.SurfaceCRS.Name, "EPSG:"))
		if g.sys.Geographic || g.sys.MetresPerUnit <= 0 || g.epsg <= 0 {
			return g, UsageError{fmt.Sprintf("--surface-crs %s: want WGS84 or a projected EPSG system", o.SurfaceCRS.Name)}
		}
	}
	cell := o.SurfaceCellM
	if !(cell > 0) || math.IsInf(cell, 0) {
		return g, UsageError{fmt.Sprintf("--surface-cell %gm: want a positive size", cell)}
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, d := range a.Districts {
		for _, poly := range d.Geometry {
			for _, p := range poly[0] { // the outer rings bound the district
				x, y := p[0], p[1]
				if !g.sys.Geographic {
					x, y = g.sys.FromWGS84(x, y)
				}
				minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
			}
		}
	}
	if !(minX <= maxX && minY <= maxY) {
		return g, UsageError{"--surface: no district to lay the surface over"}
	}
	if g.sys.Geographic {
		mLat, mLon := metresPerDegree((minY + maxY) / 2)
		g.dx, g.dy = cell/mLon, cell/mLat
	} else {
		// Edges straight in longitude and latitude bow a little in the
		// plane: a cell more on every side keeps them inside.
		g.dx = cell / g.sys.MetresPerUnit
		g.dy = g.dx
		minX, minY, maxX, maxY = minX-g.dx, minY-g.dy, maxX+g.dx, maxY+g.dy
	}
	g.x0, g.y0 = math.Floor(minX/g.dx)*g.dx, math.Ceil(maxY/g.dy)*g.dy
	w, h := max(1, math.Ceil((maxX-g.x0)/g.dx)), max(1, math.Ceil((g.y0-minY)/g.dy))
	if w*h > MaxSurfaceCells {
		least := cell * math.Sqrt(w*h/MaxSurfaceCells)
		return g, UsageError{fmt.Sprintf("--surface-cell %gm: the surface would have %.0f x %.0f = %.0f cells, more than the limit of %d; use cells of at least %.0fm",
			cell, w, h, w*h, MaxSurfaceCells, math.Ceil(least))}
	}
	g.w, g.h = int(w), int(h)
	return g, nil
}

// CheckSurface checks the surface's flags and size (a UsageError) without
// computing it; Load calls it, so that a surface too large fails before
// the audit runs.
func (a *Audit) CheckSurface() error {
	o := a.Config.Output
	if o.Surface == "" {
		return nil
	}
	switch o.SurfaceMeasure {
	case "", "cost":
	case "access":
		if a.Config.Access.Method == "" {
			return UsageError{"--surface-measure access maps the accessibility index: give --access 2sfca|e2sfca and --population FILE"}
		}
	default:
		return UsageError{fmt.Sprintf("--surface-measure %q: want cost or access", o.SurfaceMeasure)}
	}
	_, err := a.surfaceGrid()
	return err
}

// Surface computes the cost surface: each cell centre's cost to its
// nearest station under the rule of the district holding it (the first,
// in input order, as nearest finds it), in that rule's unit: metres for
// the radius and road-distance rules (the geodesic distance, or the
// network metres plus access legs), seconds for the speed model and the
// road-time rules; +Inf where no station is reached, SurfaceNoData
// outside every district. The costs are nearest's, computed by the same
// code, on Config.Workers goroutines (0: every core), rounded to Float32.
func (a *Audit) Surface(ctx context.Context) (*geodata.Grid, error) {
	sg, err := a.surfaceGrid()
	if err != nil {
		return nil, err
	}
	out := &geodata.Grid{Width: sg.w, Height: sg.h, X0: sg.x0, Y0: sg.y0, DX: sg.dx, DY: sg.dy, EPSG: sg.epsg,
		Geographic: sg.sys.Geographic, NoData: SurfaceNoData, Values: make([]float32, sg.w*sg.h)}
	if a.Config.Output.SurfaceMeasure == "access" {
		return out, a.accessSurface(ctx, sg, out)
	}
	districtAt := a.placeLocator()
	workers := a.Config.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, sg.h) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				r := int(next.Add(1) - 1)
				if r >= sg.h || ctx.Err() != nil {
					return
				}
				y := sg.y0 - (float64(r)+0.5)*sg.dy
				row := out.Values[r*sg.w : (r+1)*sg.w]
				for c := range row {
					x := sg.x0 + (float64(c)+0.5)*sg.dx
					lon, lat := x, y
					if !sg.sys.Geographic {
						lon, lat = sg.sys.ToWGS84(x, y)
					}
					p := orb.Point{lon, lat}
					di := districtAt(p)
					if di < 0 {
						row[c] = SurfaceNoData
						continue
					}
					cost, _, _, _ := a.ruleCost(p, a.Districts[di].Rule)
					row[c] = float32(cost)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// accessSurface fills the surface with each cell centre's accessibility
// index, capacity units per 10,000 people (Float32), as nearest computes
// it for a point there (Audit.accessAt: a place of no people, in the
// first district holding it as the population's places are located);
// SurfaceNoData outside every district. Runs the index first if the audit
// has not.
func (a *Audit) accessSurface(ctx context.Context, sg surfaceGrid, out *geodata.Grid) error {
	if a.access == nil || a.access.access == nil {
		if err := a.runAccess(ctx, nil); err != nil {
			return err
		}
	}
	at := a.placeLocator()
	var query []coverage.Place
	var cell []int
	for r := range sg.h {
		if r%64 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for c := range sg.w {
			p := sg.centre(r, c)
			out.Values[r*sg.w+c] = SurfaceNoData
			if d := at(p); d >= 0 {
				query = append(query, coverage.Place{Point: p, District: d})
				cell = append(cell, r*sg.w+c)
			}
		}
	}
	idx, err := a.accessAt(ctx, query)
	if err != nil {
		return err
	}
	for q, k := range cell {
		out.Values[k] = float32(idx[q] * AccessUnit)
	}
	return nil
}

// centre is the centre of cell (row r, column c), {lon, lat}.
func (sg surfaceGrid) centre(r, c int) orb.Point {
	x, y := sg.x0+(float64(c)+0.5)*sg.dx, sg.y0-(float64(r)+0.5)*sg.dy
	if !sg.sys.Geographic {
		x, y = sg.sys.ToWGS84(x, y)
	}
	return orb.Point{x, y}
}

// writeSurface computes the surface and writes it to Output.Surface,
// whole or not at all.
func (a *Audit) writeSurface(ctx context.Context) error {
	g, err := a.Surface(ctx)
	if err != nil {
		return err
	}
	workers := a.Config.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if err := geodata.WriteFileAtomic(a.Config.Output.Surface, func(w io.Writer) error { return geodata.WriteGeoTIFF(w, g, workers) }); err != nil {
		return OutputError{err}
	}
	return nil
}

// ruleCost is the point query behind nearest and the surface: p's cost to
// its nearest station under rule, in the rule's unit, and that station
// (-1 and +Inf when none is reached). Distance rules also give the
// geodesic distance, metres (NaN for road rules); road rules the route's
// length, metres.
func (a *Audit) ruleCost(p orb.Point, rule coverage.Rule) (cost float64, station int, distM, routeM float64) {
	if rule.ByRoad() {
		cost, station, routeM = a.opts.Roads[rule.Network].Cost(p[0], p[1])
		return cost, station, math.NaN(), routeM
	}
	station, distM = a.ix.Nearest(p)
	return rule.Cost(distM), station, distM, 0
}

package coverage

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/covaudit/covaudit/roads"
	"github.com/paulmach/orb"
)

// Options control an evaluation.
type Options struct {
	// ChordErrorM is the largest distance, metres, between a drawn gap
	// polygon and the exact disk boundary it follows (default 0.5).
	ChordErrorM float64
	// IgnoreGapsUnderM2: gaps smaller than this, m2, do not count against
	// the pass rule (they are still reported).
	IgnoreGapsUnderM2 float64
	// MinCoveragePct is the covered share, 0-100, a district needs to pass.
	MinCoveragePct float64
	// GapPolygons asks for the drawn gap polygons in Gap.Polygon and the
	// farthest place of every gap in Gap.Worst (both cost time; areas and
	// the district's farthest place come anyway).
	GapPolygons bool
	// Workers is the number of districts evaluated at once (default
	// GOMAXPROCS). Results do not depend on it.
	Workers int
	// Population, when not nil, is counted per district and per gap: a
	// point is uncovered when it is farther than the rule's radius from
	// every station (exact geodesic distance).
	Population *Population
	// PassByPopulation makes the pass rule count people instead of area:
	// the covered share of the district's population, not counting the
	// people of gaps smaller than IgnoreGapsUnderM2.
	PassByPopulation bool
	// Roads are the road networks' cost fields, for districts under the
	// road rules (Rule.Network indexes them); their stations must be the
	// Index's, in order.
	Roads []*roads.Field
	// RoadsFor builds the cost field of network k (Rule.Network) for a list
	// of stations (in its order); Compare, Criticality and Suggest need it
	// for districts under the road rules, to search the network from other
	// lists of stations.
	RoadsFor func(network int, stations []Station) *roads.Field
	// Progress, when not nil, is called after each district with the
	// number done and the total (from the evaluating goroutines, one call
	// at a time).
	Progress func(done, total int)
	// RoadTolerance is the widest uncovered-area bracket the road rule may
	// report, as a fraction of the district's area (default 0.001).
	RoadTolerance float64

	// ctx is Evaluate's: the road rule's refinement checks it between
	// passes, so that a cancelled run stops within a district too.
	ctx context.Context
	// HeadRoadsFor, when not nil, builds Compare's head-side fields (a
	// road network the change edits: closed or slowed roads) in place of
	// RoadsFor.
	HeadRoadsFor func(network int, stations []Station) *roads.Field
}

// roadField is the cost field of a road rule's network, or nil.
func (o Options) roadField(r Rule) *roads.Field {
	if r.Network < 0 || r.Network >= len(o.Roads) {
		return nil
	}
	return o.Roads[r.Network]
}

func (o Options) withDefaults() Options {
	if o.ChordErrorM <= 0 {
		o.ChordErrorM = 0.5
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// Gap is one connected uncovered part of a district.
type Gap struct {
	// Polygon is {lon, lat} degrees, exterior counter-clockwise, holes
	// clockwise (RFC 7946), arcs drawn to Options.ChordErrorM; nil unless
	// Options.GapPolygons.
	Polygon orb.Polygon
	// AreaM2 is the exact ellipsoidal area, m2: under the distance rules
	// that of the exact gap (the drawing follows it to ChordErrorM); under
	// the road rules that of the polygon drawn.
	AreaM2 float64
	// Worst is the gap's place farthest from every station; only with
	// Options.GapPolygons.
	Worst *Worst
	// Population is the people of Options.Population inside the gap.
	Population float64
	// BorderStations is the number of stations whose circles bound the
	// gap: the stations of its neighbourhood.
	BorderStations int
	// Kind is, under the road rule, GapNoAccess or GapTravelTime (by the
	// larger part of its area); empty under the distance rules.
	Kind string
}

// Gap kinds of the road rule.
const (
	// GapNoAccess: no usable road and no station within the access cap.
	GapNoAccess = "no-access"
	// GapTravelTime: roads are near, but too far from a station by road.
	GapTravelTime = "travel-time"
)

// Result is one district's evaluation.
type Result struct {
	District *District
	// RadiusM is the straight-line radius the rule amounts to, metres.
	RadiusM float64
	AreaM2  float64
	// UncoveredM2 is the uncovered area, m2; the true area lies within
	// [UncoveredLowerM2, UncoveredUpperM2], a bound on the ellipse-fit and
	// edge-densification errors.
	UncoveredM2, UncoveredLowerM2, UncoveredUpperM2 float64
	// CoveredPct is 100 x (1 - uncovered / area), unrounded.
	CoveredPct float64
	// CountedUncoveredM2 is the uncovered area in gaps at least
	// Options.IgnoreGapsUnderM2 in size: what the pass rule counts.
	CountedUncoveredM2 float64
	Pass               bool
	// Fail says why a district fails; nil when it passes.
	Fail  *Failure
	Worst Worst
	// WorstCost is Worst.DistanceM in the rule's cost unit.
	WorstCost float64
	Gaps      []Gap
	// Stations is the number of stations whose disks reach the district.
	Stations int
	// Road rule only: Undecided says the limit lies within the
	// uncovered-area bracket (the district fails, saying so); ToleranceMet
	// that the bracket is as narrow as Options.RoadTolerance asked;
	// NoAccessM2 is the uncovered area with no road or station within the
	// access cap; RoadCells and RoadCellM are the cells evaluated and the
	// finest cell's side, m; Travel the travel-time statistics.
	Undecided, ToleranceMet bool
	NoAccessM2              float64
	RoadCells               int
	RoadCellM               float64
	Travel                  *TravelTimes
	// Population and UncoveredPopulation count Options.Population's people
	// in the district and beyond the rule; CountedUncoveredPopulation those
	// in gaps the pass rule counts.
	Population, UncoveredPopulation, CountedUncoveredPopulation float64
}

// Evaluate evaluates every district against the stations in ix, in parallel.
// Results come in the order of districts whatever the number of workers.
// It stops early with ctx's error when ctx is cancelled.
func Evaluate(ctx context.Context, districts []District, ix *Index, opts Options) ([]Result, error) {
	opts = opts.withDefaults()
	opts.ctx = ctx
	results := make([]Result, len(districts))
	fs := newFrameSet()
	var mu sync.Mutex
	done := 0
	err := eachDistrict(ctx, districts, opts.Workers, func(i int) (err error) {
		results[i], err = evaluateDistrict(&districts[i], ix, opts, fs)
		if opts.Progress != nil {
			mu.Lock()
			done++
			opts.Progress(done, len(districts))
			mu.Unlock()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// eachDistrict calls fn for every district on workers goroutines, handing
// them out one at a time; it stops early with ctx's error, and otherwise
// returns the error of the first district (in order) that failed.
func eachDistrict(ctx context.Context, districts []District, workers int, fn func(i int) error) error {
	errs, err := eachIndex(ctx, len(districts), workers, fn)
	if err != nil {
		return err
	}
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("district %d (%s): %w", i, districts[i].Name, err)
		}
	}
	return nil
}

// eachIndex calls fn(i) for i in [0, n) on workers goroutines, handing the
// indexes out one at a time, and returns fn's error for each; it stops
// handing them out when ctx is cancelled, returning ctx's error.
func eachIndex(ctx context.Context, n, workers int, fn func(i int) error) ([]error, error) {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(max(1, workers), max(1, n)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = fn(i)
			}
		}()
	}
	var ctxErr error
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			ctxErr = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	return errs, ctxErr
}

// EvaluateDistrict evaluates one district (see Evaluate).
func EvaluateDistrict(d *District, ix *Index, opts Options) (Result, error) {
	return evaluateDistrict(d, ix, opts.withDefaults(), newFrameSet())
}

func evaluateDistrict(d *District, ix *Index, opts Options, fs *frameSet) (Result, error) {
	if err := d.Rule.Validate(); err != nil {
		return Result{}, err
	}
	f, err := newFrame(d.Geometry, fs)
	if err != nil {
		return Result{}, err
	}
	if d.Rule.ByRoad() {
		return evaluateRoadDistrict(d, ix, opts, f)
	}
	r := d.Rule.RadiusMeters()
	res := Result{District: d, RadiusM: r, AreaM2: f.region.area, Worst: Worst{Station: -1, DistanceM: -1}}
	cands := ix.Near(f.bound, r)
	ells, resid := f.ellipses(ix, cands, r)
	res.Stations = len(ells)
	ells = dropCovered(ells) // the same union (dominance.go)
	cut := f.region.cut(ells)
	res.UncoveredM2 = max(0, min(cut.area, res.AreaM2))
	// Error bound: chords of densified edges (2/3 of tolerance x length),
	// ellipse fit (2 x sample residual, see TestEllipseFit) along the arcs
	// that bound the result, and floating point.
	bound := 2.0/3*densifyTolM*f.region.perim + (2*resid+1e-6)*cut.arcLen + 1e-9*res.AreaM2
	res.UncoveredLowerM2 = max(0, res.UncoveredM2-bound)
	res.UncoveredUpperM2 = min(res.AreaM2, res.UncoveredM2+bound)
	if res.AreaM2 > 0 {
		res.CoveredPct = 100 * (1 - res.UncoveredM2/res.AreaM2)
	}

	rings := cut.rings(ells)
	lines := make([][][2]float64, len(rings))
	for i, g := range rings {
		lines[i] = cut.polyline(ells, g, opts.ChordErrorM)
	}
	var gapLines [][][][2]float64 // each gap's rings, for the population
	for _, g := range groupRings(rings, lines) {
		gap := Gap{AreaM2: g.area}
		if gap.AreaM2 <= 0 {
			continue
		}
		// The stations whose circles bound the gap: those that would have
		// to move or grow to close it.
		border := map[int]bool{}
		for _, ri := range append([]int{g.outer}, g.holes...) {
			for _, pi := range rings[ri].pieces {
				if pc := cut.pieces[pi]; pc.arc {
					border[pc.ell] = true
				}
			}
		}
		gap.BorderStations = len(border)
		if opts.Population != nil {
			gl := [][][2]float64{lines[g.outer]}
			for _, h := range g.holes {
				gl = append(gl, lines[h])
			}
			gapLines = append(gapLines, gl)
		}
		if opts.GapPolygons {
			poly := orb.Polygon{f.lonLatRing(lines[g.outer])}
			for _, h := range g.holes {
				poly = append(poly, f.lonLatRing(lines[h]))
			}
			gap.Polygon = poly
		}
		// The district's farthest place is the farthest of its gaps'. Gaps
		// come largest first; without a gap map, a gap whose bound cannot
		// beat the best so far is skipped.
		fr := [][][2]float64{lines[g.outer]}
		for _, h := range g.holes {
			fr = append(fr, lines[h])
		}
		floor := res.Worst.DistanceM
		if opts.GapPolygons {
			floor = -1
		}
		if w, ok := f.worstIn(fr, ix, 0, floor); ok {
			if opts.GapPolygons {
				gap.Worst = &w
			}
			if w.DistanceM > res.Worst.DistanceM {
				res.Worst = w
			}
		}
		if gap.AreaM2 >= opts.IgnoreGapsUnderM2 {
			res.CountedUncoveredM2 += gap.AreaM2
		}
		res.Gaps = append(res.Gaps, gap)
	}
	if res.Worst.Station < 0 && len(res.Gaps) == 0 {
		res.Worst, _ = f.worstIn(f.region.rings, ix, r, -1)
	}
	res.WorstCost = d.Rule.Cost(res.Worst.DistanceM)

	if opts.Population != nil {
		var perGap []float64
		if opts.Population.grid != nil {
			res.Population, res.UncoveredPopulation, perGap = f.rasterPeople(opts.Population.grid, ells, gapLines)
		} else {
			res.Population, res.UncoveredPopulation, perGap = f.people(opts.Population, ix, r, gapLines)
		}
		res.CountedUncoveredPopulation = res.UncoveredPopulation
		for i := range res.Gaps {
			res.Gaps[i].Population = perGap[i]
			if res.Gaps[i].AreaM2 < opts.IgnoreGapsUnderM2 {
				res.CountedUncoveredPopulation -= perGap[i]
			}
		}
	}
	counted := 100.0
	if res.AreaM2 > 0 {
		counted = 100 * (1 - res.CountedUncoveredM2/res.AreaM2)
	}
	if opts.PassByPopulation {
		counted = 100.0
		if res.Population > 0 {
			counted = 100 * (1 - res.CountedUncoveredPopulation/res.Population)
		}
	}
	res.Pass = counted >= opts.MinCoveragePct
	if !res.Pass {
		res.Fail = &Failure{ByPopulation: opts.PassByPopulation, CountedLowerM2: res.CountedUncoveredM2, CountedUpperM2: res.CountedUncoveredM2,
			Gaps: countAtLeast(res.Gaps, opts.IgnoreGapsUnderM2), CoveredPct: counted, CoveredPctUpper: counted,
			People: res.CountedUncoveredPopulation, Population: res.Population, MinPct: opts.MinCoveragePct, IgnoreUnderM2: opts.IgnoreGapsUnderM2}
	}
	return res, nil
}

// Failure says why a district fails its pass rule: the uncovered land
// counted (in gaps of at least IgnoreUnderM2), as a bracket under the road
// rules [CountedLowerM2, CountedUpperM2], in Gaps gaps, leaving a covered
// share of CoveredPct (to CoveredPctUpper under the road rules, percent)
// below MinPct; or, ByPopulation, People of Population beyond the rule.
// Undecided: the road rules' bracket holds MinPct.
type Failure struct {
	ByPopulation, Undecided        bool
	CountedLowerM2, CountedUpperM2 float64
	Gaps                           int
	CoveredPct, CoveredPctUpper    float64
	People, Population             float64
	MinPct, IgnoreUnderM2          float64
}

func countAtLeast(gaps []Gap, m2 float64) int {
	n := 0
	for _, g := range gaps {
		if g.AreaM2 >= m2 {
			n++
		}
	}
	return n
}

// lonLatRing closes a frame ring and maps it to {lon, lat}.
func (f *frame) lonLatRing(pts [][2]float64) orb.Ring {
	ring := make(orb.Ring, 0, len(pts)+1)
	for _, p := range pts {
		ring = append(ring, f.toLonLat(p[0], p[1]))
	}
	if len(ring) > 0 {
		ring = append(ring, ring[0])
	}
	return ring
}

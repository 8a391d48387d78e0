package roads

import (
	"math"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/covaudit/covaudit/internal/planar"
)

// TouchToleranceM is how near, metres, a closure or speed-factor line must
// come to a road segment to touch it (beside crossing it).
const TouchToleranceM = 5

// Shape is a scenario's geometry, {lon, lat} degrees: a line (Lines, each
// a path of two or more points) or an area (Rings: outer rings and holes
// alike, even-odd).
type Shape struct {
	Lines [][][2]float64
	Rings [][][2]float64

	box *[2][2]float64
}

// bound is the shape's lon/lat box.
func (s *Shape) bound() (mn, mx [2]float64) {
	if s.box == nil {
		b := [2][2]float64{{math.Inf(1), math.Inf(1)}, {math.Inf(-1), math.Inf(-1)}}
		for _, set := range [][][][2]float64{s.Lines, s.Rings} {
			for _, l := range set {
				for _, p := range l {
					b[0] = [2]float64{min(b[0][0], p[0]), min(b[0][1], p[1])}
					b[1] = [2]float64{max(b[1][0], p[0]), max(b[1][1], p[1])}
				}
			}
		}
		s.box = &b
	}
	return s.box[0], s.box[1]
}

// Scenario edits a network before it is searched: closed roads are taken
// out, slowed roads take longer. Roads are named by OpenStreetMap way id or
// by a shape: a line touches a segment it crosses or comes within
// TouchToleranceM of; an area touches a segment inside it or crossing its
// boundary.
type Scenario struct {
	// ClosedWays are way ids taken out whole; Closed shapes take out the
	// segments they touch.
	ClosedWays map[int64]bool
	Closed     []Shape
	// WayFactor and Slowed multiply speeds by a factor in (0, 1] (times
	// are divided by it); a segment several name takes the smallest.
	WayFactor map[int64]float64
	Slowed    []SlowShape
}

// SlowShape is a shape with its speed factor, in (0, 1].
type SlowShape struct {
	Shape
	Factor float64
}

// Empty says whether the scenario changes nothing.
func (sc *Scenario) Empty() bool {
	return sc == nil || len(sc.ClosedWays) == 0 && len(sc.Closed) == 0 && len(sc.WayFactor) == 0 && len(sc.Slowed) == 0
}

// ScenarioStats counts what a scenario changed.
type ScenarioStats struct {
	// ClosedSegments and SlowedSegments count segments; GoneWays the ways
	// left with no segment.
	ClosedSegments, SlowedSegments, GoneWays int
}

// Apply returns the network with the scenario's edits; n is not changed.
// Nodes are numbered by first use among the segments kept, in their order,
// so that closing a way gives the very network the file without that way
// gives.
func (n *Network) Apply(sc *Scenario) (*Network, ScenarioStats) {
	var st ScenarioStats
	if sc.Empty() {
		return n, st
	}
	out := &Network{}
	remap := make([]int32, len(n.Pos))
	for i := range remap {
		remap[i] = -1
	}
	node := func(k int32) int32 {
		if remap[k] < 0 {
			remap[k] = int32(len(out.Pos))
			out.Pos = append(out.Pos, n.Pos[k])
			out.OSMID = append(out.OSMID, n.OSMID[k])
		}
		return remap[k]
	}
	had, has := map[int64]bool{}, map[int64]bool{}
	for _, s := range n.Segs {
		had[s.Way] = true
		a, b := n.Pos[s.A], n.Pos[s.B]
		if sc.ClosedWays[s.Way] || touchesAny(sc.Closed, a, b) {
			st.ClosedSegments++
			continue
		}
		f := 1.0
		if v, ok := sc.WayFactor[s.Way]; ok {
			f = min(f, v)
		}
		for i := range sc.Slowed {
			if sc.Slowed[i].touches(a, b) {
				f = min(f, sc.Slowed[i].Factor)
			}
		}
		if f < 1 {
			st.SlowedSegments++
			if s.Fwd >= 0 {
				s.Fwd /= f
			}
			if s.Bwd >= 0 {
				s.Bwd /= f
			}
		}
		has[s.Way] = true
		s.A, s.B = node(s.A), node(s.B)
		out.Segs = append(out.Segs, s)
	}
	for w := range had {
		if !has[w] {
			st.GoneWays++
		}
	}
	return out, st
}

func touchesAny(shapes []Shape, a, b [2]float64) bool {
	for i := range shapes {
		if shapes[i].touches(a, b) {
			return true
		}
	}
	return false
}

// touches says whether the shape touches the segment a-b, measured in an
// equal-area plane centred on the segment's first end.
func (s *Shape) touches(a, b [2]float64) bool {
	if len(s.Lines) == 0 && len(s.Rings) == 0 {
		return false
	}
	// Box rejection first (the box widened by about 20 m of latitude and
	// 20 m of longitude up to 60 degrees).
	mn, mx := s.bound()
	const m = 2e-4
	if max(a[0], b[0]) < mn[0]-2*m || min(a[0], b[0]) > mx[0]+2*m || max(a[1], b[1]) < mn[1]-m || min(a[1], b[1]) > mx[1]+m {
		return false
	}
	proj := geodesy.NewLAEA(a[0], a[1])
	pa, pb := xy(proj, a), xy(proj, b)
	for _, l := range s.Lines {
		for i := 0; i+1 < len(l); i++ {
			p, q := xy(proj, l[i]), xy(proj, l[i+1])
			if _, ok := planar.SegmentsMeet(pa, pb, p, q); ok {
				return true
			}
			if planar.SegmentDistance(p, pa, pb) <= TouchToleranceM || planar.SegmentDistance(q, pa, pb) <= TouchToleranceM ||
				planar.SegmentDistance(pa, p, q) <= TouchToleranceM || planar.SegmentDistance(pb, p, q) <= TouchToleranceM {
				return true
			}
		}
	}
	if len(s.Rings) > 0 {
		rings := make([][][2]float64, len(s.Rings))
		for r, ring := range s.Rings {
			rings[r] = make([][2]float64, len(ring))
			for i, p := range ring {
				rings[r][i] = xy(proj, p)
			}
		}
		inside := false
		for _, ring := range rings {
			if planar.Contains(ring, pa) {
				inside = !inside
			}
		}
		if inside {
			return true
		}
		for _, ring := range rings {
			for i := range ring {
				p, q := ring[i], ring[(i+1)%len(ring)]
				if _, ok := planar.SegmentsMeet(pa, pb, p, q); ok {
					return true
				}
			}
		}
	}
	return false
}

package roads

import (
	"math"

	"github.com/covaudit/covaudit/geodesy"
)

// Catchments answers, for one station at a time, which places reach it
// within a limit under a field's model (the model Field.Cost evaluates for
// the nearest station): per-station catchments for the accessibility
// indices and capacitated coverage, where a place counts for every station
// it reaches, not only its nearest. Build it with Field.Catchments; it is
// read-only and safe for concurrent use; each goroutine needs its own
// Workspace.
type Catchments struct {
	f     *Field
	g     *csr
	seeds [][]seed // each station's join nodes and their times
}

type seed struct {
	node  int32
	timeS float64
}

// Catchments prepares per-station searches over the field's network: the
// graph in compressed rows and each station's access legs as seeds.
func (f *Field) Catchments() *Catchments {
	c := &Catchments{f: f, g: newCSR(f.Net, f.Dir), seeds: make([][]seed, len(f.Stations))}
	for _, j := range f.joins {
		c.seeds[j.s] = append(c.seeds[j.s], seed{int32(j.seg), j.legM/f.SpeedMS + f.DelayOf(int(j.s))})
	}
	return c
}

// Workspace is one goroutine's scratch memory for Catchments.Search.
type Workspace struct {
	time    []float64
	touched []int32
	h       heap
}

// NewWorkspace returns scratch memory for searches over c's network.
func (c *Catchments) NewWorkspace() *Workspace {
	ws := &Workspace{time: make([]float64, len(c.f.Net.Pos))}
	for i := range ws.time {
		ws.time[i] = math.Inf(1)
	}
	return ws
}

// Search runs a Dijkstra from station s alone (its access legs and delay
// as in the field), settling the nodes whose time is at most limitS, and
// calls fn with each such node and its time, seconds, in order of time.
// The field's direction decides who travels (to-station: from the node to
// the station).
func (c *Catchments) Search(s int, limitS float64, ws *Workspace, fn func(node int32, timeS float64)) {
	for _, v := range ws.touched {
		ws.time[v] = math.Inf(1)
	}
	ws.touched = ws.touched[:0]
	ws.h.key, ws.h.node = ws.h.key[:0], ws.h.node[:0]
	for _, sd := range c.seeds[s] {
		if sd.timeS <= limitS && sd.timeS < ws.time[sd.node] {
			if math.IsInf(ws.time[sd.node], 1) {
				ws.touched = append(ws.touched, sd.node)
			}
			ws.time[sd.node] = sd.timeS
			ws.h.push(sd.timeS, sd.node)
		}
	}
	g := c.g
	for ws.h.len() > 0 {
		t, v := ws.h.pop()
		if t > ws.time[v] {
			continue
		}
		fn(v, t)
		for k := g.off[v]; k < g.off[v+1]; k++ {
			u := g.to[k]
			nt := t + g.time[k]
			if nt <= limitS && nt < ws.time[u] {
				if math.IsInf(ws.time[u], 1) {
					ws.touched = append(ws.touched, u)
				}
				ws.time[u] = nt
				ws.h.push(nt, u)
			}
		}
	}
}

// Option is one way for a place onto the network: an access leg to a
// segment and the road to Node at its end, TimeS seconds in all; the
// place's time to a station through it is TimeS plus the station's time
// at Node.
type Option struct {
	Node  int32
	TimeS float64
}

// Options lists a place's ways onto the network ({lon, lat} degrees):
// every usable direction of every segment with a point within CapM, with
// the cheapest leg onto it (measured as Field.Cost measures it) and the
// road to the segment's end that way. Walking straight to a station is not
// an option here (see Walk).
func (c *Catchments) Options(lon, lat float64, out []Option) []Option {
	f := c.f
	proj := geodesy.NewLAEA(lon, lat)
	inv := 1 / f.SpeedMS
	pt := [2]float64{lon, lat}
	f.Net.Near(pt, pt, f.CapM, func(k int) bool {
		s := f.Net.Segs[k]
		a, b := xy(proj, f.Net.Pos[s.A]), xy(proj, f.Net.Pos[s.B])
		// As Linear without the stations' times: to-station along A->B
		// leaves by B, along B->A by A; from-station enters by A along
		// A->B, by B along B->A.
		type way struct {
			t, c0, c1 float64
			end       int32
		}
		var ws [2]way
		if f.Dir == ToStation {
			ws = [2]way{{s.Fwd, s.Fwd, -s.Fwd, s.B}, {s.Bwd, 0, s.Bwd, s.A}}
		} else {
			ws = [2]way{{s.Fwd, 0, s.Fwd, s.A}, {s.Bwd, s.Bwd, -s.Bwd, s.B}}
		}
		for _, w := range ws {
			if w.t < 0 {
				continue
			}
			if cost, _, ok := MinLeg([2]float64{}, a, b, w.c0, w.c1, inv, f.CapM); ok {
				out = append(out, Option{Node: w.end, TimeS: cost})
			}
		}
		return true
	})
	return out
}

// Walk is the time, seconds, of walking straight (geodesic distance
// distM) to station s, its delay included; +Inf when the field caps walks
// (WalkCapped) and distM is beyond CapM.
func (c *Catchments) Walk(s int, distM float64) float64 {
	if c.f.WalkCapped && distM > c.f.CapM {
		return math.Inf(1)
	}
	return distM/c.f.SpeedMS + c.f.DelayOf(s)
}

// WalkReachM is the farthest a place can be from a station and still walk
// to it within limitS.
func (c *Catchments) WalkReachM(limitS float64) float64 {
	r := limitS * c.f.SpeedMS
	if c.f.WalkCapped {
		r = min(r, c.f.CapM)
	}
	return r
}

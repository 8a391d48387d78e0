package coverage

import (
	"encoding/binary"
	"slices"
	"sync"

	"github.com/paulmach/orb"
)

// siteCuts memoizes what Suggest measures most: the uncovered area of a
// land district once a list of candidate sites is added to its stations'
// disks, in the order of the list. One list always gives the same cut, to
// the last bit, so the first gains, the lazy greedy's checks, the swaps and
// the final ranking each read such an area once, whichever asks first, and
// the choice is the one measuring it every time would make. It is safe for
// concurrent use.
type siteCuts struct {
	frames []*frame
	radius []float64
	ells0  [][]ellipse // per district: the stations' disks
	cands  []orb.Point
	mu     sync.Mutex
	fits   map[[2]int]ellipse // {candidate, district}
	areas  map[string]float64
}

// newSiteCuts starts the memo for the suggester s before any site is added.
func newSiteCuts(s *suggester, cands []orb.Point) *siteCuts {
	c := &siteCuts{frames: s.frames, radius: s.radius, ells0: make([][]ellipse, len(s.ells)), cands: cands,
		fits: map[[2]int]ellipse{}, areas: map[string]float64{}}
	for d := range s.ells {
		c.ells0[d] = slices.Clip(s.ells[d])
		if !s.districts[d].Rule.ByRoad() {
			s.frames[d].region.index() // built once, before the cuts run on every worker
		}
	}
	return c
}

// fit is candidate k's disk in district d's frame.
func (c *siteCuts) fit(d, k int) ellipse {
	c.mu.Lock()
	e, ok := c.fits[[2]int{k, d}]
	c.mu.Unlock()
	if ok {
		return e
	}
	e, _ = fitEllipse(c.frames[d].proj, c.cands[k][0], c.cands[k][1], c.radius[d])
	c.mu.Lock()
	c.fits[[2]int{k, d}] = e
	c.mu.Unlock()
	return e
}

func cutKey(d int, list []int) string {
	b := make([]byte, 0, 3*(len(list)+1))
	b = binary.AppendUvarint(b, uint64(d))
	for _, k := range list {
		b = binary.AppendUvarint(b, uint64(k))
	}
	return string(b)
}

// uncovered is district d's uncovered area with the candidates of list
// added after its stations, clipped to [0, the district's area].
func (c *siteCuts) uncovered(d int, list []int) float64 {
	key := cutKey(d, list)
	c.mu.Lock()
	v, ok := c.areas[key]
	c.mu.Unlock()
	if ok {
		return v
	}
	ells := make([]ellipse, len(c.ells0[d]), len(c.ells0[d])+len(list))
	copy(ells, c.ells0[d])
	for _, k := range list {
		ells = append(ells, c.fit(d, k))
	}
	f := c.frames[d]
	v = max(0, min(f.region.area, f.region.cut(ells).area))
	c.mu.Lock()
	c.areas[key] = v
	c.mu.Unlock()
	return v
}

// known says whether the area of district d with list is in the memo.
func (c *siteCuts) known(d int, list []int) bool {
	c.mu.Lock()
	_, ok := c.areas[cutKey(d, list)]
	c.mu.Unlock()
	return ok
}

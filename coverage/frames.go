package coverage

import (
	"math"
	"sync"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// frameSet hands out the equal-area frames districts are evaluated in and
// caches the ellipses fitted in each, so that a station shared by
// neighbouring districts is fitted once. Districts whose box fits in a tile
// of tileDeg degrees of latitude (and as many kilometres east-west) share
// the frame centred on that tile; larger districts get their own. Every
// place a frame serves is then within about 100 km of its centre, where the
// measured ellipse fit error is below 0.42 mm (TestEllipseFit). Safe for
// concurrent use; the frame and the ellipses of a district depend only on
// its geometry, never on the order of evaluation.
type frameSet struct {
	mu    sync.Mutex
	tiles map[[2]int]*tileFrame
}

const tileDeg = 0.5

type tileFrame struct {
	proj *geodesy.LAEA
	// mu guards ells; lookups, most of them hits, only read-lock it, so
	// the workers do not queue on one another for each station.
	mu   sync.RWMutex
	ells map[fitKey]fitted
}

type fitKey struct {
	station int
	r       float64
}

type fitted struct {
	e     ellipse
	resid float64
}

func newFrameSet() *frameSet { return &frameSet{tiles: make(map[[2]int]*tileFrame)} }

// frameFor returns the projection and ellipse cache for a district box.
func (fs *frameSet) frameFor(b orb.Bound) *tileFrame {
	clat := (b.Min[1] + b.Max[1]) / 2
	clon := (b.Min[0] + b.Max[0]) / 2
	ty := math.Floor(clat / tileDeg)
	tlat := (ty + 0.5) * tileDeg
	cosLat := max(0.05, math.Cos(tlat*math.Pi/180))
	wlon := tileDeg / cosLat
	tx := math.Floor(clon / wlon)
	tlon := (tx + 0.5) * wlon
	if b.Max[1]-b.Min[1] > tileDeg || b.Max[0]-b.Min[0] > wlon || math.Abs(tlat) > 80 {
		return &tileFrame{proj: geodesy.NewLAEA(clon, clat), ells: make(map[fitKey]fitted)}
	}
	key := [2]int{int(tx), int(ty)}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	t, ok := fs.tiles[key]
	if !ok {
		t = &tileFrame{proj: geodesy.NewLAEA(tlon, tlat), ells: make(map[fitKey]fitted)}
		fs.tiles[key] = t
	}
	return t
}

// fit returns the cached ellipse of station i at radius r, fitting it on
// first use.
func (t *tileFrame) fit(ix *Index, i int, r float64) fitted {
	k := fitKey{i, r}
	t.mu.RLock()
	f, ok := t.ells[k]
	t.mu.RUnlock()
	if ok {
		return f
	}
	p := ix.stations[i].Point
	e, resid := fitEllipse(t.proj, p[0], p[1], r)
	f = fitted{e, resid}
	t.mu.Lock()
	t.ells[k] = f
	t.mu.Unlock()
	return f
}

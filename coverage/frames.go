package coverage

import (
	"math"
	"sync"
	"sync/atomic"

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
	// denseBytes is what the tiles' fit tables take (see fitTable), kept
	// under denseBudget.
	denseBytes int
}

const tileDeg = 0.5

type tileFrame struct {
	proj *geodesy.LAEA
	// fs is the frame set of a shared tile, nil for a district's own frame
	// (which gets no fit table: it serves one district).
	fs *frameSet
	// mu guards ells and tables; lookups, most of them hits, only
	// read-lock it, so the workers do not queue on one another for each
	// station.
	mu     sync.RWMutex
	ells   map[fitKey]fitted
	tables map[tableKey]*fitTable
}

type fitKey struct {
	station int
	r       float64
}

type tableKey struct {
	ix *Index
	r  float64
}

type fitted struct {
	e     ellipse
	resid float64
	// x, y: the station projected into the frame.
	x, y float64
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
		t = &tileFrame{proj: geodesy.NewLAEA(tlon, tlat), fs: fs, ells: make(map[fitKey]fitted)}
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
	f = newFitted(t.proj, ix.stations[i].Point, r)
	t.mu.Lock()
	t.ells[k] = f
	t.mu.Unlock()
	return f
}

func newFitted(p *geodesy.LAEA, pt orb.Point, r float64) fitted {
	x, y := p.Forward(pt[0], pt[1])
	e, resid := fitEllipseAt(p, pt[0], pt[1], x, y, r)
	return fitted{e, resid, x, y}
}

// A fitTable caches the fitted ellipses of one shared tile, one radius and
// one Index without a map: a slot per station of the Index says where its
// ellipse is. With a million stations a run the map's lookups (a cache miss
// each, under a lock) cost more than a third of the fitting; the table's
// are an array read, without a lock. It takes 4 bytes a station of the
// Index, so the frame set hands out tables only while they fit in
// denseBudget, and the map serves the rest.
type fitTable struct {
	ix   *Index
	slot []atomic.Int32 // per station: 0, or 1 + its place in chunks
	mu   sync.Mutex     // guards n and the writing of chunks
	n    int
	// chunks hold the fitted ellipses fitChunk at a time; a chunk, once
	// stored, stays, and an entry is written before its slot is set.
	chunks []atomic.Pointer[[fitChunk]fitted]
}

const fitChunk = 4096

// denseBudget is the most the fit tables of a frame set take, bytes (a
// variable for a test to turn them off).
var denseBudget = 256 << 20

// table returns the fit table of the tile for ix and r, or nil when the
// tile is a district's own or the budget is spent.
func (t *tileFrame) table(ix *Index, r float64) *fitTable {
	if t.fs == nil || ix.Len() == 0 {
		return nil
	}
	k := tableKey{ix, r}
	t.mu.RLock()
	tb, ok := t.tables[k]
	t.mu.RUnlock()
	if ok {
		return tb
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if tb, ok := t.tables[k]; ok {
		return tb
	}
	bytes := 4 * ix.Len()
	t.fs.mu.Lock()
	if t.fs.denseBytes+bytes > denseBudget {
		t.fs.mu.Unlock()
		return nil
	}
	t.fs.denseBytes += bytes
	t.fs.mu.Unlock()
	tb = &fitTable{ix: ix, slot: make([]atomic.Int32, ix.Len()),
		chunks: make([]atomic.Pointer[[fitChunk]fitted], (ix.Len()+fitChunk-1)/fitChunk)}
	if t.tables == nil {
		t.tables = make(map[tableKey]*fitTable)
	}
	t.tables[k] = tb
	return tb
}

// get returns station i's cached ellipse, if fitted.
func (tb *fitTable) get(i int) (*fitted, bool) {
	s := tb.slot[i].Load()
	if s == 0 {
		return nil, false
	}
	s--
	return &tb.chunks[s/fitChunk].Load()[s%fitChunk], true
}

// put caches station i's ellipse (unless another worker was first: both
// fitted the same ellipse).
func (tb *fitTable) put(i int, f fitted) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if tb.slot[i].Load() != 0 {
		return
	}
	k := tb.n
	tb.n++
	c := tb.chunks[k/fitChunk].Load()
	if c == nil {
		c = new([fitChunk]fitted)
		tb.chunks[k/fitChunk].Store(c)
	}
	c[k%fitChunk] = f
	tb.slot[i].Store(int32(k + 1))
}

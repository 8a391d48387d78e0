package validate

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/paulmach/orb"
)

// The checks of a station file run in stages, so that a file of a million
// rows is read once, held compactly and checked on all cores:
//
//  1. as records are read (checker.record, in file order): each record's
//     texts are kept in a recordStore, its coordinates parsed and the
//     checks that need no other record made (empty, unparsable, out of
//     range, null island); the records that pass are the candidates, kept
//     as a record index and a point. Meanwhile another goroutine looks for
//     duplicate ids in the frozen blocks of the store.
//  2. on all cores, block by block as each is frozen (while the next is
//     read): containment in the districts, the swap test, low precision
//     and the far-outside search, for the block's candidates.
//  3. once all is read, at once: the coordinate-system hint on a sample of
//     the stations kept, and the duplicate-location search on all of them.
//
// Findings are put in the order the serial checks made them (record by
// record: the duplicate id first, then the coordinates' findings; then
// the hint; then duplicate locations), then sorted by place, as before:
// the output does not depend on the number of cores.

// blockRecords is the number of records whose texts share one block of a
// recordStore.
const blockRecords = 1 << 14

// recordStore keeps the texts of each record that findings quote (id,
// name, longitude, latitude) in blocks of one string each, and its line
// and feature: about 60 bytes a record where a geodata.StationRecord and
// its line were 170.
type recordStore struct {
	blocks        []string    // frozen blocks, blockRecords records each (the last may hold fewer)
	cur           []byte      // the block being filled
	ends          [][4]uint32 // per record: where its id, name, lon and lat end in its block
	line, feature []int32     // per record
}

// frozenB is a frozen block for the goroutines that check it while the
// next ones are read: views of its records and candidates, which the
// reader no longer writes.
type frozenB struct {
	first         int         // index of the block's first record
	text          string      // the block
	ends          [][4]uint32 // its records' ends
	line, feature []int32
	candLo        int         // index of its first candidate
	cands         []int32     // its candidates' records
	pts           []orb.Point // and points
}

// texts is recordStore.texts of record k of the block.
func (b *frozenB) texts(k int) (id, name, lon, lat string) {
	i := k - b.first
	start := uint32(0)
	if i > 0 {
		start = b.ends[i-1][3]
	}
	e := b.ends[i]
	return b.text[start:e[0]], b.text[e[0]:e[1]], b.text[e[1]:e[2]], b.text[e[2]:e[3]]
}

func (s *recordStore) add(r *geodata.StationRecord) int {
	k := len(s.ends)
	s.cur = append(s.cur, r.ID...)
	e0 := len(s.cur)
	s.cur = append(s.cur, r.Name...)
	e1 := len(s.cur)
	s.cur = append(s.cur, r.Lon...)
	e2 := len(s.cur)
	s.cur = append(s.cur, r.Lat...)
	s.ends = append(s.ends, [4]uint32{uint32(e0), uint32(e1), uint32(e2), uint32(len(s.cur))})
	s.line = append(s.line, int32(r.Line))
	s.feature = append(s.feature, int32(r.Feature))
	return k
}

// freeze ends the current block (when it holds records) and hands it to
// the duplicate-id search and to stage 2.
func (c *checker) freeze() {
	s := &c.store
	b := len(s.blocks)
	if b*blockRecords >= len(s.ends) {
		return
	}
	s.blocks = append(s.blocks, string(s.cur))
	s.cur = s.cur[:0]
	lo, n, m := b*blockRecords, len(s.ends), len(c.cands)
	fb := &frozenB{first: lo, text: s.blocks[b], ends: s.ends[lo:n:n], line: s.line[lo:n:n], feature: s.feature[lo:n:n],
		candLo: c.candLo, cands: c.cands[c.candLo:m:m], pts: c.pts[c.candLo:m:m]}
	c.candLo = m
	c.frozen <- fb
	c.toCheck <- fb
}

// texts returns record k's id, name, longitude and latitude (k in a frozen
// block).
func (s *recordStore) texts(k int) (id, name, lon, lat string) {
	b := s.blocks[k/blockRecords]
	start := uint32(0)
	if k%blockRecords != 0 {
		start = s.ends[k-1][3]
	}
	e := s.ends[k]
	return b[start:e[0]], b[e[0]:e[1]], b[e[1]:e[2]], b[e[2]:e[3]]
}

// where is where() of record k, with its id.
func (s *recordStore) where(k int, withID bool) string {
	r := geodata.StationRecord{Line: int(s.line[k]), Feature: int(s.feature[k])}
	if withID {
		r.ID, _, _, _ = s.texts(k)
	}
	return where(r)
}

// recFindings are findings of records, in record order, with the record of
// each.
type recFindings struct {
	rec []int32
	f   []Finding
}

func (l *recFindings) add(rec int, f Finding) {
	l.rec = append(l.rec, int32(rec))
	l.f = append(l.f, f)
}

// checker is the state of the checks of one file.
type checker struct {
	name     string
	opts     Options
	dist     *districts
	resolved bool // opts.Stations.CRS settled (a GeoJSON "crs" member)
	store    recordStore
	coords   recFindings // stage 1 findings
	cands    []int32     // candidates' records
	pts      []orb.Point // candidates' points
	candLo   int         // the first candidate of the block being filled

	frozen, toCheck chan *frozenB // frozen blocks for the duplicate-id search and stage 2
	checked         []*checkedB   // stage 2's results, in any order
	checkMu         sync.Mutex
	checkers        sync.WaitGroup

	sizeHint int     // records expected
	dupIDs   []int32 // pairs: record, the first record of its id
	idDone   chan struct{}
	distDone chan struct{} // dist is made
}

// newChecker starts the checks of a file of about sizeHint records.
func newChecker(name string, opts Options, sizeHint int) *checker {
	if opts.DuplicateDistanceM <= 0 {
		opts.DuplicateDistanceM = 10
	}
	if opts.MaxOutsideM <= 0 {
		opts.MaxOutsideM = 50e3
	}
	c := &checker{name: name, opts: opts, sizeHint: sizeHint, idDone: make(chan struct{}), distDone: make(chan struct{})}
	c.frozen, c.toCheck = make(chan *frozenB, 4), make(chan *frozenB, 4)
	// Sized once: doubling a million records' slices copied them.
	c.store.ends = make([][4]uint32, 0, sizeHint)
	c.store.line, c.store.feature = make([]int32, 0, sizeHint), make([]int32, 0, sizeHint)
	c.cands, c.pts = make([]int32, 0, sizeHint), make([]orb.Point, 0, sizeHint)
	// The districts' outlines and bands are made while the file is read.
	go func() {
		defer close(c.distDone)
		c.dist = newDistricts(opts.Districts)
	}()
	go c.findDupIDs()
	for range runtime.GOMAXPROCS(0) {
		c.checkers.Add(1)
		go func() {
			defer c.checkers.Done()
			<-c.distDone
			for b := range c.toCheck {
				r := c.stage2(b)
				c.checkMu.Lock()
				c.checked = append(c.checked, r)
				c.checkMu.Unlock()
			}
		}()
	}
	return c
}

// findDupIDs looks for ids used before in each frozen block, in record
// order.
func (c *checker) findDupIDs() {
	defer close(c.idDone)
	var blocks []*frozenB
	idOf := func(k int) string {
		b := blocks[k/blockRecords]
		i := k - b.first
		start := uint32(0)
		if i > 0 {
			start = b.ends[i-1][3]
		}
		return b.text[start:b.ends[i][0]]
	}
	t := newIDTable(c.sizeHint)
	for b := range c.frozen {
		blocks = append(blocks, b)
		start := uint32(0)
		for i, e := range b.ends {
			id := b.text[start:e[0]]
			start = e[3]
			if id == "" {
				continue
			}
			k := b.first + i
			if f := t.firstOr(id, k, idOf); f != k {
				c.dupIDs = append(c.dupIDs, int32(k), int32(f))
			}
		}
	}
}

// idTable is a set of ids by the record that used each first: open
// addressing over one word a slot (32 bits of the id's hash, and the
// record), where a map of strings hashed each id twice (looked up, then
// stored) and cost half a second on a million.
type idTable struct {
	seed  maphash.Seed
	slots []uint64 // hash<<32 | record+1; 0 is empty
	n     int
}

func newIDTable(hint int) *idTable {
	size := 1024
	for size < 2*hint {
		size *= 2
	}
	return &idTable{seed: maphash.MakeSeed(), slots: make([]uint64, size)}
}

// firstOr returns the record that used id first, or adds id as used first
// by record k and returns k. idOf gives the id of an earlier record.
func (t *idTable) firstOr(id string, k int, idOf func(int) string) int {
	h := uint32(maphash.String(t.seed, id))
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			t.slots[i] = uint64(h)<<32 | uint64(k+1)
			t.n++
			if 2*t.n > len(t.slots) {
				t.grow()
			}
			return k
		}
		if uint32(s>>32) == h {
			if f := int(uint32(s)) - 1; idOf(f) == id {
				return f
			}
		}
	}
}

func (t *idTable) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	mask := uint32(len(t.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := uint32(s>>32) & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

func (c *checker) finding(line, feature int, id, code, msg, fix string) Finding {
	return Finding{Severity: severity(code), Code: code, File: c.name, Line: line, Feature: feature, ID: id, Message: msg, Fix: fix}
}

// record is stage 1 for one record.
func (c *checker) record(sf *geodata.StationFile, rv geodata.StationRecord) {
	if !c.resolved {
		c.resolved = true
		if c.opts.Stations.CRS.Name == "" && sf.CRS.Name != "" { // a GeoJSON "crs" member
			c.opts.Stations.CRS = sf.CRS
		}
	}
	r := &rv
	if k := len(c.store.ends); k > 0 && k%blockRecords == 0 {
		c.freeze()
	}
	k := c.store.add(r)
	at := func(code, msg, fix string) { c.coords.add(k, c.finding(r.Line, r.Feature, r.ID, code, msg, fix)) }
	lon, lat, lonErr, latErr := r.Coords()
	bad := false
	for _, cc := range [2]struct {
		what, col, text string
		err             error
	}{{"longitude", sf.LonCol, r.Lon, lonErr}, {"latitude", sf.LatCol, r.Lat, latErr}} {
		switch {
		case cc.err == nil:
		case cc.text == "":
			at("empty-coordinate", fmt.Sprintf("%s (%s) is empty", cc.what, cc.col), "")
			bad = true
		default:
			msg := fmt.Sprintf("%s (%s) %q is not a number", cc.what, cc.col, geodata.Excerpt(cc.text))
			if looksLikePhone(cc.text) {
				msg += "; it looks like a phone number"
			}
			at("unparsable-coordinate", msg, "")
			bad = true
		}
	}
	if bad {
		return
	}
	// Beyond every projected system's range (geodata.MaxProjectedM)
	// a value is no coordinate at all: a phone number, most often.
	if geodata.NotACoordinate(lon) || geodata.NotACoordinate(lat) {
		text := r.Lon
		if !geodata.NotACoordinate(lon) {
			text = r.Lat
		}
		at("out-of-range", "value "+text+" is not a coordinate (too large for degrees or projected metres)", "")
		return
	}
	sys := c.opts.Stations.CRS
	if sys.Name != "" && !sys.IsWGS84() {
		lon, lat = sys.ToWGS84(lon, lat)
	}
	projected := sys.Name != "" && !sys.Geographic
	switch {
	case lon == 0 && lat == 0:
		at("null-island", "the coordinates are exactly (0, 0), a place in the Gulf of Guinea: the location is missing", "geocode the station again")
		return
	case projected && (math.Abs(lon) > 180 || math.Abs(lat) > 90 || math.IsNaN(lon) || math.IsNaN(lat)):
		at("out-of-range", fmt.Sprintf("(%s, %s) in %s is not a place on Earth", r.Lon, r.Lat, sys.Name), "")
		return
	case math.Abs(lon) > 180 || math.Abs(lat) > 90:
		switch {
		case math.Abs(lat) <= 180 && math.Abs(lon) <= 90:
			at("swapped-latlon", fmt.Sprintf("latitude %s is out of range [-90, 90]; swapped, the values are a valid place", r.Lat), swapFix(r.Lon, r.Lat))
		case math.Abs(lon) > 1000 || math.Abs(lat) > 1000:
			at("projected-coordinates", fmt.Sprintf("(%s, %s) are not degrees: they look like metres in a projected system (UTM, Web Mercator)", r.Lon, r.Lat),
				"convert to WGS84 longitude and latitude")
		default:
			at("out-of-range", fmt.Sprintf("(%s, %s) is out of range: longitude must be in [-180, 180], latitude in [-90, 90]", r.Lon, r.Lat), "")
		}
		return
	}
	c.cands = append(c.cands, int32(k))
	c.pts = append(c.pts, orb.Point{lon, lat})
}

func swapFix(lon, lat string) string { return fmt.Sprintf("longitude %s, latitude %s", lat, lon) }

// stop ends the checker's goroutines when the file cannot be read.
func (c *checker) stop() {
	close(c.frozen)
	close(c.toCheck)
	<-c.idDone
	<-c.distDone
	c.checkers.Wait()
}

// checkedB is stage 2's outcome for a block's candidates.
type checkedB struct {
	candLo int
	keep   []bool // the candidate is kept for the hint and duplicates
	found  recFindings
}

// stage2 tests a block's candidates against the districts: containment,
// the swap test, low precision, far outside.
func (c *checker) stage2(b *frozenB) *checkedB {
	opts, dist := c.opts, c.dist
	projected := opts.Stations.CRS.Name != "" && !opts.Stations.CRS.Geographic
	out := &checkedB{candLo: b.candLo, keep: make([]bool, len(b.cands))}
	for i, k32 := range b.cands {
		k := int(k32)
		pt := b.pts[i]
		lon, lat := pt[0], pt[1]
		id, _, lonText, latText := b.texts(k)
		at := func(code, msg, fix string) {
			out.found.add(k, c.finding(int(b.line[k-b.first]), int(b.feature[k-b.first]), id, code, msg, fix))
		}
		outside := dist != nil && !dist.contains(pt) // once: the test dominates a long file's time
		if outside && math.Abs(lon) <= 90 {
			if j := dist.at(orb.Point{lat, lon}); j >= 0 {
				at("swapped-latlon", fmt.Sprintf("(%s, %s) is outside every district; swapped, it is inside %s", lonText, latText, fmt.Sprintf("district %q", dist.ds[j].Name)), swapFix(lonText, latText))
				continue
			}
		}
		if d := min(geodata.Decimals(lonText), geodata.Decimals(latText)); d < 3 && !projected {
			at("low-precision", fmt.Sprintf("(%s, %s) has %d decimal(s): the place is known to about %s", lonText, latText, d, precisionText(d)), "")
		}
		if outside {
			if d := dist.distance(pt, opts.MaxOutsideM); d > opts.MaxOutsideM {
				at("far-outside", fmt.Sprintf("(%s, %s) is more than %s from every district", lonText, latText, kmText(opts.MaxOutsideM)), "")
			}
		}
		out.keep[i] = true
	}
	return out
}

// finish runs stages 2 and 3 once every record is read.
func (c *checker) finish(sf *geodata.StationFile, res *Result) *Result {
	c.freeze()
	close(c.frozen)
	close(c.toCheck)
	<-c.distDone
	c.checkers.Wait()
	opts, dist, st := c.opts, c.dist, &c.store
	if !c.resolved && opts.Stations.CRS.Name == "" && sf.CRS.Name != "" {
		opts.Stations.CRS = sf.CRS
	}
	res.Format = sf.Format
	res.Records = len(st.ends)
	for _, p := range sf.Unsplittable {
		res.Findings = append(res.Findings, c.finding(p.Line, p.Feature, p.ID, "unreadable-record", p.Msg, ""))
	}
	// Stage 2's blocks in file order, and the stations kept.
	chunks := c.checked
	slices.SortFunc(chunks, func(a, b *checkedB) int { return cmp.Compare(a.candLo, b.candLo) })
	n := 0
	for _, ch := range chunks {
		for i, ok := range ch.keep {
			if ok {
				c.cands[n], c.pts[n] = c.cands[ch.candLo+i], c.pts[ch.candLo+i]
				n++
			}
		}
	}
	good, pts := c.cands[:n], c.pts[:n]

	// Stage 3: the hint beside the duplicate search.
	var hint []Finding
	var wg sync.WaitGroup
	if sys := opts.Stations.CRS; dist != nil && (sys.Name == "" || sys.IsWGS84()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Only the stations the hint samples are copied (LikelyCRS).
			pick := func(k int) int { return k }
			if n > hintSample {
				pick = func(k int) int { return hintSampled(k, n) }
			}
			sample := make([]coverage.Station, min(n, hintSample))
			for k := range sample {
				g := pick(k)
				_, name, _, _ := st.texts(int(good[g]))
				sample[k] = coverage.Station{Name: name, Point: pts[g]}
			}
			if h, ok := likelyCRSWith(sample, n, opts.Districts, dist); ok {
				hint = append(hint, c.finding(0, -1, "", "crs-mismatch", h.Message(), "rerun with --stations-crs "+h.CRS+", or convert the file to WGS84"))
			}
		}()
	}
	firstNear, nearM := earlierNear(pts, opts.DuplicateDistanceM)
	wg.Wait()
	<-c.idDone

	// Findings in the order the checks made them, record by record.
	var perRec []recFindings
	perRec = append(perRec, c.coords)
	for _, ch := range chunks {
		perRec = append(perRec, ch.found)
	}
	stage := mergeByRecord(perRec)
	di := 0
	for i := 0; i <= len(stage.rec); i++ {
		for ; di < len(c.dupIDs) && (i == len(stage.rec) || c.dupIDs[di] <= stage.rec[i]); di += 2 {
			k, f := int(c.dupIDs[di]), int(c.dupIDs[di+1])
			id, _, _, _ := st.texts(k)
			res.Findings = append(res.Findings, c.finding(int(st.line[k]), int(st.feature[k]), id, "duplicate-id",
				fmt.Sprintf("id %q is also used %s", id, st.where(f, false)), "give each station its own id"))
		}
		if i < len(stage.rec) {
			res.Findings = append(res.Findings, stage.f[i])
		}
	}
	res.Findings = append(res.Findings, hint...)
	// Stations within the duplicate distance of an earlier one.
	for i, k := range good {
		if j := firstNear[i]; j >= 0 {
			k := int(k)
			id, _, _, _ := st.texts(k)
			res.Findings = append(res.Findings, c.finding(int(st.line[k]), int(st.feature[k]), id, "duplicate-location",
				fmt.Sprintf("%.1f m from the station %s", nearM[i], st.where(int(good[j]), true)), "remove one of them, or move it to its real place"))
		}
	}
	slices.SortStableFunc(res.Findings, func(a, b Finding) int {
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		return cmp.Compare(a.Feature, b.Feature)
	})
	return res
}

// mergeByRecord merges lists of findings each in record order, whose
// records are disjoint between lists, into one in record order.
func mergeByRecord(ls []recFindings) recFindings {
	var out recFindings
	idx := make([]int, len(ls))
	for {
		best := -1
		for l := range ls {
			if idx[l] < len(ls[l].rec) && (best < 0 || ls[l].rec[idx[l]] < ls[best].rec[idx[best]]) {
				best = l
			}
		}
		if best < 0 {
			return out
		}
		// The whole run of best's findings before the next list's record.
		limit := int32(math.MaxInt32)
		for l := range ls {
			if l != best && idx[l] < len(ls[l].rec) {
				limit = min(limit, ls[l].rec[idx[l]])
			}
		}
		j := idx[best]
		for j < len(ls[best].rec) && ls[best].rec[j] < limit {
			j++
		}
		out.rec = append(out.rec, ls[best].rec[idx[best]:j]...)
		out.f = append(out.f, ls[best].f[idx[best]:j]...)
		idx[best] = j
	}
}

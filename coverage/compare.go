package coverage

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/covaudit/covaudit/roads"
	"github.com/paulmach/orb"
)

// Change is one district's coverage under a base and a head list of
// stations (two versions of a station file).
type Change struct {
	District *District
	// Base and Head are the district's evaluations with each list.
	Base, Head Result
	// NewlyUncoveredM2 is the area uncovered with head and covered with
	// base, m2; NewlyCoveredM2 the reverse. Both are exact up to the error
	// of the evaluations: uncovered(head) - uncovered(base and head
	// together), and likewise for base.
	NewlyUncoveredM2, NewlyCoveredM2 float64
	// Losses are, for each base station that head no longer has at its
	// place (removed, or moved away), the area it covered that is now
	// uncovered, m2: uncovered(head) - uncovered(head plus that station).
	// A loss that two such stations shared counts for both.
	Losses []Loss
	// NewGaps are the newly uncovered parts, drawn (with
	// Options.GapPolygons): Polygon to Options.ChordErrorM and AreaM2 the
	// area of the drawn part (the district figure is NewlyUncoveredM2).
	// Under the road rules they are the head's gap drawings less those of
	// both lists (see gapDifference).
	NewGaps []Gap
	// ErrM2 bounds the error of NewlyUncoveredM2, NewlyCoveredM2 and the
	// losses under the road rule: they are differences of the middles of
	// certified brackets, so each is within half the two widths summed. 0
	// under the distance rules.
	ErrM2 float64
	// With Options.Population: PeopleLost are the people uncovered with
	// head and covered with base (they lose coverage), PeopleGained the
	// reverse; each side's uncovered people are Base and Head's
	// UncoveredPopulation. A place is counted on each side as Evaluate
	// counts it (points exactly; raster cells split exactly by the disks
	// under the distance rules, by their centres under the road rules), so
	// when nothing is gained PeopleLost is Head's uncovered people less
	// Base's. The lost people of each drawn new gap are in its Population
	// (a point on a gap's drawn edge may fall in none).
	PeopleLost, PeopleGained float64
}

// Loss is the uncovered area one gone station leaves behind in a district.
type Loss struct {
	Station int // index into the base list
	AreaM2  float64
}

// newGapChordM is the chord error, metres, of the covered part's arcs in
// the drawing of new gaps: the drawing lies inside the base disks by at
// most this much.
const newGapChordM = 1e-3

// Compare evaluates every district with the base and the head stations
// and measures what changed between them. The losses of the base stations
// that head does not have at the same place (removed, or moved away) are
// measured one by one. Districts are compared in parallel; results come in
// district order.
//
// Under the road rule (Options.RoadsFor), the network is searched from the
// base, the head and both lists, and from the head with each gone station
// added back when a district lost land; the figures are differences of
// evaluations (see Change.ErrM2).
func Compare(ctx context.Context, districts []District, base, head []Station, opts Options) ([]Change, error) {
	opts = opts.withDefaults()
	evalOpts := opts
	evalOpts.GapPolygons = false
	var roadsFor func([]Station) []*roads.Field
	if opts.RoadsFor != nil {
		roadsFor = fieldsFor(districts, opts.RoadsFor)
	}
	// The head side's networks: the base's unless the change edits them.
	headFor := roadsFor
	if opts.HeadRoadsFor != nil && roadsFor != nil {
		headFor = fieldsFor(districts, opts.HeadRoadsFor)
	}
	if roadsFor != nil {
		evalOpts.Roads = roadsFor(base)
	}
	baseFields := evalOpts.Roads
	baseIx, headIx := NewIndex(base), NewIndex(head)
	baseRes, err := Evaluate(ctx, districts, baseIx, evalOpts)
	if err != nil {
		return nil, err
	}
	if roadsFor != nil {
		evalOpts.Roads = headFor(head)
	}
	headFields := evalOpts.Roads
	headRes, err := Evaluate(ctx, districts, headIx, evalOpts)
	if err != nil {
		return nil, err
	}
	// One index over both lists, so that each disk is fitted once per
	// frame: base stations are [0, len(base)), head stations follow.
	all := NewIndex(append(append(make([]Station, 0, len(base)+len(head)), base...), head...))
	nb := len(base)
	inHead := make(map[orb.Point]bool, len(head))
	for _, st := range head {
		inHead[st.Point] = true
	}
	isGone := map[int]bool{}
	for i, st := range base {
		if !inHead[st.Point] {
			isGone[i] = true
		}
	}
	out := make([]Change, len(districts))
	fs := newFrameSet()
	var rc *roadCompare
	if roadsFor != nil {
		rc = newRoadCompare(roadsFor, headFor, all, base, head, isGone)
		rc.baseFields, rc.headFields = baseFields, headFields
		rc.baseIx, rc.headIx = baseIx, headIx
	}
	err = eachDistrict(ctx, districts, opts.Workers, func(i int) (err error) {
		if districts[i].Rule.ByRoad() {
			out[i], err = rc.district(&districts[i], headRes[i], baseRes[i], opts, fs)
		} else {
			out[i], err = compareDistrict(&districts[i], all, nb, isGone, baseIx, headIx, opts, fs)
		}
		out[i].Base, out[i].Head = baseRes[i], headRes[i]
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func compareDistrict(d *District, all *Index, nb int, gone map[int]bool, baseIx, headIx *Index, opts Options, fs *frameSet) (Change, error) {
	ch := Change{District: d}
	if err := d.Rule.Validate(); err != nil {
		return ch, err
	}
	f, err := newFrame(d.Geometry, fs)
	if err != nil {
		return ch, err
	}
	r := d.Rule.RadiusMeters()
	cands := all.Near(f.bound, r)
	// The disks of the kept stations; a place held by several stations
	// (a base and a head station at one point) is named by its first, as
	// ellipses expects.
	ellsOf := func(keep func(i int) bool) []ellipse {
		idx := make([]int, 0, len(cands))
		seen := map[int]bool{}
		for _, i := range cands {
			if first := all.first[i]; keep(i) && !seen[first] {
				seen[first] = true
				idx = append(idx, first)
			}
		}
		ells, _ := f.ellipses(all, idx, r)
		return ells
	}
	area := f.region.area
	uncovered := func(ells []ellipse) float64 { return max(0, min(area, f.region.cut(ells).area)) }
	inHead := func(i int) bool { return i >= nb }
	inBase := func(i int) bool { return i < nb }
	headEll, baseEll, bothEll := ellsOf(inHead), ellsOf(inBase), ellsOf(func(int) bool { return true })
	uHead := uncovered(headEll)
	uBase := uncovered(baseEll)
	uBoth := uncovered(bothEll)
	ch.NewlyUncoveredM2 = max(0, uHead-uBoth)
	ch.NewlyCoveredM2 = max(0, uBase-uBoth)
	if ch.NewlyUncoveredM2 > 0 {
		for _, g := range cands {
			if g >= nb || !gone[g] {
				continue
			}
			with := uncovered(ellsOf(func(i int) bool { return i >= nb || i == g }))
			if loss := uHead - with; loss > 0 {
				ch.Losses = append(ch.Losses, Loss{Station: g, AreaM2: loss})
			}
		}
	}
	if opts.GapPolygons && ch.NewlyUncoveredM2 > 0 {
		// Base stations that head keeps cover nothing new: the new gaps
		// lie in the disks of the gone ones.
		ch.NewGaps = f.newGaps(ellsOf(func(i int) bool { return i < nb && gone[i] }), headEll, opts.ChordErrorM)
	}
	if opts.Population != nil && !samePlaces(all, cands, nb) {
		// With the same stations within reach on both sides, every place
		// is covered alike: nobody loses or gains.
		ch.PeopleLost, ch.PeopleGained = f.peopleDistance(opts.Population, r, baseIx, headIx, baseEll, headEll, bothEll, ch.NewGaps)
	}
	return ch, nil
}

// samePlaces says whether the candidates (indexes into all: base stations
// below nb, head stations from nb on) put base and head stations at the
// same places.
func samePlaces(all *Index, cands []int, nb int) bool {
	inBase, inHead := map[orb.Point]bool{}, map[orb.Point]bool{}
	for _, i := range cands {
		if p := all.stations[i].Point; i < nb {
			inBase[p] = true
		} else {
			inHead[p] = true
		}
	}
	if len(inBase) != len(inHead) {
		return false
	}
	for p := range inBase {
		if !inHead[p] {
			return false
		}
	}
	return true
}

// newGaps draws the part of the region covered by the gone disks and not
// by the head disks: the covered part is drawn (arcs to newGapChordM,
// inside the gone disks), then each of its pieces is cut by the head disks.
// No head disk is a gone one, so no arc is drawn twice.
func (f *frame) newGaps(goneEll, headEll []ellipse, chordM float64) []Gap {
	cov := f.region.cutCovered(goneEll)
	rings := cov.rings(goneEll)
	lines := make([][][2]float64, len(rings))
	for i, g := range rings {
		lines[i] = cov.polyline(goneEll, g, newGapChordM)
	}
	var out []Gap
	for _, grp := range groupRings(rings, lines) {
		part := [][][2]float64{lines[grp.outer]}
		for _, h := range grp.holes {
			part = append(part, lines[h])
		}
		reg := newFrameRegion(part)
		un := reg.cut(headEll)
		urings := un.rings(headEll)
		ulines := make([][][2]float64, len(urings))
		for i, g := range urings {
			ulines[i] = un.polyline(headEll, g, chordM)
		}
		for _, ug := range groupRings(urings, ulines) {
			if ug.area <= 0 {
				continue
			}
			poly := orb.Polygon{f.lonLatRing(ulines[ug.outer])}
			for _, h := range ug.holes {
				poly = append(poly, f.lonLatRing(ulines[h]))
			}
			out = append(out, Gap{Polygon: poly, AreaM2: ug.area})
		}
	}
	return out
}

// roadCompare holds the road fields Compare needs beyond base and head:
// both lists together, and the head with each gone station added back
// (built on first use, once).
type roadCompare struct {
	all      *Index
	both     func() []*roads.Field
	head     []Station
	base     []Station
	gone     map[int]bool
	withGone map[int]func() (*Index, []*roads.Field)
	// baseFields and headFields are the base's and the head's fields, for
	// drawing the head's gaps and counting people; baseIx and headIx
	// their stations.
	baseFields, headFields []*roads.Field
	baseIx, headIx         *Index
}

func newRoadCompare(roadsFor, headFor func([]Station) []*roads.Field, all *Index, base, head []Station, gone map[int]bool) *roadCompare {
	rc := &roadCompare{all: all, head: head, base: base, gone: gone, withGone: map[int]func() (*Index, []*roads.Field){}}
	rc.both = sync.OnceValue(func() []*roads.Field { return roadsFor(all.stations) })
	for g := range gone {
		rc.withGone[g] = sync.OnceValues(func() (*Index, []*roads.Field) {
			list := append(slices.Clone(head), base[g])
			return NewIndex(list), headFor(list)
		})
	}
	return rc
}

// district compares a road district: newly uncovered is uncovered(head) -
// uncovered(base and head together), newly covered likewise for base, and a
// gone station's loss uncovered(head) - uncovered(head with it), each from
// the middles of the brackets; a loss within the error is not reported.
func (rc *roadCompare) district(d *District, head, base Result, opts Options, fs *frameSet) (Change, error) {
	ch := Change{District: d}
	f, err := newFrame(d.Geometry, fs)
	if err != nil {
		return ch, err
	}
	o := opts
	o.GapPolygons, o.Population = false, nil
	o.Roads = rc.both()
	both, err := evaluateRoadDistrict(d, rc.all, o, f)
	if err != nil {
		return ch, err
	}
	half := func(r Result) float64 { return (r.UncoveredUpperM2 - r.UncoveredLowerM2) / 2 }
	ch.ErrM2 = half(head) + half(both)
	ch.NewlyUncoveredM2 = max(0, head.UncoveredM2-both.UncoveredM2)
	ch.NewlyCoveredM2 = max(0, base.UncoveredM2-both.UncoveredM2)
	people := func() {
		if opts.Population != nil {
			bs := newRoadSetup(f, d, rc.baseIx, rc.baseFields[d.Rule.Network])
			hs := newRoadSetup(f, d, rc.headIx, rc.headFields[d.Rule.Network])
			ch.PeopleLost, ch.PeopleGained = f.peopleRoad(opts.Population, bs, hs, ch.NewGaps)
		}
	}
	if ch.NewlyUncoveredM2 <= ch.ErrM2 {
		people()
		return ch, nil
	}
	if opts.GapPolygons {
		// The newly uncovered land, drawn: the head's gaps less those of
		// both lists together.
		oh := o
		oh.GapPolygons, oh.Roads = true, rc.headFields
		hg, err := evaluateRoadDistrict(d, NewIndex(rc.head), oh, f)
		if err != nil {
			return ch, err
		}
		ob := o
		ob.GapPolygons = true
		bg, err := evaluateRoadDistrict(d, rc.all, ob, f)
		if err != nil {
			return ch, err
		}
		if ch.NewGaps, err = f.gapDifference(hg.Gaps, bg.Gaps); err != nil {
			return ch, fmt.Errorf("newly uncovered land: %w", err)
		}
	}
	people()
	gone := make([]int, 0, len(rc.gone))
	for g := range rc.gone {
		gone = append(gone, g)
	}
	slices.Sort(gone)
	for _, g := range gone {
		ix, field := rc.withGone[g]()
		o.Roads = field
		with, err := evaluateRoadDistrict(d, ix, o, f)
		if err != nil {
			return ch, err
		}
		if loss := head.UncoveredM2 - with.UncoveredM2; loss > half(head)+half(with) {
			ch.Losses = append(ch.Losses, Loss{Station: g, AreaM2: loss})
		}
	}
	return ch, nil
}

// fieldsFor returns a function building, for a list of stations, the cost
// field of every road network the districts' rules use (Rule.Network;
// unused networks stay nil), or nil when no district is under a road rule.
func fieldsFor(districts []District, build func(network int, stations []Station) *roads.Field) func([]Station) []*roads.Field {
	used := map[int]bool{}
	n := 0
	for i := range districts {
		if r := districts[i].Rule; r.ByRoad() {
			used[r.Network] = true
			n = max(n, r.Network+1)
		}
	}
	if n == 0 {
		return nil
	}
	return func(sts []Station) []*roads.Field {
		out := make([]*roads.Field, n)
		for k := range used {
			out[k] = build(k, sts)
		}
		return out
	}
}

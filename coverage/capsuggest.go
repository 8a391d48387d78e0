package coverage

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
)

// The capacitated siting objective: add N new sites, each of the same
// capacity, among candidates, so that capacitated coverage (Capacitate:
// stations in CapacityOrder, each serving the people of its catchment
// nearest first up to its capacity) serves the most people.
//
// The choice is greedy: at each step every candidate not yet chosen is
// tried, and the one that serves the most people more is added (ties to
// the lower candidate index). Trying a candidate recomputes the
// assignment exactly, but only where it changes: the stations before the
// candidate in the processing order are untouched; the candidate then
// serves the people left in its catchment, and every later station whose
// catchment holds a place whose residual changed is served again from the
// first such place on, with the people it saw and took in the assignment
// without the candidate kept for the rest. Once a site is chosen the
// figures reported are those of Capacitate itself over the stations and
// the sites (the code path of check --capacitated), so they agree with a
// check run on the stations with the sites added.
//
// The objective is not submodular: a candidate's gain can grow once
// another site is added (two sites together can serve people that
// neither serves alone, as they free a station's capacity for people it
// could not otherwise reach), so greedy has no approximation guarantee
// (TestCapacitatedGreedyNoGuarantee: greedy's value is a tenth of the
// optimum, and by shrinking one place's people any fraction). The
// report states an upper bound instead (CapSuggestResult.UpperBound).

// CapSite is a site of the capacitated objective, in the order chosen.
type CapSite struct {
	// Candidate is the index into the candidates.
	Candidate int
	// Gain is the people it serves more, given the sites before it;
	// Served and Residual the totals once it and those before it are
	// added.
	Gain, Served, Residual float64
}

// CapSuggestResult is the outcome of CapacitatedSuggest.
type CapSuggestResult struct {
	Sites []CapSite
	// People is the people of all places; Served those the stations alone
	// serve.
	People, Served float64
	// Reachable is the people of the places some station or candidate
	// reaches; CapacityBound is the sum over the stations of the lesser
	// of their people capacity and their catchment's people, plus the N
	// largest of the same over the candidates. FlowBound is the same
	// N largest over the candidates plus a cut of the flow network of
	// the stations alone (flowCut: at least the most people any
	// assignment within their catchments and capacities serves; the
	// sequential assignment is one, the sites' flow the rest). UpperBound
	// is the least of the three: no N candidates serve more people (see
	// Gap).
	Reachable, CapacityBound, FlowBound, UpperBound float64
	// Final is the capacitated coverage with the sites: stations first,
	// then the sites in the order chosen (as check numbers them when the
	// sites are appended to the stations).
	Final Capacitated
}

// Gap is the relative gap between the served people with the sites and
// the upper bound: (UpperBound - served) / UpperBound, or 0.
func (r *CapSuggestResult) Gap() float64 {
	served := r.Served
	if n := len(r.Sites); n > 0 {
		served = r.Sites[n-1].Served
	}
	if r.UpperBound <= 0 {
		return 0
	}
	return max(0, (r.UpperBound-served)/r.UpperBound)
}

// CapacitatedSuggest chooses add sites among candidates for capacitated
// coverage. The catchments c hold the stations first (capacity[j] for
// station j < len(capacity)), then one entry per candidate, each a new
// site of newCapacity; peoplePerUnit and orderBy are those of
// Capacitate and CapacityOrder. The greedy stops early when no candidate
// serves anyone more. Results do not depend on workers (<= 0: every
// core).
func CapacitatedSuggest(ctx context.Context, places []Place, c *Catchments, capacity []float64, newCapacity, peoplePerUnit float64, orderBy string, add, workers int) (*CapSuggestResult, error) {
	ns := len(capacity)
	nc := len(c.Members) - ns
	if nc < 0 {
		return nil, fmt.Errorf("coverage: %d catchments for %d stations", len(c.Members), ns)
	}
	if !(newCapacity >= 0) || math.IsInf(newCapacity, 0) {
		return nil, fmt.Errorf("coverage: new capacity %v must be a number >= 0", newCapacity)
	}
	workers = Options{Workers: workers}.withDefaults().Workers
	cs := &capSiter{places: places, c: c, capacity: capacity, newCap: newCapacity, ppu: peoplePerUnit, orderBy: orderBy}
	// Members nearest first, as Capacitate sorts them (stable by cost:
	// ties in place order).
	cs.sorted = make([][]Member, len(c.Members))
	if _, err := eachIndex(ctx, len(c.Members), workers, func(j int) error {
		ms := slices.Clone(c.Members[j])
		slices.SortStableFunc(ms, func(a, b Member) int { return cmp.Compare(a.Cost, b.Cost) })
		cs.sorted[j] = ms
		return nil
	}); err != nil {
		return nil, err
	}
	res := &CapSuggestResult{}
	for _, p := range places {
		res.People += p.People
	}
	// The bound.
	reached := make([]bool, len(places))
	catchPeople := func(j int) float64 {
		s := 0.0
		for _, m := range c.Members[j] {
			s += places[m.Place].People
			reached[m.Place] = true
		}
		return s
	}
	for j := range ns {
		res.CapacityBound += min(capacity[j]*peoplePerUnit, catchPeople(j))
	}
	best := make([]float64, nc)
	for k := range nc {
		best[k] = min(newCapacity*peoplePerUnit, catchPeople(ns+k))
	}
	slices.SortFunc(best, func(a, b float64) int { return cmp.Compare(b, a) })
	topN := 0.0
	for _, v := range best[:min(add, nc)] {
		topN += v
	}
	res.CapacityBound += topN
	pc := make([]float64, ns)
	for j := range ns {
		pc[j] = capacity[j] * peoplePerUnit
	}
	cut, err := flowCut(ctx, places, c.Members[:ns], pc)
	if err != nil {
		return nil, err
	}
	res.FlowBound = cut + topN
	for i, p := range places {
		if reached[i] {
			res.Reachable += p.People
		}
	}
	res.UpperBound = min(res.Reachable, res.CapacityBound, res.FlowBound)

	var set []int // candidates chosen (indices into the candidates)
	cur := cs.full(set)
	res.Served = sum(cur.Served)
	served := res.Served
	chosen := make([]bool, nc)
	gains := make([]float64, nc)
	tol := 1e-9 * max(1, res.People)
	for len(set) < add {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		st := cs.state(set)
		pool := make(chan *capScratch, workers)
		for range workers {
			pool <- st.newScratch()
		}
		if _, err := eachIndex(ctx, nc, workers, func(k int) error {
			if chosen[k] {
				gains[k] = math.Inf(-1)
				return nil
			}
			sc := <-pool
			gains[k] = st.gain(ns+k, sc)
			pool <- sc
			return nil
		}); err != nil {
			return nil, err
		}
		bi, bg := -1, tol
		for k, g := range gains {
			if g > bg+tol || bi < 0 && g > bg {
				bi, bg = k, g
			}
		}
		if bi < 0 {
			break
		}
		chosen[bi] = true
		set = append(set, bi)
		cur = cs.full(set)
		now := sum(cur.Served)
		res.Sites = append(res.Sites, CapSite{Candidate: bi, Gain: now - served, Served: now, Residual: res.People - now})
		served = now
	}
	res.Final = cur
	return res, nil
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// capSiter holds what every step of CapacitatedSuggest shares.
type capSiter struct {
	places   []Place
	c        *Catchments
	sorted   [][]Member // per station then candidate: its members nearest first
	capacity []float64
	newCap   float64
	ppu      float64
	orderBy  string
}

// active are the stations and the chosen sites, as global indices into
// the catchments, with their capacities: the stations file check reads
// with the sites appended in the order chosen.
func (cs *capSiter) active(set []int) ([]int, []float64) {
	ns := len(cs.capacity)
	idx := make([]int, 0, ns+len(set))
	caps := make([]float64, 0, ns+len(set))
	for j := range ns {
		idx, caps = append(idx, j), append(caps, cs.capacity[j])
	}
	for _, k := range set {
		idx, caps = append(idx, ns+k), append(caps, cs.newCap)
	}
	return idx, caps
}

// full is Capacitate over the stations and the sites of set, as check
// computes it; Order holds indices into that list (stations, then sites).
func (cs *capSiter) full(set []int) Capacitated {
	idx, caps := cs.active(set)
	sub := &Catchments{Members: make([][]Member, len(idx))}
	pc := make([]float64, len(idx))
	for i, g := range idx {
		sub.Members[i] = cs.c.Members[g]
		pc[i] = caps[i] * cs.ppu
	}
	return sub.Capacitate(cs.places, pc, CapacityOrder(caps, cs.orderBy))
}

// capState is the assignment with the sites of set, split where a new
// site would be processed: r0 is, per place, the people the stations
// before it leave; the tail are the stations after it, with what each
// saw and took at each member (sorted), and bySite where each place is in
// the tail's catchments.
type capState struct {
	cs     *capSiter
	newPC  float64
	r0     []float64
	tail   []int // global indices, in processing order
	pc     []float64
	seen   [][]float64 // residual people of member i when the station came
	take   [][]float64
	left   [][]float64 // the station's people capacity left before member i
	stop   []int       // one past the last member it took from
	end    []float64   // capacity left at the end
	start  []int32     // CSR over places into at
	at     []tailPos
	nPlace int
}

type tailPos struct{ k, i int32 }

func (cs *capSiter) state(set []int) *capState {
	idx, caps := cs.active(set)
	// Where a new site goes: CapacityOrder over the list with one more
	// entry of the new capacity.
	with := append(slices.Clone(caps), cs.newCap)
	order := CapacityOrder(with, cs.orderBy)
	q := slices.Index(order, len(caps))
	st := &capState{cs: cs, newPC: cs.newCap * cs.ppu, nPlace: len(cs.places)}
	served := make([]float64, len(cs.places))
	places := cs.places
	for _, o := range order[:q] {
		g := idx[o]
		left := caps[o] * cs.ppu
		for _, m := range cs.sorted[g] {
			if left <= 0 {
				break
			}
			want := places[m.Place].People - served[m.Place]
			if want <= 0 {
				continue
			}
			take := min(want, left)
			if take == want {
				served[m.Place] = places[m.Place].People
			} else {
				served[m.Place] += take
			}
			left -= take
		}
	}
	st.r0 = make([]float64, len(places))
	for i, p := range places {
		st.r0[i] = p.People - served[i]
	}
	count := make([]int32, len(places)+1)
	for _, o := range order[q+1:] {
		g := idx[o]
		ms := cs.sorted[g]
		left := caps[o] * cs.ppu
		st.tail = append(st.tail, g)
		st.pc = append(st.pc, left)
		seen, take, lf := make([]float64, len(ms)), make([]float64, len(ms)), make([]float64, len(ms))
		stop := 0
		for i, m := range ms {
			want := places[m.Place].People - served[m.Place]
			seen[i], lf[i] = want, left
			count[m.Place+1]++
			if left <= 0 || want <= 0 {
				continue
			}
			t := min(want, left)
			if t == want {
				served[m.Place] = places[m.Place].People
			} else {
				served[m.Place] += t
			}
			left -= t
			take[i] = t
			stop = i + 1
		}
		st.seen, st.take, st.left = append(st.seen, seen), append(st.take, take), append(st.left, lf)
		st.stop, st.end = append(st.stop, stop), append(st.end, left)
	}
	st.start = make([]int32, len(places)+1)
	for p := range places {
		st.start[p+1] = st.start[p] + count[p+1]
	}
	st.at = make([]tailPos, st.start[len(places)])
	fill := slices.Clone(st.start[:len(places)])
	for k, g := range st.tail {
		for i, m := range cs.sorted[g] {
			st.at[fill[m.Place]] = tailPos{int32(k), int32(i)}
			fill[m.Place]++
		}
	}
	return st
}

// capScratch is one worker's memory for capState.gain.
type capScratch struct {
	dres    []float64 // per place: residual with the site minus without
	touched []int32
	isTouch []bool
	dirty   [][]int32 // per tail station: member positions whose residual changed
	queued  []bool
	heap    []int32
}

func (st *capState) newScratch() *capScratch {
	return &capScratch{dres: make([]float64, st.nPlace), isTouch: make([]bool, st.nPlace),
		dirty: make([][]int32, len(st.tail)), queued: make([]bool, len(st.tail))}
}

// change records that place p's residual changed by d (after tail
// station k, -1 for the new site), queueing the later tail stations
// whose catchment holds p.
func (st *capState) change(sc *capScratch, p int32, d float64, k int32) {
	sc.dres[p] += d
	if !sc.isTouch[p] {
		sc.isTouch[p] = true
		sc.touched = append(sc.touched, p)
	}
	at := st.at[st.start[p]:st.start[p+1]]
	from, _ := slices.BinarySearchFunc(at, k+1, func(e tailPos, k int32) int { return cmp.Compare(e.k, k) })
	for _, e := range at[from:] {
		sc.dirty[e.k] = append(sc.dirty[e.k], e.i)
		if !sc.queued[e.k] {
			sc.queued[e.k] = true
			sc.push(e.k)
		}
	}
}

// gain is the people served more once global catchment g (a candidate)
// is added as a new site.
func (st *capState) gain(g int, sc *capScratch) float64 {
	gain := 0.0
	left := st.newPC
	for _, m := range st.cs.sorted[g] {
		if left <= 0 {
			break
		}
		want := st.r0[m.Place]
		if want <= 0 {
			continue
		}
		t := min(want, left)
		left -= t
		gain += t
		st.change(sc, m.Place, -t, -1)
	}
	type rec struct {
		i int32
		d float64
	}
	var recs []rec
	for len(sc.heap) > 0 {
		k := sc.pop()
		ms := st.cs.sorted[st.tail[k]]
		dirty := sc.dirty[k]
		slices.Sort(dirty)
		dirty = slices.Compact(dirty)
		seen, take, lf := st.seen[k], st.take[k], st.left[k]
		apply := func(i int32, d float64) {
			if d != 0 {
				gain += d
				st.change(sc, ms[i].Place, -d, k)
			}
		}
		done := false
		if st.end[k] > 0 {
			// The station had capacity to spare: it took every member's
			// residual. Only the changed members take differently, as long
			// as it still has enough.
			recs = recs[:0]
			acc, most := 0.0, 0.0
			for _, i := range dirty {
				l := lf[i] - acc
				nt := 0.0
				if l > 0 {
					if r := seen[i] + sc.dres[ms[i].Place]; r > 0 {
						nt = min(r, l)
					}
				}
				d := nt - take[i]
				acc += d
				most = max(most, acc)
				recs = append(recs, rec{i, d})
			}
			// A member between changed ones took its residual before,
			// with capacity left[i+1] >= end after it; it still does when
			// the extra taken so far never exceeds end.
			if st.end[k]-most >= 0 {
				for _, r := range recs {
					apply(r.i, r.d)
				}
				done = true
			}
		}
		if !done {
			i0 := int(dirty[0])
			left := lf[i0]
			for i := i0; i < len(ms); i++ {
				if left <= 0 && i >= st.stop[k] {
					break
				}
				nt := 0.0
				if left > 0 {
					if r := seen[i] + sc.dres[ms[i].Place]; r > 0 {
						nt = min(r, left)
						left -= nt
					}
				}
				apply(int32(i), nt-take[i])
			}
		}
		sc.dirty[k] = sc.dirty[k][:0]
		sc.queued[k] = false
	}
	for _, p := range sc.touched {
		sc.dres[p], sc.isTouch[p] = 0, false
	}
	sc.touched = sc.touched[:0]
	return gain
}

// push and pop keep sc.heap a min-heap of tail positions.
func (sc *capScratch) push(k int32) {
	h := append(sc.heap, k)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p] <= h[i] {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
	sc.heap = h
}

func (sc *capScratch) pop() int32 {
	h := sc.heap
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && h[l] < h[m] {
			m = l
		}
		if r < n && h[r] < h[m] {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	sc.heap = h
	return top
}

// flowCut is an upper bound on the people the stations can serve in any
// assignment within their catchments and capacities: the capacity of a
// cut of the flow network source -> place (its people) -> station (every
// catchment member, unbounded) -> sink (the station's people capacity),
// found by Dinic's maximum flow. The cut is measured from the residual
// graph when the flow stops (places and stations still reachable from the
// source are on its side), so it bounds the maximum flow whatever the
// flow's rounding: sum of the people of the places off the source side
// plus the capacities of the stations on it.
func flowCut(ctx context.Context, places []Place, members [][]Member, pc []float64) (float64, error) {
	np, ns := len(places), len(members)
	src, sink := np+ns, np+ns+1
	n := np + ns + 2
	deg := make([]int32, n+1)
	for j, ms := range members {
		for _, m := range ms {
			deg[m.Place+1]++
			deg[np+j+1]++
		}
	}
	for p := range np {
		deg[p+1]++
		deg[src+1]++
	}
	for j := range ns {
		deg[np+j+1]++
		deg[sink+1]++
	}
	for i := range n {
		deg[i+1] += deg[i]
	}
	m := int(deg[n])
	to := make([]int32, m)
	rev := make([]int32, m)
	capa := make([]float64, m)
	fill := slices.Clone(deg[:n])
	add := func(u, v int, c float64) {
		a, b := fill[u], fill[v]
		to[a], capa[a], rev[a] = int32(v), c, b
		to[b], capa[b], rev[b] = int32(u), 0, a
		fill[u]++
		fill[v]++
	}
	total := 0.0
	for p, pl := range places {
		add(src, p, pl.People)
		total += pl.People
	}
	for j, ms := range members {
		for _, mb := range ms {
			add(int(mb.Place), np+j, math.Inf(1))
		}
		add(np+j, sink, pc[j])
	}
	eps := 1e-9 * max(1, total)
	level := make([]int32, n)
	iter := make([]int32, n)
	queue := make([]int32, 0, n)
	bfs := func() bool {
		for i := range level {
			level[i] = -1
		}
		level[src] = 0
		queue = append(queue[:0], int32(src))
		for h := 0; h < len(queue); h++ {
			u := queue[h]
			for e := deg[u]; e < deg[u+1]; e++ {
				if v := to[e]; capa[e] > eps && level[v] < 0 {
					level[v] = level[u] + 1
					queue = append(queue, v)
				}
			}
		}
		return level[sink] >= 0
	}
	var dfs func(u int32, f float64) float64
	dfs = func(u int32, f float64) float64 {
		if int(u) == sink {
			return f
		}
		for ; iter[u] < deg[u+1]; iter[u]++ {
			e := iter[u]
			v := to[e]
			if capa[e] <= eps || level[v] != level[u]+1 {
				continue
			}
			if d := dfs(v, min(f, capa[e])); d > 0 {
				capa[e] -= d
				capa[rev[e]] += d
				return d
			}
		}
		return 0
	}
	for bfs() {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		copy(iter, deg[:n])
		for dfs(int32(src), math.Inf(1)) > eps {
		}
	}
	// level >= 0: the source side of the cut.
	cut := 0.0
	for p, pl := range places {
		if level[p] < 0 {
			cut += pl.People
		}
	}
	for j := range ns {
		if level[np+j] >= 0 {
			cut += pc[j]
		}
	}
	return cut, nil
}

package coverage

import (
	"cmp"
	"slices"

	"github.com/covaudit/covaudit/geodesy"
)

// StationChange is how one station differs between a base and a head list.
type StationChange struct {
	Kind       string  // "added", "removed" or "moved"
	Base, Head int     // indexes into the base and head lists, -1 where absent
	MovedM     float64 // moved: geodesic distance, metres
}

// MatchStations pairs the stations of two versions of a list: by id where
// the files give ids, then by identical position (a renamed id), then by
// name where it is unique among the stations left on both sides. Pairs at
// different positions are moves; the stations left are removals and
// additions. Stations that did not change are not listed. Changes come
// removals first, then moves, then additions, each in list order.
func MatchStations(base, head []Station) []StationChange {
	var out []StationChange
	baseUsed, headUsed := make([]bool, len(base)), make([]bool, len(head))
	pair := func(i, j int) {
		baseUsed[i], headUsed[j] = true, true
		if base[i].Point != head[j].Point {
			d := geodesy.Distance(base[i].Point[0], base[i].Point[1], head[j].Point[0], head[j].Point[1])
			out = append(out, StationChange{Kind: "moved", Base: i, Head: j, MovedM: d})
		}
	}
	byID := map[string]int{}
	for i, s := range base {
		if _, dup := byID[s.ID]; s.IDGiven && !dup {
			byID[s.ID] = i
		}
	}
	for j, s := range head {
		if i, ok := byID[s.ID]; ok && s.IDGiven && !baseUsed[i] {
			pair(i, j)
		}
	}
	byPoint := map[[2]float64][]int{}
	for i, s := range base {
		if !baseUsed[i] {
			byPoint[s.Point] = append(byPoint[s.Point], i)
		}
	}
	for j, s := range head {
		if headUsed[j] {
			continue
		}
		if is := byPoint[s.Point]; len(is) > 0 {
			pair(is[0], j)
			byPoint[s.Point] = is[1:]
		}
	}
	names := func(ss []Station, used []bool) map[string]int {
		m, n := map[string]int{}, map[string]int{}
		for i, s := range ss {
			if !used[i] && s.Name != "" {
				m[s.Name] = i
				n[s.Name]++
			}
		}
		for k, c := range n {
			if c > 1 {
				delete(m, k)
			}
		}
		return m
	}
	bn, hn := names(base, baseUsed), names(head, headUsed)
	for name, j := range hn {
		if i, ok := bn[name]; ok {
			pair(i, j)
		}
	}
	for i := range base {
		if !baseUsed[i] {
			out = append(out, StationChange{Kind: "removed", Base: i, Head: -1})
		}
	}
	for j := range head {
		if !headUsed[j] {
			out = append(out, StationChange{Kind: "added", Base: -1, Head: j})
		}
	}
	rank := map[string]int{"removed": 0, "moved": 1, "added": 2}
	slices.SortFunc(out, func(a, b StationChange) int {
		if c := cmp.Compare(rank[a.Kind], rank[b.Kind]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Base, b.Base); c != 0 {
			return c
		}
		return cmp.Compare(a.Head, b.Head)
	})
	return out
}

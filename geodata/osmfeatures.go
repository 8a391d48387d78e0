package geodata

import (
	"context"
	"fmt"
	"github.com/covaudit/covaudit/internal/planar"
	"math"
	"sort"
	"strings"

	"github.com/covaudit/covaudit/coverage"
	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// TagFilter selects OpenStreetMap elements by one tag: "key=value",
// "key=v1,v2" (any of the values) or "key" (any value).
type TagFilter struct {
	Key    string
	Values []string // empty: any value
}

// ParseTagFilter reads "key=value[,value...]" or "key".
func ParseTagFilter(s string) (TagFilter, error) {
	k, v, has := strings.Cut(strings.TrimSpace(s), "=")
	k = strings.TrimSpace(k)
	if k == "" {
		return TagFilter{}, fmt.Errorf("invalid tag filter %q: want key=value, key=v1,v2 or key", s)
	}
	f := TagFilter{Key: k}
	if has {
		for _, x := range strings.Split(v, ",") {
			if x = strings.TrimSpace(x); x != "" {
				f.Values = append(f.Values, x)
			}
		}
		if len(f.Values) == 0 {
			return TagFilter{}, fmt.Errorf("invalid tag filter %q: no value after '='", s)
		}
	}
	return f, nil
}

func (f TagFilter) String() string {
	if len(f.Values) == 0 {
		return f.Key
	}
	return f.Key + "=" + strings.Join(f.Values, ",")
}

// Match reports whether the tags pass the filter.
func (f TagFilter) Match(t osm.Tags) bool {
	v := t.Find(f.Key)
	if v == "" {
		return false
	}
	if len(f.Values) == 0 {
		return true
	}
	for _, x := range f.Values {
		if v == x {
			return true
		}
	}
	return false
}

// ReadOSMStations reads the stations of an OpenStreetMap file that match the
// filter: nodes where they stand, ways and multipolygon relations at the
// centroid of their outline (area centroid for closed rings in lon/lat,
// else the mean of their nodes). Ids are "node/N", "way/N", "relation/N";
// names come from the name tag. Elements whose nodes or member ways are
// missing from the file are reported as problems by their id.
func ReadOSMStations(ctx context.Context, src OSMSource, f TagFilter) ([]coverage.Station, Problems, error) {
	rels := map[osm.RelationID][]osm.WayID{}
	var relOrder []*osm.Relation
	err := scanOSM(ctx, src, osmKinds{relations: true}, nil, func(o osm.Object) error {
		r := o.(*osm.Relation)
		if !f.Match(r.Tags) {
			return nil
		}
		relOrder = append(relOrder, r)
		for _, m := range r.Members {
			if m.Type == osm.TypeWay && m.Role != "inner" {
				rels[r.ID] = append(rels[r.ID], osm.WayID(m.Ref))
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	memberWays := map[osm.WayID][]osm.NodeID{}
	for _, ws := range rels {
		for _, w := range ws {
			memberWays[w] = nil
		}
	}
	var ways []*osm.Way
	needNode := map[osm.NodeID]orb.Point{}
	err = scanOSM(ctx, src, osmKinds{ways: true}, nil, func(o osm.Object) error {
		w := o.(*osm.Way)
		_, member := memberWays[w.ID]
		if !member && !f.Match(w.Tags) {
			return nil
		}
		ids := make([]osm.NodeID, len(w.Nodes))
		for i, n := range w.Nodes {
			ids[i] = n.ID
			needNode[n.ID] = orb.Point{math.NaN(), math.NaN()}
		}
		if member {
			memberWays[w.ID] = ids
		}
		if f.Match(w.Tags) {
			ways = append(ways, w)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var out []coverage.Station
	err = scanOSM(ctx, src, osmKinds{nodes: true}, nil, func(o osm.Object) error {
		n := o.(*osm.Node)
		if _, ok := needNode[n.ID]; ok {
			needNode[n.ID] = round7(n.Lon, n.Lat)
		}
		if f.Match(n.Tags) {
			out = append(out, coverage.Station{ID: fmt.Sprintf("node/%d", n.ID), Name: n.Tags.Find("name"), Point: round7(n.Lon, n.Lat)})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var probs Problems
	outline := func(kind string, id int64, nodes [][]osm.NodeID) (orb.Point, bool) {
		var pts []orb.Point
		for _, ns := range nodes {
			for _, n := range ns {
				p := needNode[n]
				if math.IsNaN(p[0]) {
					probs = append(probs, Problem{File: src.Name, Feature: -1, Msg: fmt.Sprintf("%s %d: node %d is not in the file", kind, id, n)})
					return orb.Point{}, false
				}
				pts = append(pts, p)
			}
		}
		if len(pts) == 0 {
			probs = append(probs, Problem{File: src.Name, Feature: -1, Msg: fmt.Sprintf("%s %d: no nodes", kind, id)})
			return orb.Point{}, false
		}
		return centroid(pts), true
	}
	for _, w := range ways {
		ids := make([]osm.NodeID, len(w.Nodes))
		for i, n := range w.Nodes {
			ids[i] = n.ID
		}
		if p, ok := outline("way", int64(w.ID), [][]osm.NodeID{ids}); ok {
			out = append(out, coverage.Station{ID: fmt.Sprintf("way/%d", w.ID), Name: w.Tags.Find("name"), Point: p})
		}
	}
	for _, r := range relOrder {
		var nodes [][]osm.NodeID
		missing := false
		for _, w := range rels[r.ID] {
			ns, ok := memberWays[w]
			if !ok || ns == nil {
				probs = append(probs, Problem{File: src.Name, Feature: -1, Msg: fmt.Sprintf("relation %d: member way %d is not in the file", r.ID, w)})
				missing = true
				break
			}
			nodes = append(nodes, ns)
		}
		if missing {
			continue
		}
		if p, ok := outline("relation", int64(r.ID), nodes); ok {
			out = append(out, coverage.Station{ID: fmt.Sprintf("relation/%d", r.ID), Name: r.Tags.Find("name"), Point: p})
		}
	}
	return out, probs, nil
}

// round7 rounds a position to the 1e-7 degrees OSM stores.
func round7(lon, lat float64) orb.Point {
	return orb.Point{math.Round(lon*1e7) / 1e7, math.Round(lat*1e7) / 1e7}
}

// centroid is the area centroid of a closed ring (lon/lat plane), or the
// mean of the points.
func centroid(pts []orb.Point) orb.Point {
	if len(pts) >= 4 && pts[0] == pts[len(pts)-1] {
		var a, cx, cy float64
		for i := 0; i+1 < len(pts); i++ {
			p, q := pts[i], pts[i+1]
			c := p[0]*q[1] - q[0]*p[1]
			a += c
			cx += (p[0] + q[0]) * c
			cy += (p[1] + q[1]) * c
		}
		if a != 0 {
			return orb.Point{cx / (3 * a), cy / (3 * a)}
		}
	}
	var s orb.Point
	for _, p := range pts {
		s[0] += p[0]
		s[1] += p[1]
	}
	return orb.Point{s[0] / float64(len(pts)), s[1] / float64(len(pts))}
}

// ReadOSMDistricts assembles the boundary and multipolygon relations of an
// OpenStreetMap file that match the filter into MultiPolygons: member ways
// joined end to end into rings (outer, and inner as holes of the outer that
// holds them). A relation whose rings do not close, or whose member ways or
// nodes are missing from the file, is reported as a problem by its id, not
// dropped silently. Features are in relation id order; ids are
// "relation/N", names from nameTag, classes from classTag.
func ReadOSMDistricts(ctx context.Context, src OSMSource, f TagFilter, nameTag, classTag string) ([]DistrictFeature, Problems, error) {
	var rels []*osm.Relation
	need := map[osm.WayID][]osm.NodeID{}
	err := scanOSM(ctx, src, osmKinds{relations: true}, nil, func(o osm.Object) error {
		r := o.(*osm.Relation)
		t := r.Tags.Find("type")
		if !f.Match(r.Tags) || (t != "boundary" && t != "multipolygon") {
			return nil
		}
		rels = append(rels, r)
		for _, m := range r.Members {
			if m.Type == osm.TypeWay {
				need[osm.WayID(m.Ref)] = nil
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(rels) == 0 {
		return nil, nil, fmt.Errorf("%s: no boundary or multipolygon relation matches %s", src.Name, f)
	}
	nodes := map[osm.NodeID]orb.Point{}
	err = scanOSM(ctx, src, osmKinds{ways: true}, nil, func(o osm.Object) error {
		w := o.(*osm.Way)
		if _, ok := need[w.ID]; !ok {
			return nil
		}
		ids := make([]osm.NodeID, len(w.Nodes))
		for i, n := range w.Nodes {
			ids[i] = n.ID
			nodes[n.ID] = orb.Point{math.NaN(), math.NaN()}
		}
		need[w.ID] = ids
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = scanOSM(ctx, src, osmKinds{nodes: true}, nil, func(o osm.Object) error {
		n := o.(*osm.Node)
		if _, ok := nodes[n.ID]; ok {
			nodes[n.ID] = round7(n.Lon, n.Lat)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(rels, func(i, j int) bool { return rels[i].ID < rels[j].ID })
	var feats []DistrictFeature
	var probs Problems
	for i, r := range rels {
		bad := func(format string, a ...any) {
			probs = append(probs, Problem{File: src.Name, Feature: i, ID: fmt.Sprintf("relation/%d", r.ID),
				Msg: fmt.Sprintf("relation %d (%s): ", r.ID, r.Tags.Find("name")) + fmt.Sprintf(format, a...)})
		}
		var outer, inner [][]osm.NodeID
		var missing []int64
		for _, m := range r.Members {
			if m.Type != osm.TypeWay {
				continue
			}
			ns := need[osm.WayID(m.Ref)]
			if ns == nil {
				missing = append(missing, m.Ref)
				continue
			}
			if m.Role == "inner" {
				inner = append(inner, ns)
			} else {
				outer = append(outer, ns)
			}
		}
		if len(missing) > 0 {
			bad("%d member way(s) are not in the file (the extract cuts the boundary), first way %d", len(missing), missing[0])
			continue
		}
		ok := true
		outs, err1 := joinRings(outer)
		ins, err2 := joinRings(inner)
		if err1 != nil || err2 != nil {
			bad("%v", firstErr(err1, err2))
			continue
		}
		if len(outs) == 0 {
			bad("no outer ring")
			continue
		}
		ring := func(ids []osm.NodeID) (orb.Ring, error) {
			rg := make(orb.Ring, len(ids))
			for k, id := range ids {
				p := nodes[id]
				if math.IsNaN(p[0]) {
					return nil, fmt.Errorf("node %d is not in the file", id)
				}
				rg[k] = p
			}
			return rg, nil
		}
		var mp orb.MultiPolygon
		for _, o := range outs {
			rg, err := ring(o)
			if err != nil {
				bad("%v", err)
				ok = false
				break
			}
			mp = append(mp, orb.Polygon{rg})
		}
		for _, h := range ins {
			rg, err := ring(h)
			if err != nil {
				bad("%v", err)
				ok = false
				break
			}
			for k := range mp {
				if ringContains(mp[k][0], rg[0]) {
					mp[k] = append(mp[k], rg)
					break
				}
			}
		}
		if !ok {
			continue
		}
		class := r.Tags.Find(classTag)
		feats = append(feats, DistrictFeature{Index: i, ID: fmt.Sprintf("relation/%d", r.ID), Name: r.Tags.Find(nameTag),
			Class: class, HasClass: class != "", Geometry: mp})
	}
	return feats, probs, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// joinRings joins ways end to end into closed rings of node ids.
func joinRings(ways [][]osm.NodeID) ([][]osm.NodeID, error) {
	used := make([]bool, len(ways))
	byEnd := map[osm.NodeID][]int{}
	for i, w := range ways {
		if len(w) < 2 {
			used[i] = true
			continue
		}
		byEnd[w[0]] = append(byEnd[w[0]], i)
		byEnd[w[len(w)-1]] = append(byEnd[w[len(w)-1]], i)
	}
	var rings [][]osm.NodeID
	for i := range ways {
		if used[i] {
			continue
		}
		used[i] = true
		ring := append([]osm.NodeID{}, ways[i]...)
		for ring[0] != ring[len(ring)-1] {
			end := ring[len(ring)-1]
			next := -1
			for _, j := range byEnd[end] {
				if !used[j] {
					next = j
					break
				}
			}
			if next < 0 {
				return nil, fmt.Errorf("ring does not close: it ends at node %d, where no other member way continues it", end)
			}
			used[next] = true
			w := ways[next]
			if w[0] != end {
				w = reversed(w)
			}
			ring = append(ring, w[1:]...)
		}
		if len(ring) < 4 {
			return nil, fmt.Errorf("ring through node %d has fewer than 3 distinct nodes", ring[0])
		}
		rings = append(rings, ring)
	}
	return rings, nil
}

func reversed(w []osm.NodeID) []osm.NodeID {
	r := make([]osm.NodeID, len(w))
	for i, v := range w {
		r[len(w)-1-i] = v
	}
	return r
}

func ringContains(r orb.Ring, p orb.Point) bool { return planar.Contains(r, p) }

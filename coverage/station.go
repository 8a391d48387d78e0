package coverage

import (
	"cmp"
	"math"
	"slices"

	"github.com/covaudit/covaudit/internal/planar"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Station is a service point: a legal-aid office, fire station, clinic.
type Station struct {
	ID   string
	Name string
	// Point is {longitude, latitude}, degrees, WGS84.
	Point orb.Point
	// IDGiven says the file gave the id; otherwise it is a line or feature
	// number, which does not identify the station across versions.
	IDGiven bool
	// DelayS, when HasDelay, is the station's own delay, seconds, added to
	// every road time through it in place of its rule's delay (a turnout
	// time read from the station file's --delay-col).
	DelayS   float64
	HasDelay bool
	// Capacity is what the station offers (lawyers, beds, engines), read
	// from the station file's --capacity-col; >= 0. The accessibility
	// indices and capacitated coverage use it (see Access).
	Capacity float64
}

// Index is a spatial index of stations for nearest-station and
// within-distance queries with exact WGS84 geodesic distances. Build it with
// NewIndex; it is read-only and safe for concurrent use afterwards.
type Index struct {
	stations []Station
	tree     rtree.RTreeG[int]
	first    []int // index of the first station at the same point
}

// NewIndex indexes the stations. The slice is kept, not copied.
func NewIndex(stations []Station) *Index {
	ix := &Index{stations: stations}
	if len(stations) < parallelFirstMin {
		ix.first = firstAtPoint(stations)
		ix.insertAll()
		return ix
	}
	// The R-tree is built in this goroutine (in the stations' order, so
	// that searches list stations as they always have) while another
	// finds the first station at each place.
	done := make(chan []int)
	go func() { done <- firstAtPoint(stations) }()
	ix.insertAll()
	ix.first = <-done
	return ix
}

// parallelFirstMin: from this many stations NewIndex finds the stations
// at one place beside building the tree.
const parallelFirstMin = 1 << 14

func (ix *Index) insertAll() {
	for i, s := range ix.stations {
		p := [2]float64{s.Point[0], s.Point[1]}
		ix.tree.Insert(p, p, i)
	}
}

// firstAtPoint returns, for every station, the index of the first station
// at the same point (== on both coordinates, as a map keyed by the point
// has it: -0 is 0, NaN is no other point). A sort of the points, not a map:
// a million stations a run are sorted in a fraction of the map's time.
func firstAtPoint(stations []Station) []int {
	first := make([]int, len(stations))
	type key struct {
		lon, lat float64
		i        int32
	}
	keys := make([]key, len(stations))
	for i, s := range stations {
		keys[i] = key{s.Point[0], s.Point[1], int32(i)}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.lon, b.lon); c != 0 {
			return c
		}
		if c := cmp.Compare(a.lat, b.lat); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	// Equal points are adjacent, lowest index first.
	for k := 0; k < len(keys); {
		j := k + 1
		for j < len(keys) && keys[j].lon == keys[k].lon && keys[j].lat == keys[k].lat {
			j++
		}
		for _, e := range keys[k:j] {
			first[e.i] = int(keys[k].i)
		}
		k = j
	}
	return first
}

// Stations returns the indexed stations.
func (ix *Index) Stations() []Station { return ix.stations }

// Len returns the number of stations.
func (ix *Index) Len() int { return len(ix.stations) }

// metres per degree of latitude at the equator, the smallest anywhere, and
// the equatorial metres per degree of longitude.
const (
	minMetresPerDegLat = planar.MinMetresPerDegLat
	metresPerDegLonEq  = planar.MetresPerDegLonEq
)

// expand returns a longitude-latitude box that contains every point within
// m metres (geodesic) of the box b.
func expand(b orb.Bound, m float64) orb.Bound {
	dlat := m/minMetresPerDegLat*1.001 + 1e-9
	latMax := max(math.Abs(b.Min[1]), math.Abs(b.Max[1])) + dlat
	dlon := 360.0
	if latMax < 89.9 {
		dlon = min(360, m/(metresPerDegLonEq*math.Cos(latMax*math.Pi/180))*1.001+1e-9)
	}
	return orb.Bound{
		Min: orb.Point{b.Min[0] - dlon, max(-90, b.Min[1]-dlat)},
		Max: orb.Point{b.Max[0] + dlon, min(90, b.Max[1]+dlat)},
	}
}

// Near returns the indexes of the stations that may lie within m metres of
// the box b: a superset of those that do, from a conservative degree box.
func (ix *Index) Near(b orb.Bound, m float64) []int {
	e := expand(b, m)
	var out []int
	ix.tree.Search([2]float64{e.Min[0], e.Min[1]}, [2]float64{e.Max[0], e.Max[1]}, func(_, _ [2]float64, i int) bool {
		out = append(out, i)
		return true
	})
	return out
}

// Nearest returns the station nearest to p by WGS84 geodesic distance and
// that distance in metres; ties go to the lowest index. It returns -1 and
// +Inf when the index is empty.
func (ix *Index) Nearest(p orb.Point) (int, float64) {
	if len(ix.stations) == 0 {
		return -1, math.Inf(1)
	}
	pb := orb.Bound{Min: p, Max: p}
	best, bestD := -1, math.Inf(1)
	scan := func(m float64) {
		e := expand(pb, m)
		ix.tree.Search([2]float64{e.Min[0], e.Min[1]}, [2]float64{e.Max[0], e.Max[1]}, func(_, _ [2]float64, i int) bool {
			s := ix.stations[i].Point
			d := geodesy.Distance(p[0], p[1], s[0], s[1])
			if d < bestD || d == bestD && i < best {
				best, bestD = i, d
			}
			return true
		})
	}
	for m := 1000.0; best < 0; m *= 4 {
		if m > 2.1e7 {
			for i, s := range ix.stations { // the whole earth
				d := geodesy.Distance(p[0], p[1], s.Point[0], s.Point[1])
				if d < bestD || d == bestD && i < best {
					best, bestD = i, d
				}
			}
			return best, bestD
		}
		scan(m)
	}
	// Something was found within m; nothing nearer than bestD can be outside
	// the box of radius bestD.
	scan(bestD)
	return best, bestD
}

// distinct returns the indexes in idx whose stations are the first at
// their coordinates, in order: stations at one place count once. idx must
// hold every station at the places it holds (as box queries do).
func (ix *Index) distinct(idx []int) []int {
	out := idx[:0:0]
	for _, i := range idx {
		if ix.first[i] == i {
			out = append(out, i)
		}
	}
	return out
}

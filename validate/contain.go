package validate

import (
	"math"

	"github.com/paulmach/orb"
)

// bandedRings answers even-odd containment in one district's rings (lon,
// lat, edges straight) as holds does, testing only the edges whose
// latitude span meets the point's latitude band: the district's latitude
// range is cut into equal bands and each edge is listed in every band its
// span meets. An edge that can change the answer for a point (one end at
// or below its latitude, the other above) meets the point's band, so the
// edges tested are a superset of those, each tested once with holds'
// arithmetic: the answer is holds' bit for bit.
type bandedRings struct {
	minY, scale float64 // band of latitude y: (y-minY)*scale, clamped
	first       []int32 // edges of band k: edges[first[k]:first[k+1]]
	edges       [][4]float64
}

// edgesPerBand is about how many edges a band holds in a district whose
// edges are short beside its height.
const edgesPerBand = 8

// maxBands bounds the bands of one district (and so the copies of an edge
// that spans its whole height).
const maxBands = 4096

func newBandedRings(mp orb.MultiPolygon) *bandedRings {
	n := 0
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, poly := range mp {
		for _, r := range poly {
			n += len(r)
			for _, p := range r {
				minY, maxY = min(minY, p[1]), max(maxY, p[1])
			}
		}
	}
	br := &bandedRings{minY: minY}
	bands := min(maxBands, max(1, n/edgesPerBand))
	if n == 0 || !(maxY > minY) || math.IsInf(maxY-minY, 0) {
		bands = 1
	} else {
		br.scale = float64(bands) / (maxY - minY)
	}
	// Counting pass, then filling pass (edges in ring order within a band).
	count := make([]int32, bands+1)
	each := func(fn func(a, b orb.Point, lo, hi int)) {
		for _, poly := range mp {
			for _, r := range poly {
				for i := range r {
					a, b := r[i], r[(i+1)%len(r)]
					lo, hi := br.band(min(a[1], b[1]), bands), br.band(max(a[1], b[1]), bands)
					fn(a, b, lo, hi)
				}
			}
		}
	}
	each(func(_, _ orb.Point, lo, hi int) {
		for k := lo; k <= hi; k++ {
			count[k+1]++
		}
	})
	for k := 1; k <= bands; k++ {
		count[k] += count[k-1]
	}
	br.first = count
	br.edges = make([][4]float64, count[bands])
	next := append([]int32(nil), count[:bands]...)
	each(func(a, b orb.Point, lo, hi int) {
		for k := lo; k <= hi; k++ {
			br.edges[next[k]] = [4]float64{a[0], a[1], b[0], b[1]}
			next[k]++
		}
	})
	return br
}

// band is the band of latitude y among bands (monotone in y; NaN goes to
// band 0).
func (br *bandedRings) band(y float64, bands int) int {
	f := (y - br.minY) * br.scale
	if !(f > 0) {
		return 0
	}
	if f >= float64(bands-1) {
		return bands - 1
	}
	return int(f)
}

// holds is holds(mp, p) for the mp br was built from.
func (br *bandedRings) holds(p orb.Point) bool {
	k := br.band(p[1], len(br.first)-1)
	in := false
	for _, e := range br.edges[br.first[k]:br.first[k+1]] {
		if (e[1] > p[1]) != (e[3] > p[1]) && p[0] < e[0]+(p[1]-e[1])/(e[3]-e[1])*(e[2]-e[0]) {
			in = !in
		}
	}
	return in
}

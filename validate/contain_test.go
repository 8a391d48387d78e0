package validate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// TestBandedRingsTable: the band index gives holds' answer on shapes with
// the cases it treats apart: vertices and horizontal edges at the point's
// latitude, holes, a second polygon, an edge spanning every band, points
// on band boundaries and outside the latitude range, degenerate rings.
func TestBandedRingsTable(t *testing.T) {
	square := orb.Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	hole := orb.Ring{{1, 1}, {3, 1}, {3, 3}, {1, 3}, {1, 1}}
	// A comb: long teeth (many bands) beside an edge spanning them all.
	var comb orb.Ring
	comb = append(comb, orb.Point{0, 0})
	for k := range 40 {
		x := float64(k) / 10
		comb = append(comb, orb.Point{x, 10}, orb.Point{x + 0.05, 10}, orb.Point{x + 0.05, 1}, orb.Point{x + 0.1, 1})
	}
	comb = append(comb, orb.Point{4, 0}, orb.Point{0, 0})
	cases := []struct {
		name string
		mp   orb.MultiPolygon
		pts  []orb.Point
		want []bool
	}{
		{"square", orb.MultiPolygon{{square}},
			[]orb.Point{{2, 2}, {5, 2}, {2, 0}, {2, 4}, {0, 2}, {4, 2}, {2, -1}, {2, 5}, {-1, 0}},
			[]bool{true, false, true, false, true, false, false, false, false}},
		{"holed", orb.MultiPolygon{{square, hole}},
			[]orb.Point{{2, 2}, {0.5, 2}, {3.5, 3.5}, {2, 1}, {2, 3}},
			[]bool{false, true, true, false, true}},
		{"two polygons", orb.MultiPolygon{{square}, {orb.Ring{{10, 10}, {11, 10}, {11, 11}, {10, 10}}}},
			[]orb.Point{{2, 2}, {10.9, 10.5}, {10.1, 10.9}, {7, 7}},
			[]bool{true, true, false, false}},
		{"comb", orb.MultiPolygon{{comb}},
			[]orb.Point{{0.02, 5}, {0.07, 5}, {0.07, 0.5}, {3.99, 0.99}, {0.02, 10}, {0.02, 1}},
			[]bool{true, false, true, true, false, true}},
		{"flat", orb.MultiPolygon{{orb.Ring{{0, 1}, {5, 1}, {0, 1}}}},
			[]orb.Point{{1, 1}}, []bool{false}},
		{"empty", orb.MultiPolygon{}, []orb.Point{{0, 0}}, []bool{false}},
	}
	for _, c := range cases {
		br := newBandedRings(c.mp)
		for i, p := range c.pts {
			got, brute := br.holds(p), holds(c.mp, p)
			if brute != c.want[i] {
				t.Fatalf("%s %v: holds says %v, the table %v", c.name, p, brute, c.want[i])
			}
			if got != brute {
				t.Errorf("%s %v: band index %v, holds %v", c.name, p, got, brute)
			}
		}
	}
}

// TestBandedRingsMatchesHolds: on random star-shaped rings with holes and
// points drawn near their edges and vertices (and exactly on them), the
// band index and holds agree on every point.
func TestBandedRingsMatchesHolds(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for trial := range 200 {
		var mp orb.MultiPolygon
		for range 1 + rng.IntN(3) {
			cx, cy := 114+rng.Float64(), 22+rng.Float64()
			var poly orb.Polygon
			for ri := range 1 + rng.IntN(2) {
				n := 3 + rng.IntN(300)
				rad := 0.1 / float64(1+ri*3)
				var r orb.Ring
				for k := range n {
					a := 2 * math.Pi * float64(k) / float64(n)
					rr := rad * (0.3 + rng.Float64())
					p := orb.Point{cx + rr*math.Cos(a), cy + rr*math.Sin(a)}
					if rng.IntN(5) == 0 && k > 0 {
						p[1] = r[k-1][1] // a horizontal edge
					}
					r = append(r, p)
				}
				r = append(r, r[0])
				poly = append(poly, r)
			}
			mp = append(mp, poly)
		}
		br := newBandedRings(mp)
		b := mp.Bound()
		var all []orb.Point
		for _, poly := range mp {
			for _, r := range poly {
				all = append(all, r...)
			}
		}
		for range 400 {
			var p orb.Point
			switch rng.IntN(3) {
			case 0: // anywhere in (and around) the box
				p = orb.Point{b.Min[0] + (rng.Float64()*1.2-0.1)*(b.Max[0]-b.Min[0]), b.Min[1] + (rng.Float64()*1.2-0.1)*(b.Max[1]-b.Min[1])}
			case 1: // at a vertex's latitude
				v := all[rng.IntN(len(all))]
				p = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), v[1]}
			default: // a vertex
				p = all[rng.IntN(len(all))]
			}
			if got, want := br.holds(p), holds(mp, p); got != want {
				t.Fatalf("trial %d, %v: band index %v, holds %v", trial, p, got, want)
			}
		}
	}
}

// TestBoxGridMatchesTree: the grid finds a box holding a point exactly when
// an R-tree search of the point finds one, with points on box edges and
// corners, boxes of no width or height, and one box alone.
func TestBoxGridMatchesTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 11))
	for trial := range 100 {
		n := 1 + rng.IntN(60)
		var boxes []orb.Bound
		var tree rtree.RTreeG[int]
		for i := range n {
			x, y := 114+rng.Float64(), 22+rng.Float64()
			w, h := rng.Float64()*0.3, rng.Float64()*0.3
			switch rng.IntN(6) {
			case 0:
				w = 0
			case 1:
				h = 0
			}
			b := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}}
			boxes = append(boxes, b)
			tree.Insert(b.Min, b.Max, i)
		}
		g := newBoxGrid(boxes)
		keep := make([]bool, n) // the test fn holds for these
		for i := range keep {
			keep[i] = rng.IntN(3) > 0
		}
		for range 500 {
			var p orb.Point
			b := boxes[rng.IntN(n)]
			switch rng.IntN(4) {
			case 0:
				p = orb.Point{113.9 + rng.Float64()*1.5, 21.9 + rng.Float64()*1.5}
			case 1:
				p = b.Min
			case 2:
				p = b.Max
			default:
				p = orb.Point{b.Min[0], b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
			}
			want := false
			tree.Search(p, p, func(_, _ [2]float64, i int) bool {
				want = want || keep[i]
				return true
			})
			if got := g.any(p, func(i int) bool { return keep[i] }); got != want {
				t.Fatalf("trial %d, %v: grid %v, tree %v", trial, p, got, want)
			}
		}
	}
}

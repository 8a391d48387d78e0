package roads

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tidwall/rtree"
)

// randomNetwork is n random segments in a lon/lat box: most short (a few
// hundred metres, as roads are), some long, some of zero length, some on a
// shared vertical or horizontal line, so that boxes touch and coincide.
func randomNetwork(r *rand.Rand, n int) *Network {
	net := &Network{}
	for k := range n {
		a := [2]float64{10 + r.Float64(), 45 + r.Float64()}
		var b [2]float64
		switch k % 7 {
		case 0: // long
			b = [2]float64{10 + r.Float64(), 45 + r.Float64()}
		case 1: // a point
			b = a
		case 2: // on the line lon = 10.5
			a[0] = 10.5
			b = [2]float64{10.5, a[1] + 0.01*r.Float64()}
		case 3: // on the line lat = 45.5
			a[1] = 45.5
			b = [2]float64{a[0] - 0.01*r.Float64(), 45.5}
		default:
			b = [2]float64{a[0] + 0.01*(r.Float64()-0.5), a[1] + 0.01*(r.Float64()-0.5)}
		}
		net.Pos = append(net.Pos, a, b)
		net.Segs = append(net.Segs, Segment{A: int32(2 * k), B: int32(2*k + 1), Fwd: 1, Bwd: 1})
	}
	return net
}

// bruteBox is every segment whose box meets [mn, mx], borders included.
func bruteBox(net *Network, mn, mx [2]float64) []int {
	var out []int
	for k := range net.Segs {
		if b := segBox(net.Pos, &net.Segs[k]); meets(&b, mn, mx) {
			out = append(out, k)
		}
	}
	return out
}

func treeBox(t *segTree, net *Network, mn, mx [2]float64) []int {
	var out []int
	t.search(net.Pos, net.Segs, mn, mx, func(k int) bool {
		out = append(out, k)
		return true
	})
	slices.Sort(out)
	return out
}

// TestSegTreeMatchesBruteForce: the packed index returns exactly the
// segments a filter of every segment's box returns, each once, and the
// R-tree it replaced returns the same, on random segments (points, shared
// lines and long ones among them) and boxes: ordinary, empty (min > max),
// points, lines, boxes on a shared line, boxes that touch a segment's end
// exactly, everything, nothing.
func TestSegTreeMatchesBruteForce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 15, 16, 17, 255, 256, 257, 3000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(n), 7))
			net := randomNetwork(r, n)
			tree := newSegTree(net.Pos, net.Segs)
			if len(tree.ids) != n {
				t.Fatalf("%d segments indexed, want %d", len(tree.ids), n)
			}
			var rt rtree.RTreeG[int]
			for k := range net.Segs {
				b := segBox(net.Pos, &net.Segs[k])
				rt.Insert([2]float64{b[0], b[1]}, [2]float64{b[2], b[3]}, k)
			}
			type box struct {
				name   string
				mn, mx [2]float64
			}
			var boxes []box
			boxes = append(boxes,
				box{"all", [2]float64{-180, -90}, [2]float64{180, 90}},
				box{"none", [2]float64{0, 0}, [2]float64{1, 1}},
				box{"empty", [2]float64{10.6, 45.6}, [2]float64{10.4, 45.4}},
				box{"line lon", [2]float64{10.5, 45}, [2]float64{10.5, 46}},
				box{"line lat", [2]float64{10, 45.5}, [2]float64{11, 45.5}},
				box{"NaN", [2]float64{math.NaN(), 45}, [2]float64{11, 46}},
			)
			for i := range 200 {
				c := [2]float64{10 + r.Float64(), 45 + r.Float64()}
				w := [2]float64{0.05 * r.Float64(), 0.05 * r.Float64()}
				switch i % 4 {
				case 0: // a point
					w = [2]float64{}
				case 1: // exactly at a segment's end
					if n > 0 {
						c = net.Pos[r.IntN(len(net.Pos))]
						w = [2]float64{}
					}
				case 2: // wide
					w = [2]float64{0.3 * r.Float64(), 0.3 * r.Float64()}
				}
				boxes = append(boxes, box{fmt.Sprint("random ", i), [2]float64{c[0] - w[0], c[1] - w[1]}, [2]float64{c[0] + w[0], c[1] + w[1]}})
			}
			hits := 0
			for _, b := range boxes {
				want := bruteBox(net, b.mn, b.mx)
				got := treeBox(tree, net, b.mn, b.mx)
				if !slices.Equal(got, want) {
					t.Fatalf("%s [%v %v]: %d segments %v, brute force %d %v", b.name, b.mn, b.mx, len(got), head(got), len(want), head(want))
				}
				if b.name == "NaN" {
					continue // the R-tree's test of a NaN box passes everything; input never gives one
				}
				var old []int
				rt.Search(b.mn, b.mx, func(_, _ [2]float64, k int) bool { old = append(old, k); return true })
				slices.Sort(old)
				if !slices.Equal(old, want) {
					t.Fatalf("%s: the R-tree returns %d segments, brute force %d", b.name, len(old), len(want))
				}
				hits += len(want)
			}
			if n > 100 && hits == 0 {
				t.Fatal("no box met any segment: the test tests nothing")
			}
		})
	}
}

func head(s []int) []int { return s[:min(len(s), 8)] }

// TestSegTreeStops: a search stops at the first false from fn.
func TestSegTreeStops(t *testing.T) {
	net := randomNetwork(rand.New(rand.NewPCG(3, 3)), 1000)
	tree := newSegTree(net.Pos, net.Segs)
	for _, stop := range []int{1, 5, 40} {
		calls := 0
		tree.search(net.Pos, net.Segs, [2]float64{-180, -90}, [2]float64{180, 90}, func(int) bool {
			calls++
			return calls < stop
		})
		if calls != stop {
			t.Errorf("stop after %d: fn called %d times", stop, calls)
		}
	}
}

// TestNetworkNearPacked: Network.Near over the packed index finds the same
// segments as a box filter of every segment with Near's margin.
func TestNetworkNearPacked(t *testing.T) {
	n := gridNetwork(60)
	for _, p := range [][2]float64{{0, 0}, {0.02, 0.03}, {0.0531, 0.0531}, {-0.01, 0.5}} {
		got := map[int]bool{}
		n.Near(p, p, 250, func(k int) bool { got[k] = true; return true })
		dlat := 250/110500.0 + 1e-9
		dlon := 250/(111000*math.Cos((math.Abs(p[1])+dlat)*math.Pi/180)) + 1e-9
		want := bruteBox(n, [2]float64{p[0] - dlon, p[1] - dlat}, [2]float64{p[0] + dlon, p[1] + dlat})
		if len(got) != len(want) {
			t.Fatalf("near %v: %d segments, want %d", p, len(got), len(want))
		}
		for _, k := range want {
			if !got[k] {
				t.Fatalf("near %v: segment %d missing", p, k)
			}
		}
	}
}

// BenchmarkSegTree: building the packed index of a 1000 x 1000 grid's
// 1,998,000 segments, and box queries of an access cap's size on it,
// beside the R-tree built by insertion that it replaced.
func BenchmarkSegTree(b *testing.B) {
	n := gridNetwork(1000)
	b.Run("build/packed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			newSegTree(n.Pos, n.Segs)
		}
		b.ReportMetric(float64(len(n.Segs))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Msegs/s")
	})
	b.Run("build/rtree", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var rt rtree.RTreeG[int32]
			for k := range n.Segs {
				s := segBox(n.Pos, &n.Segs[k])
				rt.Insert([2]float64{s[0], s[1]}, [2]float64{s[2], s[3]}, int32(k))
			}
		}
		b.ReportMetric(float64(len(n.Segs))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Msegs/s")
	})
	tree := newSegTree(n.Pos, n.Segs)
	r := rand.New(rand.NewPCG(1, 1))
	b.Run("query", func(b *testing.B) {
		found := 0
		for b.Loop() {
			c := [2]float64{r.Float64() * 0.9, r.Float64() * 0.9}
			tree.search(n.Pos, n.Segs, [2]float64{c[0] - 0.005, c[1] - 0.005}, [2]float64{c[0] + 0.005, c[1] + 0.005}, func(int) bool {
				found++
				return true
			})
		}
		b.ReportMetric(float64(found)/float64(b.N), "segs/query")
	})
}

package coverage

import (
	"cmp"
	"math"
	"slices"
)

// delaunay is a planar Delaunay triangulation of sites in a district frame,
// built by Bowyer-Watson insertion inside a large super-triangle (its three
// vertices follow the sites). Triangles that use a super vertex stay in the
// list: their circumcentres lie far out on the bisectors of their real
// edges, so every Voronoi edge of the real sites appears as a segment
// between the circumcentres of the two triangles sharing a Delaunay edge.
// It serves only to propose candidate worst points, each of which is then
// measured exactly; its floating-point in-circle test is good enough for that.
type delaunay struct {
	pts  [][2]float64
	n    int // real sites; pts[n:] are the super vertices
	tris []tri
	// Delaunay neighbours of each real site among the real sites, in
	// compressed rows: those of site i are adj[adjStart[i]:adjStart[i+1]].
	adjStart []int32
	adj      []int32
}

type tri struct {
	v      [3]int
	cx, cy float64 // circumcentre
	r2     float64 // circumradius squared
}

func newTri(pts [][2]float64, a, b, c int) tri {
	ax, ay := pts[a][0], pts[a][1]
	bx, by := pts[b][0]-ax, pts[b][1]-ay
	cx, cy := pts[c][0]-ax, pts[c][1]-ay
	d := 2 * (bx*cy - by*cx)
	if d == 0 {
		return tri{v: [3]int{a, b, c}, cx: math.Inf(1), cy: math.Inf(1), r2: math.Inf(1)}
	}
	b2, c2 := bx*bx+by*by, cx*cx+cy*cy
	ux := (cy*b2 - by*c2) / d
	uy := (bx*c2 - cx*b2) / d
	return tri{v: [3]int{a, b, c}, cx: ax + ux, cy: ay + uy, r2: ux*ux + uy*uy}
}

func triangulate(sites [][2]float64) *delaunay {
	n := len(sites)
	mn := [2]float64{math.Inf(1), math.Inf(1)}
	mx := [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, p := range sites {
		mn = [2]float64{min(mn[0], p[0]), min(mn[1], p[1])}
		mx = [2]float64{max(mx[0], p[0]), max(mx[1], p[1])}
	}
	size := max(max(mx[0]-mn[0], mx[1]-mn[1]), 1)
	cx, cy := (mn[0]+mx[0])/2, (mn[1]+mx[1])/2
	const m = 1e4
	pts := append(append([][2]float64{}, sites...),
		[2]float64{cx - m*size, cy - m*size}, [2]float64{cx + m*size, cy - m*size}, [2]float64{cx, cy + m*size})
	d := &delaunay{pts: pts, n: n}
	tris := make([]tri, 1, 2*n+8)
	tris[0] = newTri(pts, n, n+1, n+2)
	done := make([]tri, 0, 3*n+16) // a triangulation has at most 2n+1 triangles, plus the super vertices' ones
	type edge struct{ a, b int }
	var bad []int
	var cavity []edge // directed boundary edges of the cavity
	// Sites go in by increasing x; a triangle whose circumcircle lies
	// wholly left of the current site can never be broken again and leaves
	// the active list (Bourke's speed-up), so each insertion scans few.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(pts[a][0], pts[b][0]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for _, i := range order {
		p := pts[i]
		bad, cavity = bad[:0], cavity[:0]
		for ti := 0; ti < len(tris); ti++ {
			t := &tris[ti]
			dx, dy := p[0]-t.cx, p[1]-t.cy
			if dx > 0 && dx*dx > t.r2 {
				done = append(done, *t)
				tris[ti] = tris[len(tris)-1]
				tris = tris[:len(tris)-1]
				ti--
				continue
			}
			if dx*dx+dy*dy < t.r2 {
				bad = append(bad, ti)
			}
		}
		// An edge of a bad triangle is on the cavity's boundary unless
		// another bad triangle has it reversed.
		for _, ti := range bad {
			t := tris[ti]
			for k := range 3 {
				a, b := t.v[k], t.v[(k+1)%3]
				shared := false
				for j, e := range cavity {
					if e.a == b && e.b == a {
						cavity[j] = cavity[len(cavity)-1]
						cavity = cavity[:len(cavity)-1]
						shared = true
						break
					}
				}
				if !shared {
					cavity = append(cavity, edge{a, b})
				}
			}
		}
		// Remove the bad triangles (descending, swapping from the end).
		for k := len(bad) - 1; k >= 0; k-- {
			ti := bad[k]
			tris[ti] = tris[len(tris)-1]
			tris = tris[:len(tris)-1]
		}
		for _, e := range cavity {
			tris = append(tris, newTri(pts, e.a, e.b, i))
		}
	}
	d.tris = append(done, tris...)
	tris = d.tris
	// Triangles are counter-clockwise, so each edge between real sites
	// appears once as a->b with a < b.
	d.adjStart = make([]int32, n+1)
	for _, t := range tris {
		for k := range 3 {
			if a, b := t.v[k], t.v[(k+1)%3]; a < b && b < n {
				d.adjStart[a+1]++
				d.adjStart[b+1]++
			}
		}
	}
	for i := 1; i <= n; i++ {
		d.adjStart[i] += d.adjStart[i-1]
	}
	d.adj = make([]int32, d.adjStart[n])
	fill := slices.Clone(d.adjStart[:n])
	for _, t := range tris {
		for k := range 3 {
			if a, b := t.v[k], t.v[(k+1)%3]; a < b && b < n {
				d.adj[fill[a]], d.adj[fill[b]] = int32(b), int32(a)
				fill[a]++
				fill[b]++
			}
		}
	}
	return d
}

// edges returns the Delaunay edges between real sites, i < j, each once.
func (d *delaunay) edges() [][2]int {
	out := make([][2]int, 0, len(d.adj)/2)
	for a := range d.n {
		for _, b := range d.adj[d.adjStart[a]:d.adjStart[a+1]] {
			if a < int(b) {
				out = append(out, [2]int{a, int(b)})
			}
		}
	}
	return out
}

// voronoiEdge is the part of the bisector of sites a and b between two
// circumcentres.
type voronoiEdge struct {
	a, b   int
	p0, p1 [2]float64
}

// voronoiEdges returns the Voronoi edges between real sites.
func (d *delaunay) voronoiEdges() []voronoiEdge {
	// Each edge between real sites is a->b in one counter-clockwise
	// triangle and b->a in the other. Outgoing half-edges are listed per
	// site (compressed rows); the twin of a->b is found in b's row.
	start := make([]int32, d.n+1)
	for _, t := range d.tris {
		for k := range 3 {
			if a, b := t.v[k], t.v[(k+1)%3]; a < d.n && b < d.n {
				start[a+1]++
			}
		}
	}
	for i := 1; i <= d.n; i++ {
		start[i] += start[i-1]
	}
	type half struct{ to, tri int32 }
	halves := make([]half, start[d.n])
	fill := make([]int32, d.n)
	for ti, t := range d.tris {
		for k := range 3 {
			if a, b := t.v[k], t.v[(k+1)%3]; a < d.n && b < d.n {
				halves[start[a]+fill[a]] = half{int32(b), int32(ti)}
				fill[a]++
			}
		}
	}
	out := make([]voronoiEdge, 0, len(halves)/2+1)
	for a := 0; a < d.n; a++ {
		for _, h := range halves[start[a]:start[a+1]] {
			b := int(h.to)
			if b < a {
				continue
			}
			for _, g := range halves[start[b]:start[b+1]] {
				if int(g.to) == a {
					u, t := d.tris[h.tri], d.tris[g.tri]
					out = append(out, voronoiEdge{a: a, b: b, p0: [2]float64{u.cx, u.cy}, p1: [2]float64{t.cx, t.cy}})
					break
				}
			}
		}
	}
	return out
}

// nearest walks the Delaunay graph from site start to the site nearest to
// p (greedy routing reaches it on a Delaunay triangulation).
func (d *delaunay) nearest(p [2]float64, start int) (int, float64) {
	s := start
	best := dist2(d.pts[s], p)
	for moved := true; moved; {
		moved = false
		for _, nb := range d.adj[d.adjStart[s]:d.adjStart[s+1]] {
			if dd := dist2(d.pts[nb], p); dd < best {
				s, best, moved = int(nb), dd, true
				break
			}
		}
	}
	return s, math.Sqrt(best)
}

func dist2(a, b [2]float64) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}

package coverage

import (
	"math"
	"slices"
)

// delaunay is a planar Delaunay triangulation of sites in a district frame,
// built by Bowyer-Watson insertion inside a large super-triangle (its three
// vertices follow the sites). Triangles that use a super vertex stay in the
// list: their circumcentres lie far out on the bisectors of their real
// edges, so every Voronoi edge of the real sites appears as a segment
// between the circumcentres of the two triangles sharing a Delaunay edge.
//
// Sites go in along a Hilbert curve; each is located by walking from the
// triangle made last (a few steps, as consecutive sites are near), and its
// cavity (the triangles whose circumcircle holds it strictly) is grown from
// there over triangle neighbours. The orientation and in-circle tests are
// exact (predicates.go): with floating-point tests, near-cocircular sites
// (a national station list rounded to 1e-7 degrees has many) gave cavities
// that were not star-shaped, overlapping triangles and missing Delaunay
// edges, and so wrong farthest places. The result is the exact Delaunay
// triangulation of the sites and the super vertices; its triangles are
// counter-clockwise. A site at the very place of an earlier one is left
// out (it has no triangles and no neighbours).
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

// wtri is a triangle under construction: vertices counter-clockwise and,
// nb[k], the triangle across the edge opposite v[k] (-1: none).
type wtri struct {
	v    [3]int32
	nb   [3]int32
	dead bool
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
	pts := append(append(make([][2]float64, 0, n+3), sites...),
		[2]float64{cx - m*size, cy - m*size}, [2]float64{cx + m*size, cy - m*size}, [2]float64{cx, cy + m*size})
	d := &delaunay{pts: pts, n: n}
	ts := make([]wtri, 1, 2*n+8)
	ts[0] = wtri{v: [3]int32{int32(n), int32(n + 1), int32(n + 2)}, nb: [3]int32{-1, -1, -1}}
	var free []int32
	inCavity := make([]bool, 0, cap(ts))
	var cavity, stack []int32
	type bedge struct {
		a, b  int32 // the cavity's boundary edge a->b, counter-clockwise
		outer int32 // the triangle beyond it, or -1
		side  int   // which edge of outer it is
	}
	var boundary []bedge
	var made []int32
	last := int32(0)
	for _, i := range hilbertOrder(sites, mn, size) {
		p := pts[i]
		// Locate: walk towards p, leaving a triangle through an edge that
		// has p strictly on its outer side. The walk starts at a rotating
		// edge so that it cannot circle.
		t := last
		for steps, moved := 0, true; moved; steps++ {
			moved = false
			tv := &ts[t]
			for e := range 3 {
				k := (e + steps) % 3
				a, b := tv.v[(k+1)%3], tv.v[(k+2)%3]
				if orient(pts[a], pts[b], p) < 0 {
					t, moved = tv.nb[k], true
					break
				}
			}
		}
		tv := ts[t]
		if pts[tv.v[0]] == p || pts[tv.v[1]] == p || pts[tv.v[2]] == p {
			continue // a second site at one place adds nothing
		}
		// Cavity: the triangles whose circumcircle holds p strictly,
		// connected to the one holding p.
		for len(inCavity) < len(ts) {
			inCavity = append(inCavity, false)
		}
		cavity = append(cavity[:0], t)
		inCavity[t] = true
		stack = append(stack[:0], t)
		boundary = boundary[:0]
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			cv := ts[c]
			for k := range 3 {
				o := cv.nb[k]
				if o >= 0 && !inCavity[o] {
					ov := &ts[o].v
					if inCircle(pts[ov[0]], pts[ov[1]], pts[ov[2]], p) > 0 {
						inCavity[o] = true
						cavity = append(cavity, o)
						stack = append(stack, o)
						continue
					}
				}
				if o >= 0 && inCavity[o] {
					continue
				}
				side := -1
				if o >= 0 {
					for j := range 3 {
						if ts[o].nb[j] == c {
							side = j
						}
					}
				}
				boundary = append(boundary, bedge{cv.v[(k+1)%3], cv.v[(k+2)%3], o, side})
			}
		}
		for _, c := range cavity {
			inCavity[c] = false
			ts[c].dead = true
			free = append(free, c)
		}
		// One new triangle (a, b, p) a boundary edge; p is vertex 2, so
		// the edge a->b is opposite it (nb[2]), b->p opposite a (nb[0])
		// and p->a opposite b (nb[1]).
		made = made[:0]
		for _, e := range boundary {
			var nt int32
			if len(free) > 0 {
				nt = free[len(free)-1]
				free = free[:len(free)-1]
			} else {
				nt = int32(len(ts))
				ts = append(ts, wtri{})
			}
			ts[nt] = wtri{v: [3]int32{e.a, e.b, int32(i)}, nb: [3]int32{-1, -1, e.outer}}
			if e.outer >= 0 {
				ts[e.outer].nb[e.side] = nt
			}
			made = append(made, nt)
		}
		// The new triangles' edges at p: the one starting at b (b->p) is
		// shared with the new triangle whose boundary edge starts at b.
		for _, x := range made {
			b := ts[x].v[1]
			for _, y := range made {
				if ts[y].v[0] == b {
					ts[x].nb[0] = y
					ts[y].nb[1] = x
					break
				}
			}
		}
		last = made[len(made)-1]
	}
	d.tris = make([]tri, 0, len(ts)-len(free))
	for _, w := range ts {
		if w.dead {
			continue
		}
		// Each triangle starts at the same vertex whatever the order of
		// insertion: the one after the greatest by (x, index). The
		// geodesic refinement of a Voronoi vertex starts from its
		// triangle's first site, so the reported nearest station among
		// equidistant ones does not depend on the insertion order.
		v := [3]int{int(w.v[0]), int(w.v[1]), int(w.v[2])}
		top := 0
		for k := 1; k < 3; k++ {
			if later(pts, n, v[k], v[top]) {
				top = k
			}
		}
		v = [3]int{v[(top+1)%3], v[(top+2)%3], v[top]}
		d.tris = append(d.tris, newTri(pts, v[0], v[1], v[2]))
	}
	tris := d.tris
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

// later orders vertices as the sites went in before the walk: the super
// vertices first, then the sites by x, then index.
func later(pts [][2]float64, n, a, b int) bool {
	if a >= n || b >= n {
		return a < b
	}
	if pts[a][0] != pts[b][0] {
		return pts[a][0] > pts[b][0]
	}
	return a > b
}

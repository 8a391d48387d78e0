// Command synthcity writes a seeded synthetic city for covaudit's
// benchmarks: districts (GeoJSON) and stations (CSV), the inputs of
// `covaudit check` and of the peer tools in bench/compare.sh.
//
// The city is built in a Lambert azimuthal equal-area plane and projected to
// WGS84: a jittered grid of districts whose shared borders wiggle (both
// neighbours draw the same points), densified to --spacing metres; one
// district in eight has a lake (a hole); one in sixteen owns an exclave cut
// out of a neighbour (a MultiPolygon, and a hole in the neighbour). Stations
// cluster around town centres (70%) or fall anywhere (30%).
//
// Usage:
//
//	go run ./bench/synthcity -preset medium -out DIR
//	go run ./bench/synthcity -districts 300 -stations 5000 -size-km 160 -spacing 40 -out DIR
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/covaudit/covaudit/geodesy"
)

type preset struct {
	districts, stations int
	sizeKm, spacing     float64
}

var presets = map[string]preset{
	"small":  {12, 150, 40, 20},
	"medium": {300, 5000, 160, 40},
	"large":  {3000, 50000, 500, 80},
}

type pt = [2]float64

func main() {
	p := flag.String("preset", "", "small, medium or large (sets the four sizes below)")
	nd := flag.Int("districts", 300, "number of districts (rounded to a grid)")
	ns := flag.Int("stations", 5000, "number of stations")
	size := flag.Float64("size-km", 160, "side of the square city, km")
	spacing := flag.Float64("spacing", 40, "vertex spacing along borders, m")
	seed := flag.Uint64("seed", 1, "random seed")
	lon0 := flag.Float64("lon", 11.0, "centre longitude")
	lat0 := flag.Float64("lat", 45.0, "centre latitude")
	out := flag.String("out", "", "output directory (required)")
	flag.Parse()
	if *p != "" {
		ps, ok := presets[*p]
		if !ok {
			fmt.Fprintf(os.Stderr, "synthcity: unknown preset %q (small|medium|large)\n", *p)
			os.Exit(2)
		}
		*nd, *ns, *size, *spacing = ps.districts, ps.stations, ps.sizeKm, ps.spacing
	}
	if *out == "" {
		fmt.Fprintln(os.Stderr, "synthcity: -out is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "synthcity:", err)
		os.Exit(2)
	}
	c := build(*nd, *ns, *size*1000, *spacing, *seed)
	proj := geodesy.NewLAEA(*lon0, *lat0)
	if err := c.write(*out, proj); err != nil {
		fmt.Fprintln(os.Stderr, "synthcity:", err)
		os.Exit(2)
	}
	fmt.Printf("synthcity: %d districts (%d vertices, %d lakes, %d exclaves), %d stations in %s\n",
		len(c.districts), c.vertices(), c.lakes, c.exclaves, len(c.stations), *out)
}

type district struct {
	name, class string
	polys       [][][]pt // polygons: rings (exterior CCW first, holes CW)
}

type city struct {
	districts       []district
	stations        []pt
	lakes, exclaves int
}

func (c *city) vertices() int {
	n := 0
	for _, d := range c.districts {
		for _, p := range d.polys {
			for _, r := range p {
				n += len(r)
			}
		}
	}
	return n
}

func build(nd, ns int, size, spacing float64, seed uint64) *city {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	n := int(math.Round(math.Sqrt(float64(nd))))
	if n < 1 {
		n = 1
	}
	cell := size / float64(n)
	// Grid vertices, jittered inside.
	grid := make([][]pt, n+1)
	for i := range grid {
		grid[i] = make([]pt, n+1)
		for j := range grid[i] {
			x, y := -size/2+float64(i)*cell, -size/2+float64(j)*cell
			if i > 0 && i < n && j > 0 && j < n {
				x += (rng.Float64() - 0.5) * 0.5 * cell
				y += (rng.Float64() - 0.5) * 0.5 * cell
			}
			grid[i][j] = pt{x, y}
		}
	}
	// A border between grid vertices a and b, drawn the same way from both
	// sides: a wiggle whose phase and amplitude come from the edge's ends.
	edge := func(ai, aj, bi, bj int) []pt {
		rev := ai > bi || ai == bi && aj > bj
		if rev {
			ai, aj, bi, bj = bi, bj, ai, aj
		}
		a, b := grid[ai][aj], grid[bi][bj]
		h := fnv.New64a()
		fmt.Fprint(h, ai, aj, bi, bj, seed)
		r := rand.New(rand.NewPCG(h.Sum64(), 7))
		l := math.Hypot(b[0]-a[0], b[1]-a[1])
		amp := 0.04 * l * r.Float64()
		waves := 1 + r.IntN(3)
		phase := r.Float64() * math.Pi
		k := max(1, int(math.Ceil(l/spacing)))
		nx, ny := -(b[1]-a[1])/l, (b[0]-a[0])/l
		var pts []pt
		for s := 0; s < k; s++ { // a included, b excluded
			t := float64(s) / float64(k)
			w := 0.0
			if s > 0 {
				w = amp * math.Sin(math.Pi*t*float64(waves)+phase) * math.Sin(math.Pi*t)
			}
			pts = append(pts, pt{a[0] + t*(b[0]-a[0]) + w*nx, a[1] + t*(b[1]-a[1]) + w*ny})
		}
		if rev {
			pts = append(pts, b)
			for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
				pts[i], pts[j] = pts[j], pts[i]
			}
			pts = pts[:len(pts)-1]
		}
		return pts
	}
	star := func(cx, cy, r float64, ccw bool) []pt {
		var ring []pt
		for k := 0; k < 24; k++ {
			a := 2 * math.Pi * float64(k) / 24
			if !ccw {
				a = -a
			}
			rr := r * (0.7 + 0.3*rng.Float64())
			ring = append(ring, pt{cx + rr*math.Cos(a), cy + rr*math.Sin(a)})
		}
		return append(ring, ring[0])
	}
	c := &city{}
	idx := func(i, j int) int { return i*n + j }
	c.districts = make([]district, n*n)
	centre := func(i, j int) pt {
		q := [4]pt{grid[i][j], grid[i+1][j], grid[i+1][j+1], grid[i][j+1]}
		return pt{(q[0][0] + q[1][0] + q[2][0] + q[3][0]) / 4, (q[0][1] + q[1][1] + q[2][1] + q[3][1]) / 4}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var ring []pt
			ring = append(ring, edge(i, j, i+1, j)...)
			ring = append(ring, edge(i+1, j, i+1, j+1)...)
			ring = append(ring, edge(i+1, j+1, i, j+1)...)
			ring = append(ring, edge(i, j+1, i, j)...)
			ring = append(ring, ring[0])
			c.districts[idx(i, j)] = district{name: fmt.Sprintf("D%04d", idx(i, j)+1), polys: [][][]pt{{ring}}}
		}
	}
	// Lakes and exclaves, away from borders (the jitter keeps every cell's
	// centre at least a quarter cell from its edges).
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d := &c.districts[idx(i, j)]
			ct := centre(i, j)
			switch k := rng.IntN(16); {
			case k < 2:
				d.polys[0] = append(d.polys[0], star(ct[0]+0.05*cell, ct[1], 0.1*cell, false))
				c.lakes++
			case k == 2 && i+1 < n:
				nb := &c.districts[idx(i+1, j)]
				nc := centre(i+1, j)
				x, y := nc[0]-0.12*cell, nc[1]-0.12*cell
				piece := star(x, y, 0.06*cell, true)
				hole := make([]pt, len(piece))
				for q := range piece {
					hole[len(piece)-1-q] = piece[q]
				}
				nb.polys[0] = append(nb.polys[0], hole)
				d.polys = append(d.polys, [][]pt{piece})
				c.exclaves++
			}
		}
	}
	// Classes: urban near the town centres.
	towns := make([]pt, max(3, nd/30))
	for t := range towns {
		towns[t] = pt{(rng.Float64() - 0.5) * size * 0.9, (rng.Float64() - 0.5) * size * 0.9}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			ct := centre(i, j)
			d := &c.districts[idx(i, j)]
			d.class = "rural"
			for _, t := range towns {
				if math.Hypot(ct[0]-t[0], ct[1]-t[1]) < 1.5*cell {
					d.class = "urban"
				}
			}
		}
	}
	for s := 0; s < ns; s++ {
		var p pt
		if rng.Float64() < 0.7 {
			t := towns[rng.IntN(len(towns))]
			p = pt{t[0] + rng.NormFloat64()*0.8*cell, t[1] + rng.NormFloat64()*0.8*cell}
		} else {
			p = pt{(rng.Float64() - 0.5) * size, (rng.Float64() - 0.5) * size}
		}
		c.stations = append(c.stations, p)
	}
	return c
}

func (c *city) write(dir string, proj *geodesy.LAEA) error {
	f, err := os.Create(filepath.Join(dir, "districts.geojson"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString(`{"type":"FeatureCollection","features":[`)
	for k, d := range c.districts {
		if k > 0 {
			w.WriteByte(',')
		}
		coords := make([][][][2]float64, len(d.polys))
		for pi, poly := range d.polys {
			coords[pi] = make([][][2]float64, len(poly))
			for ri, ring := range poly {
				for _, p := range ring {
					lon, lat := proj.Inverse(p[0], p[1])
					coords[pi][ri] = append(coords[pi][ri], [2]float64{round9(lon), round9(lat)})
				}
			}
		}
		b, _ := json.Marshal(map[string]any{"type": "Feature", "properties": map[string]string{"name": d.name, "class": d.class},
			"geometry": map[string]any{"type": "MultiPolygon", "coordinates": coords}})
		w.WriteString("\n")
		w.Write(b)
	}
	w.WriteString("\n]}\n")
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	g, err := os.Create(filepath.Join(dir, "stations.csv"))
	if err != nil {
		return err
	}
	gw := bufio.NewWriter(g)
	gw.WriteString("id,name,lon,lat\n")
	for i, p := range c.stations {
		lon, lat := proj.Inverse(p[0], p[1])
		fmt.Fprintf(gw, "S%06d,station %d,%.9f,%.9f\n", i+1, i+1, lon, lat)
	}
	if err := gw.Flush(); err != nil {
		return err
	}
	return g.Close()
}

func round9(v float64) float64 { return math.Round(v*1e9) / 1e9 }

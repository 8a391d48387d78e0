// Command nation writes a seeded national-size road network, its
// districts and its stations, for the road audit's benchmark
// (bench/nation.sh):
//
//	nation -nodes 5000000 -districts 3000 -stations 20000 -seed 1 -out DIR
//
// DIR/nation.osm is OpenStreetMap XML (paulmach/osm v0.8.0 reads PBF but
// does not write it; bench/nation.sh converts the XML with osmium-tool's
// `osmium cat`); DIR/districts.geojson and DIR/stations.csv go with it.
//
// The network is a grid of about -nodes nodes 400 m apart, each node
// moved by up to 80 m: every 40th line a motorway, every 10th a primary,
// every 5th a secondary, the rest residential (every other residential
// row one way, alternating direction); -rivers north-south rivers cut
// every east-west way except at a bridge every 25th row. The districts
// tile the grid's extent (all rural), the stations lie at random nodes.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
)

func main() {
	nodes := flag.Int("nodes", 5000000, "road nodes (about; a square grid)")
	districts := flag.Int("districts", 3000, "districts (about; a grid over the network)")
	stations := flag.Int("stations", 20000, "stations")
	rivers := flag.Int("rivers", 4, "north-south rivers, crossed by bridges only")
	seed := flag.Int64("seed", 1, "random seed")
	out := flag.String("out", ".", "output folder")
	flag.Parse()
	if err := write(*out, *nodes, *districts, *stations, *rivers, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "nation:", err)
		os.Exit(2)
	}
}

const (
	spacingM = 400.0
	jitterM  = 80.0
	lat0     = 44.0
	lon0     = 2.0
)

func write(dir string, nodes, districts, stations, rivers int, seed int64) error {
	rng := rand.New(rand.NewSource(seed))
	side := int(math.Ceil(math.Sqrt(float64(nodes))))
	mLat := 111132.95 // metres per degree of latitude near 45°
	mLon := mLat * math.Cos((lat0+float64(side)*spacingM/mLat/2)*math.Pi/180)
	lon := make([]float64, side*side)
	lat := make([]float64, side*side)
	id := func(i, j int) int { return j*side + i + 1 } // i east, j north
	for j := 0; j < side; j++ {
		for i := 0; i < side; i++ {
			k := j*side + i
			lon[k] = lon0 + (float64(i)*spacingM+(rng.Float64()*2-1)*jitterM)/mLon
			lat[k] = lat0 + (float64(j)*spacingM+(rng.Float64()*2-1)*jitterM)/mLat
		}
	}
	f, err := os.Create(filepath.Join(dir, "nation.osm"))
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, `<?xml version="1.0" encoding="UTF-8"?>`)
	fmt.Fprintln(w, `<osm version="0.6" generator="covaudit bench/nation">`)
	for k := range lon {
		fmt.Fprintf(w, "<node id=\"%d\" version=\"1\" lat=\"%.7f\" lon=\"%.7f\"/>\n", k+1, lat[k], lon[k])
	}
	class := func(line int) string {
		switch {
		case line%40 == 0:
			return "motorway"
		case line%10 == 0:
			return "primary"
		case line%5 == 0:
			return "secondary"
		}
		return "residential"
	}
	river := map[int]bool{} // column gaps i -> i+1 crossed by a river
	for r := 1; r <= rivers; r++ {
		river[r*side/(rivers+1)] = true
	}
	wayID := 0
	// way writes the nodes ids as ways of at most 64 nodes.
	way := func(ids []int, hw string, oneway string, bridgeAt int) {
		for s := 0; s+1 < len(ids); s += 63 {
			e := min(s+64, len(ids))
			wayID++
			fmt.Fprintf(w, "<way id=\"%d\" version=\"1\">", wayID)
			for _, n := range ids[s:e] {
				fmt.Fprintf(w, "<nd ref=\"%d\"/>", n)
			}
			fmt.Fprintf(w, "<tag k=\"highway\" v=\"%s\"/>", hw)
			if oneway != "" {
				fmt.Fprintf(w, "<tag k=\"oneway\" v=\"%s\"/>", oneway)
			}
			if bridgeAt >= 0 {
				fmt.Fprint(w, `<tag k="bridge" v="yes"/>`)
			}
			fmt.Fprintln(w, "</way>")
		}
	}
	for j := 0; j < side; j++ { // east-west rows, cut at the rivers
		hw := class(j)
		oneway := ""
		if hw == "residential" && j%2 == 1 {
			oneway = map[bool]string{true: "yes", false: "-1"}[j%4 == 1]
		}
		bridge := j%25 == 0
		var run []int
		for i := 0; i < side; i++ {
			run = append(run, id(i, j))
			if river[i] && i+1 < side {
				if bridge {
					way(run, hw, oneway, -1)
					way([]int{id(i, j), id(i+1, j)}, hw, oneway, 0)
				} else {
					way(run, hw, oneway, -1)
				}
				run = nil
			}
		}
		way(run, hw, oneway, -1)
	}
	for i := 0; i < side; i++ { // north-south columns
		ids := make([]int, side)
		for j := range ids {
			ids[j] = id(i, j)
		}
		way(ids, class(i), "", -1)
	}
	for r := 1; r < side; r++ { // the rivers, as waterways (not roads)
		if !river[r] {
			continue
		}
		wayID++
		fmt.Fprintf(w, "<way id=\"%d\" version=\"1\"><nd ref=\"%d\"/><nd ref=\"%d\"/><tag k=\"waterway\" v=\"river\"/></way>\n", wayID, id(r, 0), id(r, side-1))
	}
	fmt.Fprintln(w, "</osm>")
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// Districts: a grid of cells over the extent, corners on node-free
	// half-spacing lines.
	minLon, maxLon := lon0-jitterM/mLon, lon0+(float64(side-1)*spacingM+jitterM)/mLon
	minLat, maxLat := lat0-jitterM/mLat, lat0+(float64(side-1)*spacingM+jitterM)/mLat
	dc := int(math.Max(1, math.Round(math.Sqrt(float64(districts)))))
	df, err := os.Create(filepath.Join(dir, "districts.geojson"))
	if err != nil {
		return err
	}
	dw := bufio.NewWriter(df)
	fmt.Fprint(dw, `{"type":"FeatureCollection","features":[`)
	for b := 0; b < dc; b++ {
		for a := 0; a < dc; a++ {
			x0, x1 := minLon+(maxLon-minLon)*float64(a)/float64(dc), minLon+(maxLon-minLon)*float64(a+1)/float64(dc)
			y0, y1 := minLat+(maxLat-minLat)*float64(b)/float64(dc), minLat+(maxLat-minLat)*float64(b+1)/float64(dc)
			if a+b > 0 {
				fmt.Fprint(dw, ",")
			}
			fmt.Fprintf(dw, "\n{\"type\":\"Feature\",\"properties\":{\"name\":\"d%d-%d\",\"id\":\"%d\",\"class\":\"rural\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f]]]}}",
				a, b, b*dc+a, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
		}
	}
	fmt.Fprintln(dw, "\n]}")
	if err := dw.Flush(); err != nil {
		return err
	}
	if err := df.Close(); err != nil {
		return err
	}
	sf, err := os.Create(filepath.Join(dir, "stations.csv"))
	if err != nil {
		return err
	}
	sw := bufio.NewWriter(sf)
	fmt.Fprintln(sw, "id,lon,lat")
	for s := 0; s < stations; s++ {
		k := rng.Intn(len(lon))
		fmt.Fprintf(sw, "s%d,%.7f,%.7f\n", s, lon[k], lat[k])
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return sf.Close()
}

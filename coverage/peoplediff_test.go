package coverage

import (
	"context"
	"math"
	"math/rand"
	"os"
	"strconv"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// TestComparePeople: a station moved 1.5 km in a square district at 45N,
// with random population points. The people losing coverage are, by brute
// force over the geodesic distances, the points within 2 km of a base
// station and of no head station; the gainers the reverse; every loser
// lies in the one drawn new gap, which carries them all. A raster over the
// square loses, to floating point, its uncovered people with the head
// less those with both lists, which is head's less base's when the head
// only removes.
func TestComparePeople(t *testing.T) {
	seed := int64(5)
	if s, err := strconv.ParseInt(os.Getenv("SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	ring, at := squareAt45(8000)
	d := []District{{Name: "sq", Geometry: orb.MultiPolygon{{ring}}, Rule: Rule{Kind: KindRadius, RadiusM: 2000}}}
	base := []Station{{ID: "a", Point: at(0, 0), IDGiven: true}, {ID: "b", Point: at(5000, 5000), IDGiven: true}}
	head := []Station{{ID: "a", Point: at(1500, 0), IDGiven: true}, {ID: "b", Point: at(5000, 5000), IDGiven: true}}
	var pts []orb.Point
	var counts []float64
	for range 4000 {
		pts = append(pts, at(rng.Float64()*16000-8000, rng.Float64()*16000-8000))
		counts = append(counts, float64(1+rng.Intn(9)))
	}
	within := func(p orb.Point, sts []Station) bool {
		for _, s := range sts {
			if geodesy.Distance(p[0], p[1], s.Point[0], s.Point[1]) <= 2000 {
				return true
			}
		}
		return false
	}
	wantLost, wantGained := 0.0, 0.0
	for i, p := range pts {
		b, h := within(p, base), within(p, head)
		if b && !h {
			wantLost += counts[i]
		}
		if h && !b {
			wantGained += counts[i]
		}
	}
	res, err := Compare(context.Background(), d, base, head, Options{GapPolygons: true, Population: NewPopulation(pts, counts)})
	if err != nil {
		t.Fatal(err)
	}
	c := res[0]
	if c.PeopleLost != wantLost || c.PeopleGained != wantGained || wantLost == 0 {
		t.Errorf("Compare: %v people lose coverage, %v gain it; brute force: %v, %v", c.PeopleLost, c.PeopleGained, wantLost, wantGained)
	}
	if got, want := c.Head.UncoveredPopulation-c.Base.UncoveredPopulation, wantLost-wantGained; got != want {
		t.Errorf("uncovered people changed by %v, want %v", got, want)
	}
	if len(c.NewGaps) != 1 {
		t.Errorf("%d new gaps, want one", len(c.NewGaps))
	} else if c.NewGaps[0].Population != wantLost {
		t.Errorf("the new gap holds %v people, want %v", c.NewGaps[0].Population, wantLost)
	}

	// A raster over the square, 500 m cells, one person per cell; the head
	// drops station a.
	sw, ne := at(-8000, -8000), at(8000, 8000)
	g := &Grid{Width: 40, Height: 40, X0: sw[0] - 0.001, Y0: ne[1] + 0.001}
	g.DX, g.DY = (ne[0]-sw[0]+0.002)/40, (ne[1]-sw[1]+0.002)/40
	g.Values = make([]float64, 40*40)
	for i := range g.Values {
		g.Values[i] = 1
	}
	res, err = Compare(context.Background(), d, base, head[1:], Options{GapPolygons: true, Population: NewRasterPopulation(g)})
	if err != nil {
		t.Fatal(err)
	}
	c = res[0]
	want := c.Head.UncoveredPopulation - c.Base.UncoveredPopulation
	inGaps := 0.0
	for _, gp := range c.NewGaps {
		inGaps += gp.Population
	}
	if want <= 0 || math.Abs(c.PeopleLost-want) > 1e-9*c.Head.Population || c.PeopleGained > 1e-9 || math.Abs(inGaps-c.PeopleLost) > 1e-9*c.Head.Population {
		t.Errorf("raster: %v people lose coverage (%v in the new gaps), %v gain it; head's uncovered less base's: %v", c.PeopleLost, inGaps, c.PeopleGained, want)
	}
}

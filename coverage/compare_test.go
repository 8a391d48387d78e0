package coverage

import (
	"context"
	"math"
	"testing"

	"github.com/covaudit/covaudit/geodesy"
	"github.com/paulmach/orb"
)

// TestCompareMove: one station moved by 1.5 km inside a square district at
// 45N. The newly uncovered area is the part of the old disk the new one
// misses, pi r^2 - lens(r, d) in the plane (the geodesic circles' areas
// differ from it by about r^2/R^2, 1e-7); newly covered is the same by
// symmetry; the drawn new gap carries that area too.
func TestCompareMove(t *testing.T) {
	ring, at := squareAt45(8000)
	d := []District{{Name: "sq", Geometry: orb.MultiPolygon{{ring}}, Rule: Rule{Kind: KindRadius, RadiusM: 2000}}}
	base := []Station{{ID: "a", Point: at(0, 0), IDGiven: true}, {ID: "b", Point: at(5000, 5000), IDGiven: true}}
	head := []Station{{ID: "a", Point: at(1500, 0), IDGiven: true}, {ID: "b", Point: at(5000, 5000), IDGiven: true}}
	changes := MatchStations(base, head)
	if len(changes) != 1 || changes[0].Kind != "moved" || math.Abs(changes[0].MovedM-1500) > 1 {
		t.Fatalf("MatchStations = %+v, want station a moved 1.5 km", changes)
	}
	res, err := Compare(context.Background(), d, base, head, Options{GapPolygons: true})
	if err != nil {
		t.Fatal(err)
	}
	c := res[0]
	want := math.Pi*2000*2000 - lensArea(2000, 1500)
	for _, got := range []float64{c.NewlyUncoveredM2, c.NewlyCoveredM2} {
		if math.Abs(got-want) > 1e-4*want {
			t.Errorf("newly uncovered/covered %.1f m2, want %.1f m2", got, want)
		}
	}
	if diff := c.Head.UncoveredM2 - c.Base.UncoveredM2; math.Abs(diff-(c.NewlyUncoveredM2-c.NewlyCoveredM2)) > 1e-3 {
		t.Errorf("uncovered changed by %.3f m2, newly uncovered - newly covered = %.3f m2", diff, c.NewlyUncoveredM2-c.NewlyCoveredM2)
	}
	if len(c.Losses) != 1 || c.Losses[0].Station != 0 || math.Abs(c.Losses[0].AreaM2-want) > 1e-4*want {
		t.Errorf("losses %+v, want station 0 with %.1f m2", c.Losses, want)
	}
	drawn := 0.0
	for _, g := range c.NewGaps {
		drawn += g.AreaM2
	}
	if len(c.NewGaps) != 1 || math.Abs(drawn-want) > 1e-3*want {
		t.Errorf("%d new gaps of %.1f m2, want one of about %.1f m2", len(c.NewGaps), drawn, want)
	}
}

// TestCompareRemoval: removing a station uncovers exactly the difference
// of the two evaluations, all of it that station's loss; nothing is newly
// covered; an unchanged list changes nothing.
func TestCompareRemoval(t *testing.T) {
	ds, ix := synthCity(t, 4, 120, 9)
	base := ix.Stations()
	gone := 17
	head := append(append([]Station{}, base[:gone]...), base[gone+1:]...)
	res, err := Compare(context.Background(), ds, base, head, Options{GapPolygons: true})
	if err != nil {
		t.Fatal(err)
	}
	total, lost := 0.0, 0.0
	for _, c := range res {
		diff := c.Head.UncoveredM2 - c.Base.UncoveredM2
		if math.Abs(c.NewlyUncoveredM2-diff) > 1e-6*c.District.Geometry.Bound().Max[0]+1e-3 || c.NewlyCoveredM2 != 0 {
			t.Errorf("%s: newly uncovered %.3f, covered %.3f; evaluations differ by %.3f", c.District.Name, c.NewlyUncoveredM2, c.NewlyCoveredM2, diff)
		}
		total += c.NewlyUncoveredM2
		for _, l := range c.Losses {
			if l.Station != gone {
				t.Errorf("loss blamed on station %d", l.Station)
			}
			lost += l.AreaM2
		}
	}
	if total <= 0 || math.Abs(total-lost) > 1e-3 {
		t.Errorf("newly uncovered %.3f m2, losses %.3f m2", total, lost)
	}
	drawn := 0.0
	for _, c := range res {
		for _, g := range c.NewGaps {
			drawn += g.AreaM2
		}
	}
	if math.Abs(drawn-total) > 1e-4*total+10 {
		t.Errorf("new gaps drawn with %.3f m2, newly uncovered %.3f m2", drawn, total)
	}
	same, err := Compare(context.Background(), ds, base, base, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range same {
		if c.NewlyUncoveredM2 != 0 || c.NewlyCoveredM2 != 0 {
			t.Errorf("%s: unchanged list gives %.6f / %.6f m2", c.District.Name, c.NewlyUncoveredM2, c.NewlyCoveredM2)
		}
	}
}

func TestMatchStations(t *testing.T) {
	s := func(id, name string, x, y float64, given bool) Station {
		return Station{ID: id, Name: name, Point: orb.Point{x, y}, IDGiven: given}
	}
	base := []Station{s("1", "Mairie", 1, 1, true), s("2", "Poste", 2, 2, true), s("line 4", "Gare", 3, 3, false), s("line 5", "École", 4, 4, false), s("5", "Bibliothèque", 5, 5, true)}
	head := []Station{s("1", "Mairie", 1, 1.001, true), s("line 2", "Poste", 2, 2, false), s("line 3", "Gare", 3.002, 3, false), s("9", "Clinique", 6, 6, true)}
	got := MatchStations(base, head)
	want := []StationChange{{"removed", 3, -1, 0}, {"removed", 4, -1, 0}, {"moved", 0, 0, 0}, {"moved", 2, 2, 0}, {"added", -1, 3, 0}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i].Kind != want[i].Kind || got[i].Base != want[i].Base || got[i].Head != want[i].Head {
			t.Errorf("change %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// squareAt45 is a square ring of half-side h metres around 45N 11E (in the
// equal-area frame there), and the map from that frame to {lon, lat}.
func squareAt45(h float64) (orb.Ring, func(x, y float64) orb.Point) {
	p := geodesy.NewLAEA(11, 45)
	at := func(x, y float64) orb.Point { lon, lat := p.Inverse(x, y); return orb.Point{lon, lat} }
	var ring orb.Ring
	for _, c := range [][2]float64{{-h, -h}, {h, -h}, {h, h}, {-h, h}, {-h, -h}} {
		ring = append(ring, at(c[0], c[1]))
	}
	return ring, at
}

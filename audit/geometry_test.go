package audit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
)

// checkDistrictGeometrySerial is CheckDistrictGeometry as it was before
// it checked districts on all cores and each district's straight-line
// crossings by itself: the reference it must agree with.
func checkDistrictGeometrySerial(file string, feats []geodata.DistrictFeature) DistrictGeometry {
	geoms := make([]coverage.District, len(feats))
	for i, f := range feats {
		geoms[i] = coverage.District{Geometry: f.Geometry}
	}
	checked := coverage.CheckDistricts(geoms)
	long := make([]bool, len(feats))
	anyLong := false
	for i, f := range feats {
		long[i] = coverage.HasLongEdges(f.Geometry)
		anyLong = anyLong || long[i]
	}
	crossings := checked.Crossings
	if anyLong {
		// Overlaps between the geodesics, not the straight lines, and so
		// the crossings between rings of one district with long edges
		// (their rings and polygons keep their numbers in the outline).
		for i := range geoms {
			geoms[i].Geometry = coverage.GeodesicOutline(geoms[i].Geometry)
		}
		geo := coverage.CheckDistricts(geoms)
		checked.Overlaps = geo.Overlaps
		crossings = nil
		for _, c := range checked.Crossings {
			if c.Other == nil || !long[c.District] {
				crossings = append(crossings, c)
			}
		}
		for _, c := range geo.Crossings {
			if c.Other != nil && long[c.District] {
				crossings = append(crossings, c)
			}
		}
	}
	out := DistrictGeometry{Crossed: make([]bool, len(feats)), Overlaps: checked.Overlaps}
	selfLong := append([]bool(nil), long...) // long districts whose self-crossings the geodesics decide
	for _, c := range crossings {
		if c.Other == nil && selfLong[c.District] {
			// Kept with its wording when the geodesics cross too.
			if _, ok := coverage.GeodesicCrossing(feats[c.District].Geometry); !ok {
				continue
			}
			selfLong[c.District] = false
		}
		f := feats[c.District]
		out.Problems = append(out.Problems, geodata.Problem{File: file, Feature: f.Index, ID: f.ID, Name: f.Name, Msg: c.Error()})
		out.Crossed[c.District] = true
	}
	for i, f := range feats {
		if !selfLong[i] || out.Crossed[i] {
			continue
		}
		if x, ok := coverage.GeodesicCrossing(f.Geometry); ok {
			out.Problems = append(out.Problems, geodata.Problem{File: file, Feature: f.Index, ID: f.ID, Name: f.Name,
				Msg: fmt.Sprintf("polygon %d: ring %d: edges %d and %d cross as geodesics near (%.7f, %.7f) (the edges are geodesics, as in PostGIS geography)",
					x.Polygon, x.Ring, x.EdgeA, x.EdgeB, x.At[0], x.At[1])})
			out.Crossed[i] = true
		}
	}
	return out
}

// geometryCases are districts with every kind of problem the checks find,
// with short edges (straight lines decide) and long ones (geodesics
// decide): self-crossing rings, holes that cross or lie outside their
// shell, overlapping parts of one district, districts that overlap or
// share edges, and clean ones.
func geometryCases(rng *rand.Rand, n int) []geodata.DistrictFeature {
	var feats []geodata.DistrictFeature
	for i := range n {
		cx, cy := 114+float64(i%8)*0.02, 22+float64(i/8)*0.02
		size := 0.011 // long edges (over 1e-3 degrees)
		verts := 4 + rng.IntN(6)
		if i%3 == 0 {
			size, verts = 0.011, 200+rng.IntN(200) // short edges
		}
		ring := func(c orb.Point, r float64, k int, twist bool) orb.Ring {
			var out orb.Ring
			for j := range k {
				a := 2 * math.Pi * float64(j) / float64(k)
				rr := r * (0.8 + 0.2*rng.Float64())
				p := orb.Point{c[0] + rr*math.Cos(a), c[1] + rr*math.Sin(a)}
				out = append(out, p)
			}
			if twist && k > 3 {
				j := rng.IntN(k - 2)
				out[j], out[j+1] = out[j+1], out[j] // a bow tie
			}
			return append(out, out[0])
		}
		c := orb.Point{cx, cy}
		var mp orb.MultiPolygon
		switch rng.IntN(7) {
		case 0: // crosses itself
			mp = orb.MultiPolygon{{ring(c, size/2, verts, true)}}
		case 1: // a hole crossing its shell
			mp = orb.MultiPolygon{{ring(c, size/2, verts, false), ring(orb.Point{cx + size/3, cy}, size/4, verts, false)}}
		case 2: // a hole inside
			mp = orb.MultiPolygon{{ring(c, size/2, verts, false), ring(c, size/6, verts, false)}}
		case 3: // two overlapping parts
			mp = orb.MultiPolygon{{ring(c, size/2, verts, false)}, {ring(orb.Point{cx + size/4, cy}, size/3, verts, false)}}
		case 4: // reaches into the next district
			mp = orb.MultiPolygon{{ring(c, size*0.9, verts, false)}}
		default:
			mp = orb.MultiPolygon{{ring(c, size/2, verts, false)}}
		}
		feats = append(feats, geodata.DistrictFeature{Index: i, ID: fmt.Sprint(i), Name: fmt.Sprintf("d%d", i), Geometry: mp})
	}
	return feats
}

func TestCheckDistrictGeometryMatchesSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 1))
	kinds := map[bool]int{}
	for trial := range 12 {
		feats := geometryCases(rng, 40)
		if trial == 0 {
			// Short edges only: the straight lines decide everything.
			for i := range feats {
				feats[i].Geometry = orb.MultiPolygon{{orb.Ring{{0, 0}, {0.0005, 0}, {0.0005, 0.0005}, {0, 0}}}}
				feats[i].Geometry[0][0] = append(orb.Ring(nil), feats[i].Geometry[0][0]...)
				for k := range feats[i].Geometry[0][0] {
					feats[i].Geometry[0][0][k][0] += float64(i) * 0.0003 // overlapping neighbours
				}
			}
		}
		got := CheckDistrictGeometry("d.geojson", feats)
		want := checkDistrictGeometrySerial("d.geojson", feats)
		if !reflect.DeepEqual(got.Problems, want.Problems) || !reflect.DeepEqual(got.Crossed, want.Crossed) || !reflect.DeepEqual(got.Overlaps, want.Overlaps) {
			t.Fatalf("trial %d: got\n%v\n%v\n%v\nwant\n%v\n%v\n%v", trial, got.Problems, got.Crossed, got.Overlaps, want.Problems, want.Crossed, want.Overlaps)
		}
		kinds[len(want.Problems) > 0]++
		kinds[len(want.Overlaps) > 0]++
	}
	if kinds[true] == 0 {
		t.Fatal("the cases found no problem: the test compares nothing")
	}
}

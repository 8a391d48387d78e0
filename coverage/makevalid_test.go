package coverage

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// TestMakeValidAgainstGEOS repairs the invalid rings of
// testdata/makevalid.geojson (scripts/reference/makevalid_cases.py) and
// compares the area kept with GEOS's MakeValid (shapely.validation.make_valid),
// measured with pyproj.Geod: within 1e-9 of it, in as many parts.
func TestMakeValidAgainstGEOS(t *testing.T) {
	data, err := os.ReadFile("testdata/makevalid.geojson")
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) < 12 {
		t.Fatalf("%d cases, want 12 or more", len(fc.Features))
	}
	for _, f := range fc.Features {
		name := f.Properties.MustString("name")
		t.Run(name, func(t *testing.T) {
			var mp orb.MultiPolygon
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				mp = orb.MultiPolygon{g}
			case orb.MultiPolygon:
				mp = g
			}
			why := NeedsRepair(mp)
			if why == nil {
				t.Fatalf("NeedsRepair = nil for an invalid geometry (GEOS: %s)", f.Properties.MustString("why"))
			}
			if strings.Contains(name, "edges 288 and 290") && !strings.Contains(why.Error(), "edges 288 and 290 cross") {
				t.Errorf("NeedsRepair = %v, want edges 288 and 290 named", why)
			}
			got, places, err := MakeValid(mp)
			if err != nil {
				t.Fatal(err)
			}
			if len(places) == 0 {
				t.Error("no place of repair reported")
			}
			want := f.Properties.MustFloat64("makevalid_area_m2")
			a := AreaM2(got)
			if rel := math.Abs(a-want) / want; rel > 1e-9 {
				t.Errorf("area after MakeValid = %.6f m², GEOS %.6f m² (relative %.2g, want <= 1e-9)", a, want, rel)
			}
			if n := int(f.Properties.MustFloat64("makevalid_parts")); len(got) != n {
				t.Errorf("MakeValid gave %d part(s), GEOS %d", len(got), n)
			}
			if err := NeedsRepair(got); err != nil {
				t.Errorf("repaired geometry still invalid: %v", err)
			}
			t.Logf("%s: %.3f m² (GEOS %.3f, relative %.1e) in %d part(s), %d place(s)", why, a, want, math.Abs(a-want)/want, len(got), len(places))
		})
	}
}

// TestMakeValidNothingLeft: a ring traced out and back has no area left.
func TestMakeValidNothingLeft(t *testing.T) {
	mp := orb.MultiPolygon{{{{1, 42}, {1.01, 42}, {1.02, 42}, {1.01, 42}}}}
	got, _, err := MakeValid(mp)
	if err != nil || len(got) != 0 {
		t.Errorf("MakeValid(%v) = %v, %v; want nothing", mp, got, err)
	}
}

func TestMakeValidLeavesValidAlone(t *testing.T) {
	sq := orb.MultiPolygon{{{{1, 42}, {1.01, 42}, {1.01, 42.01}, {1, 42.01}, {1, 42}}}}
	if err := NeedsRepair(sq); err != nil {
		t.Errorf("NeedsRepair(square) = %v, want nil", err)
	}
}

// BenchmarkMakeValid repairs a 10,000-vertex ring (a circle) with one
// place where it crosses itself (two vertices swapped).
func BenchmarkMakeValid(b *testing.B) {
	const n = 10000
	ring := make(orb.Ring, 0, n+1)
	for k := range n {
		a := 2 * math.Pi * float64(k) / n
		ring = append(ring, orb.Point{7.44 + 0.05*math.Cos(a), 46.95 + 0.035*math.Sin(a)})
	}
	// vertices 101 and 102 swapped: edges 100 and 102 cross
	ring[101], ring[102] = ring[102], ring[101]
	ring = append(ring, ring[0])
	mp := orb.MultiPolygon{{ring}}
	if NeedsRepair(mp) == nil {
		b.Fatal("the ring is valid")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := MakeValid(mp); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "vertices/s")
}

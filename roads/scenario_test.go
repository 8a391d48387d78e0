package roads

import (
	"math"
	"reflect"
	"testing"
)

// TestApplyClosedWayIsTheFileWithout: closing a way by id gives the very
// network (nodes, their order, segments) that the ways without it build.
func TestApplyClosedWayIsTheFileWithout(t *testing.T) {
	nodes := map[int64][2]float64{1: at(0, 0), 2: at(500, 0), 3: at(1000, 0), 4: at(500, 400), 5: at(1000, 400)}
	res := map[string]string{"highway": "residential"}
	ways := []way{{[]int64{1, 2}, res}, {[]int64{2, 4, 5}, res}, {[]int64{2, 3, 5}, res}}
	full := build(t, Car(), nodes, ways)
	for closed := range ways {
		var rest []way
		var ids []int64
		for i, w := range ways {
			if i != closed {
				rest = append(rest, w)
				ids = append(ids, int64(i+1))
			}
		}
		want := build(t, Car(), nodes, rest)
		for k := range want.Segs {
			want.Segs[k].Way = ids[want.Segs[k].Way-1] // build numbers ways from 1
		}
		got, st := full.Apply(&Scenario{ClosedWays: map[int64]bool{int64(closed + 1): true}})
		if !reflect.DeepEqual(got.Pos, want.Pos) || !reflect.DeepEqual(got.OSMID, want.OSMID) || !reflect.DeepEqual(got.Segs, want.Segs) {
			t.Errorf("closing way %d: got %+v, want %+v", closed+1, got.Segs, want.Segs)
		}
		if st.GoneWays != 1 || st.ClosedSegments != len(full.Segs)-len(want.Segs) {
			t.Errorf("closing way %d: stats %+v", closed+1, st)
		}
	}
}

// TestApplyShapes: a line crossing a segment, or passing within the
// tolerance, closes it; one passing farther does not; a polygon closes the
// segments inside it and those crossing it; a speed factor divides times.
func TestApplyShapes(t *testing.T) {
	nodes := map[int64][2]float64{1: at(0, 0), 2: at(1000, 0), 3: at(1000, 1000)}
	res := map[string]string{"highway": "residential"}
	n := build(t, Car(), nodes, []way{{[]int64{1, 2}, res}, {[]int64{2, 3}, res}})
	line := func(pts ...[2]float64) Shape { return Shape{Lines: [][][2]float64{pts}} }
	square := func(x0, y0, x1, y1 float64) Shape {
		return Shape{Rings: [][][2]float64{{at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)}}}
	}
	for _, tc := range []struct {
		name  string
		shape Shape
		want  int // segments left
	}{
		{"line across the first", line(at(500, -100), at(500, 100)), 1},
		{"line 3 m short of the first", line(at(500, -100), at(500, -3)), 1},
		{"line 10 m short of the first", line(at(500, -100), at(500, -10)), 2},
		{"line along neither", line(at(-500, 500), at(-400, 600)), 2},
		{"polygon holding the second", square(900, 100, 1100, 900), 1},
		{"polygon crossing both", square(900, -100, 1100, 100), 0},
		{"polygon beside both", square(200, 200, 800, 800), 2},
	} {
		got, _ := n.Apply(&Scenario{Closed: []Shape{tc.shape}})
		if len(got.Segs) != tc.want {
			t.Errorf("%s: %d segment(s) left, want %d", tc.name, len(got.Segs), tc.want)
		}
	}
	got, st := n.Apply(&Scenario{WayFactor: map[int64]float64{1: 0.5}, Slowed: []SlowShape{{line(at(1000, 500), at(1100, 500)), 0.25}}})
	if st.SlowedSegments != 2 || math.Abs(got.Segs[0].Fwd-2*n.Segs[0].Fwd) > 1e-9 || math.Abs(got.Segs[1].Bwd-4*n.Segs[1].Bwd) > 1e-9 {
		t.Errorf("speed factors: %+v from %+v (%+v)", got.Segs, n.Segs, st)
	}
}

package roads

import (
	"math"
	"testing"
)

// gridNetwork is a side x side grid of two-way roads 100 m apart (50 km/h),
// positions in degrees near the equator (used only by the index).
func gridNetwork(side int) *Network {
	n := &Network{Pos: make([][2]float64, side*side), OSMID: make([]int64, side*side)}
	t := 100 / (50 / 3.6)
	for j := range side {
		for i := range side {
			k := j*side + i
			n.Pos[k] = [2]float64{float64(i) * 9e-4, float64(j) * 9e-4}
			if i+1 < side {
				n.Segs = append(n.Segs, Segment{A: int32(k), B: int32(k + 1), LenM: 100, Fwd: t, Bwd: t})
			}
			if j+1 < side {
				n.Segs = append(n.Segs, Segment{A: int32(k), B: int32(k + side), LenM: 100, Fwd: t, Bwd: t})
			}
		}
	}
	return n
}

// BenchmarkDijkstraGrid1M: one multi-source search (4 stations) over a
// 1000 x 1000 grid, 1,000,000 nodes and 4,000,000 directed edges, on one
// core. The compressed-row graph is built before the timer.
func BenchmarkDijkstraGrid1M(b *testing.B) {
	const side = 1000
	n := gridNetwork(side)
	g := newCSR(n, ToStation)
	seeds := []int32{0, side - 1, side * (side - 1), side*side/2 + side/2}
	time := make([]float64, len(n.Pos))
	route := make([]float64, len(n.Pos))
	st := make([]int32, len(n.Pos))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for i := range time {
			time[i], st[i] = math.Inf(1), -1
		}
		h := &heap{}
		for s, v := range seeds {
			time[v], st[v], route[v] = 0, int32(s), 0
			h.push(0, v)
		}
		g.run(h, time, route, st)
	}
	b.ReportMetric(float64(len(n.Pos))*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mnodes/s")
}

// BenchmarkCSRGrid1M: building the compressed-row graph of the same grid.
func BenchmarkCSRGrid1M(b *testing.B) {
	n := gridNetwork(1000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		newCSR(n, ToStation)
	}
}

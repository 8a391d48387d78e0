package crs

import (
	"math"
	"testing"
)

// publishedGCJOffset is gcjOffset written as the published formula writes
// it (the x term and sin(lat) twice).
func publishedGCJOffset(lon, lat float64) (dLon, dLat float64) {
	x, y := lon-105, lat-35
	dLat = -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	dLat += (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	dLat += (20*math.Sin(y*math.Pi) + 40*math.Sin(y/3*math.Pi)) * 2 / 3
	dLat += (160*math.Sin(y/12*math.Pi) + 320*math.Sin(y*math.Pi/30)) * 2 / 3
	dLon = 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	dLon += (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
	dLon += (20*math.Sin(x*math.Pi) + 40*math.Sin(x/3*math.Pi)) * 2 / 3
	dLon += (150*math.Sin(x/12*math.Pi) + 300*math.Sin(x/30*math.Pi)) * 2 / 3
	rad := lat * deg
	m := 1 - gcjEE*math.Sin(rad)*math.Sin(rad)
	sm := math.Sqrt(m)
	dLat = dLat * 180 / ((gcjA * (1 - gcjEE)) / (m * sm) * math.Pi)
	dLon = dLon * 180 / (gcjA / sm * math.Cos(rad) * math.Pi)
	return dLon, dLat
}

// TestGCJOffsetAsPublished: gcjOffset, which computes the terms the
// published formula repeats once, gives the same bits on a grid across
// China's box (about 1.4 million points, at an odd step so that few fall
// on round values).
func TestGCJOffsetAsPublished(t *testing.T) {
	bad := 0
	for lon := 72.0; lon < 138; lon += 0.0531 {
		for lat := 0.8; lat < 56; lat += 0.0477 {
			gx, gy := gcjOffset(lon, lat)
			wx, wy := publishedGCJOffset(lon, lat)
			if gx != wx || gy != wy {
				if bad++; bad < 10 {
					t.Errorf("gcjOffset(%v, %v) = %v, %v; as published %v, %v", lon, lat, gx, gy, wx, wy)
				}
			}
		}
	}
}

func BenchmarkGCJOffset(b *testing.B) {
	for _, c := range []struct {
		name string
		fn   func(lon, lat float64) (float64, float64)
	}{{"published", publishedGCJOffset}, {"once", gcjOffset}} {
		b.Run(c.name, func(b *testing.B) {
			s := 0.0
			for i := range b.N {
				x, y := c.fn(114+float64(i%1000)*1e-3, 22.5)
				s += x + y
			}
			if s == 0 {
				b.Fatal(s)
			}
		})
	}
}

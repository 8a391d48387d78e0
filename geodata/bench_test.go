package geodata

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
)

// synthGeoJSON writes n square districts of k vertices each.
func synthGeoJSON(n, k int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for d := range n {
		if d > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"name":"D%d","class":"urban"},"geometry":{"type":"Polygon","coordinates":[[`, d)
		x0, y0 := 11+float64(d%50)*0.1, 45+float64(d/50)*0.1
		for v := 0; v <= k; v++ {
			a := 2 * math.Pi * float64(v%k) / float64(k)
			if v > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "[%.9f,%.9f]", x0+0.04*math.Cos(a), y0+0.04*math.Sin(a))
		}
		b.WriteString("]]}}")
	}
	b.WriteString("]}")
	return b.Bytes()
}

func BenchmarkReadDistricts(b *testing.B) {
	data := synthGeoJSON(300, 1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		ds, probs, err := ReadDistricts(bytes.NewReader(data), "bench", DistrictOptions{})
		if err != nil || len(probs) > 0 || len(ds) != 300 {
			b.Fatalf("%d districts, %v, %v", len(ds), probs, err)
		}
	}
	b.ReportMetric(float64(300*1000*b.N)/b.Elapsed().Seconds(), "vertices/s")
}

func BenchmarkReadStationsCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,name,lon,lat\n")
	for i := range 50000 {
		fmt.Fprintf(&sb, "S%d,station %d,%.9f,%.9f\n", i, i, 11+float64(i%1000)*1e-3, 45+float64(i/1000)*1e-3)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		st, _, err := ReadStationsCSV(bytes.NewReader(data), "bench", StationOptions{})
		if err != nil || len(st) != 50000 {
			b.Fatal(len(st), err)
		}
	}
	b.ReportMetric(float64(50000*b.N)/b.Elapsed().Seconds(), "stations/s")
}

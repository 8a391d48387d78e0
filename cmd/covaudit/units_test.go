package main

import (
	"math"
	"testing"

	"github.com/spf13/pflag"
)

// TestUnitFlags: the flag values read their numbers from the front, so
// units that end in a digit (m2, km2) parse, and exponents still do.
func TestUnitFlags(t *testing.T) {
	tests := []struct {
		name string
		flag func() pflag.Value
		in   string
		want float64 // SI: m, m2, m/s; NaN: the value is refused
	}{
		{"area km2", func() pflag.Value { return new(areaFlag) }, "2km2", 2e6},
		{"area m2", func() pflag.Value { return new(areaFlag) }, "500m2", 500},
		{"area ha", func() pflag.Value { return new(areaFlag) }, "1ha", 1e4},
		{"area km²", func() pflag.Value { return new(areaFlag) }, "2km²", 2e6},
		{"area m²", func() pflag.Value { return new(areaFlag) }, "7.5m²", 7.5},
		{"area decimal km2 with a space", func() pflag.Value { return new(areaFlag) }, "0.25 km2", 2.5e5},
		{"area upper case", func() pflag.Value { return new(areaFlag) }, "3KM2", 3e6},
		{"area bare number is m2", func() pflag.Value { return new(areaFlag) }, "1234", 1234},
		{"area exponent", func() pflag.Value { return new(areaFlag) }, "1e4", 1e4},
		{"area exponent with unit", func() pflag.Value { return new(areaFlag) }, "1.5e2ha", 1.5e6},
		{"area zero", func() pflag.Value { return new(areaFlag) }, "0km2", 0},
		{"area negative", func() pflag.Value { return new(areaFlag) }, "-1ha", math.NaN()},
		{"area unknown unit", func() pflag.Value { return new(areaFlag) }, "2km3", math.NaN()},
		{"area acres", func() pflag.Value { return new(areaFlag) }, "2acres", math.NaN()},
		{"area no number", func() pflag.Value { return new(areaFlag) }, "km2", math.NaN()},
		{"area two points", func() pflag.Value { return new(areaFlag) }, "1.2.3m2", math.NaN()},
		{"distance km", func() pflag.Value { return new(distanceFlag) }, "2km", 2000},
		{"distance m", func() pflag.Value { return new(distanceFlag) }, "500m", 500},
		{"distance exponent", func() pflag.Value { return new(distanceFlag) }, "1e3m", 1000},
		{"distance area unit", func() pflag.Value { return new(distanceFlag) }, "2km2", math.NaN()},
		{"speed km/h", func() pflag.Value { return new(speedFlag) }, "36km/h", 10},
		{"speed m/s", func() pflag.Value { return new(speedFlag) }, "11m/s", 11},
		{"people", func() pflag.Value { return new(peopleFlag) }, "100", 100},
		{"people share", func() pflag.Value { return new(peopleFlag) }, "2.5", 2.5},
		{"people negative", func() pflag.Value { return new(peopleFlag) }, "-1", math.NaN()},
		{"people unit", func() pflag.Value { return new(peopleFlag) }, "100p", math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.flag()
			err := v.Set(tc.in)
			if math.IsNaN(tc.want) {
				if err == nil {
					t.Errorf("Set(%q) = nil (value %s), want an error", tc.in, v)
				}
				return
			}
			if err != nil {
				t.Fatalf("Set(%q) = %v, want %v", tc.in, err, tc.want)
			}
			var got float64
			switch f := v.(type) {
			case *areaFlag:
				got = float64(*f)
			case *distanceFlag:
				got = float64(*f)
			case *speedFlag:
				got = float64(*f)
			case *peopleFlag:
				got = float64(*f)
			}
			if math.Abs(got-tc.want) > 1e-9*math.Abs(tc.want) {
				t.Errorf("Set(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

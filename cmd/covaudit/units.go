package main

import (
	"fmt"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/covaudit/covaudit/internal/number"
	"math"
	"strconv"
	"strings"
	"time"
)

// The flag value types below implement pflag.Value with errors that say
// what they accept.

// distanceFlag is a length in metres, written "2km", "500m" or "500".
type distanceFlag float64

func (d *distanceFlag) String() string { return fmtDistance(float64(*d)) }
func (d *distanceFlag) Type() string   { return "distance" }
func (d *distanceFlag) Set(s string) error {
	v, err := parseWithUnits(s, map[string]float64{"": 1, "m": 1, "km": 1000})
	if err != nil || !(v > 0) {
		return fmt.Errorf("invalid distance %q, want a positive number with m or km, such as 2km or 500m", s)
	}
	*d = distanceFlag(v)
	return nil
}

func fmtDistance(m float64) string {
	if m >= 1000 && m == float64(int64(m/1000))*1000 {
		return strconv.FormatFloat(m/1000, 'f', -1, 64) + "km"
	}
	return strconv.FormatFloat(m, 'f', -1, 64) + "m"
}

// durationFlag is a time in seconds, written "30m", "30min", "1h", "90s".
type durationFlag float64

func (d *durationFlag) String() string {
	s := float64(*d)
	switch {
	case s >= 3600 && math.Mod(s, 3600) == 0:
		return strconv.FormatFloat(s/3600, 'f', -1, 64) + "h"
	case s >= 60 && math.Mod(s, 60) == 0:
		return strconv.FormatFloat(s/60, 'f', -1, 64) + "m"
	}
	return strconv.FormatFloat(s, 'f', -1, 64) + "s"
}
func (d *durationFlag) Type() string { return "duration" }
func (d *durationFlag) Set(s string) error {
	t := strings.ReplaceAll(strings.TrimSpace(s), "min", "m")
	v, err := time.ParseDuration(t)
	if err != nil || v <= 0 {
		return fmt.Errorf("invalid duration %q, want a positive time with a unit, such as 30m, 45min, 1h or 90s", s)
	}
	*d = durationFlag(v.Seconds())
	return nil
}

// speedFlag is a speed in metres per second, written "40km/h", "11m/s",
// "25mph" or a bare number of km/h.
type speedFlag float64

func (v *speedFlag) String() string {
	return strconv.FormatFloat(float64(*v)*3.6, 'f', -1, 64) + "km/h"
}
func (v *speedFlag) Type() string { return "speed" }
func (v *speedFlag) Set(s string) error {
	x, err := parseWithUnits(s, map[string]float64{"": 1 / 3.6, "km/h": 1 / 3.6, "kmh": 1 / 3.6, "kph": 1 / 3.6, "m/s": 1, "mph": 1609.344 / 3600})
	if err != nil || !(x > 0) {
		return fmt.Errorf("invalid speed %q, want a positive speed such as 40km/h, 11m/s or 25mph", s)
	}
	*v = speedFlag(x)
	return nil
}

// areaFlag is an area in square metres, written "1ha", "500m2", "2km2".
type areaFlag float64

func (a *areaFlag) String() string {
	if *a >= 1e4 && float64(*a) == float64(int64(*a/1e4))*1e4 {
		return strconv.FormatFloat(float64(*a)/1e4, 'f', -1, 64) + "ha"
	}
	return strconv.FormatFloat(float64(*a), 'f', -1, 64) + "m2"
}
func (a *areaFlag) Type() string { return "area" }
func (a *areaFlag) Set(s string) error {
	v, err := parseWithUnits(s, map[string]float64{"": 1, "m2": 1, "m²": 1, "ha": 1e4, "km2": 1e6, "km²": 1e6})
	if err != nil || v < 0 {
		return fmt.Errorf("invalid area %q, want a number with m2, ha or km2, such as 1ha", s)
	}
	*a = areaFlag(v)
	return nil
}

// peopleFlag is a number of people, at least 0 ("100", "2.5" for a
// raster's shares of cells).
type peopleFlag float64

func (p *peopleFlag) String() string { return strconv.FormatFloat(float64(*p), 'f', -1, 64) }
func (p *peopleFlag) Type() string   { return "people" }
func (p *peopleFlag) Set(s string) error {
	v, ok := number.Parse(strings.TrimSpace(s))
	if !ok || v < 0 {
		return fmt.Errorf("invalid number of people %q, want a number of at least 0, such as 100", s)
	}
	*p = peopleFlag(v)
	return nil
}

// parseWithUnits parses "<number><unit>" with the unit's factor. The
// number is read from the front (sign, digits, decimal point, an exponent
// such as e3), so a unit may end in a digit (m2, km2).
func parseWithUnits(s string, units map[string]float64) (float64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := numberPrefix(t)
	num, unit := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i:])
	f, ok := units[unit]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q", unit)
	}
	v, ok := number.Parse(num)
	if !ok {
		return 0, fmt.Errorf("invalid number %q (decimal notation only)", num)
	}
	return v * f, nil
}

// numberPrefix is the length of the number that starts t:
// [+-]?[0-9.]* and an exponent [eE][+-]?[0-9]+ when one follows.
func numberPrefix(t string) int {
	digits := func(i int) int {
		for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
			i++
		}
		return i
	}
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	i = digits(i)
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		j := i + 1
		if j < len(t) && (t[j] == '+' || t[j] == '-') {
			j++
		}
		if k := digits(j); k > j && !strings.Contains(t[j:k], ".") {
			i = k
		}
	}
	return i
}

// enumFlag is one of a fixed set of words.
type enumFlag struct {
	value   string
	allowed []string
	what    string
}

func (e *enumFlag) String() string { return e.value }
func (e *enumFlag) Type() string   { return e.what }
func (e *enumFlag) Set(s string) error {
	for _, a := range e.allowed {
		if s == a {
			e.value = s
			return nil
		}
	}
	return fmt.Errorf("invalid %s %q, must be one of (%s)", e.what, s, strings.Join(e.allowed, "|"))
}

// percentFlag is a share from 0 to 100.
type percentFlag float64

func (p *percentFlag) String() string { return strconv.FormatFloat(float64(*p), 'f', -1, 64) }
func (p *percentFlag) Type() string   { return "percent" }
func (p *percentFlag) Set(s string) error {
	v, ok := number.Parse(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if !ok || v < 0 || v > 100 {
		return fmt.Errorf("invalid percentage %q, want a number from 0 to 100", s)
	}
	*p = percentFlag(v)
	return nil
}

// crsFlag is a coordinate system named by its EPSG code or as gcj02/bd09.
type crsFlag struct{ crs crs.CRS }

func (c *crsFlag) String() string { return c.crs.Name }
func (c *crsFlag) Type() string   { return "crs" }
func (c *crsFlag) Set(s string) error {
	v, err := crs.Parse(s)
	if err != nil {
		return err
	}
	c.crs = v
	return nil
}

package roads

import (
	"bufio"
	"fmt"
	"github.com/covaudit/covaudit/internal/number"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Profile says which OpenStreetMap ways a traveller can use and how fast.
// Speeds are km/h by `highway` class; a class that is absent (or 0) is not
// used. Tags are read through a lookup function so that any tag store works.
type Profile struct {
	// Name is "car", "bicycle" or "foot" (or the name a speeds file gives).
	Name string
	// Speeds is km/h by highway class.
	Speeds map[string]float64
	// MaxspeedFactor: a numeric `maxspeed` (km/h, or mph when tagged so)
	// replaces the class speed at this factor of its value; 0 ignores
	// maxspeed.
	MaxspeedFactor float64
	// Oneway: respect `oneway` (and the oneway that motorways and
	// roundabouts imply).
	Oneway bool
	// AccessKeys are the access tags that can forbid a way, most specific
	// first: the first one present decides (values no, private forbid).
	AccessKeys []string
}

// Car is the default profile: speeds by class as the well-known routers use
// them (OSRM's car table), maxspeed at 0.8 of its value, oneway respected,
// and access/motor_vehicle/motorcar/vehicle = no or private excluded.
func Car() Profile {
	return Profile{
		Name: "car",
		Speeds: map[string]float64{
			"motorway": 90, "motorway_link": 45, "trunk": 85, "trunk_link": 40,
			"primary": 65, "primary_link": 30, "secondary": 55, "secondary_link": 25,
			"tertiary": 40, "tertiary_link": 20, "unclassified": 25, "residential": 25,
			"living_street": 10, "service": 15,
		},
		MaxspeedFactor: 0.8,
		Oneway:         true,
		AccessKeys:     []string{"motorcar", "motor_vehicle", "vehicle", "access"},
	}
}

// Bicycle rides at 18 km/h on roads and cycleways, 12 km/h on tracks and
// paths, and pushes at 6 km/h on pedestrian streets; no motorways; oneway
// respected unless `oneway:bicycle=no`.
func Bicycle() Profile {
	s := map[string]float64{"cycleway": 18, "track": 12, "path": 12, "pedestrian": 6, "living_street": 10, "service": 15}
	for _, c := range []string{"trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
		"tertiary", "tertiary_link", "unclassified", "residential", "road"} {
		s[c] = 18
	}
	return Profile{Name: "bicycle", Speeds: s, Oneway: true, AccessKeys: []string{"bicycle", "vehicle", "access"}}
}

// Foot walks at 5 km/h on every highway class but motorways, in both
// directions, 2 km/h on steps.
func Foot() Profile {
	s := map[string]float64{"steps": 2}
	for _, c := range []string{"trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
		"tertiary", "tertiary_link", "unclassified", "residential", "living_street", "service", "road",
		"track", "path", "footway", "pedestrian", "cycleway", "bridleway"} {
		s[c] = 5
	}
	return Profile{Name: "foot", Speeds: s, AccessKeys: []string{"foot", "access"}}
}

// ProfileByName returns the built-in profile car, bicycle or foot.
func ProfileByName(name string) (Profile, error) {
	switch name {
	case "car":
		return Car(), nil
	case "bicycle":
		return Bicycle(), nil
	case "foot":
		return Foot(), nil
	}
	return Profile{}, fmt.Errorf("unknown profile %q, must be one of (car|bicycle|foot)", name)
}

// Direction says who travels: residents to the station (the default), or the
// station's vehicle out to the residents (fire, ambulance).
type Direction int

// The directions.
const (
	ToStation Direction = iota
	FromStation
)

// ParseDirection reads "to-station" or "from-station".
func ParseDirection(s string) (Direction, error) {
	switch s {
	case "to-station":
		return ToStation, nil
	case "from-station":
		return FromStation, nil
	}
	return 0, fmt.Errorf("invalid direction %q, must be one of (to-station|from-station)", s)
}

func (d Direction) String() string {
	if d == FromStation {
		return "from-station"
	}
	return "to-station"
}

// Tags looks up an OpenStreetMap tag of a way; "" when absent.
type Tags func(key string) string

// WaySpeeds returns the travel speeds along a way, km/h, forwards (in the
// order of its nodes) and backwards; 0 means that direction cannot be used.
func (p Profile) WaySpeeds(tag Tags) (fwd, bwd float64) {
	class := tag("highway")
	v := p.Speeds[class]
	if v <= 0 || tag("area") == "yes" {
		return 0, 0
	}
	for _, k := range p.AccessKeys {
		if a := tag(k); a != "" {
			if a == "no" || a == "private" {
				return 0, 0
			}
			break
		}
	}
	if p.MaxspeedFactor > 0 {
		if ms, ok := ParseMaxspeed(tag("maxspeed")); ok {
			v = p.MaxspeedFactor * ms
		}
	}
	fwd, bwd = v, v
	if !p.Oneway {
		return fwd, bwd
	}
	ow := tag("oneway")
	if p.Name == "bicycle" && tag("oneway:bicycle") == "no" {
		ow = "no"
	}
	switch ow {
	case "yes", "1", "true":
		bwd = 0
	case "-1", "reverse":
		fwd = 0
	case "no", "false", "0", "reversible", "alternating":
		if ow == "reversible" || ow == "alternating" {
			return 0, 0
		}
	default:
		j := tag("junction")
		if class == "motorway" || class == "motorway_link" || j == "roundabout" || j == "circular" {
			bwd = 0
		}
	}
	return fwd, bwd
}

// ParseMaxspeed reads a numeric maxspeed tag: "50" (km/h), "30 mph",
// "30mph", "50 km/h". Other values (none, signals, walk, "RO:urban", lists)
// are not numeric and give false.
func ParseMaxspeed(s string) (kmh float64, ok bool) {
	s = strings.TrimSpace(s)
	factor := 1.0
	switch {
	case strings.HasSuffix(s, "mph"):
		s, factor = strings.TrimSpace(strings.TrimSuffix(s, "mph")), 1.609344
	case strings.HasSuffix(s, "km/h"):
		s = strings.TrimSpace(strings.TrimSuffix(s, "km/h"))
	case strings.HasSuffix(s, "kmh"):
		s = strings.TrimSpace(strings.TrimSuffix(s, "kmh"))
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0) || v > 400 {
		return 0, false
	}
	return v * factor, true
}

// ReadSpeeds reads a speeds file over a base profile. The format is one
// setting per line, '#' starts a comment:
//
//	motorway 90            # class and km/h; 0 stops the class being used
//	maxspeed-factor 0.8    # 0 ignores maxspeed tags
//	oneway yes             # yes or no
//
// Every bad line is reported, with its number, in one error; name is the
// file name used in the messages.
func ReadSpeeds(r io.Reader, name string, base Profile) (Profile, error) {
	p := base
	p.Speeds = make(map[string]float64, len(base.Speeds))
	for k, v := range base.Speeds {
		p.Speeds[k] = v
	}
	var errs []string
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		bad := func(format string, a ...any) {
			errs = append(errs, fmt.Sprintf("%s:%d: %s", name, line, fmt.Sprintf(format, a...)))
		}
		if len(f) != 2 {
			bad("want \"key value\", got %d fields", len(f))
			continue
		}
		switch f[0] {
		case "oneway":
			switch f[1] {
			case "yes":
				p.Oneway = true
			case "no":
				p.Oneway = false
			default:
				bad("oneway must be yes or no, got %q", f[1])
			}
			continue
		case "maxspeed-factor":
			v, ok := number.Parse(f[1])
			if !ok || v < 0 || v > 2 {
				bad("maxspeed-factor must be a number in [0, 2], got %q", f[1])
				continue
			}
			p.MaxspeedFactor = v
			continue
		}
		v, ok := number.Parse(f[1])
		if !ok || v < 0 || v > 400 {
			bad("speed of %q must be km/h in [0, 400], got %q", f[0], f[1])
			continue
		}
		p.Speeds[f[0]] = v
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Sprintf("%s:%d: %v", name, line+1, err))
	}
	if len(errs) > 0 {
		return Profile{}, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return p, nil
}

// WriteSpeeds writes the profile in ReadSpeeds' format, classes sorted.
func (p Profile) WriteSpeeds(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# covaudit speeds, profile %s: highway class and km/h\n", p.Name)
	classes := make([]string, 0, len(p.Speeds))
	for c := range p.Speeds {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	for _, c := range classes {
		fmt.Fprintf(bw, "%s %g\n", c, p.Speeds[c])
	}
	fmt.Fprintf(bw, "maxspeed-factor %g\n", p.MaxspeedFactor)
	ow := "no"
	if p.Oneway {
		ow = "yes"
	}
	fmt.Fprintf(bw, "oneway %s\n", ow)
	return bw.Flush()
}

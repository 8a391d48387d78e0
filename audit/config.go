package audit

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
)

// Config is everything an audit needs: its inputs and their coordinate
// systems, the district classes with their rules, the pass policy, the
// road network and the outputs. Lengths are metres, times seconds, speeds
// metres per second. Every command builds one (see Default) and hands it
// to Load, so a key means the same to all of them.
type Config struct {
	// Districts and Stations are file paths ("-": Stdin); both empty
	// audits the embedded demo dataset (Demo).
	Districts, Stations string
	// Stdin is read for an input named "-".
	Stdin io.Reader
	// DistrictsCRS and StationsCRS are the inputs' coordinate systems when
	// the files do not say (zero: WGS84, or the file's declaration).
	DistrictsCRS, StationsCRS crs.CRS
	// Encoding of station files and shapefile attributes ("" for UTF-8 or
	// the shapefile's .cpg; see geodata.Encodings).
	Encoding string
	// Layer names the GeoPackage layer of both inputs; DistrictsLayer and
	// StationsLayer override it.
	Layer, DistrictsLayer, StationsLayer string
	// Columns are the station CSV's columns and properties.
	Columns geodata.StationOptions
	// DistrictFilter and StationFilter select districts and stations from
	// OpenStreetMap files ("admin_level=7", "amenity=police,fire_station").
	DistrictFilter, StationFilter string
	// SkipInvalid skips invalid records with a warning instead of failing;
	// unless SkipMost, an audit that would skip more than half the stations
	// or districts is refused.
	SkipInvalid, SkipMost bool
	// ConfigFile is the configuration file the settings came from, if any
	// (an output must not overwrite it).
	ConfigFile string

	// ClassField and NameField are the district properties holding the
	// class value and the name.
	ClassField, NameField string
	// DissolveBy names a district property: districts sharing its value
	// are merged into one, named by it (see dissolve).
	DissolveBy string
	// Repair makes invalid district geometries valid, as GEOS's MakeValid
	// does, instead of refusing them (see RepairDistricts).
	Repair bool
	// Classes are the district classes, each with its values and rule; a
	// district takes the first class one of whose values equals its class
	// property (case-insensitive).
	Classes []Class
	// DefaultClass is the class of districts matching no class's values;
	// "" makes them an input error.
	DefaultClass string

	// MinCoveragePct is the covered share, 0-100, a district needs to pass;
	// IgnoreGapsUnderM2 the smallest gap that counts against it;
	// PassByPopulation counts people instead of area.
	MinCoveragePct    float64
	IgnoreGapsUnderM2 float64
	PassByPopulation  bool

	// Roads is the road network of the road rules.
	Roads RoadConfig

	// Population is a file of population points (CSV, GeoJSON) or a
	// GeoTIFF raster; PopulationField its count column; PopulationCRS the
	// points' system.
	Population, PopulationField string
	PopulationCRS               crs.CRS

	// ChordErrorM is the largest distance between a drawn arc and the exact
	// circle, metres.
	ChordErrorM float64
	// Workers is the number of districts evaluated at once (0: all cores).
	Workers int
	// Progress, when not nil, is told how the reading and the evaluation
	// advance.
	Progress Progress

	// Access asks for accessibility indices and capacitated coverage over
	// the population (see AccessConfig).
	Access AccessConfig

	// Output says what to write and where (see Audit.Write).
	Output Output

	// Shard, when Count > 0, evaluates only the districts of shard Index
	// of Count (see ShardOf); the JSON report then carries what Merge needs.
	Shard Shard
}

// Class is a district class: the class values that select it and the rule
// its districts must meet.
type Class struct {
	Name   string
	Values []string
	Rule   RuleSpec
	// Decay is the class's E2SFCA distance decay (nil: thirds of the
	// limit weighted 1.00, 0.68, 0.22; see AccessConfig).
	Decay *coverage.Decay
}

// RuleSpec is a class's rule as configured. Kind is one of
// coverage.Kinds; RadiusM applies to radius, TimeS to speed and road-time,
// DistanceM to road-distance, SpeedMS and Detour to speed; Profile
// ("car", "bicycle", "foot"; default Roads.Profile), Speeds (a speed table
// replacing the profile's) and Direction ("to-station", "from-station";
// default Roads.Direction) to the road rules; DelayS (>= 0) is added at
// every station under road-time.
type RuleSpec struct {
	Kind                       coverage.RuleKind
	RadiusM, TimeS, DistanceM  float64
	SpeedMS, Detour            float64
	Profile, Speeds, Direction string
	DelayS                     float64
}

// RoadConfig is the road network: an OpenStreetMap file and how places and
// stations reach it.
type RoadConfig struct {
	// File is the .osm.pbf (or .osm, .osm.gz, .osm.bz2) file; DemoRoads
	// names the embedded demo network.
	File string
	// Optional reads File only when some district is under a road rule:
	// the demo's embedded network, which an audit whose classes are all
	// radius rules does not need.
	Optional bool
	// Profile, Speeds and Direction are the defaults of the road rules
	// that do not set their own.
	Profile, Speeds, Direction string
	// AccessSpeedMS is the speed of the straight legs between a place (or
	// a station) and the road, m/s; MaxAccessM their longest length, m.
	AccessSpeedMS, MaxAccessM float64
	// TolerancePct is the widest bracket of a road district's uncovered
	// area, percent of its area.
	TolerancePct float64
	// Close and SpeedFactor are road scenario files (see
	// geodata.ReadClosures and geodata.ReadSpeedFactors): the roads they
	// name are taken out, or slowed, before any search. HeadClose and
	// HeadSpeedFactor do the same on diff's head side only.
	Close, SpeedFactor         string
	HeadClose, HeadSpeedFactor string
}

// Output is what an audit writes. Paths are written whole or not at all;
// "" leaves an output out (Report "" writes to the writer given to Write).
type Output struct {
	// Format of the report: text, json, csv or markdown.
	Format string
	Report string
	// Gaps is the gap map (GeoJSON, or GeoPackage by its .gpkg name) in
	// GapsCRS (zero: WGS84).
	Gaps    string
	GapsCRS crs.CRS
	// HTML and SVG are the map reports; Basemap puts OpenStreetMap tiles
	// under the HTML map.
	HTML, SVG string
	Basemap   bool
	// StationsReport is the CSV of the land and people only each station
	// covers.
	StationsReport string
	// Surface is the cost surface, a GeoTIFF of each cell centre's cost to
	// its nearest station (Audit.Surface), in cells of SurfaceCellM metres,
	// in SurfaceCRS (zero: WGS84).
	Surface      string
	SurfaceCellM float64
	SurfaceCRS   crs.CRS
	// SurfaceMeasure is what the surface's cells hold: "cost" (or "") or
	// "access", the accessibility index (Access.Method) of each cell centre.
	SurfaceMeasure string
	// Quiet leaves the warnings off stderr.
	Quiet bool
	// ReportTable: Report may be a postgresql:// table (suggest's sites).
	ReportTable bool
}

// Progress hears how an audit advances (for a terminal's progress line).
type Progress interface {
	// Bytes: read of size bytes of what.
	Bytes(what string, read, size int64)
	// Count: done of total items of what.
	Count(what string, done, total int)
	// Done ends the current line.
	Done()
}

// edited reports whether a road scenario is asked for (on either side):
// the network is read for it, and the report says what it changed, even
// when no class is under a road rule.
func (r *RoadConfig) edited() bool {
	return r.Close != "" || r.SpeedFactor != "" || r.HeadClose != "" || r.HeadSpeedFactor != ""
}

// DemoRoads is the Roads.File that names the embedded demo road network.
const DemoRoads = demoRoadsName

// The default rules: urban districts within 2 km, rural ones within 30
// minutes (by road with a road network, else at 40 km/h over 1.3 times the
// straight line).
const (
	DefaultUrbanRadiusM = 2000
	DefaultRuralTimeS   = 30 * 60
	DefaultDetour       = 1.3
	DefaultSpeedMS      = 40 / 3.6
)

// Default is the configuration of the two default classes, urban and
// rural, with every default.
func Default() Config {
	return Config{
		ClassField: "class", NameField: "name",
		Classes: []Class{
			{Name: "urban", Values: []string{"urban"}, Rule: RuleSpec{Kind: coverage.KindRadius, RadiusM: DefaultUrbanRadiusM}},
			{Name: "rural", Values: []string{"rural"}, Rule: RuleSpec{Kind: coverage.KindSpeed, TimeS: DefaultRuralTimeS, Detour: DefaultDetour, SpeedMS: DefaultSpeedMS}},
		},
		MinCoveragePct: 100, IgnoreGapsUnderM2: 1e4,
		Roads:           RoadConfig{Profile: "car", Direction: "to-station", AccessSpeedMS: 5 / 3.6, MaxAccessM: 1000, TolerancePct: 0.1},
		PopulationField: "population",
		ChordErrorM:     0.5,
		Output:          Output{Format: "text"},
	}
}

// Errors that tell a caller what went wrong: a configuration that cannot
// work (UsageError), input that cannot be processed (InputError), output
// that cannot be written (OutputError). ErrFailed is returned by Write
// when a district fails its requirement.
type (
	UsageError  struct{ Msg string }
	InputError  struct{ Err error }
	OutputError struct{ Err error }
)

func (e UsageError) Error() string  { return e.Msg }
func (e InputError) Error() string  { return e.Err.Error() }
func (e InputError) Unwrap() error  { return e.Err }
func (e OutputError) Error() string { return "writing output: " + e.Err.Error() }
func (e OutputError) Unwrap() error { return e.Err }

// ErrFailed: the audit ran and a coverage requirement fails.
var ErrFailed = errors.New("coverage requirement not met")

// Validate checks the configuration's numbers and classes, all problems
// at once.
func (c *Config) Validate() error {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	if (c.Districts == "") != (c.Stations == "") {
		bad("--districts and --stations go together (give both, or neither for the demo dataset)")
	}
	if c.Columns.DelayCol != "" && !slices.ContainsFunc(c.Classes, func(cl Class) bool { return cl.Rule.Kind == coverage.KindRoadTime }) {
		bad("--delay-col %q: no class has the road-time rule, the only rule a station's delay applies to", c.Columns.DelayCol)
	}
	if c.Districts == "-" && c.Stations == "-" {
		bad("only one of --districts and --stations can read standard input")
	}
	if !(c.MinCoveragePct >= 0 && c.MinCoveragePct <= 100) {
		bad("minimum coverage (--min-coverage, pass.min_coverage) %v is out of range [0, 100]", c.MinCoveragePct)
	}
	if !(c.IgnoreGapsUnderM2 >= 0) || isInf(c.IgnoreGapsUnderM2) {
		bad("ignore-gaps-under %v must be a finite area of at least 0", c.IgnoreGapsUnderM2)
	}
	if !(c.ChordErrorM > 0) || isInf(c.ChordErrorM) {
		bad("chord error %v must be positive", c.ChordErrorM)
	}
	if len(c.Classes) == 0 {
		bad("no district classes")
	}
	owner := map[string]string{}
	names := map[string]bool{}
	for _, cl := range c.Classes {
		if cl.Name == "" {
			bad("a class has no name")
		}
		if names[cl.Name] {
			bad("class %q is defined twice", cl.Name)
		}
		names[cl.Name] = true
		for _, v := range cl.Values {
			k := strings.ToLower(v)
			if o, ok := owner[k]; ok && o != cl.Name {
				bad("class value %q belongs to both %q and %q", v, o, cl.Name)
			}
			owner[k] = cl.Name
		}
		if err := cl.Rule.validate(); err != nil {
			bad("class %q: %v", cl.Name, err)
		}
		if cl.Rule.byRoad() && c.Roads.File == "" {
			bad("class %q: the %s rule needs a road network (--roads FILE, or roads.file)", cl.Name, cl.Rule.Kind)
		}
	}
	if c.DefaultClass != "" && !names[c.DefaultClass] {
		bad("default class %q is not a class (classes: %s)", c.DefaultClass, strings.Join(c.ClassNames(), ", "))
	}
	if c.Roads.File == "" && c.Roads.Close+c.Roads.SpeedFactor+c.Roads.HeadClose+c.Roads.HeadSpeedFactor != "" {
		bad("--close, --speed-factor, --head-close and --head-speed-factor edit a road network: give it with --roads FILE")
	}
	if c.Roads.File != "" {
		if !(c.Roads.AccessSpeedMS > 0) || isInf(c.Roads.AccessSpeedMS) {
			bad("access speed must be positive")
		}
		if !(c.Roads.MaxAccessM >= 0) || isInf(c.Roads.MaxAccessM) {
			bad("max access must not be negative")
		}
		if !(c.Roads.TolerancePct > 0) || isInf(c.Roads.TolerancePct) {
			bad("tolerance must be positive")
		}
	}
	if c.PassByPopulation && c.Population == "" {
		bad("--min-coverage-by population needs --population FILE")
	}
	errs = append(errs, c.Access.validate(c)...)
	if n := c.Output.GapsCRS.Name; n != "" && !strings.HasPrefix(n, "EPSG:") {
		bad("--gaps-crs %s: output is written in EPSG systems only", n)
	}
	if len(errs) > 0 {
		return UsageError{strings.Join(errs, "; ")}
	}
	return nil
}

// ClassNames lists the classes' names in order.
func (c *Config) ClassNames() []string {
	out := make([]string, len(c.Classes))
	for i, cl := range c.Classes {
		out[i] = cl.Name
	}
	return out
}

// Class returns the class named name, or nil.
func (c *Config) Class(name string) *Class {
	i := slices.IndexFunc(c.Classes, func(cl Class) bool { return cl.Name == name })
	if i < 0 {
		return nil
	}
	return &c.Classes[i]
}

func (r RuleSpec) byRoad() bool {
	return r.Kind == coverage.KindRoadTime || r.Kind == coverage.KindRoadDistance
}

func (r RuleSpec) validate() error {
	cr := coverage.Rule{Kind: r.Kind, RadiusM: r.RadiusM, TimeS: r.TimeS, DistanceM: r.DistanceM, SpeedMS: r.SpeedMS, Detour: r.Detour, DelayS: r.DelayS}
	if !slices.Contains(coverage.Kinds, r.Kind) {
		return fmt.Errorf("unknown rule kind %q (kinds: radius, speed, road-time, road-distance)", r.Kind)
	}
	if err := cr.Validate(); err != nil {
		return errors.New(strings.TrimSuffix(err.Error(), ": "+coverage.ErrBadRule.Error()))
	}
	if r.DelayS != 0 && r.Kind != coverage.KindRoadTime {
		return fmt.Errorf("delay applies to the road-time rule only")
	}
	if r.Direction != "" && r.Direction != "to-station" && r.Direction != "from-station" {
		return fmt.Errorf("direction %q: want to-station or from-station", r.Direction)
	}
	if r.Profile != "" && r.Profile != "car" && r.Profile != "bicycle" && r.Profile != "foot" {
		return fmt.Errorf("profile %q: want car, bicycle or foot", r.Profile)
	}
	return nil
}

func isInf(v float64) bool { return v > 1e308 || v < -1e308 }

package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/covaudit/covaudit/audit"
	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/spf13/pflag"
)

const checkHelp = `Usage: covaudit check [flags]

Audits every district against its class's coverage rule and reports, per
district, the uncovered area (exact, on the WGS84 ellipsoid), the covered
share, the place farthest from any station and whether it passes.

Urban districts: every place within --urban-radius (geodesic distance) of a
station. Rural districts: every place within --rural-time of travel: by road
with --roads, else under the speed model (straight-line distance x --detour /
--speed). A station anywhere counts, inside the district or not. Any number
of classes, each with any rule kind (radius, speed, road-time,
road-distance), come from --class or the classes of covaudit.yaml (see
covaudit init).

With no --districts and --stations, audits the embedded demo dataset: the 7
parishes of Andorra (Andorra la Vella and Escaldes-Engordany urban, the
others rural) against 65 public-service points from OpenStreetMap.

Inputs:
  --districts FILE   GeoJSON FeatureCollection of Polygon/MultiPolygon, or a
                     Shapefile (.shp, or .zip holding one); '-' reads standard
                     input (GeoJSON)
  --stations FILE    CSV (header row; lon/lat columns found by name), GeoJSON
                     Point/MultiPoint, or a Shapefile of points
  Both may also be GeoPackage (.gpkg) layers (--layer, --districts-layer,
  --stations-layer choose them when a file has several).
  Coordinates are WGS84 unless --districts-crs / --stations-crs or the
  shapefile's .prj say otherwise; they are converted to WGS84 first.

Flags:
%s
EXIT STATUS
  0  every district passes
  1  at least one district fails its coverage requirement (the report is still complete)
  2  usage error, input that cannot be processed, or output that cannot be written
`

// checkOptions are the flags of covaudit check (and the audit flags of the
// other commands); config turns them into an audit.Config.
type checkOptions struct {
	districts, stations      string
	classField, nameField    string
	urbanValues, ruralValues []string
	dissolveBy               string
	repair                   bool
	defaultClass             string
	classes                  classFlag
	station                  geodata.StationOptions
	access                   accessOptions
	skipInvalid, skipMost    bool
	urbanRadius              distanceFlag
	ruralTime                durationFlag
	detour                   float64
	speed                    speedFlag
	minCoverage              percentFlag
	ignoreGapsUnder          areaFlag
	format                   enumFlag
	output                   string
	gaps                     string
	chordError               distanceFlag
	workers                  int
	cpuProfile               string
	quiet                    bool
	encoding                 string
	districtsCRS             crsFlag
	stationsCRS              crsFlag
	layer                    string
	html, svg                string
	basemap                  bool
	stationsReport           string
	surface                  string
	surfaceCell              distanceFlag
	surfaceCRS               crsFlag
	surfaceMeasure           enumFlag
	population               string
	populationField          string
	populationCRS            crsFlag
	minCoverageBy            enumFlag
	gapsCRS                  crsFlag
	districtsLayer           string
	stationsLayer            string
	road                     roadOptions
	shard                    shardFlag
	flags                    *pflag.FlagSet // after parsing: which flags were set
}

func newCheckOptions() *checkOptions {
	return &checkOptions{
		urbanRadius:     audit.DefaultUrbanRadiusM,
		ruralTime:       audit.DefaultRuralTimeS,
		detour:          audit.DefaultDetour,
		speed:           speedFlag(audit.DefaultSpeedMS),
		minCoverage:     100,
		ignoreGapsUnder: 1e4,
		format:          enumFlag{value: "text", allowed: []string{"text", "json", "csv", "markdown"}, what: "format"},
		chordError:      0.5,
		surfaceCell:     100,
		surfaceMeasure:  enumFlag{value: "cost", allowed: []string{"cost", "access"}, what: "surface measure"},
		minCoverageBy:   enumFlag{value: "area", allowed: []string{"area", "population"}, what: "basis"},
		road:            newRoadOptions(),
	}
}

// addInputFlags adds the flags that read and classify districts and
// stations, and the rules: every command that audits has them.
func (o *checkOptions) addInputFlags(f *pflag.FlagSet) {
	f.StringVar(&o.districts, "districts", "", "district boundaries, GeoJSON (`FILE`, or - for stdin)")
	f.StringVar(&o.stations, "stations", "", "stations, CSV or GeoJSON (`FILE`, or - for stdin)")
	o.addClassFlags(f)
	o.access.addFlags(f)
	f.StringVar(&o.encoding, "encoding", "", "text encoding of station files and shapefile attributes: "+strings.Join(geodata.Encodings, "|")+" (default: UTF-8, or the shapefile's .cpg)")
	f.StringVar(&o.layer, "layer", "", "GeoPackage layer to read (default: the file's only feature layer)")
	f.StringVar(&o.districtsLayer, "districts-layer", "", "GeoPackage layer of the districts (default: --layer)")
	f.StringVar(&o.stationsLayer, "stations-layer", "", "GeoPackage layer of the stations (default: --layer)")
	f.BoolVar(&o.skipInvalid, "skip-invalid", false, "skip invalid records with a warning instead of failing")
	f.BoolVar(&o.skipMost, "skip-most", false, "with --skip-invalid: audit even when more than half the stations or districts are skipped")
	f.Var(&o.urbanRadius, "urban-radius", "urban rule: largest geodesic distance to a station (m or km)")
	f.Var(&o.ruralTime, "rural-time", "rural rule: longest travel time (such as 30m, 1h)")
	f.Float64Var(&o.detour, "detour", o.detour, "rural speed model: road distance / straight-line distance (>= 1)")
	f.Var(&o.speed, "speed", "rural speed model: travel speed (km/h, m/s or mph)")
	f.Var(&o.minCoverage, "min-coverage", "covered share, percent, a district needs to pass")
	f.Var(&o.ignoreGapsUnder, "ignore-gaps-under", "gaps smaller than this do not count against --min-coverage (m2, ha, km2)")
	f.StringVar(&o.population, "population", "", "population points, CSV or GeoJSON, with a count of people, or a GeoTIFF raster (`FILE`)")
	f.StringVar(&o.populationField, "population-field", "population", "population points: the column or property with the count")
	f.Var(&o.populationCRS, "population-crs", "coordinate system of the population points (default WGS84; see --districts-crs)")
	f.Var(&o.minCoverageBy, "min-coverage-by", "what --min-coverage counts: area|population")
	f.IntVar(&o.workers, "workers", 0, "districts evaluated at once (default: all cores)")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run (runtime/pprof) to `FILE`")
	f.Lookup("cpuprofile").Hidden = true
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no warnings or progress on stderr (errors still)")
	o.road.addFlags(f)
}

// addOutputFlags adds check's outputs.
func (o *checkOptions) addOutputFlags(f *pflag.FlagSet) {
	f.VarP(&o.format, "format", "f", "report format: text|json|csv|markdown")
	f.StringVarP(&o.output, "output", "o", "", "write the report to `FILE` (whole or not at all) instead of stdout")
	f.StringVar(&o.gaps, "gaps", "", "write the uncovered areas as a GeoJSON gap map to `FILE`")
	f.StringVar(&o.stationsReport, "stations-report", "", "write per station the land and people only it covers (lost if it closes), CSV, to `FILE`; adds each district's redundant_pct to the report")
	f.StringVar(&o.html, "html", "", "write a self-contained HTML report with a map to `FILE` (no request leaves it unless --basemap)")
	f.StringVar(&o.svg, "svg", "", "write a static SVG map to `FILE`")
	f.BoolVar(&o.basemap, "basemap", false, "HTML report: OpenStreetMap tiles under the map (fetched from tile.openstreetmap.org)")
	f.Var(&o.gapsCRS, "gaps-crs", "coordinate system of the gap map, an EPSG code (default EPSG:4326 as RFC 7946 requires; another writes a GeoJSON \"crs\" member, or the GeoPackage's)")
	f.Var(&o.chordError, "chord-error", "gap map: largest distance between a drawn arc and the exact circle")
	f.StringVar(&o.surface, "surface", "", "write the cost surface, a GeoTIFF of each cell centre's cost to its nearest station (m for distance rules, s for time rules), to `FILE`")
	f.Var(&o.surfaceCell, "surface-cell", "cost surface: cell size (m or km; in WGS84 converted to degrees at the districts' middle latitude)")
	f.Var(&o.surfaceCRS, "surface-crs", "cost surface: coordinate system, a projected EPSG code (default EPSG:4326)")
	f.Var(&o.surfaceMeasure, "surface-measure", "what the surface's cells hold: cost|access (access: each cell centre's --access index, capacity units per 10,000 people)")
}

// addClassFlags adds the flags that classify districts and read stations.
func (o *checkOptions) addClassFlags(f *pflag.FlagSet) {
	f.StringVar(&o.classField, "class-field", "class", "district property holding the class")
	f.StringSliceVar(&o.urbanValues, "urban-values", []string{"urban"}, "class values meaning urban (comma-separated)")
	f.StringSliceVar(&o.ruralValues, "rural-values", []string{"rural"}, "class values meaning rural (comma-separated)")
	f.StringVar(&o.defaultClass, "default-class", "", "class of districts matching no class's values, such as rural (default: an input error)")
	f.Var(&o.classes, "class", "a district class and its rule, replacing urban and rural (repeat for each): `NAME:values=A|B,rule=KIND,...` (see covaudit init)")
	f.StringVar(&o.nameField, "name-field", "name", "district property holding the name")
	f.StringVar(&o.dissolveBy, "dissolve-by", "", "merge the districts sharing this property's value into one district named by it (shared edges removed)")
	f.BoolVar(&o.repair, "repair", false, "make invalid district rings valid as GEOS MakeValid does (self-crossings split, spikes removed), each repair a warning, instead of refusing them")
	addStationInputFlags(f, &o.station, &o.districtsCRS, &o.stationsCRS)
	f.StringVar(&o.station.DelayCol, "delay-col", "", "stations column or property of each station's own delay, seconds, replacing the road-time rules' delay (a turnout time)")
}

// addCheckFlags adds check's flags.
func (o *checkOptions) addCheckFlags(f *pflag.FlagSet) {
	o.addInputFlags(f)
	o.addOutputFlags(f)
}

// addStationInputFlags adds the flags check and validate share for reading
// stations: their CSV columns and the coordinate systems of both inputs.
func addStationInputFlags(f *pflag.FlagSet, cols *geodata.StationOptions, districtsCRS, stationsCRS *crsFlag) {
	f.StringVar(&cols.LonCol, "lon-col", "", "stations CSV longitude column (default: found by name)")
	f.StringVar(&cols.LatCol, "lat-col", "", "stations CSV latitude column (default: found by name)")
	f.StringVar(&cols.IDCol, "id-col", "", "stations id column or property (default: id)")
	f.StringVar(&cols.NameCol, "name-col", "", "stations name column or property (default: name)")
	f.Var(districtsCRS, "districts-crs", "coordinate system of the districts: "+crs.Names+" (default WGS84)")
	f.Var(stationsCRS, "stations-crs", "coordinate system of the stations (default WGS84; see --districts-crs)")
}

// epsgOnly refuses an output system that is not an EPSG code (gcj02 and
// bd09 are for reading only).
func epsgOnly(flag string, c crsFlag) error {
	if n := c.crs.Name; n != "" && !strings.HasPrefix(n, "EPSG:") {
		return usageError{Msg: fmt.Sprintf("--%s %s: output is written in EPSG systems only", flag, n)}
	}
	return nil
}

// addCheckOnlyFlags adds check's flags and those only check has.
func (o *checkOptions) addCheckOnlyFlags(f *pflag.FlagSet) {
	o.addCheckFlags(f)
	f.Var(&o.shard, "shard", "evaluate only shard `K/N` of the districts (a stable hash of each one's feature index) and write a JSON report for covaudit merge")
}

// shardFlag is --shard K/N.
type shardFlag struct{ audit.Shard }

func (s *shardFlag) String() string {
	if s.Count == 0 {
		return ""
	}
	return s.Shard.String()
}
func (s *shardFlag) Type() string { return "K/N" }
func (s *shardFlag) Set(v string) error {
	sh, err := audit.ParseShard(v)
	s.Shard = sh
	return err
}

// checkShard refuses the outputs a shard cannot write for a merge.
func (o *checkOptions) checkShard() error {
	if o.shard.Count == 0 {
		return nil
	}
	if o.format.value != "json" {
		return usageError{Msg: "--shard writes the JSON report covaudit merge reads: add --format json"}
	}
	for _, f := range []string{"html", "svg", "stations-report"} {
		if o.changed(f) {
			return usageError{Msg: fmt.Sprintf("--shard does not take --%s: the maps and the stations report need every district (run check unsharded)", f)}
		}
	}
	// A station's 2SFCA ratio and its capacity are shared by the people of
	// every district it reaches, which other shards hold.
	for _, f := range []string{"access", "capacitated"} {
		if o.changed(f) {
			return usageError{Msg: fmt.Sprintf("--shard does not take --%s: a station's capacity is shared by the people of every district it reaches (run check unsharded)", f)}
		}
	}
	return nil
}

// checkHelpText is the help of covaudit check, flags included.
func checkHelpText() string {
	return helpWithFlags("check", checkHelp, newCheckOptions().addCheckOnlyFlags)
}

func runCheckArgs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o := newCheckOptions()
	fs, err := parseCommand("check", o.addCheckOnlyFlags, checkHelpText, args, stderr, "inputs go with --districts and --stations")
	if err != nil {
		return err
	}
	o.flags = fs
	if err := o.checkShard(); err != nil {
		return err
	}
	cfg, err := o.config(stdin, stderr)
	if err != nil {
		return err
	}
	cfg.Shard = o.shard.Shard
	stop, err := startCPUProfile(o.cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	a, err := audit.LoadForRun(ctx, cfg)
	if err != nil {
		return err
	}
	limitRoadMemory(a.ReadsRoads())
	a.Version = versionString()
	if err := a.Run(ctx); err != nil {
		return err
	}
	return a.Write(stdout, stderr)
}

// changed says whether a flag was set on the command line or by the
// configuration file.
func (o *checkOptions) changed(name string) bool {
	if o.flags == nil {
		return false
	}
	f := o.flags.Lookup(name)
	return f != nil && f.Changed
}

// without returns the values of vs not in drop (case-insensitive, as
// classes match).
func without(vs, drop []string) []string {
	var out []string
	for _, v := range vs {
		if !slices.ContainsFunc(drop, func(d string) bool { return strings.EqualFold(d, v) }) {
			out = append(out, v)
		}
	}
	return out
}

// config is the audit's configuration from the flags.
func (o *checkOptions) config(stdin io.Reader, stderr io.Writer) (audit.Config, error) {
	c := audit.Default()
	if !(o.detour >= 1) || o.detour > 1e6 {
		return c, usageError{Msg: fmt.Sprintf("invalid --detour %v, must be at least 1", o.detour)}
	}
	if err := epsgOnly("gaps-crs", o.gapsCRS); err != nil {
		return c, err
	}
	if err := epsgOnly("surface-crs", o.surfaceCRS); err != nil {
		return c, err
	}
	if o.surface == "" && (o.changed("surface-cell") || o.changed("surface-crs") || o.changed("surface-measure")) {
		return c, usageError{Msg: "--surface-cell, --surface-crs and --surface-measure describe the surface: give its file with --surface FILE.tif"}
	}
	c.Districts, c.Stations, c.Stdin = o.districts, o.stations, stdin
	c.DistrictsCRS, c.StationsCRS = o.districtsCRS.crs, o.stationsCRS.crs
	c.Encoding, c.Layer, c.DistrictsLayer, c.StationsLayer = o.encoding, o.layer, o.districtsLayer, o.stationsLayer
	c.Columns = o.station
	o.access.apply(&c)
	c.DistrictFilter, c.StationFilter = o.road.districtFilter, o.road.stationFilter
	c.SkipInvalid, c.SkipMost = o.skipInvalid, o.skipMost
	if o.flags != nil {
		if f := o.flags.Lookup("config"); f != nil {
			c.ConfigFile = f.Value.String()
		}
	}
	c.ClassField, c.NameField, c.DefaultClass = o.classField, o.nameField, o.defaultClass
	c.DissolveBy = o.dissolveBy
	c.Repair = o.repair
	c.MinCoveragePct, c.IgnoreGapsUnderM2 = float64(o.minCoverage), float64(o.ignoreGapsUnder)
	c.PassByPopulation = o.minCoverageBy.value == "population"
	c.Roads = audit.RoadConfig{File: o.road.roads, Profile: o.road.profile.value, Speeds: o.road.speeds, Direction: o.road.direction.value,
		AccessSpeedMS: float64(o.road.accessSpeed), MaxAccessM: float64(o.road.maxAccess), TolerancePct: float64(o.road.tolerance),
		Close: o.road.closeRoads, SpeedFactor: o.road.speedFactor}
	if o.districts == "" && o.stations == "" && o.road.roads == "" {
		// The demo audits rural parishes by road; read only when a class
		// is under a road rule.
		c.Roads.File, c.Roads.Optional = audit.DemoRoads, true
	}
	c.Population, c.PopulationField, c.PopulationCRS = o.population, o.populationField, o.populationCRS.crs
	c.ChordErrorM, c.Workers = float64(o.chordError), o.workers
	c.Output = audit.Output{Format: o.format.value, Report: o.output, Gaps: o.gaps, GapsCRS: o.gapsCRS.crs, HTML: o.html, SVG: o.svg,
		Basemap: o.basemap, StationsReport: o.stationsReport, Quiet: o.quiet,
		Surface: o.surface, SurfaceCellM: float64(o.surfaceCell), SurfaceCRS: o.surfaceCRS.crs, SurfaceMeasure: o.surfaceMeasure.value}
	if !o.quiet {
		c.Progress = newProgress(stderr)
	}
	if len(o.classes.specs) > 0 {
		for _, f := range []string{"urban-values", "rural-values", "urban-radius", "rural-time", "detour", "speed"} {
			if o.changed(f) {
				return c, usageError{Msg: fmt.Sprintf("--%s describes the two default classes; with --class (or the classes of the configuration file) give every class's values and rule there", f)}
			}
		}
		c.Classes = o.classes.specs
		return c, nil
	}
	rural := audit.RuleSpec{Kind: coverage.KindSpeed, TimeS: float64(o.ruralTime), Detour: o.detour, SpeedMS: float64(o.speed)}
	if c.Roads.File != "" {
		rural = audit.RuleSpec{Kind: coverage.KindRoadTime, TimeS: float64(o.ruralTime)}
	}
	// Values given for one class leave the other's default values: only
	// two given lists sharing a value are an error (audit.Config.Validate).
	urban, ruralV := o.urbanValues, o.ruralValues
	if o.changed("urban-values") && !o.changed("rural-values") {
		ruralV = without(ruralV, urban)
	}
	if o.changed("rural-values") && !o.changed("urban-values") {
		urban = without(urban, ruralV)
	}
	c.Classes = []audit.Class{
		{Name: "urban", Values: urban, Rule: audit.RuleSpec{Kind: coverage.KindRadius, RadiusM: float64(o.urbanRadius)}},
		{Name: "rural", Values: ruralV, Rule: rural},
	}
	return c, nil
}

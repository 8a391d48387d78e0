package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/covaudit/covaudit/audit"
	"github.com/covaudit/covaudit/geodata"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// configName is the configuration file looked for in the working
// directory when --config is not given.
const configName = "covaudit.yaml"

// configKey is one key of the configuration file: the flag it sets, the
// commands that use it, and whether its value is a path (relative paths
// are taken from the configuration file's directory).
type configKey struct {
	path     string // dotted: "rules.urban.radius"
	flag     string
	commands []string // empty: every command with that flag
	file     bool
	multi    bool // the value is several flag values, one per line
}

var configKeys = []configKey{
	{path: "districts", flag: "districts", file: true},
	{path: "stations", flag: "stations", commands: []string{"check", "validate", "nearest", "suggest"}, file: true},
	{path: "encoding", flag: "encoding"},
	{path: "districts_crs", flag: "districts-crs"},
	{path: "districts_layer", flag: "districts-layer"},
	{path: "stations_layer", flag: "stations-layer"},
	{path: "stations_crs", flag: "stations-crs"},
	{path: "skip_invalid", flag: "skip-invalid"},
	{path: "columns.lon", flag: "lon-col"},
	{path: "columns.lat", flag: "lat-col"},
	{path: "columns.id", flag: "id-col"},
	{path: "columns.name", flag: "name-col"},
	{path: "columns.delay", flag: "delay-col"},
	{path: "columns.capacity", flag: "capacity-col"},
	{path: "columns.default_capacity", flag: "default-capacity"},
	{path: "access.method", flag: "access"},
	{path: "access.min_access", flag: "min-access"},
	{path: "access.capacitated", flag: "capacitated"},
	{path: "access.people_per_unit", flag: "people-per-unit"},
	{path: "access.capacity_order", flag: "capacity-order"},
	{path: "class_field", flag: "class-field"},
	{path: "classes.field", flag: "class-field"},
	{path: "classes.urban", flag: "urban-values"},
	{path: "classes.rural", flag: "rural-values"},
	{path: "classes.default", flag: "default-class"},
	{path: "classes.name_field", flag: "name-field"},
	{path: "classes.dissolve_by", flag: "dissolve-by"},
	{path: "classes.repair", flag: "repair"},
	{path: "classes.define", flag: "class", multi: true}, // class definitions under classes:, see classSpec
	{path: "rules.urban.radius", flag: "urban-radius"},
	{path: "rules.rural.time", flag: "rural-time"},
	{path: "rules.rural.detour", flag: "detour"},
	{path: "rules.rural.speed", flag: "speed"},
	{path: "roads.file", flag: "roads", file: true},
	{path: "roads.profile", flag: "profile"},
	{path: "roads.speeds", flag: "speeds", file: true},
	{path: "roads.direction", flag: "direction"},
	{path: "roads.access_speed", flag: "access-speed"},
	{path: "roads.max_access", flag: "max-access"},
	{path: "roads.tolerance", flag: "tolerance"},
	{path: "roads.station_filter", flag: "station-filter"},
	{path: "roads.district_filter", flag: "district-filter"},
	{path: "pass.min_coverage", flag: "min-coverage"},
	{path: "pass.ignore_gaps_under", flag: "ignore-gaps-under"},
	{path: "check.format", flag: "format", commands: []string{"check"}},
	{path: "check.report", flag: "output", commands: []string{"check"}, file: true},
	{path: "check.gaps", flag: "gaps", commands: []string{"check"}, file: true},
	{path: "check.chord_error", flag: "chord-error", commands: []string{"check"}},
	{path: "validate.format", flag: "format", commands: []string{"validate"}},
	{path: "validate.report", flag: "output", commands: []string{"validate"}, file: true},
	{path: "validate.duplicate_distance", flag: "duplicate-distance", commands: []string{"validate"}},
	{path: "validate.max_outside", flag: "max-outside", commands: []string{"validate"}},
	{path: "diff.format", flag: "format", commands: []string{"diff"}},
	{path: "diff.report", flag: "output", commands: []string{"diff"}, file: true},
	{path: "diff.gaps", flag: "gaps", commands: []string{"diff"}, file: true},
	{path: "diff.max_loss", flag: "max-loss", commands: []string{"diff"}},
	{path: "diff.max_loss_people", flag: "max-loss-people", commands: []string{"diff"}},
	{path: "diff.population", flag: "population", commands: []string{"diff"}, file: true},
	{path: "diff.population_field", flag: "population-field", commands: []string{"diff"}},
	{path: "diff.chord_error", flag: "chord-error", commands: []string{"diff"}},
}

// configValue is a scalar (or list of scalars) of the file with its line.
type configValue struct {
	text  string
	line  int
	lines []int // of each line of a multi value
}

// addConfigFlag adds --config to a command's flags.
func addConfigFlag(fs *pflag.FlagSet, path *string) {
	fs.StringVar(path, "config", "", "configuration `FILE` (default: "+configName+" in the working directory, when there is one); flags override it")
}

// applyConfig reads the configuration file (given, or covaudit.yaml in the
// working directory) and sets every flag of command it holds that the
// command line did not set. Unknown keys and bad values are errors that
// name the key and the line.
func applyConfig(fs *pflag.FlagSet, command, given string) error {
	path := given
	if path == "" {
		if _, err := os.Stat(configName); err != nil {
			return nil
		}
		path = configName
		fs.Set("config", configName) // the audit checks no output overwrites it
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return inputError{Err: err}
	}
	values, err := parseConfig(path, data)
	if err != nil {
		return inputError{Err: err}
	}
	dir := filepath.Dir(path)
	// Classes given on the command line replace the file's classes, the
	// two-class shorthand (classes.urban, rules.*) included.
	classesGiven := false
	if f := fs.Lookup("class"); f != nil && f.Changed {
		classesGiven = true
	}
	var errs []error
	for _, k := range configKeys {
		v, ok := values[k.path]
		if !ok || (len(k.commands) > 0 && !slices.Contains(k.commands, command)) {
			continue
		}
		if classesGiven && (k.path == "classes.urban" || k.path == "classes.rural" || strings.HasPrefix(k.path, "rules.")) {
			continue
		}
		f := fs.Lookup(k.flag)
		if f == nil || f.Changed {
			continue
		}
		text := v.text
		if k.file && text != "" && text != "-" && !filepath.IsAbs(text) {
			text = filepath.Join(dir, text)
		}
		if k.multi {
			for i, t := range strings.Split(text, "\n") {
				if err := fs.Set(k.flag, t); err != nil {
					errs = append(errs, fmt.Errorf("%s:%d: classes: %v", path, v.lines[i], err))
				}
			}
			continue
		}
		if err := fs.Set(k.flag, text); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %s: %v", path, v.line, k.path, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return inputError{Err: err}
	}
	return nil
}

// parseConfig reads the YAML file into dotted keys. Sections are mappings;
// values are scalars, or sequences of scalars (class values).
func parseConfig(path string, data []byte) (map[string]configValue, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	out := map[string]configValue{}
	if len(root.Content) == 0 {
		return out, nil // empty file
	}
	known := map[string]bool{}
	sections := map[string]bool{}
	for _, k := range configKeys {
		known[k.path] = true
		parts := strings.Split(k.path, ".")
		for i := 1; i < len(parts); i++ {
			sections[strings.Join(parts[:i], ".")] = true
		}
	}
	var errs []error
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		n = dealias(n)
		if n.Kind != yaml.MappingNode {
			errs = append(errs, fmt.Errorf("%s:%d: %s: want a mapping of keys", path, n.Line, strings.TrimSuffix(prefix, ".")))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			// An alias's errors name the line where it is used.
			key, line, val := n.Content[i], n.Content[i+1].Line, dealias(n.Content[i+1])
			full := prefix + key.Value
			if key.Value == "<<" && key.Tag == "!!merge" {
				errs = append(errs, fmt.Errorf("%s:%d: %s: merge keys (<<) are not read; write the keys out (an alias *name as a whole value is)", path, key.Line, strings.TrimSuffix(cmp.Or(prefix, "the top level"), ".")))
				continue
			}
			if prefix == "classes." && val.Kind == yaml.MappingNode {
				// A class definition: name: {values: [...], rule: ..., ...}.
				spec, err := classSpec(path, key.Value, val)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				cv := out["classes.define"]
				cv.text = strings.TrimPrefix(cv.text+"\n"+spec, "\n")
				cv.lines = append(cv.lines, key.Line)
				cv.line = cv.lines[0]
				out["classes.define"] = cv
				continue
			}
			switch {
			case sections[full]:
				walk(val, full+".")
			case known[full]:
				switch val.Kind {
				case yaml.ScalarNode:
					out[full] = configValue{text: val.Value, line: line}
				case yaml.SequenceNode:
					var items []string
					for _, it := range val.Content {
						if it = dealias(it); it.Kind != yaml.ScalarNode {
							errs = append(errs, fmt.Errorf("%s:%d: %s: want a list of values", path, it.Line, full))
							continue
						}
						items = append(items, it.Value)
					}
					out[full] = configValue{text: strings.Join(items, ","), line: line}
				default:
					errs = append(errs, fmt.Errorf("%s:%d: %s: want a value", path, line, full))
				}
			default:
				errs = append(errs, fmt.Errorf("%s:%d: unknown key %q%s", path, key.Line, full, suggestKey(full, known, sections)))
			}
		}
	}
	walk(root.Content[0], "")
	return out, errors.Join(errs...)
}

// dealias follows a YAML alias (*name) to the node its anchor (&name)
// marks, so that an alias reads as the value it stands for wherever a
// value is read. yaml.v3 refuses undefined anchors and anchors that hold
// themselves; the walk reads values at known keys only, so no alias can
// make it expand without bound.
func dealias(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// classKeys are the keys of a class definition in the configuration file.
var classKeys = map[string]bool{"values": true, "rule": true, "radius": true, "distance": true, "time": true, "speed": true,
	"detour": true, "profile": true, "direction": true, "delay": true, "speeds": true,
	"decay": true, "zones": true, "weights": true}

// classSpec turns a class definition of the configuration file into the
// --class syntax (see classFlag); unknown keys name their line.
func classSpec(path, name string, n *yaml.Node) (string, error) {
	parts := []string{}
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], dealias(n.Content[i+1])
		if !classKeys[k.Value] {
			errs = append(errs, fmt.Errorf("%s:%d: unknown key %q in class %q%s", path, k.Line, k.Value, name, suggestKey(k.Value, classKeys)))
			continue
		}
		switch v.Kind {
		case yaml.ScalarNode:
			if strings.ContainsAny(v.Value, ",|") {
				errs = append(errs, fmt.Errorf("%s:%d: class %q: %s: a value cannot hold ',' or '|'", path, v.Line, name, k.Value))
				continue
			}
			text := v.Value
			if k.Value == "speeds" && text != "" && !filepath.IsAbs(text) {
				text = filepath.Join(filepath.Dir(path), text)
			}
			parts = append(parts, k.Value+"="+text)
		case yaml.SequenceNode:
			var items []string
			for _, it := range v.Content {
				if it = dealias(it); it.Kind != yaml.ScalarNode || strings.ContainsAny(it.Value, ",|") {
					errs = append(errs, fmt.Errorf("%s:%d: class %q: %s: want a list of plain values", path, it.Line, name, k.Value))
					continue
				}
				items = append(items, it.Value)
			}
			parts = append(parts, k.Value+"="+strings.Join(items, "|"))
		default:
			errs = append(errs, fmt.Errorf("%s:%d: class %q: %s: want a value or a list", path, v.Line, name, k.Value))
		}
	}
	if strings.ContainsAny(name, ":,|") {
		errs = append(errs, fmt.Errorf("%s:%d: class name %q cannot hold ':', ',' or '|'", path, n.Line, name))
	}
	return name + ":" + strings.Join(parts, ","), errors.Join(errs...)
}

// suggestKey names the known key closest to an unknown one, if any is
// close: a misspelt key is the usual cause.
func suggestKey(k string, sets ...map[string]bool) string {
	best, bestD := "", 3
	for _, set := range sets {
		for c := range set {
			if d := editDistance(k, c); d < bestD || d == bestD && c < best {
				best, bestD = c, d
			}
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// exampleConfig is what covaudit init writes: every key, commented, with
// its default.
const exampleConfig = `# covaudit.yaml: what covaudit check, validate and diff read in this
# repository. Command-line flags override it. Relative paths are taken from
# this file's directory. Every key is optional; the values shown are the
# defaults, or examples where there is no default.

# Inputs.
districts: districts.geojson   # GeoJSON Polygon/MultiPolygon, WGS84
stations: stations.csv         # CSV or GeoJSON Point/MultiPoint
encoding: utf-8                # or gbk / gb18030 for station files from Chinese tools
districts_crs: EPSG:4326       # EPSG:3857, EPSG:326NN/327NN (UTM), EPSG:4490-4554 (CGCS2000), gcj02, bd09
stations_crs: EPSG:4326
skip_invalid: false            # true: skip bad records with a warning instead of failing

# Station columns (CSV) or properties (GeoJSON); found by name when absent.
columns:
  lon: lon
  lat: lat
  id: id
  name: name
  # delay: turnout_s           # each station's own delay, seconds, for the road-time rules

# District classes, from a property of each district: urban and rural by
# default, each with its rule below.
classes:
  field: class
  urban: [urban]
  rural: [rural]
  # default: rural             # class of districts matching no class's values
  name_field: name

# Coverage rules of the two default classes.
rules:
  urban:
    radius: 2km                # geodesic distance to the nearest station
  rural:
    time: 30m                  # travel time: by road when roads.file is set, else under
    detour: 1.3                #   the speed model: straight-line distance x detour / speed
    speed: 40km/h

# Any number of classes, each with any rule kind, replace urban and rural
# (then leave out classes.urban, classes.rural and rules). A district takes
# the first class one of whose values its class_field holds. Kinds:
#   radius         every place within distance of a station (geodesic, exact)
#   speed          every place within time at speed over detour x the straight line (exact)
#   road-time      every place within time by road (profile car|bicycle|foot, direction
#                  to-station: people travel, from-station: the station's vehicle drives
#                  out; delay is added at every station, such as a turnout time)
#   road-distance  every place within distance along the roads (access legs included)
# The road kinds need roads.file; they give certified brackets of the uncovered area.
# class_field: kind
# classes:
#   urban:  {values: [urban, city], rule: radius, distance: 2km}
#   rural:  {values: [rural, county], rule: road-time, time: 30m, profile: car, direction: to-station}
#   fire:   {values: [core], rule: road-time, time: 4m, profile: car, direction: from-station, delay: 60s}
#   walk15: {values: [community], rule: road-time, time: 15m, profile: foot}
#   school: {values: [school-zone], rule: road-distance, distance: 2km, profile: foot}
#   plain:  {values: [plain], rule: speed, time: 30m, speed: 40km/h, detour: 1.3}

# The road network for the rural rule (OpenStreetMap .osm.pbf, .osm, .osm.gz, .osm.bz2).
# roads:
#   file: region.osm.pbf
#   profile: car               # car | bicycle | foot
#   speeds: speeds.txt         # replaces the profile's speed table (covaudit speeds prints it)
#   direction: to-station      # or from-station: the station's vehicle drives out
#   access_speed: 5km/h        # straight legs between a place (or a station) and the road
#   max_access: 1km            # land farther from every road and station is a no-access gap
#   tolerance: 0.1             # widest uncovered-area bracket, percent of the district

# The pass rule: covered share, not counting gaps smaller than ignore_gaps_under.
pass:
  min_coverage: 100
  ignore_gaps_under: 1ha

check:
  format: text                 # text, json, csv or markdown
  # report: reports/coverage.json
  # gaps: reports/gaps.geojson
  chord_error: 0.5m

validate:
  format: text                 # text, json or github (annotations on pull requests)
  duplicate_distance: 10m
  max_outside: 50km

diff:
  format: markdown             # text, json or markdown
  max_loss: 1ha                # a district losing more fails the diff
  # population: population.csv # people to count (points CSV/GeoJSON or a GeoTIFF), as check --population
  # population_field: population
  # max_loss_people: 100       # with a population: a district where more people lose coverage fails the diff
  # gaps: reports/newly-uncovered.geojson
`

const initHelp = `Usage: covaudit init [--output FILE] [--force]
       covaudit init --demo DIR [--force]

Writes a commented example configuration (covaudit.yaml) with every key and
its default. covaudit check, validate and diff read covaudit.yaml from the
working directory (or the file given with --config); flags override it.

With --demo, writes the embedded Andorra dataset into DIR (created when
missing): andorra-parishes.geojson (7 districts, 2 urban and 5 rural),
andorra-services.geojson (65 stations), andorra-roads.osm.pbf (the road
network), andorra-places.csv (114 named places, for nearest),
andorra-services-changed.geojson (for diff), their README (source and
licence: OpenStreetMap, ODbL) and a covaudit.yaml that audits them as
'covaudit check' with no inputs does. Run covaudit in DIR to use them.

Flags:
%s`

type initOptions struct {
	output string
	demo   string
	force  bool
}

func (o *initOptions) addFlags(f *pflag.FlagSet) {
	f.StringVarP(&o.output, "output", "o", configName, "write the example to `FILE`")
	f.StringVar(&o.demo, "demo", "", "write the embedded demo dataset and a covaudit.yaml auditing it into `DIR`")
	f.BoolVar(&o.force, "force", false, "overwrite the file if it exists")
}

// demoConfig is the example configuration pointed at the files init --demo
// writes, with the road network set: check in that folder audits what the
// embedded demo audits.
func demoConfig() string {
	s := exampleConfig
	for _, r := range [][2]string{
		{"districts: districts.geojson  ", "districts: andorra-parishes.geojson"},
		{"stations: stations.csv        ", "stations: andorra-services.geojson"},
		{"# roads:\n#   file: region.osm.pbf\n", "roads:\n  file: andorra-roads.osm.pbf\n"},
	} {
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return "# The Andorra demo (covaudit init --demo): OpenStreetMap data, ODbL 1.0, see README.md.\n" + s
}

// writeDemo writes the demo dataset and its configuration into dir, refusing
// to replace an existing file unless force is set.
func writeDemo(dir string, force bool, stdout io.Writer) error {
	files := append(audit.DemoFiles(), audit.DemoFile{Name: configName, Data: []byte(demoConfig())})
	if !force {
		var exist []string
		for _, f := range files {
			if _, err := os.Lstat(filepath.Join(dir, f.Name)); err == nil {
				exist = append(exist, filepath.Join(dir, f.Name))
			}
		}
		if len(exist) > 0 {
			return usageError{Msg: fmt.Sprintf("%s exist(s); use --force to overwrite", strings.Join(exist, ", "))}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return outputError{Err: err}
	}
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		if err := geodata.WriteFileAtomic(path, func(w io.Writer) error {
			_, err := w.Write(f.Data)
			return err
		}); err != nil {
			return outputError{Err: err}
		}
		if _, err := fmt.Fprintf(stdout, "wrote %s\n", path); err != nil {
			return outputError{Err: err}
		}
	}
	return nil
}

func initHelpText() string {
	fs := pflag.NewFlagSet("init", pflag.ContinueOnError)
	(&initOptions{}).addFlags(fs)
	return fmt.Sprintf(initHelp, fs.FlagUsages())
}

func runInitArgs(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	o := &initOptions{}
	fs := pflag.NewFlagSet("init", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	o.addFlags(fs)
	fs.Usage = func() { fmt.Fprint(stderr, initHelpText()) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		return usageError{Msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{Msg: fmt.Sprintf("init takes no arguments, got %q", fs.Args())}
	}
	if fs.Changed("demo") {
		if fs.Changed("output") {
			return usageError{Msg: "--demo writes covaudit.yaml into its folder; leave out --output"}
		}
		if o.demo == "" {
			return usageError{Msg: "--demo needs a folder"}
		}
		return writeDemo(o.demo, o.force, stdout)
	}
	if _, err := os.Stat(o.output); err == nil && !o.force {
		return usageError{Msg: fmt.Sprintf("%s exists; use --force to overwrite it", o.output)}
	}
	if err := geodata.WriteFileAtomic(o.output, func(w io.Writer) error {
		_, err := io.WriteString(w, exampleConfig)
		return err
	}); err != nil {
		return outputError{Err: err}
	}
	if _, err := fmt.Fprintf(stdout, "wrote %s\n", o.output); err != nil {
		return outputError{Err: err}
	}
	return nil
}

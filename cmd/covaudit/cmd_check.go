package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/covaudit/covaudit/geodata/gpkg"
	"github.com/covaudit/covaudit/report"
	"github.com/covaudit/covaudit/validate"
	"github.com/paulmach/orb"
	"github.com/spf13/pflag"
)

const checkHelp = `Usage: covaudit check [flags]

Audits every district against its class's coverage rule and reports, per
district, the uncovered area (exact, on the WGS84 ellipsoid), the covered
share, the place farthest from any station and whether it passes.

Urban districts: every place within --urban-radius (geodesic distance) of a
station. Rural districts: every place within --rural-time of travel under the
speed model: straight-line distance x --detour / --speed. A station anywhere
counts, inside the district or not.

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

// checkOptions are the flags of covaudit check.
type checkOptions struct {
	districts, stations      string
	classField, nameField    string
	urbanValues, ruralValues []string
	defaultClass             enumFlag
	station                  geodata.StationOptions
	skipInvalid              bool
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
	quiet                    bool
	encoding                 string
	districtsCRS             crsFlag
	stationsCRS              crsFlag
	layer                    string
	html, svg                string
	basemap                  bool
	stationsReport           string
	population               string
	populationField          string
	populationCRS            crsFlag
	minCoverageBy            enumFlag
	gapsCRS                  crsFlag
	districtsLayer           string
	stationsLayer            string
	road                     roadOptions
}

func newCheckOptions() *checkOptions {
	return &checkOptions{
		defaultClass:    enumFlag{allowed: []string{"urban", "rural"}, what: "class"},
		urbanRadius:     2000,
		ruralTime:       30 * 60,
		detour:          1.3,
		speed:           speedFlag(40 / 3.6),
		minCoverage:     100,
		ignoreGapsUnder: 1e4,
		format:          enumFlag{value: "text", allowed: []string{"text", "json", "csv", "markdown"}, what: "format"},
		chordError:      0.5,
		minCoverageBy:   enumFlag{value: "area", allowed: []string{"area", "population"}, what: "basis"},
		road:            newRoadOptions(),
	}
}

func (o *checkOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.districts, "districts", "", "district boundaries, GeoJSON (`FILE`, or - for stdin)")
	f.StringVar(&o.stations, "stations", "", "stations, CSV or GeoJSON (`FILE`, or - for stdin)")
	o.addClassFlags(f)
	f.StringVar(&o.encoding, "encoding", "", "text encoding of station files and shapefile attributes: "+strings.Join(geodata.Encodings, "|")+" (default: UTF-8, or the shapefile's .cpg)")
	f.StringVar(&o.layer, "layer", "", "GeoPackage layer to read (default: the file's only feature layer)")
	f.StringVar(&o.districtsLayer, "districts-layer", "", "GeoPackage layer of the districts (default: --layer)")
	f.StringVar(&o.stationsLayer, "stations-layer", "", "GeoPackage layer of the stations (default: --layer)")
	f.BoolVar(&o.skipInvalid, "skip-invalid", false, "skip invalid records with a warning instead of failing")
	f.Var(&o.urbanRadius, "urban-radius", "urban rule: largest geodesic distance to a station (m or km)")
	f.Var(&o.ruralTime, "rural-time", "rural rule: longest travel time (such as 30m, 1h)")
	f.Float64Var(&o.detour, "detour", o.detour, "rural speed model: road distance / straight-line distance (>= 1)")
	f.Var(&o.speed, "speed", "rural speed model: travel speed (km/h, m/s or mph)")
	f.Var(&o.minCoverage, "min-coverage", "covered share, percent, a district needs to pass")
	f.Var(&o.ignoreGapsUnder, "ignore-gaps-under", "gaps smaller than this do not count against --min-coverage (m2, ha, km2)")
	f.VarP(&o.format, "format", "f", "report format: text|json|csv|markdown")
	f.StringVarP(&o.output, "output", "o", "", "write the report to `FILE` (whole or not at all) instead of stdout")
	f.StringVar(&o.gaps, "gaps", "", "write the uncovered areas as a GeoJSON gap map to `FILE`")
	f.StringVar(&o.population, "population", "", "population points, CSV or GeoJSON, with a count of people (`FILE`)")
	f.StringVar(&o.populationField, "population-field", "population", "population points: the column or property with the count")
	f.Var(&o.populationCRS, "population-crs", "coordinate system of the population points (default WGS84; see --districts-crs)")
	f.Var(&o.minCoverageBy, "min-coverage-by", "what --min-coverage counts: area|population")
	f.StringVar(&o.stationsReport, "stations-report", "", "write per station the land and people only it covers (lost if it closes), CSV, to `FILE`; adds each district's redundant_pct to the report")
	f.StringVar(&o.html, "html", "", "write a self-contained HTML report with a map to `FILE` (no request leaves it unless --basemap)")
	f.StringVar(&o.svg, "svg", "", "write a static SVG map to `FILE`")
	f.BoolVar(&o.basemap, "basemap", false, "HTML report: OpenStreetMap tiles under the map (fetched from tile.openstreetmap.org)")
	f.Var(&o.gapsCRS, "gaps-crs", "coordinate system of the gap map, an EPSG code (default EPSG:4326 as RFC 7946 requires; another writes a GeoJSON \"crs\" member, or the GeoPackage's)")
	f.Var(&o.chordError, "chord-error", "gap map: largest distance between a drawn arc and the exact circle")
	f.IntVar(&o.workers, "workers", 0, "districts evaluated at once (default: all cores)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no warnings or progress on stderr (errors still)")
}

// addClassFlags adds the flags that classify districts and read stations,
// shared by check and nearest.
func (o *checkOptions) addClassFlags(f *pflag.FlagSet) {
	f.StringVar(&o.classField, "class-field", "class", "district property holding the class")
	f.StringSliceVar(&o.urbanValues, "urban-values", []string{"urban"}, "class values meaning urban (comma-separated)")
	f.StringSliceVar(&o.ruralValues, "rural-values", []string{"rural"}, "class values meaning rural (comma-separated)")
	f.Var(&o.defaultClass, "default-class", "class of districts matching neither list: urban|rural (default: an input error)")
	f.StringVar(&o.nameField, "name-field", "name", "district property holding the name")
	addStationInputFlags(f, &o.station, &o.districtsCRS, &o.stationsCRS)
}

// addCheckFlags adds check's flags: the audit's and the road network's.
func (o *checkOptions) addCheckFlags(f *pflag.FlagSet) {
	o.addFlags(f)
	o.road.addFlags(f, true)
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

// outputSystem is the EPSG code of an output's coordinate system (4326
// when the flag is unset) and the conversion of WGS84 lon, lat into it (nil
// for WGS84). The flag holds an EPSG system (see epsgOnly).
func outputSystem(c crsFlag) (epsg int, to func(lon, lat float64) (x, y float64)) {
	if c.crs.Name == "" || c.crs.IsWGS84() {
		return 4326, nil
	}
	epsg, _ = strconv.Atoi(strings.TrimPrefix(c.crs.Name, "EPSG:"))
	return epsg, c.crs.FromWGS84
}

// epsgOnly refuses an output system that is not an EPSG code (gcj02 and
// bd09 are for reading only).
func epsgOnly(flag string, c crsFlag) error {
	if n := c.crs.Name; n != "" && !strings.HasPrefix(n, "EPSG:") {
		return usageError{fmt.Sprintf("--%s %s: output is written in EPSG systems only", flag, n)}
	}
	return nil
}

// crsMember is the GeoJSON "crs" member naming an EPSG system, as GeoJSON
// before RFC 7946 (which allows only WGS84) did.
func crsMember(epsg int) geodata.Prop {
	return geodata.Prop{Key: "crs", Value: json.RawMessage(fmt.Sprintf(
		`{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::%d"}}`, epsg))}
}

// checkHelpText is the help of covaudit check, flags included.
func checkHelpText() string {
	return helpWithFlags("check", checkHelp, newCheckOptions().addCheckFlags)
}

func runCheckArgs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o := newCheckOptions()
	if err := parseCommand("check", o.addCheckFlags, checkHelpText, args, stderr, "inputs go with --districts and --stations"); err != nil {
		return err
	}
	if o.districts == "" && o.stations == "" && o.road.roads == "" {
		o.road.roads = demoRoadsName // the demo audits rural parishes by road
	}
	return runCheck(ctx, o, stdin, stdout, stderr)
}

// input is one loaded input file.
type input struct {
	role, name string
	data       []byte
	size       int64         // bytes, when data is not held (streamed files)
	digest     func() string // hex SHA-256 of data, see hashed
}

// bytes is the input's size.
func (in input) bytes() int64 { return max(int64(len(in.data)), in.size) }

// fileSHA256 streams a file through SHA-256 (hex); "" when it cannot be
// read.
func fileSHA256(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// streamedInput is an input read by its own reader (OpenStreetMap files):
// not held in memory, hashed on demand.
func streamedInput(role, path string) (input, error) {
	st, err := os.Stat(path)
	if err != nil {
		return input{}, inputError{err}
	}
	return input{role: role, name: path, size: st.Size(), digest: sync.OnceValue(func() string { return fileSHA256(path) })}, nil
}

// hashed starts computing the input's SHA-256 (for the report's meta)
// beside the rest of the work.
func (in input) hashed() input {
	data := in.data
	in.digest = sync.OnceValue(func() string {
		h := sha256.Sum256(data)
		return hex.EncodeToString(h[:])
	})
	go in.digest()
	return in
}

func (in input) sha256() string { return in.digest() }

func loadInput(role, path string, stdin io.Reader) (input, error) {
	if path != "-" && geodata.IsOSMFile(path) {
		return streamedInput(role, path)
	}
	if path == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return input{}, inputError{fmt.Errorf("standard input: %w", err)}
		}
		return input{role: role, name: "<stdin>", data: b}, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return input{}, inputError{err}
	}
	return input{role: role, name: path, data: b}, nil
}

// audit is everything a check produced, ready for the report writers.
type audit struct {
	opts        *checkOptions
	inputs      []input
	districts   []coverage.District
	featureIdx  []int // feature index of each district in its file
	stations    []coverage.Station
	results     []coverage.Result
	skippedD    int
	skippedS    int
	warnings    []string
	attribution []string
	demo        bool
	// hasPopulation: the audit counted people (--population).
	hasPopulation bool
	// sites: proposed station sites drawn on the maps (covaudit suggest).
	sites      []report.Site
	population *coverage.Population
	// With --stations-report: what each station alone covers, and each
	// district's land covered twice or more.
	sole       []coverage.SoleCover
	redundancy []coverage.Redundancy
	// stderr takes the progress indicator (see progress).
	stderr io.Writer
	// roadInfo: the road network, with --roads.
	roadInfo *roadSummary
}

func runCheck(ctx context.Context, o *checkOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	a := &audit{opts: o, stderr: stderr}
	ix, copts, err := a.audit(ctx, stdin, false)
	if err != nil {
		return err
	}
	return a.finishCheck(ctx, ix, copts, stdout, stderr)
}

// prepare reads the inputs (and the road network, with --roads) and sets
// the engine's options; gapPolygons asks for the gaps drawn even without
// --gaps (suggest generates candidates in them).
func (a *audit) prepare(ctx context.Context, stdin io.Reader, gapPolygons bool) (*coverage.Index, coverage.Options, error) {
	o := a.opts
	var none coverage.Options
	if (o.districts == "") != (o.stations == "") {
		return nil, none, usageError{"--districts and --stations go together (give both, or neither for the demo dataset)"}
	}
	if o.districts == "-" && o.stations == "-" {
		return nil, none, usageError{"only one of --districts and --stations can read standard input"}
	}
	if !(o.detour >= 1) {
		return nil, none, usageError{fmt.Sprintf("invalid --detour %v, must be at least 1", o.detour)}
	}
	if err := epsgOnly("gaps-crs", o.gapsCRS); err != nil {
		return nil, none, err
	}
	var din, sin input
	if o.districts == "" {
		a.demo = true
		din = input{role: "districts", name: demoDistrictsName, data: demoDistricts}
		sin = input{role: "stations", name: demoStationsName, data: demoStations}
		a.attribution = append(a.attribution, demoAttribution)
	} else {
		var err error
		if din, err = loadInput("districts", o.districts, stdin); err != nil {
			return nil, none, err
		}
		if sin, err = loadInput("stations", o.stations, stdin); err != nil {
			return nil, none, err
		}
	}
	if din.data != nil {
		din = din.hashed()
	}
	if sin.data != nil {
		sin = sin.hashed()
	}
	a.inputs = []input{din, sin}

	stations, err := a.load(din, []input{sin})
	if err != nil {
		return nil, none, err
	}
	a.stations = stations[0]
	ix := coverage.NewIndex(a.stations)
	copts := o.coverageOptions()
	copts.GapPolygons = copts.GapPolygons || gapPolygons
	pr := newProgress(a.stderr, o.quiet)
	if o.road.roads != "" {
		if err := a.useRoads(ctx, &copts, pr); err != nil {
			return nil, none, err
		}
	}
	copts.Progress = func(done, total int) {
		pr.count("evaluating districts", done, total)
		if done == total {
			pr.done()
		}
	}
	if o.population != "" {
		pin, err := loadInput("population", o.population, stdin)
		if err != nil {
			return nil, none, err
		}
		pin = pin.hashed()
		a.inputs = append(a.inputs, pin)
		if ext := strings.ToLower(filepath.Ext(pin.name)); ext == ".tif" || ext == ".tiff" {
			if copts.Population, err = a.rasterPopulation(pin); err != nil {
				return nil, none, err
			}
		} else {
			pts, probs, err := geodata.ReadPopulation(pin.data, pin.name, geodata.StationOptions{ValueCol: o.populationField, CRS: o.populationCRS.crs})
			if err != nil {
				return nil, none, inputError{err}
			}
			if len(probs) > 0 {
				if !o.skipInvalid {
					return nil, none, inputError{fmt.Errorf("%d invalid record(s) (use --skip-invalid to skip them):\n%w", len(probs), probs)}
				}
				for _, p := range probs {
					a.warn("skipped: " + p.Error())
				}
			}
			locs, counts := make([]orb.Point, len(pts)), make([]float64, len(pts))
			for i, p := range pts {
				locs[i], counts[i] = p.Point, p.Count
			}
			copts.Population = coverage.NewPopulation(locs, counts)
		}
		a.hasPopulation = true
		a.population = copts.Population
	} else if o.minCoverageBy.value == "population" {
		return nil, none, usageError{"--min-coverage-by population needs --population FILE"}
	}
	copts.PassByPopulation = o.minCoverageBy.value == "population"
	if copts.Roads != nil && o.stationsReport != "" {
		a.warn("--stations-report covers the districts under distance rules only: the road rule's sole cover is not computed")
	}
	return ix, copts, nil
}

// audit reads the inputs and evaluates every district (see prepare).
func (a *audit) audit(ctx context.Context, stdin io.Reader, gapPolygons bool) (*coverage.Index, coverage.Options, error) {
	var none coverage.Options
	ix, copts, err := a.prepare(ctx, stdin, gapPolygons)
	if err != nil {
		return nil, none, err
	}
	a.results, err = coverage.Evaluate(ctx, a.districts, ix, copts)
	if err != nil {
		return nil, none, inputError{err}
	}
	for _, r := range a.results {
		if r.Travel != nil && !r.ToleranceMet {
			a.warn(fmt.Sprintf("%s: the uncovered-area bracket [%.2f, %.2f] m² is wider than --tolerance: cells reached the 1 cm floor",
				r.District.Name, r.UncoveredLowerM2, r.UncoveredUpperM2))
		}
	}
	return ix, copts, nil
}

// rasterPopulation reads a population GeoTIFF, which must overlap the
// districts.
func (a *audit) rasterPopulation(pin input) (*coverage.Population, error) {
	r, err := geodata.ReadGeoTIFF(pin.data, pin.name)
	if err != nil {
		return nil, inputError{err}
	}
	rb := orb.Bound{Min: orb.Point{r.X0, r.Y0 - float64(r.Height)*r.DY}, Max: orb.Point{r.X0 + float64(r.Width)*r.DX, r.Y0}}
	overlaps := false
	for _, d := range a.districts {
		overlaps = overlaps || d.Geometry.Bound().Intersects(rb)
	}
	if !overlaps {
		return nil, inputError{fmt.Errorf("%s: the raster (longitude %.4f to %.4f, latitude %.4f to %.4f) does not overlap any district",
			pin.name, rb.Min[0], rb.Max[0], rb.Min[1], rb.Max[1])}
	}
	return coverage.NewRasterPopulation(&coverage.Grid{Width: r.Width, Height: r.Height, X0: r.X0, Y0: r.Y0, DX: r.DX, DY: r.DY, Values: r.Values}), nil
}

// finishCheck writes check's outputs and decides its exit status.
func (a *audit) finishCheck(ctx context.Context, ix *coverage.Index, copts coverage.Options, stdout, stderr io.Writer) error {
	o := a.opts
	var err error
	if o.stationsReport != "" {
		if a.sole, a.redundancy, err = coverage.Criticality(ctx, a.districts, ix, copts); err != nil {
			return inputError{err}
		}
		if err := geodata.WriteFileAtomic(o.stationsReport, a.writeStationsReport); err != nil {
			return outputError{err}
		}
	}
	if err := a.emit(stdout, stderr, a.gapFeatures, a.writeReport); err != nil {
		return err
	}
	if err := a.writeVisuals(); err != nil {
		return err
	}
	for _, r := range a.results {
		if !r.Pass {
			return errFailed
		}
	}
	return nil
}

// load reads the districts and the station files at once, classifies the
// districts and checks their geometry; problems of every file are reported
// together (or skipped with --skip-invalid). It returns the stations of
// each station input.
func (a *audit) load(din input, sins []input) ([][]coverage.Station, error) {
	o := a.opts
	stations := make([][]coverage.Station, len(sins))
	sprobs := make([]geodata.Problems, len(sins))
	serrs := make([]error, len(sins))
	var wg sync.WaitGroup
	for k, sin := range sins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			so := o.station
			so.CRS = o.stationsCRS.crs
			if geodata.IsOSMFile(sin.name) {
				stations[k], sprobs[k], serrs[k] = o.road.osmStations(sin.name)
				return
			}
			if geodata.IsLayerFile(sin.name) {
				l, err := readLayer(sin.name, cmp.Or(o.stationsLayer, o.layer), o.encoding)
				if err != nil {
					serrs[k] = err
					return
				}
				stations[k], sprobs[k] = geodata.StationsFromLayer(l, sin.name, so)
				return
			}
			data, err := geodata.Decode(sin.data, o.encoding)
			if err != nil {
				serrs[k] = fmt.Errorf("%s: %w", sin.name, err)
				return
			}
			stations[k], sprobs[k], serrs[k] = geodata.ReadStations(bytes.NewReader(data), sin.name, so)
		}()
	}
	dopts := geodata.DistrictOptions{NameField: o.nameField, ClassField: o.classField, CRS: o.districtsCRS.crs}
	var (
		feats  []geodata.DistrictFeature
		dprobs geodata.Problems
		err    error
	)
	if geodata.IsOSMFile(din.name) {
		feats, dprobs, err = o.road.osmDistricts(din.name, o.nameField, o.classField)
	} else if geodata.IsLayerFile(din.name) {
		var l *geodata.Layer
		if l, err = readLayer(din.name, cmp.Or(o.districtsLayer, o.layer), o.encoding); err == nil {
			feats, dprobs = geodata.DistrictsFromLayer(l, din.name, dopts)
		}
	} else {
		feats, dprobs, err = geodata.ReadDistrictsData(din.data, din.name, dopts)
	}
	wg.Wait()
	if err != nil {
		return nil, inputError{err}
	}
	if err := errors.Join(serrs...); err != nil {
		return nil, inputError{err}
	}
	urban := coverage.Rule{Kind: coverage.KindRadius, RadiusM: float64(o.urbanRadius)}
	rural := coverage.Rule{Kind: coverage.KindSpeed, TimeS: float64(o.ruralTime), Detour: o.detour, SpeedMS: float64(o.speed)}
	// Rings that cross themselves, and districts that overlap, are found
	// for all districts in one pass.
	geoms := make([]coverage.District, len(feats))
	for i, f := range feats {
		geoms[i] = coverage.District{Geometry: f.Geometry}
	}
	checked := coverage.CheckDistricts(geoms)
	crossed := map[int]bool{}
	for _, c := range checked.Crossings {
		f := feats[c.District]
		dprobs = append(dprobs, geodata.Problem{File: din.name, Feature: f.Index, ID: f.ID, Msg: c.Error()})
		crossed[c.District] = true
	}
	districtOf := map[int]int{} // feature (in feats) -> district
	for fi, f := range feats {
		class, msg := o.classify(f)
		if msg != "" {
			dprobs = append(dprobs, geodata.Problem{File: din.name, Feature: f.Index, ID: f.ID, Msg: msg})
			continue
		}
		if crossed[fi] {
			continue
		}
		d := coverage.District{ID: f.ID, Name: f.Name, Class: class, Geometry: f.Geometry, Rule: urban}
		if d.Name == "" {
			d.Name = f.ID
		}
		if d.Name == "" {
			d.Name = fmt.Sprintf("feature %d", f.Index)
		}
		if class == "rural" {
			d.Rule = rural
		}
		districtOf[fi] = len(a.districts)
		a.districts = append(a.districts, d)
		a.featureIdx = append(a.featureIdx, f.Index)
	}
	probs := sortProblems(dprobs)
	nsp := 0
	for _, p := range sprobs {
		probs = append(probs, p...)
		nsp += len(p)
	}
	if len(probs) > 0 {
		if !o.skipInvalid {
			return nil, inputError{fmt.Errorf("%d invalid record(s) (use --skip-invalid to skip them):\n%w", len(probs), probs)}
		}
		for _, p := range probs {
			a.warn("skipped: " + p.Error())
		}
	}
	a.skippedD, a.skippedS = len(dprobs), nsp
	if len(a.districts) == 0 {
		return nil, inputError{fmt.Errorf("%s: no valid districts", din.name)}
	}
	if sys := o.stationsCRS.crs; sys.Name == "" || sys.IsWGS84() {
		var pts []orb.Point
		for _, st := range stations {
			for _, s := range st {
				pts = append(pts, s.Point)
			}
		}
		if h, ok := validate.LikelyCRS(pts, a.districts); ok {
			a.warn(h.Message() + "; rerun with --stations-crs " + h.CRS)
		}
	}
	for _, ov := range checked.Overlaps {
		i, okA := districtOf[ov.A]
		j, okB := districtOf[ov.B]
		if !okA || !okB {
			continue // a skipped district
		}
		da, db := a.districts[i], a.districts[j]
		a.warn(fmt.Sprintf("%s: districts %q (feature %d, id %q) and %q (feature %d, id %q) overlap near (%.7f, %.7f); the shared area counts in both",
			din.name, da.Name, a.featureIdx[i], da.ID, db.Name, a.featureIdx[j], db.ID, ov.At[0], ov.At[1]))
	}
	return stations, nil
}

func (a *audit) warn(s string) { a.warnings = append(a.warnings, s) }

// coverageOptions are the engine's options from the flags.
func (o *checkOptions) coverageOptions() coverage.Options {
	return coverage.Options{
		ChordErrorM:       float64(o.chordError),
		IgnoreGapsUnderM2: float64(o.ignoreGapsUnder),
		MinCoveragePct:    float64(o.minCoverage),
		GapPolygons:       o.gaps != "" || o.html != "" || o.svg != "",
		Workers:           o.workers,
	}
}

// emit prints the warnings, writes the gap map (with --gaps) and the
// report (to -o or stdout), and prints the data notices on stderr for the
// formats that cannot carry them.
func (a *audit) emit(stdout, stderr io.Writer, gaps func() ([]geodata.Feature, []geodata.Prop), report func(io.Writer) error) error {
	o := a.opts
	if !o.quiet {
		for _, w := range a.warnings {
			fmt.Fprintln(stderr, "covaudit: warning: "+w)
		}
	}
	if o.gaps != "" {
		feats, extra := gaps()
		epsg, to := outputSystem(o.gapsCRS)
		if to != nil {
			for i := range feats {
				for _, r := range feats[i].Polygon {
					for k, p := range r {
						r[k][0], r[k][1] = to(p[0], p[1])
					}
				}
			}
			extra = append(extra, crsMember(epsg))
		}
		var err error
		if strings.EqualFold(filepath.Ext(o.gaps), ".gpkg") {
			// A GeoPackage carries no collection-level notice: the
			// attribution goes on every feature.
			for i := range feats {
				for _, p := range extra {
					if p.Key != "crs" {
						feats[i].Props = append(feats[i].Props, p)
					}
				}
			}
			err = gpkg.WriteSRS(o.gaps, "gaps", feats, epsg)
		} else {
			err = geodata.WriteFileAtomic(o.gaps, func(w io.Writer) error { return geodata.WriteFeatures(w, feats, extra) })
		}
		if err != nil {
			return outputError{err}
		}
	}
	if o.output != "" {
		if err := geodata.WriteFileAtomic(o.output, report); err != nil {
			return outputError{err}
		}
	} else if err := report(stdout); err != nil {
		return outputError{err}
	}
	if o.format.value == "text" || o.format.value == "csv" {
		for _, s := range a.attribution {
			fmt.Fprintln(stderr, s)
		}
	}
	return nil
}

// classify maps a district's class value to urban or rural.
func (o *checkOptions) classify(f geodata.DistrictFeature) (string, string) {
	for _, v := range o.urbanValues {
		if f.HasClass && strings.EqualFold(f.Class, v) {
			return "urban", ""
		}
	}
	for _, v := range o.ruralValues {
		if f.HasClass && strings.EqualFold(f.Class, v) {
			return "rural", ""
		}
	}
	if o.defaultClass.value != "" {
		return o.defaultClass.value, ""
	}
	if !f.HasClass {
		return "", fmt.Sprintf("no %q property: cannot tell urban from rural (set --class-field or --default-class)", o.classField)
	}
	return "", fmt.Sprintf("class %q is neither urban (%s) nor rural (%s) (set --urban-values, --rural-values or --default-class)",
		f.Class, strings.Join(o.urbanValues, ", "), strings.Join(o.ruralValues, ", "))
}

func sortProblems(ps geodata.Problems) geodata.Problems {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Feature < ps[j-1].Feature; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	return ps
}

package audit

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/postgis"
	"github.com/covaudit/covaudit/geodesy"
	"github.com/covaudit/covaudit/report"
	"github.com/covaudit/covaudit/validate"
	"github.com/paulmach/orb"
)

// Audit is a loaded audit: its inputs read, converted and checked, the
// districts classified with their rules, the road fields searched. Run
// evaluates it; the commands build their reports on it.
type Audit struct {
	Config Config
	// Version is the tool's version, for the report's meta.
	Version string
	// Command is the command the report is for ("check", "suggest", ...).
	Command string

	inputs   []input
	scenario *ScenarioReport // what the road scenario changed, or nil
	// headScenario is what diff's head-side scenario changed, or nil.
	headScenario *ScenarioReport
	Districts    []coverage.District
	featureIdx   []int // feature index of each district in its file
	Stations     []coverage.Station
	lists        [][]coverage.Station // the stations of each station file (diff: base, head)
	// Results are the districts' evaluations, after Run.
	Results  []coverage.Result
	skippedD int
	skippedS int
	// Warnings are the problems that did not stop the audit.
	Warnings    []string
	Attribution []string
	Demo        bool
	// hasPopulation: the audit counted people (Config.Population).
	hasPopulation bool
	population    *coverage.Population
	// sites: proposed station sites drawn on the maps (suggest).
	sites []report.Site
	// With Output.StationsReport: what each station alone covers, and
	// each district's land covered twice or more.
	sole       []coverage.SoleCover
	redundancy []coverage.Redundancy
	// The road networks (nil without Roads.File).
	roads *roadSet
	ix    *coverage.Index
	opts  coverage.Options
	// Shards: the warnings Load gave (the same in every shard), the
	// position in Districts of each result, the warnings of each result,
	// and (a merged audit) the meta the shards share.
	loadWarnings int
	resultPos    []int
	resultWarn   [][]string
	meta         *ReportMeta
	shardCount   int
	// access: the capacity-aware measures (Config.Access), after Run.
	access *accessRun
	// lateWarnings: the loading leaves the warnings that end it (far
	// stations, the coordinate-system hint, overlaps) being found beside
	// the evaluation, late; Run settles them.
	lateWarnings bool
	late         *lateWork
}

// input is one loaded input file.
type input struct {
	role, name string
	data       []byte
	size       int64         // bytes, when data is not held (streamed files)
	digest     func() string // hex SHA-256 of data, see hashed
	url        string        // a database input's URL (name has no password)
	db         *dbRead       // what was read from it
}

// bytes is the input's size.
func (in input) bytes() int64 {
	if in.db != nil {
		return in.db.n
	}
	return max(int64(len(in.data)), in.size)
}

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
		return input{}, InputError{err}
	}
	return input{role: role, name: path, size: st.Size(), digest: sync.OnceValue(func() string { return fileSHA256(path) })}, nil
}

// hashed starts computing the input's SHA-256 (for the report's meta)
// beside the rest of the work.
func (in input) hashed() input {
	if in.digest != nil {
		return in
	}
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
	if postgis.IsURL(path) {
		return dbInput(role, path)
	}
	if path != "-" && geodata.IsOSMFile(path) {
		return streamedInput(role, path)
	}
	if path == "-" {
		if stdin == nil {
			return input{}, UsageError{role + ": standard input is not available"}
		}
		b, err := io.ReadAll(stdin)
		if err != nil {
			return input{}, InputError{fmt.Errorf("standard input: %w", err)}
		}
		return input{role: role, name: "<stdin>", data: b}, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return input{}, InputError{err}
	}
	return input{role: role, name: path, data: b}, nil
}

// Load reads and checks an audit's inputs: the districts and stations
// (or the embedded demo), the road network when a rule needs it, and the
// population; it classifies the districts and gives each its class's rule.
// Problems of every file are reported together (or skipped with
// SkipInvalid). Nothing is evaluated yet (see Run).
func Load(ctx context.Context, cfg Config) (*Audit, error) {
	return load(ctx, cfg, nil, false)
}

// LoadForRun is Load for an audit that is Run next: the warnings that end
// the loading (stations far from every district, the coordinate-system
// hint, overlapping districts), which change nothing else, are found
// beside the evaluation, and Run puts them among the warnings where Load
// would have. Warnings must not be read before Run.
func LoadForRun(ctx context.Context, cfg Config) (*Audit, error) {
	return loadAudit(ctx, cfg, nil, false, true)
}

// load is Load with extra station files (diff's base and head) read beside
// the districts instead of Config.Stations; gapPolygons asks for the gaps
// drawn whatever the outputs (suggest places candidates in them).
func load(ctx context.Context, cfg Config, stationFiles []input, gapPolygons bool, extra ...namedPath) (*Audit, error) {
	return loadAudit(ctx, cfg, stationFiles, gapPolygons, false, extra...)
}

// loadAudit is load, with the late warnings left being found when late
// (see LoadForRun).
func loadAudit(ctx context.Context, cfg Config, stationFiles []input, gapPolygons, late bool, extra ...namedPath) (*Audit, error) {
	a := &Audit{Config: cfg, Command: "check", lateWarnings: late}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.checkPaths(extra...); err != nil {
		return nil, err
	}
	// A bad output path fails before a long run, not after it.
	if err := cfg.Output.Check(); err != nil {
		return nil, err
	}
	phase("read inputs")
	var din input
	var sins []input
	if cfg.Districts == "" {
		a.Demo = true
		din = input{role: "districts", name: demoDistrictsName, data: demoDistricts}
		if stationFiles == nil {
			sins = []input{{role: "stations", name: demoStationsName, data: demoStations}}
		}
		a.Attribution = append(a.Attribution, demoAttribution)
	} else {
		var err error
		if din, err = loadInput("districts", cfg.Districts, cfg.Stdin); err != nil {
			return nil, err
		}
		if stationFiles == nil {
			sin, err := loadInput("stations", cfg.Stations, cfg.Stdin)
			if err != nil {
				return nil, err
			}
			sins = []input{sin}
		}
	}
	if stationFiles != nil {
		sins = stationFiles
	}
	if !a.Demo && bytes.Equal(din.data, demoDistricts) {
		// The demo's parishes written out by covaudit init --demo: their licence travels with them.
		a.Attribution = append(a.Attribution, demoAttribution)
	}
	din = din.hashed()
	for i := range sins {
		sins[i] = sins[i].hashed()
	}
	a.inputs = append([]input{din}, sins...)
	phase("parse inputs")
	lists, ix, err := a.load(ctx, din, sins)
	if err != nil {
		return nil, err
	}
	a.Stations = lists[0]
	a.lists = lists
	a.ix = ix
	if err := a.CheckSurface(); err != nil {
		return nil, err
	}
	a.opts = coverage.Options{
		ChordErrorM:       cfg.ChordErrorM,
		IgnoreGapsUnderM2: cfg.IgnoreGapsUnderM2,
		MinCoveragePct:    cfg.MinCoveragePct,
		GapPolygons:       gapPolygons || cfg.Output.Gaps != "" || cfg.Output.HTML != "" || cfg.Output.SVG != "",
		Workers:           cfg.Workers,
		PassByPopulation:  cfg.PassByPopulation,
	}
	if cfg.Roads.File != "" && (!cfg.Roads.Optional || a.anyByRoad() || cfg.Roads.edited()) {
		if err := a.loadRoads(ctx); err != nil {
			return nil, err
		}
	}
	if cfg.Population != "" {
		if err := a.loadPopulation(ctx); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Run evaluates every district (in parallel; results in district order
// whatever the number of workers).
func (a *Audit) Run(ctx context.Context) error {
	o := a.opts
	if p := a.Config.Progress; p != nil {
		o.Progress = func(done, total int) {
			p.Count("evaluating districts", done, total)
			if done == total {
				p.Done()
			}
		}
	}
	var err error
	districts := a.Districts
	if sh := a.Config.Shard; sh.Count > 0 {
		districts, a.resultPos = a.shardDistricts()
		o.GapPolygons = true // the merge may write a gap map
	}
	phase("evaluate")
	a.Results, err = coverage.Evaluate(ctx, districts, a.ix, o)
	if err != nil {
		return InputError{err}
	}
	phase("after evaluation")
	a.settle() // the loading's late warnings
	a.loadWarnings = len(a.Warnings)
	a.resultWarn = make([][]string, len(a.Results))
	for i, r := range a.Results {
		if r.Travel != nil && !r.ToleranceMet {
			w := fmt.Sprintf("%s: the uncovered-area bracket [%.2f, %.2f] m² is wider than --tolerance: cells reached the 1 cm floor",
				r.District.Name, r.UncoveredLowerM2, r.UncoveredUpperM2)
			a.warn(w)
			a.resultWarn[i] = append(a.resultWarn[i], w)
		}
	}
	if a.Config.Output.StationsReport != "" {
		if a.sole, a.redundancy, err = coverage.Criticality(ctx, a.Districts, a.ix, a.opts); err != nil {
			return InputError{err}
		}
	}
	if a.Command == "check" {
		return a.runAccess(ctx, nil)
	}
	return nil
}

// Failing is the number of districts that fail (after Run).
func (a *Audit) Failing() int {
	n := 0
	for _, r := range a.Results {
		if !r.Pass {
			n++
		}
	}
	return n
}

// Options are the engine's options of the audit (road fields included).
func (a *Audit) Options() coverage.Options { return a.opts }

// Index is the stations' index.
func (a *Audit) Index() *coverage.Index { return a.ix }

func (a *Audit) warn(s string) { a.Warnings = append(a.Warnings, s) }

// loadPopulation reads the population points or raster.
func (a *Audit) loadPopulation(ctx context.Context) error {
	cfg := &a.Config
	pin, err := loadInput("population", cfg.Population, cfg.Stdin)
	if err != nil {
		return err
	}
	pin = pin.hashed()
	a.inputs = append(a.inputs, pin)
	if ext := strings.ToLower(filepath.Ext(pin.name)); pin.url == "" && (ext == ".tif" || ext == ".tiff") {
		if a.opts.Population, err = a.rasterPopulation(pin); err != nil {
			return err
		}
	} else {
		popts := geodata.StationOptions{ValueCol: cfg.PopulationField, CRS: cfg.PopulationCRS}
		var pts []geodata.PopulationPoint
		var probs geodata.Problems
		if pin.url != "" {
			var l *postgis.Layer
			if l, err = pin.readDB(ctx, "Point or MultiPoint"); err != nil {
				return InputError{err}
			}
			pts, probs = geodata.PopulationFromLayer(l.Layer, pin.name, popts)
			probs = l.Place(probs)
		} else if pts, probs, err = geodata.ReadPopulation(pin.data, pin.name, popts); err != nil {
			return InputError{err}
		}
		if len(probs) > 0 {
			if !cfg.SkipInvalid {
				return InputError{fmt.Errorf("%d invalid record(s) (use --skip-invalid to skip them):\n%w", len(probs), probs)}
			}
			for _, p := range probs {
				a.warn("skipped: " + p.Error())
			}
		}
		locs, counts := make([]orb.Point, len(pts)), make([]float64, len(pts))
		for i, p := range pts {
			locs[i], counts[i] = p.Point, p.Count
		}
		a.opts.Population = coverage.NewPopulation(locs, counts)
	}
	a.hasPopulation = true
	a.population = a.opts.Population
	return nil
}

// rasterPopulation reads a population GeoTIFF, which must overlap the
// districts.
func (a *Audit) rasterPopulation(pin input) (*coverage.Population, error) {
	r, err := geodata.ReadGeoTIFF(pin.data, pin.name)
	if err != nil {
		return nil, InputError{err}
	}
	rb := orb.Bound{Min: orb.Point{r.X0, r.Y0 - float64(r.Height)*r.DY}, Max: orb.Point{r.X0 + float64(r.Width)*r.DX, r.Y0}}
	overlaps := false
	for _, d := range a.Districts {
		overlaps = overlaps || d.Geometry.Bound().Intersects(rb)
	}
	if !overlaps {
		return nil, InputError{fmt.Errorf("%s: the raster (longitude %.4f to %.4f, latitude %.4f to %.4f) does not overlap any district",
			pin.name, rb.Min[0], rb.Max[0], rb.Min[1], rb.Max[1])}
	}
	return coverage.NewRasterPopulation(&coverage.Grid{Width: r.Width, Height: r.Height, X0: r.X0, Y0: r.Y0, DX: r.DX, DY: r.DY, Values: r.Values}), nil
}

// load reads the districts and the station files at once, classifies the
// districts and checks their geometry; problems of every file are reported
// together (or skipped with SkipInvalid). It returns the stations of each
// station input.
func (a *Audit) load(ctx context.Context, din input, sins []input) ([][]coverage.Station, *coverage.Index, error) {
	cfg := &a.Config
	stations := make([][]coverage.Station, len(sins))
	sprobs := make([]geodata.Problems, len(sins))
	serrs := make([]error, len(sins))
	swarns := make([][]string, len(sins)) // what the readers skipped or repaired
	var wg sync.WaitGroup
	var ix *coverage.Index // of the first station file, built while the districts are read
	for k, sin := range sins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if k == 0 {
				defer func() {
					if serrs[0] == nil {
						ix = coverage.NewIndex(stations[0])
					}
				}()
			}
			so := cfg.Columns
			so.CRS = cfg.StationsCRS
			if sin.url != "" {
				stations[k], sprobs[k], serrs[k] = stationsOf(ctx, sin, so)
				return
			}
			if geodata.IsOSMFile(sin.name) {
				stations[k], sprobs[k], serrs[k] = osmStations(ctx, sin.name, cfg.StationFilter)
				return
			}
			if geodata.IsLayerFile(sin.name) {
				l, err := ReadLayer(sin.name, cmp.Or(cfg.StationsLayer, cfg.Layer), cfg.Encoding)
				if err != nil {
					serrs[k] = err
					return
				}
				stations[k], sprobs[k] = geodata.StationsFromLayer(l, sin.name, so)
				swarns[k] = l.Warnings
				return
			}
			data, err := geodata.Decode(sin.data, cfg.Encoding)
			if err != nil {
				serrs[k] = fmt.Errorf("%s: %w", sin.name, err)
				return
			}
			stations[k], sprobs[k], serrs[k] = geodata.ReadStations(bytes.NewReader(data), sin.name, so)
		}()
	}
	dopts := geodata.DistrictOptions{NameField: cfg.NameField, ClassField: cfg.ClassField, GroupField: cfg.DissolveBy, CRS: cfg.DistrictsCRS, Repair: cfg.Repair}
	var (
		feats  []geodata.DistrictFeature
		dprobs geodata.Problems
		err    error
	)
	var dbl *postgis.Layer // districts from a database: problems name its rows
	if din.url != "" {
		if dbl, err = din.readDB(ctx, "Polygon or MultiPolygon"); err == nil {
			feats, dprobs = geodata.DistrictsFromLayer(dbl.Layer, din.name, dopts)
		}
	} else if geodata.IsOSMFile(din.name) {
		feats, dprobs, err = osmDistricts(ctx, din.name, cfg.DistrictFilter, cfg.NameField, cfg.ClassField)
	} else if geodata.IsLayerFile(din.name) {
		var l *geodata.Layer
		if l, err = ReadLayer(din.name, cmp.Or(cfg.DistrictsLayer, cfg.Layer), cfg.Encoding); err == nil {
			feats, dprobs = geodata.DistrictsFromLayer(l, din.name, dopts)
			for _, w := range l.Warnings {
				a.warn(w)
			}
		}
	} else {
		feats, dprobs, err = geodata.ReadDistrictsData(din.data, din.name, dopts)
	}
	wg.Wait()
	phase("wait for stations")
	if err != nil {
		return nil, nil, wrapInput(err)
	}
	if err := errors.Join(serrs...); err != nil {
		return nil, nil, wrapInput(err)
	}
	for _, f := range feats {
		for _, w := range f.Warnings {
			a.warn(w.Error())
		}
	}
	if cfg.Repair {
		var probs geodata.Problems
		var warns []string
		feats, probs, warns = RepairDistricts(feats, din.name)
		dprobs = append(dprobs, probs...)
		for _, w := range warns {
			a.warn(w)
		}
	}
	if cfg.DissolveBy != "" {
		if geodata.IsOSMFile(din.name) {
			return nil, nil, UsageError{"--dissolve-by reads GeoJSON, Shapefile and GeoPackage districts; OpenStreetMap relations are whole already"}
		}
		var probs geodata.Problems
		var warns []string
		feats, probs, warns = dissolve(feats, din.name, cfg.DissolveBy)
		dprobs = append(dprobs, probs...)
		for _, w := range warns {
			a.warn(w)
		}
	}
	for _, ws := range swarns {
		for _, w := range ws {
			a.warn(w)
		}
	}
	// Rings that cross themselves or each other, and districts that
	// overlap, are found for all districts in one pass.
	phase("geometry checks")
	checked := CheckDistrictGeometry(din.name, feats)
	phase("classify")
	dprobs = append(dprobs, checked.Problems...)
	crossed := checked.Crossed
	bounds := make([]orb.Bound, len(feats)) // of each feature, on all cores
	coverage.ParallelRange(len(feats), func(i int) { bounds[i] = feats[i].Geometry.Bound() })
	var dBounds []orb.Bound     // of each district
	districtOf := map[int]int{} // feature (in feats) -> district
	used := map[string]bool{}   // class values that matched
	for fi, f := range feats {
		class, value, msg := cfg.classify(f)
		if msg != "" {
			dprobs = append(dprobs, geodata.Problem{File: din.name, Feature: f.Index, ID: f.ID, Name: f.Name, Msg: msg})
			continue
		}
		used[strings.ToLower(value)] = true
		if crossed[fi] {
			continue
		}
		if b := bounds[fi]; b.Max[0]-b.Min[0] > 180 {
			dprobs = append(dprobs, geodata.Problem{File: din.name, Feature: f.Index, ID: f.ID, Name: f.Name,
				Msg: fmt.Sprintf("spans %.1f degrees of longitude: districts crossing the antimeridian are not supported (split it at 180°)", b.Max[0]-b.Min[0])})
			continue
		}
		d := coverage.District{ID: f.ID, Name: f.Name, Class: class.Name, Geometry: f.Geometry, Rule: class.Rule.rule()}
		if d.Name == "" {
			d.Name = f.ID
		}
		if d.Name == "" {
			d.Name = fmt.Sprintf("feature %d", f.Index)
		}
		districtOf[fi] = len(a.Districts)
		a.Districts = append(a.Districts, d)
		a.featureIdx = append(a.featureIdx, f.Index)
		dBounds = append(dBounds, bounds[fi])
	}
	probs := sortProblems(dprobs)
	if dbl != nil {
		probs = dbl.Place(probs)
	}
	nsp := 0
	for _, p := range sprobs {
		probs = append(probs, p...)
		nsp += len(p)
	}
	if len(probs) > 0 {
		if !cfg.SkipInvalid {
			return nil, nil, InputError{fmt.Errorf("%d invalid record(s) (use --skip-invalid to skip them):\n%w", len(probs), probs)}
		}
		for _, p := range probs {
			a.warn("skipped: " + p.Error())
		}
	}
	a.skippedD, a.skippedS = len(dprobs), nsp
	if len(a.Districts) == 0 {
		return nil, nil, InputError{fmt.Errorf("%s: no valid districts", din.name)}
	}
	// Skipping most of a file audits something else than the planner
	// meant: refuse it unless told.
	if cfg.SkipInvalid && !cfg.SkipMost {
		if n := a.skippedD + len(a.Districts); 2*a.skippedD > n {
			return nil, nil, InputError{fmt.Errorf("%s: %d of %d districts are invalid and would be skipped; fix the file, or allow it with --skip-most", din.name, a.skippedD, n)}
		}
		for k, st := range stations {
			if n := len(st) + len(sprobs[k]); 2*len(sprobs[k]) > n {
				return nil, nil, InputError{fmt.Errorf("%s: %d of %d stations are invalid and would be skipped; fix the file, or allow it with --skip-most", sins[k].name, len(sprobs[k]), n)}
			}
		}
	}
	for k, st := range stations {
		if len(st) == 0 && len(sprobs[k]) == 0 {
			return nil, nil, InputError{fmt.Errorf("%s: no stations (the file holds no records)", sins[k].name)}
		}
	}
	if col := cfg.Columns.DelayCol; col != "" {
		for k, st := range stations {
			if !slices.ContainsFunc(st, func(s coverage.Station) bool { return s.HasDelay }) {
				return nil, nil, InputError{fmt.Errorf("%s: no station has a delay in %q (--delay-col; OpenStreetMap station files have none)", sins[k].name, col)}
			}
		}
	}
	// The warnings that end the loading only add to the report, and read
	// only what is final here (copies of the districts, which loading
	// roads changes): with lateWarnings they are found beside the
	// evaluation, and Run puts them where they would have been.
	names := make([]string, len(sins))
	for k, sin := range sins {
		names[k] = sin.name
	}
	ds, featureIdx := slices.Clone(a.Districts), slices.Clone(a.featureIdx)
	// A class value no district has is most often a typo.
	var classWs []string
	for _, cl := range cfg.Classes {
		for _, v := range cl.Values {
			if !used[strings.ToLower(v)] {
				classWs = append(classWs, fmt.Sprintf("%s: class %q: no district has %s %q", din.name, cl.Name, cfg.ClassField, v))
			}
		}
	}
	hint := cfg.StationsCRS.Name == "" || cfg.StationsCRS.IsWGS84()
	late := func() []string {
		ws := farStations(stations, names, dBounds)
		ws = append(ws, largeDistricts(ds, dBounds)...)
		ws = append(ws, classWs...)
		if hint {
			// One file's list as it is (the hint samples it); several
			// joined, as the hint reads them.
			var pts []coverage.Station
			if len(stations) == 1 {
				pts = stations[0]
			} else {
				pts = slices.Concat(stations...)
			}
			if h, ok := validate.LikelyCRS(pts, ds); ok {
				ws = append(ws, h.Message()+"; rerun with --stations-crs "+h.CRS)
			}
		}
		for _, ov := range checked.Overlaps {
			i, okA := districtOf[ov.A]
			j, okB := districtOf[ov.B]
			if !okA || !okB {
				continue // a skipped district
			}
			if w, ok := OverlapWarning(din.name, ds[i], ds[j], featureIdx[i], featureIdx[j], ov.At); ok {
				ws = append(ws, w)
			}
		}
		return ws
	}
	if a.lateWarnings {
		a.late = startLate(len(a.Warnings), late)
	} else {
		a.Warnings = append(a.Warnings, late()...)
	}
	return stations, ix, nil
}

// lateWork is the warnings of the end of the loading being found beside
// the evaluation (Audit.lateWarnings): settle puts them at pos of the
// warnings.
type lateWork struct {
	pos  int
	done chan struct{}
	ws   []string
}

func startLate(pos int, find func() []string) *lateWork {
	l := &lateWork{pos: pos, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.ws = find()
	}()
	return l
}

// settle waits for the late warnings, if any are being found, and puts
// them where the loading would have.
func (a *Audit) settle() {
	if a.late == nil {
		return
	}
	<-a.late.done
	a.Warnings = slices.Insert(a.Warnings, a.late.pos, a.late.ws...)
	a.late = nil
}

// wrapInput keeps a UsageError as it is and makes anything else an
// InputError.
func wrapInput(err error) error {
	var ue UsageError
	if errors.As(err, &ue) {
		return ue
	}
	return InputError{err}
}

// classify finds a district's class; value is the class value that chose
// it ("" for the default class); msg says why none fits.
func (c *Config) classify(f geodata.DistrictFeature) (class *Class, value, msg string) {
	if f.HasClass {
		for i := range c.Classes {
			for _, v := range c.Classes[i].Values {
				if strings.EqualFold(f.Class, v) {
					return &c.Classes[i], v, ""
				}
			}
		}
	}
	if c.DefaultClass != "" {
		return c.Class(c.DefaultClass), "", ""
	}
	if !f.HasClass {
		return nil, "", fmt.Sprintf("no %q property: cannot tell its class (set --class-field or --default-class)", c.ClassField)
	}
	var lists []string
	for _, cl := range c.Classes {
		lists = append(lists, fmt.Sprintf("%s (%s)", cl.Name, strings.Join(cl.Values, ", ")))
	}
	return nil, "", fmt.Sprintf("class %q is none of the classes' values: %s (set --urban-values, --rural-values, classes or --default-class)",
		f.Class, strings.Join(lists, "; "))
}

// rule is the engine's rule of a spec (the road network is set by
// loadRoads).
func (r RuleSpec) rule() coverage.Rule {
	return coverage.Rule{Kind: r.Kind, RadiusM: r.RadiusM, TimeS: r.TimeS, DistanceM: r.DistanceM, Detour: r.Detour, SpeedMS: r.SpeedMS,
		Profile: r.Profile, Direction: r.Direction, DelayS: r.DelayS}
}

func sortProblems(ps geodata.Problems) geodata.Problems {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Feature < ps[j-1].Feature; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	return ps
}

// ReadInput reads an input file whole ("-": stdin), for the commands that
// check files without auditing them (validate); name is the file's name in
// messages. OpenStreetMap files are not read (data is nil).
func ReadInput(role, path string, stdin io.Reader) (name string, data []byte, err error) {
	in, err := loadInput(role, path, stdin)
	return in.name, in.data, err
}

// farStationM is the distance from every district's box beyond which a
// station is most likely misplaced (a swapped or mistyped coordinate).
const farStationM = 1000e3

// verifiedExtentM is how far from its centre a district may reach within
// the range covaudit's error bounds were checked over: the ellipse fits'
// residual bound (TestEllipseFit, to 1,000 km from the frame's centre) and
// the worst point's window (TestWorstInLargeDistricts, 1,800 km across).
const verifiedExtentM = 1000e3

// largeDistricts names the districts reaching farther from their centre
// (of their boxes, bounds) than verifiedExtentM: their figures come with
// brackets whose bounds were not checked at that size.
func largeDistricts(ds []coverage.District, bounds []orb.Bound) []string {
	var ws []string
	for i, d := range ds {
		b := bounds[i]
		c := b.Center()
		far := 0.0
		for _, p := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]},
			{c[0], b.Min[1]}, {c[0], b.Max[1]}, {b.Min[0], c[1]}, {b.Max[0], c[1]}} {
			far = max(far, geodesy.Distance(c[0], c[1], p[0], p[1]))
		}
		if far > verifiedExtentM {
			ws = append(ws, fmt.Sprintf("district %q reaches %.0f km from its centre: covaudit's error bounds are verified for districts reaching up to %.0f km; split it to stay within them",
				d.Name, far/1e3, verifiedExtentM/1e3))
		}
	}
	return ws
}

// farStations names, for each station file (names), the stations at (0,
// 0) and those farther than farStationM from every district (boxes): they
// count in no district (validate reports them one by one).
func farStations(lists [][]coverage.Station, names []string, boxes []orb.Bound) []string {
	var ws []string
	for k, st := range lists {
		// Each station's verdict on all cores (0: near, 1: at (0, 0), 2: far), listed in file order.
		verdict := make([]uint8, len(st))
		const run = 1024
		coverage.ParallelRange((len(st)+run-1)/run, func(c int) {
			for i := c * run; i < min(len(st), (c+1)*run); i++ {
				s := st[i]
				if s.Point == (orb.Point{}) {
					verdict[i] = 1
					continue
				}
				verdict[i] = 2
				for _, b := range boxes {
					lon := max(b.Min[0], min(b.Max[0], s.Point[0]))
					lat := max(b.Min[1], min(b.Max[1], s.Point[1]))
					if geodesy.Distance(s.Point[0], s.Point[1], lon, lat) <= farStationM {
						verdict[i] = 0
						break
					}
				}
			}
		})
		var zero, far []string
		for i, v := range verdict {
			switch v {
			case 1:
				zero = append(zero, st[i].ID)
			case 2:
				far = append(far, st[i].ID)
			}
		}
		name := names[k]
		if len(zero) > 0 {
			ws = append(ws, fmt.Sprintf("%s: %d station(s) at (0, 0), most likely missing coordinates: %s", name, len(zero), listSome(zero)))
		}
		if len(far) > 0 {
			ws = append(ws, fmt.Sprintf("%s: %d station(s) more than %.0f km from every district, most likely misplaced: %s", name, len(far), farStationM/1000, listSome(far)))
		}
	}
	return ws
}

// listSome lists up to five ids, and how many more.
func listSome(ids []string) string {
	if len(ids) <= 5 {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:5], ", "), len(ids)-5)
}

// ReadsRoads reports whether the audit read a road network.
func (a *Audit) ReadsRoads() bool { return a.roads != nil }

// anyByRoad reports whether some district is under a road rule.
func (a *Audit) anyByRoad() bool {
	for i := range a.Districts {
		if a.Districts[i].Rule.ByRoad() {
			return true
		}
	}
	return false
}

package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/covaudit/covaudit/audit"
	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/postgis"
	"github.com/covaudit/covaudit/validate"
	"github.com/spf13/pflag"
)

const validateHelp = `Usage: covaudit validate --stations FILE [--districts FILE] [flags]

Checks a station file (CSV or GeoJSON) for the mistakes station lists
collect: unreadable, empty or out-of-range coordinates, (0, 0), latitude and
longitude swapped, metres instead of degrees, too few decimals, duplicate ids,
stations within --duplicate-distance of each other, and text that is not
UTF-8 (GBK/GB18030 files are recognised; read them with --encoding gbk).
With --districts it also finds stations outside every district that are
inside one when swapped, and stations farther than --max-outside from every
district. Every finding has a severity, a code (see the README), the line
(CSV) or feature, the record's id and, where one exists, a fix.

--format github prints workflow commands, so that the findings appear on
the lines of a pull request; paths are relative to the repository root.

Flags:
%s
EXIT STATUS
  0  no error-level finding (warnings may exist)
  1  at least one error-level finding
  2  usage error, or a file that cannot be read at all
`

type validateOptions struct {
	cpuProfile          string
	stations, districts string
	nameField           string
	repair              bool
	station             geodata.StationOptions
	encoding            string
	duplicateDistance   distanceFlag
	maxOutside          distanceFlag
	format              enumFlag
	output              string
	districtsCRS        crsFlag
	stationsCRS         crsFlag
	layer               string
	districtsLayer      string
}

func newValidateOptions() *validateOptions {
	return &validateOptions{
		duplicateDistance: 10,
		maxOutside:        50e3,
		format:            enumFlag{value: "text", allowed: []string{"text", "json", "github"}, what: "format"},
	}
}

func (o *validateOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&o.stations, "stations", "", "stations to check, CSV or GeoJSON (`FILE`, or - for stdin)")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run (runtime/pprof) to `FILE`")
	f.Lookup("cpuprofile").Hidden = true
	f.StringVar(&o.districts, "districts", "", "district boundaries, GeoJSON (`FILE`): enables the checks against districts")
	f.StringVar(&o.nameField, "name-field", "name", "district property holding the name")
	f.BoolVar(&o.repair, "repair", false, "make invalid district rings valid as GEOS MakeValid does, each repair a warning on stderr, instead of refusing them")
	addStationInputFlags(f, &o.station, &o.districtsCRS, &o.stationsCRS)
	f.StringVar(&o.layer, "stations-layer", "", "GeoPackage layer of the stations (default: the file's only feature layer)")
	f.StringVar(&o.districtsLayer, "districts-layer", "", "GeoPackage layer of the districts (default: the file's only feature layer)")
	f.StringVar(&o.encoding, "encoding", "", "text encoding of the station file: "+strings.Join(geodata.Encodings, "|")+" (default: UTF-8, GBK detected)")
	f.Var(&o.duplicateDistance, "duplicate-distance", "stations closer than this are reported as duplicates (m or km)")
	f.Var(&o.maxOutside, "max-outside", "with --districts: stations farther than this from every district are reported")
	f.VarP(&o.format, "format", "f", "output format: text|json|github")
	f.StringVarP(&o.output, "output", "o", "", "write the findings to `FILE` (whole or not at all) instead of stdout")
}

func validateHelpText() string {
	return helpWithFlags("validate", validateHelp, newValidateOptions().addFlags)
}

func runValidateArgs(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	o := newValidateOptions()
	if _, err := parseCommand("validate", o.addFlags, validateHelpText, args, stderr, "the file goes with --stations"); err != nil {
		return err
	}
	if o.stations == "" {
		return usageError{Msg: "validate needs --stations FILE"}
	}
	if o.districts == "-" && o.stations == "-" {
		return usageError{Msg: "only one of --districts and --stations can read standard input"}
	}
	stop, err := startCPUProfile(o.cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	sinName, sinData, err := audit.ReadInput("stations", o.stations, stdin)
	if err != nil {
		return err
	}
	so := o.station
	so.CRS = o.stationsCRS.crs
	vo := validate.Options{Encoding: o.encoding, DuplicateDistanceM: float64(o.duplicateDistance), MaxOutsideM: float64(o.maxOutside), Stations: so}
	if o.districts != "" {
		dinName, dinData, err := audit.ReadInput("districts", o.districts, stdin)
		if err != nil {
			return err
		}
		dopts := geodata.DistrictOptions{NameField: o.nameField, CRS: o.districtsCRS.crs, Repair: o.repair}
		var feats []geodata.DistrictFeature
		var probs geodata.Problems
		placeRows := func(ps geodata.Problems) geodata.Problems { return ps }
		if postgis.IsURL(o.districts) {
			l, name, place, err := audit.ReadTable(ctx, "districts", o.districts, "Polygon or MultiPolygon")
			if err != nil {
				return err
			}
			dinName = name
			feats, probs = geodata.DistrictsFromLayer(l, dinName, dopts)
			probs = place(probs)
			placeRows = place
		} else if geodata.IsLayerFile(dinName) {
			l, err := audit.ReadLayer(dinName, o.districtsLayer, o.encoding)
			if err != nil {
				return inputError{Err: err}
			}
			feats, probs = geodata.DistrictsFromLayer(l, dinName, dopts)
		} else if feats, probs, err = geodata.ReadDistrictsData(dinData, dinName, dopts); err != nil {
			return inputError{Err: err}
		}
		if o.repair {
			var more geodata.Problems
			var warns []string
			feats, more, warns = audit.RepairDistricts(feats, dinName)
			probs = append(probs, more...)
			for _, w := range warns {
				fmt.Fprintln(stderr, "covaudit: warning: "+w)
			}
		}
		// The rings that cross themselves or each other, as check finds them.
		checked := audit.CheckDistrictGeometry(dinName, feats)
		probs = append(probs, placeRows(checked.Problems)...)
		slices.SortStableFunc(probs, func(a, b geodata.Problem) int { return cmp.Compare(a.Feature, b.Feature) })
		if len(probs) > 0 {
			return inputError{Err: fmt.Errorf("%d invalid district(s):\n%w", len(probs), probs)}
		}
		for _, ov := range checked.Overlaps {
			da, db := districtOf(feats[ov.A]), districtOf(feats[ov.B])
			if w, ok := audit.OverlapWarning(dinName, da, db, feats[ov.A].Index, feats[ov.B].Index, ov.At); ok {
				fmt.Fprintln(stderr, "covaudit: warning: "+w)
			}
		}
		for _, f := range feats {
			vo.Districts = append(vo.Districts, districtOf(f))
		}
	}
	var res *validate.Result
	if postgis.IsURL(o.stations) {
		l, name, _, err := audit.ReadTable(ctx, "stations", o.stations, "Point or MultiPoint")
		if err != nil {
			return err
		}
		if so.CRS.Name == "" && l.HasCRS {
			vo.Stations.CRS = l.CRS
		}
		res = validate.Records(name, geodata.RecordsFromLayer(l, so), vo)
	} else if geodata.IsLayerFile(sinName) {
		l, err := audit.ReadLayer(sinName, o.layer, o.encoding)
		if err != nil {
			return inputError{Err: err}
		}
		if so.CRS.Name == "" && l.HasCRS {
			vo.Stations.CRS = l.CRS
		}
		res = validate.Records(sinName, geodata.RecordsFromLayer(l, so), vo)
	} else if res, err = validate.File(sinName, sinData, vo); err != nil {
		return inputError{Err: err}
	}
	if err := ctx.Err(); err != nil {
		return err // interrupted while checking: nothing is written
	}
	write := func(w io.Writer) error { return writeFindings(w, o.format.value, res, repoRelative(o.stations)) }
	if o.output != "" {
		if err := geodata.WriteFileAtomic(o.output, write); err != nil {
			return outputError{Err: err}
		}
	} else if err := write(stdout); err != nil {
		return outputError{Err: err}
	}
	if res.Errors() > 0 {
		return errFailed
	}
	return nil
}

// repoRelative returns path relative to the root of the git repository
// that holds it (the directory with .git), else relative to the working
// directory; GitHub annotations need paths from the repository root.
func repoRelative(path string) string {
	if path == "-" {
		return "<stdin>"
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			if rel, err := filepath.Rel(dir, abs); err == nil {
				return filepath.ToSlash(rel)
			}
			break
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(path)
}

type findingsReport struct {
	Findings []validate.Finding `json:"findings"`
	Summary  struct {
		File     string `json:"file"`
		Format   string `json:"format"`
		Records  int    `json:"records"`
		Errors   int    `json:"errors"`
		Warnings int    `json:"warnings"`
	} `json:"summary"`
}

func writeFindings(w io.Writer, format string, res *validate.Result, relPath string) error {
	var rep findingsReport
	rep.Findings = res.Findings
	if rep.Findings == nil {
		rep.Findings = []validate.Finding{}
	}
	rep.Summary.Format, rep.Summary.Records, rep.Summary.Errors = res.Format, res.Records, res.Errors()
	rep.Summary.Warnings = len(res.Findings) - rep.Summary.Errors
	if len(res.Findings) > 0 {
		rep.Summary.File = res.Findings[0].File
	}
	switch format {
	case "json":
		return audit.WriteJSON(w, rep)
	case "github":
		for _, f := range res.Findings {
			level := "error"
			if f.Severity == validate.Warning {
				level = "warning"
			}
			props := "file=" + ghProperty(relPath)
			if f.Line > 0 {
				props += fmt.Sprintf(",line=%d", f.Line)
			}
			props += ",title=" + ghProperty(f.Code)
			if _, err := fmt.Fprintf(w, "::%s %s::%s\n", level, props, ghData(findingText(f))); err != nil {
				return err
			}
		}
		_, err := fmt.Fprintf(w, "%d record(s): %d error(s), %d warning(s)\n", rep.Summary.Records, rep.Summary.Errors, rep.Summary.Warnings)
		return err
	}
	for _, f := range res.Findings {
		loc := f.File
		if f.Line > 0 {
			loc += fmt.Sprintf(":%d", f.Line)
		}
		if f.Feature >= 0 {
			loc += fmt.Sprintf(" (feature %d)", f.Feature)
		}
		if _, err := fmt.Fprintf(w, "%s: %s [%s] %s\n", loc, f.Severity, f.Code, findingText(f)); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%d record(s): %d error(s), %d warning(s)\n", rep.Summary.Records, rep.Summary.Errors, rep.Summary.Warnings)
	return err
}

// findingText is a finding's message with its id and fix.
func findingText(f validate.Finding) string {
	s := f.Message
	if f.ID != "" {
		s = fmt.Sprintf("id %q: %s", f.ID, s)
	}
	if f.Fix != "" {
		s += "; fix: " + f.Fix
	}
	return s
}

// ghData and ghProperty escape text for GitHub workflow commands.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// districtOf is a district as validate checks it: named by its name, or
// its id when it has none.
func districtOf(f geodata.DistrictFeature) coverage.District {
	name := f.Name
	if name == "" {
		name = f.ID
	}
	return coverage.District{ID: f.ID, Name: name, Geometry: f.Geometry}
}

package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/covaudit/covaudit/geodata/gpkg"
	"github.com/covaudit/covaudit/geodata/postgis"
	"github.com/paulmach/orb"
)

// Write writes check's outputs (the report to Output.Report or stdout,
// the gap map, the stations report, the cost surface, the HTML and SVG
// maps), prints the
// warnings and the data notices on stderr, and returns ErrFailed when a
// district fails. Files are written whole or not at all, and every output
// is checked (Output.Check) before the first is written.
func (a *Audit) Write(stdout, stderr io.Writer) error {
	o := a.Config.Output
	if err := o.Check(); err != nil {
		return err
	}
	if o.StationsReport != "" {
		var err error
		if postgis.IsURL(o.StationsReport) {
			err = a.stationsReportTable(o.StationsReport)
		} else {
			err = geodata.WriteFileAtomic(o.StationsReport, a.writeStationsReport)
		}
		if err != nil {
			return OutputError{err}
		}
	}
	if o.Surface != "" {
		if err := a.writeSurface(context.Background()); err != nil {
			return err
		}
	}
	if err := a.emitLayers(stdout, stderr, a.gapFeatures, a.districtFeatures, a.WriteReport); err != nil {
		return err
	}
	if err := a.writeVisuals(); err != nil {
		return err
	}
	if a.Failing() > 0 {
		return ErrFailed
	}
	return nil
}

// PrintWarnings writes the warnings to stderr, unless Output.Quiet.
func (a *Audit) PrintWarnings(stderr io.Writer) {
	if a.Config.Output.Quiet {
		return
	}
	for _, w := range a.Warnings {
		fmt.Fprintln(stderr, "covaudit: warning: "+w)
	}
}

// emit prints the warnings, writes the gap map (with Output.Gaps) and the
// report (to Output.Report or stdout), and prints the data notices on
// stderr for the formats that cannot carry them.
func (a *Audit) emit(stdout, stderr io.Writer, gaps func() ([]geodata.Feature, []geodata.Prop), report func(io.Writer) error) error {
	return a.emitLayers(stdout, stderr, gaps, nil, report)
}

// emitLayers is emit with, when districts is not nil, a districts layer
// beside the gaps in a GeoPackage gap map (see districtFeatures); a
// GeoJSON gap map or a database table holds the gaps only.
func (a *Audit) emitLayers(stdout, stderr io.Writer, gaps func() ([]geodata.Feature, []geodata.Prop), districts func() ([]orb.MultiPolygon, [][]geodata.Prop), report func(io.Writer) error) error {
	o := a.Config.Output
	if err := o.Check(); err != nil {
		return err
	}
	phase("write outputs")
	a.PrintWarnings(stderr)
	var rendered func() ([]byte, error) // the report, when rendered beside the gap map
	if o.Gaps != "" {
		feats, extra := gaps()
		epsg, to := OutputSystem(o.GapsCRS)
		if to != nil {
			for i := range feats {
				if p := feats[i].Point; p != nil {
					q := orb.Point{}
					q[0], q[1] = to(p[0], p[1])
					feats[i].Point = &q
				}
				for _, r := range feats[i].Polygon {
					for k, p := range r {
						r[k][0], r[k][1] = to(p[0], p[1])
					}
				}
			}
			extra = append(extra, CRSMember(epsg))
		}
		// The report is rendered beside the gap map (it reads what the
		// map's writers only read) and written after it, as before.
		rendered = renderAside(report)
		var err error
		if db := postgis.IsURL(o.Gaps); db || strings.EqualFold(filepath.Ext(o.Gaps), ".gpkg") {
			// A GeoPackage layer or table holds one geometry type: point
			// features (over-capacity population points) stay in the
			// report and GeoJSON maps only.
			feats = slices.DeleteFunc(feats, func(f geodata.Feature) bool { return f.Point != nil })
			// A GeoPackage carries no collection-level notice: the
			// attribution goes on every feature.
			for i := range feats {
				for _, p := range extra {
					if p.Key != "crs" {
						feats[i].Props = append(feats[i].Props, p)
					}
				}
			}
			if db {
				err = postgis.WriteFeatures(context.Background(), o.Gaps, feats, epsg)
			} else {
				layers := []gpkg.Layer{gpkg.PolygonLayer("gaps", feats, gapsStyle())}
				if districts != nil {
					layers = append(layers, districtsLayer(districts, extra, to))
				}
				err = gpkg.WriteLayers(o.Gaps, epsg, layers...)
			}
		} else {
			err = geodata.WriteFileAtomic(o.Gaps, func(w io.Writer) error { return geodata.WriteFeatures(w, styled(feats), extra) })
		}
		if err != nil {
			rendered() // the report's renderer is done before the error goes back
			return OutputError{err}
		}
		report = func(w io.Writer) error {
			b, err := rendered()
			if _, werr := w.Write(b); err == nil {
				err = werr
			}
			return err
		}
	}
	if o.Report != "" {
		if err := geodata.WriteFileAtomic(o.Report, report); err != nil {
			return OutputError{err}
		}
	} else if err := report(stdout); err != nil {
		return OutputError{err}
	}
	if o.Format == "text" || o.Format == "csv" {
		for _, s := range a.Attribution {
			fmt.Fprintln(stderr, s)
		}
	}
	return nil
}

// renderAside starts rendering report into memory on its own goroutine;
// the function returned waits for it and gives the bytes and the error.
func renderAside(report func(io.Writer) error) func() ([]byte, error) {
	var buf bytes.Buffer
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		err = report(&buf)
	}()
	return func() ([]byte, error) {
		<-done
		return buf.Bytes(), err
	}
}

// Check checks that every output file can be written (geodata.CheckOutput:
// not a folder, in a folder that exists and takes new files), without
// writing any: an output that cannot be written is an OutputError before
// the others are written. A postgresql:// output (the gap map, the
// stations report, suggest's sites) is checked as a URL, without
// connecting. Call it before a long run to fail early; Write calls it
// again.
func (o Output) Check() error {
	for i, p := range []string{o.StationsReport, o.Gaps, o.Report, o.HTML, o.SVG, o.Surface} {
		if p == "" {
			continue
		}
		if postgis.IsURL(p) {
			flag := []string{"--stations-report", "--gaps", "--output", "--html", "--svg", "--surface"}[i]
			if i > 2 || (i == 2 && !o.ReportTable) {
				return UsageError{fmt.Sprintf("%s %s: a database table takes --gaps, --stations-report and suggest's sites (-o), not this output", flag, postgis.Redact(p))}
			}
			if _, err := postgis.ParseOutput(p); err != nil {
				return UsageError{fmt.Sprintf("%s: %v", flag, err)}
			}
			continue
		}
		if err := geodata.CheckOutput(p); err != nil {
			return OutputError{err}
		}
	}
	return nil
}

// OutputSystem is the EPSG code of an output's coordinate system (4326
// when unset) and the conversion of WGS84 lon, lat into it (nil for
// WGS84).
func OutputSystem(c crs.CRS) (epsg int, to func(lon, lat float64) (x, y float64)) {
	if c.Name == "" || c.IsWGS84() {
		return 4326, nil
	}
	epsg, _ = strconv.Atoi(strings.TrimPrefix(c.Name, "EPSG:"))
	return epsg, c.FromWGS84
}

// CRSMember is the GeoJSON "crs" member naming an EPSG system, as GeoJSON
// before RFC 7946 (which allows only WGS84) did.
func CRSMember(epsg int) geodata.Prop {
	return geodata.Prop{Key: "crs", Value: json.RawMessage(fmt.Sprintf(
		`{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::%d"}}`, epsg))}
}

// districtsLayer is a GeoPackage's districts layer: the outlines and
// properties districts gives, the outlines converted by to (when not nil)
// and every feature carrying the notices of extra (but the crs member).
func districtsLayer(districts func() ([]orb.MultiPolygon, [][]geodata.Prop), extra []geodata.Prop, to func(lon, lat float64) (x, y float64)) gpkg.Layer {
	outlines, props := districts()
	l := gpkg.Layer{Name: "districts", Style: districtsStyle(), Geoms: make([]orb.Geometry, len(outlines)), Props: props}
	for i, mp := range outlines {
		if to != nil {
			for _, poly := range mp {
				for _, r := range poly {
					for k, p := range r {
						r[k][0], r[k][1] = to(p[0], p[1])
					}
				}
			}
		}
		l.Geoms[i] = mp
		for _, p := range extra {
			if p.Key != "crs" {
				props[i] = append(props[i], p)
			}
		}
	}
	return l
}

// districtFeatures are the districts layer of a GeoPackage gap map: every
// audited district, in report order, as its outline (a new copy in WGS84
// lon, lat, its geodesic edges drawn as coverage.GeodesicOutline draws
// them, every ring closed) with the figures of its entry in the JSON
// report, as that report writes them (areas to 0.01 m², so that
// covered_share, the covered share from 0 to 1, is exactly 1 -
// uncovered_m2 / area_m2 of the report's numbers; null for a district of
// no area): name, id, class, rule, threshold, unit, area_m2,
// uncovered_m2 with its bracket, covered_share, covered_pct,
// counted_uncovered_m2, gaps, stations_in_reach, pass (1 or 0),
// fail_reason, the farthest place (worst_cost, worst_distance_m,
// worst_lon, worst_lat, worst_station; null with no station), and, when
// the report has them, the population figures and no_access_m2.
func (a *Audit) districtFeatures() ([]orb.MultiPolygon, [][]geodata.Prop) {
	rep := a.Report()
	outlines := make([]orb.MultiPolygon, len(a.Results))
	props := make([][]geodata.Prop, len(a.Results))
	// num is a Fixed as the report writes it, read back (nil for null).
	num := func(f *geodata.Fixed) any {
		if f == nil {
			return nil
		}
		v, err := strconv.ParseFloat(f.String(), 64)
		if err != nil {
			return nil
		}
		return v
	}
	for i := range a.Results {
		d := &rep.Districts[i]
		outlines[i] = closedCopy(coverage.GeodesicOutline(a.Results[i].District.Geometry))
		area, unc := num(&d.AreaM2), num(&d.UncoveredM2)
		var share any
		if av, ok := area.(float64); ok && av > 0 {
			if uv, ok := unc.(float64); ok {
				share = 1 - uv/av
			}
		}
		p := []geodata.Prop{
			{Key: "name", Value: d.Name},
			{Key: "id", Value: d.ID},
			{Key: "class", Value: d.Class},
			{Key: "rule", Value: d.Rule.Kind},
			{Key: "threshold", Value: d.Rule.Threshold},
			{Key: "unit", Value: d.Rule.Unit},
			{Key: "area_m2", Value: area},
			{Key: "uncovered_m2", Value: unc},
			{Key: "uncovered_m2_lower", Value: num(&d.UncoveredLower)},
			{Key: "uncovered_m2_upper", Value: num(&d.UncoveredUpper)},
			{Key: "covered_share", Value: share},
			{Key: "covered_pct", Value: d.CoveredPct},
			{Key: "counted_uncovered_m2", Value: num(&d.CountedUncovered)},
			{Key: "gaps", Value: d.Gaps},
			{Key: "stations_in_reach", Value: d.StationsInReach},
			{Key: "pass", Value: d.Pass},
			{Key: "fail_reason", Value: d.FailReason},
			{Key: "worst_cost", Value: num(d.Worst.Cost)},
			{Key: "worst_distance_m", Value: num(d.Worst.DistanceM)},
			{Key: "worst_lon", Value: num(d.Worst.Lon)},
			{Key: "worst_lat", Value: num(d.Worst.Lat)},
		}
		if d.Worst.Station != nil {
			p = append(p, geodata.Prop{Key: "worst_station", Value: *d.Worst.Station})
		}
		if d.Population != nil {
			p = append(p, geodata.Prop{Key: "population", Value: num(d.Population)},
				geodata.Prop{Key: "population_uncovered", Value: num(d.PopulationUncovered)})
			if d.PopulationCoveredPct != nil {
				p = append(p, geodata.Prop{Key: "population_covered_pct", Value: *d.PopulationCoveredPct})
			}
		}
		if d.NoAccessM2 != nil {
			p = append(p, geodata.Prop{Key: "no_access_m2", Value: num(d.NoAccessM2)})
		}
		props[i] = p
	}
	return outlines, props
}

// closedCopy is a copy of mp with every ring closed (its first point
// repeated at its end when it is not there) and empty rings and polygons
// left out.
func closedCopy(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, poly := range mp {
		var np orb.Polygon
		for _, r := range poly {
			if len(r) == 0 {
				continue
			}
			nr := append(make(orb.Ring, 0, len(r)+1), r...)
			if nr[0] != nr[len(nr)-1] {
				nr = append(nr, nr[0])
			}
			np = append(np, nr)
		}
		if len(np) > 0 {
			out = append(out, np)
		}
	}
	return out
}

package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

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
	if err := a.emit(stdout, stderr, a.gapFeatures, a.WriteReport); err != nil {
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
	o := a.Config.Output
	if err := o.Check(); err != nil {
		return err
	}
	a.PrintWarnings(stderr)
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
				err = gpkg.WriteStyled(o.Gaps, "gaps", feats, epsg, gapsStyle())
			}
		} else {
			err = geodata.WriteFileAtomic(o.Gaps, func(w io.Writer) error { return geodata.WriteFeatures(w, styled(feats), extra) })
		}
		if err != nil {
			return OutputError{err}
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

package audit

import (
	"fmt"
	"io"

	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/report"
)

// reportData is the audit as the HTML and SVG reports draw it.
func (a *Audit) reportData() report.Data {
	d := report.Data{Title: "covaudit coverage audit", Attribution: a.Attribution}
	if a.Demo {
		d.Title = "covaudit coverage audit: Andorra demo"
	}
	s := a.summary()
	d.Summary = fmt.Sprintf("%d of %d districts pass; %.3f of %.3f km² uncovered (covered %.2f%%); %d stations.",
		s.Passing, s.Districts, s.UncoveredM2.V/1e6, s.AreaM2.V/1e6, s.CoveredPct, s.Stations)
	for i := range a.Results {
		r := &a.Results[i]
		rd := report.District{Name: r.District.Name, Class: r.District.Class, Rule: ruleText(r.District.Rule),
			AreaM2: r.AreaM2, UncoveredM2: r.UncoveredM2, CoveredPct: r.CoveredPct, Pass: r.Pass,
			FailReason: failReason(r), Population: r.Population, UncoveredPeople: r.UncoveredPopulation, Geometry: r.District.Geometry}
		if r.Travel != nil {
			rd.Travel = fmt.Sprintf("median %s, 95%% %s, max %s", fmtTime(r.Travel.MedianS), fmtTime(r.Travel.P95S), fmtTime(r.Travel.MaxS))
			for k, p := range r.Travel.Grid {
				d.Times = append(d.Times, report.TimeSample{Point: p, Seconds: r.Travel.TimesS[k], SpacingM: r.Travel.SpacingM})
			}
		}
		if r.Worst.Station >= 0 {
			st := a.Stations[r.Worst.Station]
			label := st.Name
			if label == "" {
				label = st.ID
			}
			cost := fmtKm(r.Worst.DistanceM)
			if r.District.Rule.Unit() == "s" {
				cost = fmtTime(r.WorstCost) + ", " + cost
			}
			rd.Worst = &report.Worst{Point: r.Worst.Point, Cost: cost, Station: label}
		}
		d.Districts = append(d.Districts, rd)
		for _, g := range r.Gaps {
			d.Gaps = append(d.Gaps, report.Gap{District: r.District.Name, AreaM2: g.AreaM2, Polygon: g.Polygon, Kind: g.Kind})
		}
	}
	for _, st := range a.Stations {
		d.Stations = append(d.Stations, report.Station{ID: st.ID, Name: st.Name, Point: st.Point})
	}
	d.Population = a.hasPopulation
	if a.population != nil {
		// Points are drawn up to maxDrawnPeople (a raster is not drawn);
		// the district figures count them all.
		if pts, counts := a.population.Points(); len(pts) <= maxDrawnPeople {
			for i, p := range pts {
				d.People = append(d.People, report.Person{Point: p, Count: counts[i]})
			}
		}
	}
	d.Sites = a.sites
	return d
}

// maxDrawnPeople is the most population points the maps draw.
const maxDrawnPeople = 50000

// writeVisuals writes the HTML and SVG reports asked for.
func (a *Audit) writeVisuals() error {
	o := a.Config.Output
	if o.HTML == "" && o.SVG == "" {
		return nil
	}
	d := a.reportData()
	ro := report.Options{Basemap: o.Basemap}
	if o.HTML != "" {
		if err := geodata.WriteFileAtomic(o.HTML, func(w io.Writer) error { return report.WriteHTML(w, d, ro) }); err != nil {
			return OutputError{err}
		}
	}
	if o.SVG != "" {
		if err := geodata.WriteFileAtomic(o.SVG, func(w io.Writer) error { return report.WriteSVG(w, d, ro) }); err != nil {
			return OutputError{err}
		}
	}
	return nil
}

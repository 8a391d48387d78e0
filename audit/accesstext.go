package audit

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/internal/table"
)

// accessTable is the per-district accessibility and capacitated coverage
// of a check run with --access or --capacitated, as the text, Markdown
// and CSV reports show it: a header of column names and a row of cells
// per district, in district order. Indices are capacity units per 10,000
// people; people are counts. The cells are rounded (indices to 4
// decimals, people to whole people, shares down to 0.01%) unless exact
// (CSV), which prints each number as the JSON report writes it. Both are nil without --access and
// --capacitated.
func (a *Audit) accessTable(exact bool) (head []string, rows [][]string) {
	if a.access == nil {
		return nil, nil
	}
	ac := a.Config.Access
	if ac.Method != "" {
		head = append(head, "access_"+ac.Method+"_mean_per_10k", "access_"+ac.Method+"_min_per_10k")
		if ac.HasMinAccess {
			head = append(head, "below_min_access_people", "below_min_access_pct")
		}
	}
	if ac.Capacitated {
		head = append(head, "capacitated_people", "served", "residual_within_reach", "out_of_reach", "served_pct")
	}
	fixed := func(f *geodata.Fixed, digits int) string {
		switch {
		case f == nil:
			return ""
		case exact:
			return f.String()
		}
		return strconv.FormatFloat(f.V, 'f', digits, 64)
	}
	pct := func(p float64) string {
		if exact {
			return strconv.FormatFloat(p, 'g', -1, 64)
		}
		return strconv.FormatFloat(floorPct(p), 'f', 2, 64)
	}
	for i := range a.Results {
		da, dc := a.districtAccess(i)
		var row []string
		if ac.Method != "" {
			if da == nil {
				row = append(row, "", "")
			} else {
				row = append(row, fixed(da.Mean, 4), fixed(da.Min, 4))
			}
			if ac.HasMinAccess {
				if da == nil || da.BelowPeople == nil {
					row = append(row, "", "")
				} else {
					row = append(row, fixed(da.BelowPeople, 0), pct(*da.BelowPct))
				}
			}
		}
		if ac.Capacitated {
			if dc == nil {
				row = append(row, "", "", "", "", "")
			} else {
				row = append(row, fixed(&dc.People, 0), fixed(&dc.Served, 0), fixed(&dc.OverCapacity, 0),
					fixed(&dc.OutOfReach, 0), pct(dc.ServedPct))
			}
		}
		rows = append(rows, row)
	}
	return head, rows
}

// accessTitle names the per-district access table in the text and
// Markdown reports.
func (a *Audit) accessTitle() string {
	ac := a.Config.Access
	var s string
	if ac.Method != "" {
		s = fmt.Sprintf("Accessibility (%s, capacity units per 10,000 people", ac.Method)
		if ac.HasMinAccess {
			s += fmt.Sprintf("; below means under --min-access %g", ac.MinAccess)
		}
		s += ")"
	}
	if ac.Capacitated {
		if s != "" {
			s += " and c"
		} else {
			s = "C"
		}
		s += fmt.Sprintf("apacitated coverage (%g people per unit of capacity)", ac.PeoplePerUnit)
	}
	return s
}

// accessHeads are accessTable's column names as the text and Markdown
// tables print them.
var accessHeads = map[string]string{
	"access_2sfca_mean_per_10k": "2SFCA MEAN", "access_2sfca_min_per_10k": "2SFCA MIN",
	"access_e2sfca_mean_per_10k": "E2SFCA MEAN", "access_e2sfca_min_per_10k": "E2SFCA MIN",
	"below_min_access_people": "PEOPLE BELOW", "below_min_access_pct": "BELOW %",
	"capacitated_people": "PEOPLE", "served": "SERVED", "residual_within_reach": "OVER CAPACITY",
	"out_of_reach": "OUT OF REACH", "served_pct": "SERVED %",
}

// writeAccessText writes accessTable as a text table (Markdown false) or
// a Markdown one, titled; nothing without --access and --capacitated.
func (a *Audit) writeAccessText(w io.Writer, markdown bool) error {
	head, rows := a.accessTable(false)
	if head == nil {
		return nil
	}
	names := make([]string, len(head))
	for k, h := range head {
		names[k] = accessHeads[h]
	}
	if markdown {
		fmt.Fprintf(w, "\n%s:\n\n| District | %s |\n|---|%s\n", a.accessTitle(), strings.Join(names, " | "), strings.Repeat("--:|", len(names)))
		for i, row := range rows {
			fmt.Fprintf(w, "| %s | %s |\n", mdEscape(a.Results[i].District.Name), strings.Join(row, " | "))
		}
		return nil
	}
	fmt.Fprintf(w, "\n%s:\n", a.accessTitle())
	tw := table.NewWriter(w)
	fmt.Fprintf(tw, "DISTRICT\t%s\n", strings.Join(names, "\t"))
	for i, row := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", a.Results[i].District.Name, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

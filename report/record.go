package report

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// RunRecord says what produced a report, so that a reader can repeat the
// run or question it: the inputs with their sizes and SHA-256, every
// parameter, each class's rule, the version, the date (when recorded),
// the warnings, the records skipped and why districts are missing.
type RunRecord struct {
	Tool, Version, Command string
	// Date is when the run is dated, as the caller states it ("" when no
	// date is recorded: reports stay byte-reproducible).
	Date       string
	Inputs     []Input
	Classes    []ClassRule
	Parameters []Parameter
	// Warnings are the problems that did not stop the audit; Skipped the
	// invalid records left out (with the file, the record and why).
	Warnings, Skipped []string
	// Districts says how many districts the districts file held and how
	// many were audited; Missing names each one left out and why.
	Districts string
	Missing   []string
}

// Input is one input file: its role (districts, stations, roads,
// population, candidates), name as given, size in bytes and SHA-256 (hex).
type Input struct {
	Role, Name string
	Bytes      int64
	SHA256     string
}

// Parameter is a setting of the run, as text.
type Parameter struct{ Name, Value string }

// ClassRule is a district class: the class values that select it and its
// rule, for people ("30 min by car") and in full ("road-time: 1800 s,
// car, to-station").
type ClassRule struct {
	Name   string
	Values []string
	Rule   string
	Detail string
}

// SiteGain is what a proposed site adds (covaudit suggest): land (m²) and
// people it covers beyond the sites before it, and the uncovered land and
// people left once it is added.
type SiteGain struct {
	GainM2, GainPeople                     float64
	UncoveredAfterM2, UncoveredPeopleAfter float64
}

func esc(s string) string { return html.EscapeString(s) }

// runRecordHTML renders the run record as static HTML (it reads and prints
// without the page's script).
func runRecordHTML(r *RunRecord) string {
	if r == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<section id="run-record"><h2>Run record</h2>` + "\n<dl>")
	item := func(k, v string) { fmt.Fprintf(&b, "<dt>%s</dt><dd>%s</dd>", esc(k), v) }
	item("tool", esc(strings.TrimSpace(r.Tool+" "+r.Version)))
	item("command", esc(r.Command))
	if r.Date != "" {
		item("date", `<span id="run-date">`+esc(r.Date)+`</span>`)
	} else {
		item("date", `<span id="run-date" class="muted">not recorded (set SOURCE_DATE_EPOCH to date the report)</span>`)
	}
	b.WriteString("</dl>\n<h3>Inputs</h3>\n")
	if len(r.Inputs) == 0 {
		b.WriteString("<p>none</p>\n")
	} else {
		b.WriteString(`<table id="run-inputs"><thead><tr><th>role</th><th>file</th><th class="num">bytes</th><th>SHA-256</th></tr></thead><tbody>` + "\n")
		for _, in := range r.Inputs {
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="wrap">%s</td><td class="num">%s</td><td><code class="sha">%s</code></td></tr>`+"\n",
				esc(in.Role), esc(in.Name), thousands(in.Bytes), esc(in.SHA256))
		}
		b.WriteString("</tbody></table>\n")
	}
	if len(r.Classes) > 0 {
		b.WriteString(`<h3>Classes and rules</h3>` + "\n" + `<table id="run-classes"><thead><tr><th>class</th><th>class values</th><th>rule</th><th>in full</th></tr></thead><tbody>` + "\n")
		for _, c := range r.Classes {
			vals := strings.Join(c.Values, ", ")
			if vals == "" {
				vals = "(the default class)"
			}
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="wrap">%s</td><td class="wrap">%s</td><td class="wrap">%s</td></tr>`+"\n", esc(c.Name), esc(vals), esc(c.Rule), esc(c.Detail))
		}
		b.WriteString("</tbody></table>\n")
	}
	if len(r.Parameters) > 0 {
		b.WriteString(`<h3>Parameters</h3>` + "\n" + `<table id="run-params"><tbody>` + "\n")
		for _, p := range r.Parameters {
			fmt.Fprintf(&b, `<tr><td>%s</td><td class="wrap">%s</td></tr>`+"\n", esc(p.Name), esc(p.Value))
		}
		b.WriteString("</tbody></table>\n")
	}
	b.WriteString(`<h3>Districts not audited</h3>` + "\n")
	if r.Districts != "" {
		fmt.Fprintf(&b, `<p id="run-districts">%s</p>`+"\n", esc(r.Districts))
	}
	list := func(id string, items []string, none string) {
		if len(items) == 0 && none == "" {
			fmt.Fprintf(&b, `<ul id="%s"></ul>`+"\n", id)
			return
		}
		if len(items) == 0 {
			fmt.Fprintf(&b, `<p id="%s" class="muted">%s</p>`+"\n", id, esc(none))
			return
		}
		fmt.Fprintf(&b, `<ul id="%s">`, id)
		for _, s := range items {
			fmt.Fprintf(&b, "<li>%s</li>", esc(s))
		}
		b.WriteString("</ul>\n")
	}
	list("run-missing", r.Missing, "")
	b.WriteString("<h3>Warnings</h3>\n")
	list("run-warnings", r.Warnings, "none")
	b.WriteString("<h3>Skipped records</h3>\n")
	list("run-skipped", r.Skipped, "none")
	b.WriteString("</section>\n")
	return b.String()
}

// sitesHTML renders the table of proposed sites (covaudit suggest).
func sitesHTML(d *Data) string {
	if !d.Suggest {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<section id="sites-section"><h2>Proposed sites</h2>` + "\n")
	if len(d.Sites) == 0 {
		b.WriteString(`<p id="sites-none">No site proposed.</p></section>` + "\n")
		return b.String()
	}
	b.WriteString(`<table id="sites"><thead><tr><th class="num">rank</th><th>site</th><th class="num">lat</th><th class="num">lon</th><th class="num">land gained ha</th>`)
	if d.Population {
		b.WriteString(`<th class="num">people gained</th>`)
	}
	b.WriteString(`<th class="num">uncovered after km²</th></tr></thead><tbody>` + "\n")
	for _, s := range d.Sites {
		fmt.Fprintf(&b, `<tr class="site" data-lat="%.7f" data-lon="%.7f"><td class="num">%d</td><td>%s</td><td class="num">%.5f</td><td class="num">%.5f</td><td class="num">%.2f</td>`,
			s.Point[1], s.Point[0], s.Rank, esc(s.label()), s.Point[1], s.Point[0], s.Gain.GainM2/1e4)
		if d.Population {
			fmt.Fprintf(&b, `<td class="num">%s</td>`, thousands(int64(s.Gain.GainPeople+0.5)))
		}
		fmt.Fprintf(&b, `<td class="num">%.3f</td></tr>`+"\n", s.Gain.UncoveredAfterM2/1e6)
	}
	b.WriteString("</tbody></table></section>\n")
	return b.String()
}

// thousands writes n with comma separators (1,234,567).
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

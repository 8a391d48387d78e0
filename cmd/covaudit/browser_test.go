package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/covaudit/covaudit/report"
	"github.com/paulmach/orb"
)

// browser finds a Chromium or Chrome to test the HTML report in.
func browser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// needBrowser skips the test when no browser is installed.
func needBrowser(t *testing.T) string {
	t.Helper()
	exe := browser()
	if exe == "" {
		t.Skip("no Chromium or Chrome on this machine: install Debian's chromium (.ci/run does) to run the browser test")
	}
	return exe
}

// eval runs a script in the page and returns its value, failing the test
// when it cannot.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// saveShot writes a screenshot in $COVAUDIT_ARTEFACTS (else dir) and, with
// -update, as docs/NAME for the manual.
func saveShot(t *testing.T, dir, name string, shot []byte) {
	t.Helper()
	out := os.Getenv("COVAUDIT_ARTEFACTS")
	if out == "" {
		out = dir
	}
	os.MkdirAll(out, 0o755)
	p := filepath.Join(out, name)
	if err := os.WriteFile(p, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
	if *update {
		if err := os.WriteFile(filepath.Join("../../docs", name), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// reportMeta is the part of check's JSON report the run record shows.
type reportMeta struct {
	Meta struct {
		Inputs []struct {
			Role   string `json:"role"`
			Name   string `json:"name"`
			SHA256 string `json:"sha256"`
			Bytes  int64  `json:"bytes"`
		} `json:"inputs"`
		Parameters struct {
			Classes []struct {
				Name string `json:"name"`
			} `json:"classes"`
		} `json:"parameters"`
	} `json:"meta"`
	Warnings  []string `json:"warnings"`
	Districts []struct {
		Name       string  `json:"name"`
		CoveredPct float64 `json:"covered_pct"`
	} `json:"districts"`
	Summary struct {
		SkippedDistricts int `json:"skipped_districts"`
	} `json:"summary"`
}

func reportJSON(t *testing.T, args ...string) reportMeta {
	t.Helper()
	_, out, errOut := runCLI(t, "", append([]string{"check", "--format", "json"}, args...)...)
	var r reportMeta
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("check --format json %v: %v: %s", args, err, errOut)
	}
	return r
}

// checkRunRecord: the page's run record lists the inputs as the JSON
// report gives them (role, name, bytes, SHA-256), one row per class, and
// no date unless SOURCE_DATE_EPOCH gives one.
func checkRunRecord(t *testing.T, ctx context.Context, rep reportMeta) {
	t.Helper()
	rows := eval[[][]string](t, ctx, `Array.from(document.querySelectorAll("#run-inputs tbody tr")).map(function (tr) {
		return Array.from(tr.cells).map(function (c) { return c.textContent; }); })`)
	if len(rows) != len(rep.Meta.Inputs) || len(rows) == 0 {
		t.Fatalf("run record: %d input rows, the JSON report has %d inputs", len(rows), len(rep.Meta.Inputs))
	}
	for i, in := range rep.Meta.Inputs {
		want := []string{in.Role, in.Name, strconv.FormatInt(in.Bytes, 10), in.SHA256}
		got := rows[i]
		got[2] = strings.ReplaceAll(got[2], ",", "")
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("run record input %d = %q, want %q (the JSON report's)", i, got, want)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#run-classes tbody tr").length`); n != len(rep.Meta.Parameters.Classes) {
		t.Errorf("run record: %d class rows, the JSON report has %d classes", n, len(rep.Meta.Parameters.Classes))
	}
	for _, id := range []string{"run-params", "run-warnings", "run-skipped", "run-missing", "run-date"} {
		if !eval[bool](t, ctx, `!!document.getElementById("`+id+`")`) {
			t.Errorf("run record: no #%s", id)
		}
	}
	if date := eval[string](t, ctx, `document.getElementById("run-date").textContent`); os.Getenv("SOURCE_DATE_EPOCH") == "" && !strings.HasPrefix(date, "not recorded") {
		t.Errorf("run record date %q without SOURCE_DATE_EPOCH", date)
	}
}

// checkMap: every district has its name on the map, a metric scale bar,
// a legend whose gap colour stands apart from the 0% fill (and is the
// colour gaps are drawn in), and the travel-time layer off until asked.
func checkMap(t *testing.T, ctx context.Context, names []string, withTimes bool) {
	t.Helper()
	labels := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".cov-label")).map(function (e) { return e.textContent; })`)
	got := map[string]int{}
	for _, l := range labels {
		got[l]++
	}
	for _, n := range names {
		if got[n] == 0 {
			t.Errorf("no label on the map for district %q", n)
		}
	}
	if len(labels) != len(names) {
		t.Errorf("%d labels on the map for %d districts", len(labels), len(names))
	}
	// Names show where they fit: at the first view, or two zoom levels
	// closer (a few hundred districts).
	shown := `document.querySelectorAll(".cov-label:not(.off)").length`
	if eval[int](t, ctx, shown) == 0 {
		eval[bool](t, ctx, `(window.covauditMap.setZoom(window.covauditMap.getZoom() + 2, { animate: false }), true)`)
		if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if n := eval[int](t, ctx, shown); n == 0 {
			t.Errorf("no district name is shown, even two zoom levels in")
		}
		eval[bool](t, ctx, `(window.covauditMap.setZoom(window.covauditMap.getZoom() - 2, { animate: false }), true)`)
	}
	scale := eval[string](t, ctx, `(document.querySelector(".leaflet-control-scale-line") || {}).textContent || ""`)
	if f := strings.Fields(scale); len(f) != 2 || (f[1] != "m" && f[1] != "km") {
		t.Errorf("scale bar reads %q, want a metric length", scale)
	}
	colours := eval[map[string]string](t, ctx, `(function () {
		var s = function (q) { var e = document.querySelector(q); return e ? getComputedStyle(e).backgroundColor : ""; };
		var g = document.querySelector("path.cov-gap:not(.cov-no-access)");
		return { gap: s(".legend i.gap"), zero: s(".legend i.share-0"), hundred: s(".legend i.share-100"), drawn: g ? g.getAttribute("fill") : "" };
	})()`)
	gap, zero := parseColour(t, colours["gap"]), parseColour(t, colours["zero"])
	if d := colourDistance(gap, zero); d < 150 {
		t.Errorf("legend: gap colour %s and 0%% fill %s are %.0f apart (RGB), want >= 150", colours["gap"], colours["zero"], d)
	}
	if colours["drawn"] != "" && colourDistance(parseColour(t, colours["drawn"]), gap) > 1 {
		t.Errorf("gaps are drawn %s, the legend says %s", colours["drawn"], colours["gap"])
	}
	timesOn := `window.covauditMap.hasLayer(window.covauditLayers.times)`
	timesDrawn := `document.querySelectorAll(".leaflet-times-pane canvas").length`
	if eval[bool](t, ctx, timesOn) || eval[int](t, ctx, timesDrawn) != 0 {
		t.Errorf("the travel-time layer is on at first")
	}
	if !withTimes {
		return
	}
	toggle := `(function () {
		var box = null;
		document.querySelectorAll(".leaflet-control-layers-overlays label").forEach(function (l) {
			if (l.textContent.indexOf("travel time") >= 0) box = l.querySelector("input");
		});
		if (!box) return false;
		box.click();
		return true;
	})()`
	if !eval[bool](t, ctx, toggle) {
		t.Fatalf("no travel-time entry in the layers control")
	}
	legend := eval[string](t, ctx, `document.querySelector(".legend").textContent`)
	if !eval[bool](t, ctx, timesOn) || eval[int](t, ctx, timesDrawn) == 0 || !strings.Contains(legend, "travel time") {
		t.Errorf("after ticking travel time: layer on %v, canvases %d, legend %q", eval[bool](t, ctx, timesOn), eval[int](t, ctx, timesDrawn), legend)
	}
	eval[bool](t, ctx, toggle)
	if eval[bool](t, ctx, timesOn) || strings.Contains(eval[string](t, ctx, `document.querySelector(".legend").textContent`), "travel time") {
		t.Errorf("after unticking travel time the layer is still shown")
	}
}

func parseColour(t *testing.T, s string) [3]float64 {
	t.Helper()
	var c [3]float64
	if strings.HasPrefix(s, "#") && len(s) == 7 {
		for i := range 3 {
			v, err := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
			if err != nil {
				t.Fatalf("colour %q: %v", s, err)
			}
			c[i] = float64(v)
		}
		return c
	}
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "rgba("), "rgb("), ")")
	f := strings.Split(s, ",")
	if len(f) < 3 {
		t.Fatalf("colour %q is not rgb(...)", s)
	}
	for i := range 3 {
		v, err := strconv.ParseFloat(strings.TrimSpace(f[i]), 64)
		if err != nil {
			t.Fatalf("colour %q: %v", s, err)
		}
		c[i] = v
	}
	return c
}

func colourDistance(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

// checkTableFits: in the current window the district table fits its panel
// (nothing to scroll sideways) and the result column lies inside the
// window.
func checkTableFits(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	m := eval[map[string]float64](t, ctx, `(function () {
		var side = document.getElementById("side"), th = document.querySelector("#districts th[data-key=pass]");
		return { width: window.innerWidth, result: th.getBoundingClientRect().right, table: document.getElementById("districts").getBoundingClientRect().right,
			scroll: side.scrollWidth, client: side.clientWidth };
	})()`)
	if m["result"] > m["width"] || m["table"] > m["width"] || m["scroll"] > m["client"]+1 {
		t.Errorf("%s: window %.0f px: result column ends at %.0f px, table at %.0f px, panel scrolls %.0f of %.0f px",
			what, m["width"], m["result"], m["table"], m["scroll"], m["client"])
	}
}

// checkPrint: the page has a print stylesheet; printed, the map's
// controls are hidden, the legend and scale stay, and the table fits a
// portrait A4 page inside its margins (186 mm, 703 px); the page prints
// to a PDF.
func checkPrint(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	if !eval[bool](t, ctx, `Array.from(document.styleSheets).some(function (s) {
		return Array.from(s.cssRules).some(function (r) { return r.media && r.media.mediaText === "print"; }); })`) {
		t.Fatalf("no @media print stylesheet")
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 703, Height: 1000, DeviceScaleFactor: 1})
		return err
	}), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	st := eval[map[string]string](t, ctx, `(function () {
		var d = function (q) { var e = document.querySelector(q); return e ? getComputedStyle(e).display : "missing"; };
		return { zoom: d(".leaflet-control-zoom"), layers: d(".leaflet-control-layers"), legend: d(".legend"), scale: d(".leaflet-control-scale"),
			overflow: getComputedStyle(document.getElementById("side")).overflowX };
	})()`)
	if st["zoom"] != "none" || st["layers"] != "none" || st["legend"] == "none" || st["scale"] == "none" || st["overflow"] != "visible" {
		t.Errorf("printed: zoom control %s, layers control %s, legend %s, scale %s, side panel overflow %s; want the controls hidden, legend and scale shown, nothing cut off",
			st["zoom"], st["layers"], st["legend"], st["scale"], st["overflow"])
	}
	m := eval[map[string]float64](t, ctx, `(function () {
		var tb = document.getElementById("districts").getBoundingClientRect(), mp = document.getElementById("map").getBoundingClientRect();
		return { table: tb.right, map: mp.right, width: document.documentElement.clientWidth, scroll: document.documentElement.scrollWidth };
	})()`)
	if m["table"] > m["width"]+1 || m["map"] > m["width"]+1 || m["scroll"] > m["width"]+1 {
		t.Errorf("printed on A4 (703 px): table ends at %.0f px, map at %.0f px, page %.0f px wide", m["table"], m["map"], m["scroll"])
	}
	pdf, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69})
		return r.Data, err
	})
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("printing to PDF: %v (%d bytes)", err, len(pdf))
	} else if out := os.Getenv("COVAUDIT_ARTEFACTS"); out != "" {
		os.WriteFile(filepath.Join(out, name), pdf, 0o644)
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		return err
	})); err != nil {
		t.Fatal(err)
	}
}

// TestHTMLReportInBrowser opens the demo's HTML report in headless
// Chromium in a 1,280 x 800 window: the map draws every district, gap,
// station, farthest place and name, with a scale bar and a legend, the
// travel-time layer off until ticked; the table fits with its result
// column, sorts, and a row click zooms to its district; the run record
// agrees with the JSON report; printing hides the controls; the page
// makes no request beyond its own file. It saves a screenshot (in
// $COVAUDIT_ARTEFACTS when set, else in the test's temporary directory;
// with -update also as docs/report.png for the manual).
func TestHTMLReportInBrowser(t *testing.T) {
	exe := needBrowser(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if code, _, errOut := runCLI(t, "", "check", "--html", page); code != 1 {
		t.Fatalf("check --html: exit %d: %s", code, errOut)
	}
	rep := reportJSON(t)
	wantGaps, wantTimes := 0, 0
	for _, d := range checkFigures(t).Districts {
		wantGaps += d.Gaps
		if d.Travel != nil {
			wantTimes += d.Travel.Samples
		}
	}
	var names []string
	for _, d := range rep.Districts {
		names = append(names, d.Name)
	}
	ctx, requests := openPageWatched(t, exe, page, 1280, 800)
	ready := eval[bool](t, ctx, `window.covauditReady === true`)
	drawn := eval[map[string]int](t, ctx, `window.covauditDrawn`)
	districtPaths := eval[int](t, ctx, `document.querySelectorAll("path.cov-district").length`)
	gapPaths := eval[int](t, ctx, `document.querySelectorAll("path.cov-gap").length`)
	stationMarks := eval[int](t, ctx, `document.querySelectorAll("path.cov-station").length`)
	rows := eval[int](t, ctx, `document.querySelectorAll("#districts tbody tr").length`)
	if !ready || drawn["districts"] != 7 || drawn["gaps"] != wantGaps || drawn["stations"] != 65 || drawn["worst"] != 7 || drawn["times"] != wantTimes || wantTimes == 0 {
		t.Errorf("drawn %v (ready %v), want 7 districts, %d gaps, 65 stations, 7 farthest places, %d travel-time squares", drawn, ready, wantGaps, wantTimes)
	}
	if districtPaths != 7 || gapPaths != wantGaps || stationMarks != 65 || rows != 7 {
		t.Errorf("on the page: %d district paths, %d gap paths, %d station markers, %d table rows", districtPaths, gapPaths, stationMarks, rows)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	checkTableFits(t, ctx, "demo report")
	checkMap(t, ctx, names, true)
	checkRunRecord(t, ctx, rep)

	// Sorting by covered share, then back the other way.
	covered := `Array.from(document.querySelectorAll("#districts tbody tr")).map(function (tr) { return Number(tr.cells[2].textContent); })`
	if err := chromedp.Do(ctx, chromedp.Click(`#districts th[data-key="covered_pct"]`)); err != nil {
		t.Fatal(err)
	}
	up := eval[[]float64](t, ctx, covered)
	if err := chromedp.Do(ctx, chromedp.Click(`#districts th[data-key="covered_pct"]`)); err != nil {
		t.Fatal(err)
	}
	down := eval[[]float64](t, ctx, covered)
	for i := 1; i < len(up); i++ {
		if up[i] < up[i-1] || down[i] > down[i-1] {
			t.Errorf("sorted by covered share: %v, then %v", up, down)
			break
		}
	}
	if len(up) != 7 {
		t.Errorf("sorted table has %d rows", len(up))
	}

	zoomBefore := eval[float64](t, ctx, `window.covauditMap.getZoom()`)
	row := eval[int](t, ctx, `(function () {
		var r = -1;
		document.querySelectorAll("#districts tbody tr").forEach(function (tr, k) { if (tr.cells[0].textContent === "Andorra la Vella") r = k; });
		return r;
	})()`)
	if err := chromedp.Do(ctx, chromedp.Click(fmt.Sprintf(`#districts tbody tr:nth-child(%d)`, row+1)), chromedp.Sleep(800*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	zoomAfter := eval[float64](t, ctx, `window.covauditMap.getZoom()`)
	centreInside := eval[bool](t, ctx, `(function () {
		var d = JSON.parse(document.getElementById("covaudit-data").textContent).districts[1];
		return L.geoJSON(d.geometry).getBounds().contains(window.covauditMap.getCenter());
	})()`)
	if !(zoomAfter > zoomBefore) || !centreInside {
		t.Errorf("clicking Andorra la Vella's row: zoom %.2f -> %.2f, map centre inside it %v", zoomBefore, zoomAfter, centreInside)
	}
	checkPrint(t, ctx, dir, "report.pdf")
	for _, u := range requests() {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s", u)
		}
	}
	saveShot(t, dir, "report.png", shot)
}

// TestHTMLReportReproducible: the HTML report holds no date unless
// SOURCE_DATE_EPOCH gives one, and then that date; two runs write the same
// bytes; a malformed SOURCE_DATE_EPOCH is a usage error.
func TestHTMLReportReproducible(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if code, _, errOut := runCLI(t, "", "check", "--class", "urban:values=urban|rural,rule=radius,radius=2km", "--html", p); code != 1 {
			t.Fatalf("check --html: exit %d: %s", code, errOut)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "")
	a, b := write("a.html"), write("b.html")
	if a != b {
		t.Errorf("two runs wrote different HTML")
	}
	if !strings.Contains(a, "not recorded") {
		t.Errorf("without SOURCE_DATE_EPOCH the run record does not say the date is not recorded")
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1764633600")
	if c := write("c.html"); !strings.Contains(c, "2025-12-02 00:00:00 UTC") {
		t.Errorf("SOURCE_DATE_EPOCH=1764633600: the run record has no date 2025-12-02 00:00:00 UTC")
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	if code, _, errOut := runCLI(t, "", "check", "--html", filepath.Join(dir, "d.html")); code != 2 || !strings.Contains(errOut, "SOURCE_DATE_EPOCH") {
		t.Errorf("SOURCE_DATE_EPOCH=yesterday: exit %d, %q; want 2 naming it", code, errOut)
	}
}

// TestHTMLReportLargeInBrowser: the paths for large audits (canvas above
// 500 districts, clustered stations above 2,000) draw everything too, and
// every district gets its label.
func TestHTMLReportLargeInBrowser(t *testing.T) {
	exe := needBrowser(t)
	var d report.Data
	d.Title = "large"
	for i := range 30 {
		for j := range 20 {
			x, y := 10+float64(i)*0.01, 45+float64(j)*0.01
			d.Districts = append(d.Districts, report.District{Name: fmt.Sprintf("D%d-%d", i, j), Class: "urban", Rule: "2 km",
				CoveredPct: float64((i * j) % 101), Geometry: orb.MultiPolygon{{{{x, y}, {x + 0.01, y}, {x + 0.01, y + 0.01}, {x, y + 0.01}, {x, y}}}},
				Worst: &report.Worst{Point: orb.Point{x + 0.005, y + 0.005}, Cost: "1 km", Station: "s"}})
		}
	}
	for k := range 5000 {
		d.Stations = append(d.Stations, report.Station{ID: fmt.Sprint(k), Point: orb.Point{10 + float64(k%100)*0.003, 45 + float64(k/100)*0.004}})
	}
	page := filepath.Join(t.TempDir(), "large.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := report.WriteHTML(f, d, report.Options{}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ctx := openPage(t, exe, page)
	drawn := eval[map[string]int](t, ctx, `window.covauditReady && window.covauditDrawn`)
	if drawn["districts"] != 600 || drawn["stations"] != 5000 || drawn["worst"] != 600 || drawn["labels"] != 600 {
		t.Errorf("drawn %v, want 600 districts, 5000 stations, 600 farthest places, 600 labels", drawn)
	}
}

// district300 writes a 20 x 15 grid of irregular districts (shared,
// jittered edges), urban in the middle and rural around, with 70 stations
// and one district of an unknown class (skipped with --skip-invalid), as
// a city's wards might be.
func district300(t *testing.T, dir string) (districts, stations string) {
	t.Helper()
	rng := rand.New(rand.NewSource(13))
	const nx, ny, x0, y0, dx, dy = 20, 15, 2.0, 45.0, 0.02, 0.015
	var vert [nx + 1][ny + 1]orb.Point
	for i := range nx + 1 {
		for j := range ny + 1 {
			jx, jy := 0.0, 0.0
			if i > 0 && i < nx {
				jx = (rng.Float64() - 0.5) * dx * 0.35
			}
			if j > 0 && j < ny {
				jy = (rng.Float64() - 0.5) * dy * 0.35
			}
			vert[i][j] = orb.Point{x0 + float64(i)*dx + jx, y0 + float64(j)*dy + jy}
		}
	}
	// Midpoints of edges, bent, shared by both neighbours.
	mid := map[[4]int]orb.Point{}
	bend := func(a, b [2]int) orb.Point {
		k := [4]int{a[0], a[1], b[0], b[1]}
		if a[0] > b[0] || (a[0] == b[0] && a[1] > b[1]) {
			k = [4]int{b[0], b[1], a[0], a[1]}
		}
		if p, ok := mid[k]; ok {
			return p
		}
		p, q := vert[a[0]][a[1]], vert[b[0]][b[1]]
		m := orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}
		border := (k[0] == k[2] && (k[0] == 0 || k[0] == nx)) || (k[1] == k[3] && (k[1] == 0 || k[1] == ny))
		if !border {
			s := (rng.Float64() - 0.5) * 0.25
			m[0] += -(q[1] - p[1]) * s
			m[1] += (q[0] - p[0]) * s
		}
		mid[k] = m
		return m
	}
	stems := []string{"Ashby", "Brook", "Carden", "Dale", "Elm", "Fairfield", "Glen", "Hartley", "Ivy", "Juniper", "Kings", "Lark", "Mill", "Northgate", "Oakham", "Pell", "Quarry", "Rowan", "Saltmarsh", "Thorn"}
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	n := 0
	for i := range nx {
		for j := range ny {
			c := [][2]int{{i, j}, {i + 1, j}, {i + 1, j + 1}, {i, j + 1}}
			var ring []string
			for k := range 4 {
				p, m := vert[c[k][0]][c[k][1]], bend(c[k], c[(k+1)%4])
				ring = append(ring, fmt.Sprintf("[%.7f,%.7f]", p[0], p[1]), fmt.Sprintf("[%.7f,%.7f]", m[0], m[1]))
			}
			ring = append(ring, ring[0])
			class := "rural"
			if math.Abs(float64(i)-9.5) < 6 && math.Abs(float64(j)-7) < 4.5 {
				class = "urban"
			}
			if n > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "\n"+`{"type":"Feature","properties":{"name":"%s %s","class":"%s"},"geometry":{"type":"Polygon","coordinates":[[%s]]}}`,
				stems[i], strconv.Itoa(j+1), class, strings.Join(ring, ","))
			n++
		}
	}
	fmt.Fprintf(&b, ",\n"+`{"type":"Feature","properties":{"name":"Harbour","class":"port"},"geometry":{"type":"Polygon","coordinates":[[[1.95,45.0],[1.99,45.0],[1.99,45.03],[1.95,45.0]]]}}`)
	b.WriteString("\n]}\n")
	districts = filepath.Join(dir, "wards.geojson")
	os.WriteFile(districts, []byte(b.String()), 0o644)
	var s strings.Builder
	s.WriteString("id,name,lon,lat\n")
	for k := range 70 {
		fmt.Fprintf(&s, "s%d,Station %d,%.6f,%.6f\n", k+1, k+1, x0+rng.Float64()*nx*dx, y0+rng.Float64()*ny*dy)
	}
	stations = filepath.Join(dir, "stations.csv")
	os.WriteFile(stations, []byte(s.String()), 0o644)
	return districts, stations
}

// TestHTMLReport300InBrowser: a report of 300 districts (one more skipped
// as invalid) in a 1,280 x 800 window: every district drawn and labelled,
// the names that fit shown, the table fitting with its result column, the
// run record naming the district left out and why. It saves
// docs/report-300.png with -update.
func TestHTMLReport300InBrowser(t *testing.T) {
	exe := needBrowser(t)
	dir := t.TempDir()
	dp, sp := district300(t, dir)
	page := filepath.Join(dir, "wards.html")
	args := []string{"--districts", dp, "--stations", sp, "--skip-invalid", "--urban-radius", "1.2km", "--rural-time", "5m"}
	if code, _, errOut := runCLI(t, "", append([]string{"check", "--html", page}, args...)...); code != 1 {
		t.Fatalf("check --html: exit %d: %s", code, errOut)
	}
	rep := reportJSON(t, args...)
	if len(rep.Districts) != 300 || rep.Summary.SkippedDistricts != 1 {
		t.Fatalf("%d districts audited, %d skipped; want 300 and 1", len(rep.Districts), rep.Summary.SkippedDistricts)
	}
	var names []string
	for _, d := range rep.Districts {
		names = append(names, d.Name)
	}
	ctx, _ := openPageWatched(t, exe, page, 1280, 800)
	drawn := eval[map[string]int](t, ctx, `window.covauditReady && window.covauditDrawn`)
	if drawn["districts"] != 300 || drawn["labels"] != 300 || drawn["stations"] != 70 {
		t.Errorf("drawn %v, want 300 districts, 300 labels, 70 stations", drawn)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	checkMap(t, ctx, names, false)
	checkTableFits(t, ctx, "300 districts")
	checkRunRecord(t, ctx, rep)
	missing := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#run-missing li")).map(function (li) { return li.textContent; })`)
	if len(missing) != 1 || !strings.Contains(missing[0], "feature 300") || !strings.Contains(missing[0], "port") {
		t.Errorf("districts not audited: %q, want feature 300 (class port) and why", missing)
	}
	if note := eval[string](t, ctx, `document.getElementById("run-districts").textContent`); !strings.HasPrefix(note, "300 of 301 district(s)") {
		t.Errorf("run record says %q, want 300 of 301 districts audited", note)
	}
	saveShot(t, dir, "report-300.png", shot)
}

// openPageWatched opens an HTML report in headless Chromium in a window
// of w x h, waits for its district table and records every request the
// page makes; the browser closes when the test ends.
func openPageWatched(t *testing.T, exe, page string, w, h int) (context.Context, func() []string) {
	t.Helper()
	actx, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(w, h))...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	var mu sync.Mutex
	var requests []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page), chromedp.WaitVisible("#districts tbody tr")); err != nil {
		t.Fatal(err)
	}
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string{}, requests...)
	}
}

// openPage opens an HTML report in headless Chromium and waits for its
// district table; the browser closes when the test ends.
func openPage(t *testing.T, exe, page string) context.Context {
	t.Helper()
	ctx, _ := openPageWatched(t, exe, page, 1200, 800)
	return ctx
}

// TestHTMLSuggestInBrowser: suggest --html with population points is
// titled as suggested sites, draws every village and both proposed sites,
// lists the sites in a table that agrees with suggest --format json, and
// the district table gains the people columns, with each district's people
// as check counts them. It saves docs/report-suggest.png with -update.
func TestHTMLSuggestInBrowser(t *testing.T) {
	exe := needBrowser(t)
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("name,lon,lat,population\n")
	for i := range 12 {
		for j := range 9 {
			fmt.Fprintf(&b, "v%d-%d,%.5f,%.5f,%d\n", i, j, 1.42+0.024*float64(i), 42.43+0.03*float64(j), 10+i*j)
		}
	}
	pf, page, svg := filepath.Join(dir, "villages.csv"), filepath.Join(dir, "sites.html"), filepath.Join(dir, "sites.svg")
	os.WriteFile(pf, []byte(b.String()), 0o644)
	if code, _, errOut := runCLI(t, "", "suggest", "--add", "2", "--population", pf, "--html", page, "--svg", svg); code != 0 {
		t.Fatalf("suggest --html: exit %d: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", "suggest", "--add", "2", "--population", pf, "--format", "json")
	var sj struct {
		Sites []struct {
			Rank       int     `json:"rank"`
			ID         string  `json:"id"`
			Lon        float64 `json:"lon"`
			Lat        float64 `json:"lat"`
			GainM2     float64 `json:"gain_m2"`
			GainPeople float64 `json:"gain_people"`
			After      float64 `json:"uncovered_m2_after"`
		} `json:"sites"`
	}
	if err := json.Unmarshal([]byte(out), &sj); code != 0 || err != nil || len(sj.Sites) != 2 {
		t.Fatalf("suggest --format json: exit %d, %v, %d sites: %s", code, err, len(sj.Sites), errOut)
	}
	rep := checkFigures(t, "--population", pf)
	ctx, _ := openPageWatched(t, exe, page, 1280, 800)
	drawn := eval[map[string]int](t, ctx, `window.covauditReady && window.covauditDrawn`)
	if drawn["people"] != 108 || drawn["sites"] != 2 || drawn["districts"] != 7 {
		t.Errorf("drawn %v, want 108 people, 2 sites, 7 districts", drawn)
	}
	title := eval[string](t, ctx, `document.title + " | " + document.querySelector("h1").textContent`)
	if !strings.HasPrefix(title, "covaudit suggested sites") || !strings.Contains(title, " | covaudit suggested sites") {
		t.Errorf("page title and heading %q, want covaudit suggested sites", title)
	}
	rows := eval[[][]string](t, ctx, `Array.from(document.querySelectorAll("#sites tbody tr")).map(function (tr) {
		return Array.from(tr.cells).map(function (c) { return c.textContent; }); })`)
	head := eval[string](t, ctx, `document.querySelector("#sites thead").textContent`)
	if len(rows) != len(sj.Sites) || !strings.Contains(head, "people gained") || !strings.Contains(head, "land gained ha") {
		t.Fatalf("sites table: header %q, %d rows; want %d sites with land and people gained", head, len(rows), len(sj.Sites))
	}
	for i, s := range sj.Sites {
		want := []string{strconv.Itoa(s.Rank), s.ID, fmt.Sprintf("%.5f", s.Lat), fmt.Sprintf("%.5f", s.Lon), fmt.Sprintf("%.2f", s.GainM2/1e4),
			strconv.FormatFloat(math.Round(s.GainPeople), 'f', 0, 64), fmt.Sprintf("%.3f", s.After/1e6)}
		got := append([]string{}, rows[i]...)
		if len(got) == 7 {
			got[5] = strings.ReplaceAll(got[5], ",", "")
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("site row %d = %q, want %q (suggest --format json)", i+1, got, want)
		}
	}
	people := eval[map[string]float64](t, ctx, `(function () {
		var col = -1, out = {};
		document.querySelectorAll("#districts thead th").forEach(function (th, k) { if (th.dataset.key === "people") col = k; });
		document.querySelectorAll("#districts tbody tr").forEach(function (tr) {
			out[tr.cells[0].textContent] = Number(tr.cells[col].textContent.replace(/,/g, ""));
		});
		return out;
	})()`)
	header := eval[string](t, ctx, `document.querySelector("#districts thead").textContent`)
	if !strings.Contains(header, "uncovered people") {
		t.Errorf("table header %q has no people columns", header)
	}
	for _, d := range rep.Districts {
		if d.Population == nil || math.Abs(people[d.Name]-*d.Population) > 0.5 {
			t.Errorf("%s: %v people in the table, check counts %v", d.Name, people[d.Name], d.Population)
		}
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	checkTableFits(t, ctx, "suggest page")
	checkPrint(t, ctx, dir, "report-suggest.pdf")
	s, _ := os.ReadFile(svg)
	if n := strings.Count(string(s), `class="person"`); n != 108 || strings.Count(string(s), `class="site"`) != 2 {
		t.Errorf("SVG: %d people, %d sites", n, strings.Count(string(s), `class="site"`))
	}
	saveShot(t, dir, "report-suggest.png", shot)
}

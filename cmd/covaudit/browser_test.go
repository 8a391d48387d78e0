package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
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

// TestHTMLReportInBrowser opens the demo's HTML report in headless
// Chromium: the map draws every district, gap, station and farthest place,
// clicking a table row zooms to its district, and the page makes no
// request beyond its own file. It saves a screenshot (in
// $COVAUDIT_ARTEFACTS when set, else in the test's temporary directory;
// with -update also as docs/report.png for the README).
func TestHTMLReportInBrowser(t *testing.T) {
	exe := browser()
	if exe == "" {
		t.Skip("no Chromium or Chrome on this machine: install Debian's chromium (.ci/run does) to run the browser test")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if code, _, errOut := runCLI(t, "", "check", "--html", page); code != 1 {
		t.Fatalf("check --html: exit %d: %s", code, errOut)
	}
	wantGaps, wantTimes := 0, 0
	for _, d := range checkFigures(t).Districts {
		wantGaps += d.Gaps
		if d.Travel != nil {
			wantTimes += d.Travel.Samples
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1400, 800))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
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
	evalInt := func(js string) int {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	evalFloat := func(js string) float64 {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	ready, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.covauditReady === true`))
	if err != nil {
		t.Fatal(err)
	}
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]int](`window.covauditDrawn`))
	if err != nil {
		t.Fatal(err)
	}
	districtPaths := evalInt(`document.querySelectorAll("path.cov-district").length`)
	gapPaths := evalInt(`document.querySelectorAll("path.cov-gap").length`)
	stationMarks := evalInt(`document.querySelectorAll("path.cov-station").length`)
	rows := evalInt(`document.querySelectorAll("#districts tbody tr").length`)
	zoomBefore := evalFloat(`window.covauditMap.getZoom()`)
	if err := chromedp.Do(ctx, chromedp.Click(`tr.district[data-index="1"]`), chromedp.Sleep(800*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	zoomAfter := evalFloat(`window.covauditMap.getZoom()`)
	centreInside, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
		var d = JSON.parse(document.getElementById("covaudit-data").textContent).districts[1];
		return L.geoJSON(d.geometry).getBounds().contains(window.covauditMap.getCenter());
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if !ready || drawn["districts"] != 7 || drawn["gaps"] != wantGaps || drawn["stations"] != 65 || drawn["worst"] != 7 || drawn["times"] != wantTimes || wantTimes == 0 {
		t.Errorf("drawn %v (ready %v), want 7 districts, %d gaps, 65 stations, 7 farthest places, %d travel-time squares", drawn, ready, wantGaps, wantTimes)
	}
	if districtPaths != 7 || gapPaths != wantGaps || stationMarks != 65 || rows != 7 {
		t.Errorf("on the page: %d district paths, %d gap paths, %d station markers, %d table rows", districtPaths, gapPaths, stationMarks, rows)
	}
	if !(zoomAfter > zoomBefore) || !centreInside {
		t.Errorf("clicking Andorra la Vella's row: zoom %.2f -> %.2f, map centre inside it %v", zoomBefore, zoomAfter, centreInside)
	}
	mu.Lock()
	for _, u := range requests {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s", u)
		}
	}
	mu.Unlock()
	out := os.Getenv("COVAUDIT_ARTEFACTS")
	if out == "" {
		out = dir
	}
	os.MkdirAll(out, 0o755)
	p := filepath.Join(out, "report.png")
	if err := os.WriteFile(p, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s; requests seen: %d", p, len(requests))
	if *update {
		os.MkdirAll("../../docs", 0o755)
		if err := os.WriteFile("../../docs/report.png", shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHTMLReportLargeInBrowser: the paths for large audits (canvas above
// 500 districts, clustered stations above 2,000) draw everything too.
func TestHTMLReportLargeInBrowser(t *testing.T) {
	exe := browser()
	if exe == "" {
		t.Skip("no Chromium or Chrome on this machine: install Debian's chromium (.ci/run does) to run the browser test")
	}
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
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]int](`window.covauditReady && window.covauditDrawn`))
	if err != nil {
		t.Fatal(err)
	}
	if drawn["districts"] != 600 || drawn["stations"] != 5000 || drawn["worst"] != 600 {
		t.Errorf("drawn %v, want 600 districts, 5000 stations, 600 farthest places", drawn)
	}
}

// openPage opens an HTML report in headless Chromium (exe) and waits for
// its district table; the browser closes when the test ends.
func openPage(t *testing.T, exe, page string) context.Context {
	t.Helper()
	actx, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1200, 800))...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page), chromedp.WaitVisible("#districts tbody tr")); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// TestHTMLSuggestInBrowser: suggest --html with population points draws
// every village and both proposed sites, and the district table gains the
// people columns, with each district's people as check counts them.
func TestHTMLSuggestInBrowser(t *testing.T) {
	exe := browser()
	if exe == "" {
		t.Skip("no Chromium or Chrome on this machine: install Debian's chromium (.ci/run does) to run the browser test")
	}
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
	rep := checkFigures(t, "--population", pf)
	ctx := openPage(t, exe, page)
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]int](`window.covauditReady && window.covauditDrawn`))
	if err != nil {
		t.Fatal(err)
	}
	if drawn["people"] != 108 || drawn["sites"] != 2 || drawn["districts"] != 7 {
		t.Errorf("drawn %v, want 108 people, 2 sites, 7 districts", drawn)
	}
	people, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(function () {
		var out = {};
		document.querySelectorAll("#districts tbody tr").forEach(function (tr) {
			out[tr.cells[0].textContent] = Number(tr.cells[6].textContent.replace(/,/g, ""));
		});
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	header, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#districts thead").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(header, "uncovered people") {
		t.Errorf("table header %q has no people columns", header)
	}
	for _, d := range rep.Districts {
		if d.Population == nil || math.Abs(people[d.Name]-*d.Population) > 0.5 {
			t.Errorf("%s: %v people in the table, check counts %v", d.Name, people[d.Name], d.Population)
		}
	}
	s, _ := os.ReadFile(svg)
	if n := strings.Count(string(s), `class="person"`); n != 108 || strings.Count(string(s), `class="site"`) != 2 {
		t.Errorf("SVG: %d people, %d sites", n, strings.Count(string(s), `class="site"`))
	}
}

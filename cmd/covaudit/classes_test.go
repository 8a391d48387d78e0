package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// classedParishes writes the demo parishes with a "kind" property per
// parish (name -> kind) and returns the file's path.
func classedParishes(t *testing.T, kinds map[string]string) string {
	t.Helper()
	var fc map[string]any
	if err := json.Unmarshal(mustRead(t, demoParishes), &fc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fc["features"].([]any) {
		props := f.(map[string]any)["properties"].(map[string]any)
		k, ok := kinds[props["name"].(string)]
		if !ok {
			t.Fatalf("no kind for %v", props["name"])
		}
		props["kind"] = k
	}
	b, _ := json.Marshal(fc)
	p := filepath.Join(t.TempDir(), "parishes.geojson")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// issueClasses is the configuration of six classes of the issue that
// asked for them, over the demo road network.
func issueClasses(t *testing.T, districts string, extra string) string {
	t.Helper()
	pbf, _ := filepath.Abs("../../audit/demodata/andorra-roads.osm.pbf")
	st, _ := filepath.Abs(demoServices)
	y := `districts: ` + districts + `
stations: ` + st + `
roads:
  file: ` + pbf + `
  tolerance: 0.5
class_field: kind
classes:
  urban:  {values: [urban, city], rule: radius, distance: 2km}
  rural:  {values: [rural, county], rule: road-time, time: 30m, profile: car, direction: to-station}
  fire:   {values: [core], rule: road-time, time: 4m, profile: car, direction: from-station, delay: 60s}
  walk15: {values: [community], rule: road-time, time: 15m, profile: foot}
  school: {values: [school-zone], rule: road-distance, distance: 2km, profile: foot}
  plain:  {values: [plain], rule: speed, time: 30m, speed: 40km/h, detour: 1.3}
` + extra
	p := filepath.Join(t.TempDir(), "covaudit.yaml")
	if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type classedJSON struct {
	Warnings  []string `json:"warnings"`
	Districts []struct {
		Name  string `json:"name"`
		Class string `json:"class"`
		Rule  struct {
			Kind      string   `json:"kind"`
			Threshold float64  `json:"threshold"`
			Unit      string   `json:"unit"`
			Profile   string   `json:"profile"`
			Direction string   `json:"direction"`
			DelayS    *float64 `json:"delay_s"`
		} `json:"rule"`
		Area      float64 `json:"area_m2"`
		Uncovered float64 `json:"uncovered_m2"`
		Lower     float64 `json:"uncovered_m2_lower"`
		Upper     float64 `json:"uncovered_m2_upper"`
	} `json:"districts"`
}

// TestSixClassesOneRun: the issue's six classes, one per rule kind and
// direction, audit the seven parishes in one run, each district under its
// class's rule kind, profile, direction and delay.
func TestSixClassesOneRun(t *testing.T) {
	kinds := map[string]string{"Andorra la Vella": "core", "Escaldes-Engordany": "community", "Ordino": "county",
		"La Massana": "school-zone", "Sant Julià de Lòria": "plain", "Encamp": "city", "Canillo": "rural"}
	cfg := issueClasses(t, classedParishes(t, kinds), "")
	code, out, errOut := runCLI(t, "", "check", "--config", cfg, "--format", "json")
	var rep classedJSON
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || len(rep.Districts) != 7 {
		t.Fatalf("exit %d, %v: %s", code, err, errOut)
	}
	type want struct{ class, kind, unit, profile, direction string }
	wants := map[string]want{
		"Andorra la Vella":    {"fire", "road-time", "s", "car", "from-station"},
		"Escaldes-Engordany":  {"walk15", "road-time", "s", "foot", "to-station"},
		"Ordino":              {"rural", "road-time", "s", "car", "to-station"},
		"La Massana":          {"school", "road-distance", "m", "foot", "to-station"},
		"Sant Julià de Lòria": {"plain", "speed", "s", "", ""},
		"Encamp":              {"urban", "radius", "m", "", ""},
		"Canillo":             {"rural", "road-time", "s", "car", "to-station"},
	}
	for _, d := range rep.Districts {
		w := wants[d.Name]
		if d.Class != w.class || d.Rule.Kind != w.kind || d.Rule.Unit != w.unit || d.Rule.Profile != w.profile || d.Rule.Direction != w.direction {
			t.Errorf("%s: class %s, rule %+v; want %+v", d.Name, d.Class, d.Rule, w)
		}
		if (d.Rule.DelayS != nil) != (w.class == "fire") || (d.Rule.DelayS != nil && *d.Rule.DelayS != 60) {
			t.Errorf("%s: delay_s %v", d.Name, d.Rule.DelayS)
		}
		if !(d.Lower <= d.Uncovered && d.Uncovered <= d.Upper && d.Upper <= d.Area) {
			t.Errorf("%s: uncovered %.0f outside its bracket [%.0f, %.0f] or the area %.0f", d.Name, d.Uncovered, d.Lower, d.Upper, d.Area)
		}
	}
	// The classes whose values no district has are named (a typo turns a
	// district into the default class silently otherwise).
	var unused []string
	for _, w := range rep.Warnings {
		if strings.Contains(w, "no district has kind") {
			unused = append(unused, w)
		}
	}
	if len(unused) != 1 || !strings.Contains(unused[0], `class "urban": no district has kind "urban"`) {
		t.Errorf("warnings for values no district has: %q; want one, for urban (only city is used)", unused)
	}
	kinds["Canillo"] = "plain"
	_, out, _ = runCLI(t, "", "check", "--config", issueClasses(t, classedParishes(t, kinds), ""), "--format", "json")
	if !strings.Contains(out, `class \"rural\": no district has kind \"rural\"`) {
		t.Errorf("no warning for the unused value rural:\n%s", out)
	}
}

// TestNearestDelayIsExact: a road-time class with a delay of 60 s reports
// 60 s more at every nearest point than the same class without it.
func TestNearestDelayIsExact(t *testing.T) {
	pf, _ := villages(t)
	kinds := map[string]string{}
	for _, n := range []string{"Andorra la Vella", "Escaldes-Engordany", "Ordino", "La Massana", "Sant Julià de Lòria", "Encamp", "Canillo"} {
		kinds[n] = "core"
	}
	d := classedParishes(t, kinds)
	times := func(delay string) map[string]float64 {
		cfg := issueClasses(t, d, "")
		if delay == "" {
			y := strings.Replace(string(mustRead(t, cfg)), ", delay: 60s", "", 1)
			os.WriteFile(cfg, []byte(y), 0o644)
		}
		n, _ := runNearestJSON(t, pf, "--config", cfg, "--outside-class", "fire")
		out := map[string]float64{}
		for _, p := range n.Points {
			if p.TimeS != nil {
				out[p.ID] = *p.TimeS
			}
		}
		return out
	}
	with, without := times("60s"), times("")
	if len(with) < 1000 || len(with) != len(without) {
		t.Fatalf("%d points timed with the delay, %d without", len(with), len(without))
	}
	for id, t1 := range with {
		if d := t1 - without[id]; math.Abs(d-60) > 1e-9 {
			t.Errorf("%s: %.3f s with the delay, %.3f s without: %+.3f s", id, t1, without[id], d)
		}
	}
}

// TestCommandsAgree: check, suggest (its starting state), check with the
// stations report, diff (its base side, head = base) and nearest (the
// rule of each point's district) run on the same inputs, the demo with
// its road network, and must agree on every district's rule kind, its
// uncovered figures and the warnings.
func TestCommandsAgree(t *testing.T) {
	decode := func(args ...string) map[string]any {
		t.Helper()
		_, out, errOut := runCLI(t, "", args...)
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("%v: %v %s", args, err, errOut)
		}
		return m
	}
	type fig struct {
		kind                      string
		unc, lo, hi, area, halfBr float64
	}
	figures := func(ds any) map[string]fig {
		out := map[string]fig{}
		for _, d := range ds.([]any) {
			m := d.(map[string]any)
			f := fig{kind: m["rule"].(map[string]any)["kind"].(string), area: m["area_m2"].(float64)}
			if u, ok := m["uncovered_m2"].(float64); ok {
				f.unc, f.lo, f.hi = u, m["uncovered_m2_lower"].(float64), m["uncovered_m2_upper"].(float64)
			} else { // diff's sides
				f.unc = m["base"].(map[string]any)["uncovered_m2"].(float64)
			}
			out[m["name"].(string)] = f
		}
		return out
	}
	check := decode("check", "--format", "json")
	want := figures(check["districts"])
	warnings := func(m map[string]any) string { b, _ := json.Marshal(m["warnings"]); return string(b) }
	sr := filepath.Join(t.TempDir(), "stations.csv")
	others := map[string]map[string]any{
		"suggest --add 0":         decode("suggest", "--add", "0", "--format", "json"),
		"check --stations-report": decode("check", "--format", "json", "--stations-report", sr),
		"diff":                    decode("diff", "--base", demoServices, "--head", demoServices, "--districts", demoParishes, "--roads", "../../audit/demodata/andorra-roads.osm.pbf", "--format", "json"),
	}
	roadKinds := 0
	for name, m := range others {
		ds := m["districts"]
		if name == "suggest --add 0" {
			ds = m["start"]
		}
		got := figures(ds)
		if len(got) != 7 {
			t.Fatalf("%s: %d districts", name, len(got))
		}
		for d, w := range want {
			g := got[d]
			if g.kind != w.kind {
				t.Errorf("%s: %s under %s, check says %s", name, d, g.kind, w.kind)
			}
			if g.unc < w.lo || g.unc > w.hi {
				t.Errorf("%s: %s uncovered %.2f m2, outside check's bracket [%.2f, %.2f]", name, d, g.unc, w.lo, w.hi)
			}
			if w.kind == "road-time" {
				roadKinds++
			}
		}
		if name != "diff" && warnings(m) != warnings(check) {
			t.Errorf("%s warns %s, check %s", name, warnings(m), warnings(check))
		}
	}
	if roadKinds != 15 {
		t.Errorf("%d road districts over three commands, want the 5 rural parishes each time", roadKinds)
	}
	// nearest: every point under its district's rule.
	pf, _ := villages(t)
	n := decode("nearest", "--points", pf, "--format", "json")
	if warnings(n) != warnings(check) {
		t.Errorf("nearest warns %s, check %s", warnings(n), warnings(check))
	}
	inDistrict := 0
	for _, p := range n["points"].([]any) {
		m := p.(map[string]any)
		d, ok := m["district"].(string)
		if !ok {
			continue
		}
		inDistrict++
		if k := m["kind"].(string); k != want[d].kind {
			t.Errorf("nearest: point %v in %s under %s, check says %s", m["id"], d, k, want[d].kind)
		}
	}
	if inDistrict < 500 {
		t.Errorf("only %d points inside districts", inDistrict)
	}
}

// TestDiffRoadGapsDrawn: diff draws the land a road district newly loses
// (the head's gaps less those of both station lists), and the drawn areas
// add up to the district's newly uncovered figure within its stated error.
func TestDiffRoadGapsDrawn(t *testing.T) {
	gaps := filepath.Join(t.TempDir(), "new.geojson")
	_, out, errOut := runCLI(t, "", "diff", "--base", demoServices, "--head", headServices, "--gaps", gaps, "--format", "json")
	var d struct {
		Districts []struct {
			Name  string   `json:"name"`
			Kind  string   `json:"-"`
			Newly float64  `json:"newly_uncovered_m2"`
			ErrM2 *float64 `json:"err_m2"`
		} `json:"districts"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err, errOut)
	}
	var fc struct {
		Features []struct {
			Properties struct {
				District string  `json:"district"`
				Rule     string  `json:"rule"`
				Area     float64 `json:"area_m2"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(mustRead(t, gaps), &fc); err != nil {
		t.Fatal(err)
	}
	drawn := map[string]float64{}
	for _, f := range fc.Features {
		if f.Properties.Rule == "road-time" {
			drawn[f.Properties.District] += f.Properties.Area
		}
	}
	roads := 0
	for _, dd := range d.Districts {
		if dd.ErrM2 == nil || dd.Newly <= *dd.ErrM2 {
			continue
		}
		roads++
		if math.Abs(drawn[dd.Name]-dd.Newly) > *dd.ErrM2 {
			t.Errorf("%s: %.0f m2 drawn, %.0f ± %.0f m2 newly uncovered", dd.Name, drawn[dd.Name], dd.Newly, *dd.ErrM2)
		}
	}
	if roads == 0 {
		t.Error("no road district loses land: the test's head file changed?")
	}
}

// TestOneClassValuesGiven: values given for one class only take them from
// the other's defaults (every parish urban with --urban-values
// urban,rural), while two given lists sharing a value stay an error.
func TestOneClassValuesGiven(t *testing.T) {
	code, out, errOut := runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--urban-values", "urban,rural", "--format", "json")
	var rep struct {
		Districts []struct {
			Class string `json:"class"`
		} `json:"districts"`
	}
	if code != 1 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Districts) != 7 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, d := range rep.Districts {
		if d.Class != "urban" {
			t.Errorf("class %q, want every parish urban", d.Class)
		}
	}
	if code, _, errOut := runCLI(t, "", "check", "--districts", demoParishes, "--stations", demoServices, "--urban-values", "urban,rural", "--rural-values", "rural"); code != 2 || !strings.Contains(errOut, "belongs to both") {
		t.Errorf("two lists sharing a value: exit %d, %q", code, errOut)
	}
}

// Package action tests the GitHub Action (action.yml at the repository
// root) the way a runner runs it: build.sh builds covaudit, then run.sh runs
// in a scripted git repository with a base and a head commit, its inputs in
// environment variables as the composite action passes them, and
// GITHUB_STEP_SUMMARY and GITHUB_OUTPUT in temporary files. Nothing here
// uses the network.
package action

import (
	"bytes"
	stdcsv "encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// covaudit is the binary build.sh made, for every test.
var covaudit string

func TestMain(m *testing.M) {
	os.Exit(buildThenRun(m))
}

// buildThenRun runs action/build.sh as the action's build step does, into
// a temporary RUNNER_TEMP, and reads the binary's path from GITHUB_OUTPUT.
func buildThenRun(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "covaudit-action-build-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(tmp)
	outputs := filepath.Join(tmp, "github-output")
	cmd := exec.Command("bash", "build.sh")
	cmd.Env = append(cleanEnv(), "RUNNER_TEMP="+tmp, "GITHUB_OUTPUT="+outputs)
	gobin := "go"
	if _, err := exec.LookPath("go"); err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
		cmd.Env = append(cmd.Env, "PATH="+filepath.Dir(gobin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	// The cgo setting the test suite was built with, so that the build
	// reuses its cache (build.sh defaults to a static CGO_ENABLED=0 build,
	// which the test would otherwise compile afresh on a new machine).
	if os.Getenv("CGO_ENABLED") == "" {
		if v, err := exec.Command(gobin, "env", "CGO_ENABLED").Output(); err == nil {
			cmd.Env = append(cmd.Env, "CGO_ENABLED="+strings.TrimSpace(string(v)))
		}
	}
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "action/build.sh: %v\n%s", err, log.String())
		return 2
	}
	data, err := os.ReadFile(outputs)
	if err != nil {
		fmt.Fprintf(os.Stderr, "action/build.sh wrote no GITHUB_OUTPUT: %v\n%s", err, log.String())
		return 2
	}
	covaudit = parseOutputs(string(data))["covaudit"]
	if st, err := os.Stat(covaudit); err != nil || st.IsDir() {
		fmt.Fprintf(os.Stderr, "action/build.sh: covaudit=%q is not a binary (%v)\n%s", covaudit, err, log.String())
		return 2
	}
	return m.Run()
}

// cleanEnv is the test's environment without what a CI runner (GitHub's
// included) or the developer's git setup would add to the action's.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GITHUB_") || strings.HasPrefix(name, "INPUT_") || strings.HasPrefix(name, "RUNNER_") ||
			strings.HasPrefix(name, "GIT_") || name == "COVAUDIT" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// parseOutputs reads name=value lines of a GITHUB_OUTPUT file; a later
// value of a name wins, as on GitHub.
func parseOutputs(s string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

// repo is a scripted git repository.
type repo struct {
	t   *testing.T
	dir string
	env []string
}

// newRepo makes an empty repository on branch main, with git's global and
// system configuration out of the way.
func newRepo(t *testing.T, dir string) *repo {
	t.Helper()
	r := &repo{t: t, dir: dir, env: gitEnv(t)}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q", "-b", "main")
	return r
}

func gitEnv(t *testing.T) []string {
	t.Helper()
	global := filepath.Join(t.TempDir(), "gitconfig")
	if err := os.WriteFile(global, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return append(cleanEnv(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+global,
		"GIT_AUTHOR_NAME=covaudit test", "GIT_AUTHOR_EMAIL=test@covaudit.invalid", "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z",
		"GIT_COMMITTER_NAME=covaudit test", "GIT_COMMITTER_EMAIL=test@covaudit.invalid", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s in %s: %v\n%s", strings.Join(args, " "), r.dir, err, out)
	}
	return string(out)
}

// write puts data at the repository path name.
func (r *repo) write(name string, data []byte) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) commit(msg string) {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
}

// clone clones r as a runner's checkout does (origin is r) onto a new
// branch change, and deletes the local main, so that the base is only
// origin/main.
func (r *repo) clone(dir string) *repo {
	r.t.Helper()
	r.git("clone", "-q", r.dir, dir)
	c := &repo{t: r.t, dir: dir, env: r.env}
	c.git("checkout", "-q", "-b", "change")
	c.git("branch", "-q", "-D", "main")
	return c
}

// result is what one run of run.sh left.
type result struct {
	code    int
	stdout  string // the workflow commands GitHub reads, among the log
	stderr  string
	summary string
	outputs map[string]string
}

// runAction runs action/run.sh in r with the action's inputs.
func runAction(t *testing.T, r *repo, inputs map[string]string) result {
	t.Helper()
	tmp := t.TempDir()
	summary, outputs := filepath.Join(tmp, "step-summary.md"), filepath.Join(tmp, "github-output")
	// The runner creates both files empty; the step appends.
	for _, f := range []string{summary, outputs} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script, err := filepath.Abs("run.sh")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", script)
	cmd.Dir = r.dir
	cmd.Env = append(append([]string{}, r.env...), "COVAUDIT="+covaudit, "RUNNER_TEMP="+tmp,
		"GITHUB_STEP_SUMMARY="+summary, "GITHUB_OUTPUT="+outputs)
	for k, v := range inputs {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	res := result{}
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("run.sh: %v", err)
		}
		res.code = ee.ExitCode()
	}
	res.stdout, res.stderr = stdout.String(), stderr.String()
	s, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	o, err := os.ReadFile(outputs)
	if err != nil {
		t.Fatal(err)
	}
	res.summary, res.outputs = string(s), parseOutputs(string(o))
	return res
}

func (res result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s--- summary\n%s--- outputs\n%v", res.code, res.stdout, res.stderr, res.summary, res.outputs)
}

// covauditOut runs the binary in r's folder and returns its stdout, for
// the outputs the action must have put in the summary.
func covauditOut(t *testing.T, r *repo, wantCode int, args ...string) string {
	t.Helper()
	cmd := exec.Command(covaudit, args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != wantCode {
		t.Fatalf("covaudit %s: exit %d, want %d\n%s", strings.Join(args, " "), code, wantCode, stderr.String())
	}
	return stdout.String()
}

func demo(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "audit", "demodata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// station is a station of a demo GeoJSON file: its feature id and name.
type station struct{ id, name string }

func stationsOf(t *testing.T, data []byte) []station {
	t.Helper()
	var fc struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		t.Fatal(err)
	}
	var out []station
	for _, f := range fc.Features {
		out = append(out, station{f.ID, f.Properties.Name})
	}
	return out
}

// annotation is a workflow command for an annotation on a file's line.
var annotation = regexp.MustCompile(`^::(error|warning|notice) file=([^,:]+),line=([0-9]+),title=([a-z0-9-]+)::(.+)$`)

// annotations returns the annotation lines of a step's stdout.
func annotations(stdout string) [][]string {
	var out [][]string
	for _, line := range strings.Split(stdout, "\n") {
		if m := annotation.FindStringSubmatch(line); m != nil {
			out = append(out, m)
		}
	}
	return out
}

const config = "districts: data/parishes.geojson\nstations: data/stations.geojson # the file pull requests change\n"

// baseRepo is the upstream repository: the demo's parishes and stations
// and a covaudit.yaml at the root, one commit on main.
func baseRepo(t *testing.T, dir string) *repo {
	t.Helper()
	up := newRepo(t, dir)
	up.write("data/parishes.geojson", demo(t, "andorra-parishes.geojson"))
	up.write("data/stations.geojson", demo(t, "andorra-services.geojson"))
	up.write("covaudit.yaml", []byte(config))
	up.commit("base")
	return up
}

// TestActionRegression: a pull request that removes and moves stations
// that matter fails the step, and the summary holds the audit of the head
// and what the change costs, naming the removed station.
func TestActionRegression(t *testing.T) {
	root := t.TempDir()
	up := baseRepo(t, filepath.Join(root, "upstream"))
	pr := up.clone(filepath.Join(root, "checkout"))
	head := demo(t, "andorra-services-changed.geojson")
	pr.write("data/stations.geojson", head)
	pr.commit("move and remove stations")

	res := runAction(t, pr, map[string]string{"INPUT_BASE_REF": "main", "INPUT_QUIET": "true"})
	if res.code != 1 {
		t.Errorf("run.sh on a regression: exit %d, want 1\n%v", res.code, res)
	}

	// The summary holds check's Markdown of the head and diff's Markdown of
	// the change, byte for byte as covaudit writes them.
	table := covauditOut(t, pr, 1, "check", "-q", "--format", "markdown")
	if !strings.Contains(res.summary, table) {
		t.Errorf("summary lacks covaudit check --format markdown of the head:\n%s\n(want it to contain)\n%s", res.summary, table)
	}
	basePath := filepath.Join(t.TempDir(), "stations.geojson")
	if err := os.WriteFile(basePath, demo(t, "andorra-services.geojson"), 0o644); err != nil {
		t.Fatal(err)
	}
	diff := covauditOut(t, pr, 1, "diff", "-q", "--base", basePath, "--head", "data/stations.geojson", "--format", "markdown")
	if !strings.Contains(res.summary, diff) {
		t.Errorf("summary lacks covaudit diff --format markdown against the base:\n%s\n(want it to contain)\n%s", res.summary, diff)
	}
	if strings.Index(res.summary, table) > strings.Index(res.summary, diff) {
		t.Errorf("summary: the diff comes before the audit of the head")
	}
	// Each station the change removed is named.
	inHead := map[string]bool{}
	for _, s := range stationsOf(t, head) {
		inHead[s.id] = true
	}
	removed := 0
	for _, s := range stationsOf(t, demo(t, "andorra-services.geojson")) {
		if !inHead[s.id] {
			removed++
			if want := fmt.Sprintf("removed %s (%s)", s.name, s.id); !strings.Contains(res.summary, want) {
				t.Errorf("summary does not name the removed station: no %q", want)
			}
		}
	}
	if removed == 0 {
		t.Fatalf("andorra-services-changed.geojson removes no station: the test data changed")
	}

	// validate's findings are annotations on the stations file's lines.
	anns := annotations(res.stdout)
	if len(anns) == 0 {
		t.Errorf("no ::warning/::error file=...,line=... annotations on stdout:\n%s", res.stdout)
	}
	for _, a := range anns {
		if a[2] != "data/stations.geojson" {
			t.Errorf("annotation %q: file %q, want data/stations.geojson (relative to the repository root)", a[0], a[2])
		}
	}
	if !strings.Contains(res.stdout, "::error title=covaudit::coverage regresses") {
		t.Errorf("no error annotation for the regression on stdout:\n%s", res.stdout)
	}

	for k, want := range map[string]string{"regressed": "true", "diff-exit": "1", "check-exit": "1", "validate-exit": "0"} {
		if got := res.outputs[k]; got != want {
			t.Errorf("output %s = %q, want %q", k, got, want)
		}
	}
	checkArtefacts(t, res.outputs["report-dir"], "report.json", "gaps.geojson", "newly-uncovered.geojson", "check.md", "diff.md", "validate.txt")
}

// checkArtefacts checks the report folder: the JSON report has every
// district, the gap maps are GeoJSON, and the named files are not empty.
func checkArtefacts(t *testing.T, dir string, files ...string) {
	t.Helper()
	if dir == "" {
		t.Fatal("no report-dir output")
	}
	for _, f := range files {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("report folder: %s not written (%v)", f, err)
		}
	}
	var rep struct {
		Districts []json.RawMessage `json:"districts"`
	}
	var parishes struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(demo(t, "andorra-parishes.geojson"), &parishes); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "report.json")); err != nil || json.Unmarshal(b, &rep) != nil || len(rep.Districts) != len(parishes.Features) {
		t.Errorf("report.json: %v, %d districts, want %d", err, len(rep.Districts), len(parishes.Features))
	}
	for _, f := range files {
		if !strings.HasSuffix(f, ".geojson") {
			continue
		}
		var fc struct {
			Type string `json:"type"`
		}
		if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || json.Unmarshal(b, &fc) != nil || fc.Type != "FeatureCollection" {
			t.Errorf("%s: %v, type %q, want a FeatureCollection", f, err, fc.Type)
		}
	}
}

// TestActionNoRegression: a change that leaves the stations as they were
// passes, although districts failed before it; unless
// fail-on-failing-districts is true. Without a base ref the comparison is
// skipped; a base ref that names nothing is an input error.
func TestActionNoRegression(t *testing.T) {
	root := t.TempDir()
	up := baseRepo(t, filepath.Join(root, "upstream"))
	pr := up.clone(filepath.Join(root, "checkout"))
	pr.write("data/README.md", []byte("Stations of the public services.\n"))
	pr.commit("a readme, no station changed")

	res := runAction(t, pr, map[string]string{"INPUT_BASE_REF": "main"})
	if res.code != 0 {
		t.Errorf("run.sh with the stations as at the base: exit %d, want 0\n%v", res.code, res)
	}
	for k, want := range map[string]string{"regressed": "false", "diff-exit": "0", "check-exit": "1"} {
		if got := res.outputs[k]; got != want {
			t.Errorf("output %s = %q, want %q", k, got, want)
		}
	}
	diff := covauditOut(t, pr, 0, "diff", "-q", "--base", "data/stations.geojson", "--head", "data/stations.geojson", "--format", "markdown")
	if !strings.Contains(res.summary, diff) {
		t.Errorf("summary lacks the diff of the unchanged stations:\n%s\n(want it to contain)\n%s", res.summary, diff)
	}

	res = runAction(t, pr, map[string]string{"INPUT_BASE_REF": "main", "INPUT_FAIL_ON_FAILING_DISTRICTS": "true", "INPUT_QUIET": "true"})
	if res.code != 1 {
		t.Errorf("run.sh with fail-on-failing-districts true and failing districts: exit %d, want 1\n%v", res.code, res)
	}

	res = runAction(t, pr, map[string]string{"INPUT_BASE_REF": "", "INPUT_QUIET": "true"})
	if res.code != 0 || res.outputs["diff-exit"] != "" || !strings.Contains(res.summary, "comparison with the base was skipped") {
		t.Errorf("run.sh without a base ref: exit %d, diff-exit %q, want 0 and no diff\n%v", res.code, res.outputs["diff-exit"], res)
	}

	res = runAction(t, pr, map[string]string{"INPUT_BASE_REF": "no-such-branch", "INPUT_QUIET": "true"})
	if res.code != 2 || !strings.Contains(res.stdout, "base-ref no-such-branch") {
		t.Errorf("run.sh with a base ref that names nothing: exit %d, want 2 and an annotation naming it\n%v", res.code, res)
	}

	res = runAction(t, pr, map[string]string{"INPUT_BASE_REF": "main", "INPUT_FAIL_ON_FAILING_DISTRICTS": "yes"})
	if res.code != 2 || !strings.Contains(res.stdout, "fail-on-failing-districts") {
		t.Errorf("run.sh with fail-on-failing-districts=yes: exit %d, want 2 naming the input\n%v", res.code, res)
	}
}

// TestActionBadRecord: a pull request that adds a station with an
// impossible latitude to a CSV file gets an error annotation on that line,
// and the step fails as on invalid input (2). The configuration is in a
// subfolder, its paths relative to it.
func TestActionBadRecord(t *testing.T) {
	var fc struct {
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
			Geometry struct {
				Coordinates []json.Number `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(demo(t, "andorra-services.geojson"), &fc); err != nil {
		t.Fatal(err)
	}
	// The demo's stations as CSV, coordinates as written in the GeoJSON.
	var csv strings.Builder
	w := stdcsv.NewWriter(&csv)
	w.Write([]string{"id", "name", "lon", "lat"})
	for _, f := range fc.Features {
		w.Write([]string{f.ID, f.Properties.Name, f.Geometry.Coordinates[0].String(), f.Geometry.Coordinates[1].String()})
	}
	if w.Flush(); w.Error() != nil {
		t.Fatal(w.Error())
	}
	root := t.TempDir()
	up := newRepo(t, filepath.Join(root, "upstream"))
	up.write("data/parishes.geojson", demo(t, "andorra-parishes.geojson"))
	up.write("data/stations.csv", []byte(csv.String()))
	up.write("conf/covaudit.yaml", []byte("districts: ../data/parishes.geojson\nstations: '../data/stations.csv'\n"))
	up.commit("base")
	pr := up.clone(filepath.Join(root, "checkout"))
	bad := csv.String() + "bad-1,\"Typo\",1.5301200,191.2\n"
	badLine := strings.Count(bad, "\n")
	pr.write("data/stations.csv", []byte(bad))
	pr.commit("a station with a typo")

	inputs := map[string]string{"INPUT_BASE_REF": "main", "INPUT_CONFIG": "conf/covaudit.yaml", "INPUT_QUIET": "true"}
	res := runAction(t, pr, inputs)
	if res.code != 2 {
		t.Errorf("run.sh with a bad record: exit %d, want 2\n%v", res.code, res)
	}
	found := false
	for _, a := range annotations(res.stdout) {
		if a[1] == "error" && a[2] == "data/stations.csv" && a[3] == fmt.Sprint(badLine) {
			found = true
		}
	}
	if !found {
		t.Errorf("no ::error file=data/stations.csv,line=%d annotation for the bad record:\n%s", badLine, res.stdout)
	}
	if want := fmt.Sprintf("stations.csv:%d:", badLine); !strings.Contains(res.summary, want) {
		t.Errorf("summary does not show check's error on line %d (%q):\n%s", badLine, want, res.summary)
	}
	if res.outputs["validate-exit"] != "1" || res.outputs["check-exit"] != "2" {
		t.Errorf("outputs validate-exit %q, check-exit %q, want 1 and 2", res.outputs["validate-exit"], res.outputs["check-exit"])
	}

	// Without the bad line, the same configuration and base pass the
	// comparison: the CSV at the base is found through the subfolder.
	pr.write("data/stations.csv", []byte(csv.String()))
	pr.commit("typo fixed")
	res = runAction(t, pr, inputs)
	if res.code != 0 || res.outputs["regressed"] != "false" {
		t.Errorf("run.sh with the CSV as at the base: exit %d, regressed %q, want 0 and false\n%v", res.code, res.outputs["regressed"], res)
	}
	for _, a := range annotations(res.stdout) {
		if a[1] == "error" {
			t.Errorf("error annotation on a good file: %s", a[0])
		}
	}
}

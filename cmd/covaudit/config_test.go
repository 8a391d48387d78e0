package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestInitExample: init writes the example, refuses to overwrite it, and
// the example reads cleanly with the defaults it states.
func TestInitExample(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "covaudit.yaml")
	if code, out, errOut := runCLI(t, "", "init", "-o", p); code != 0 || !strings.Contains(out, "wrote") {
		t.Fatalf("init: exit %d, %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "init", "-o", p); code != 2 || !strings.Contains(errOut, "--force") {
		t.Errorf("init over an existing file: exit %d, %s", code, errOut)
	}
	for _, cmd := range []string{"check", "validate", "diff"} {
		fs := pflag.NewFlagSet(cmd, pflag.ContinueOnError)
		switch cmd {
		case "check":
			newCheckOptions().addCheckFlags(fs)
		case "validate":
			newValidateOptions().addFlags(fs)
		default:
			newDiffOptions().addFlags(fs)
		}
		if err := applyConfig(fs, cmd, p); err != nil {
			t.Fatalf("%s: the example does not apply: %v", cmd, err)
		}
		if f := fs.Lookup("districts"); f.Value.String() != filepath.Join(dir, "districts.geojson") {
			t.Errorf("%s: districts = %q, want it relative to the file", cmd, f.Value.String())
		}
	}
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "covaudit.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConfigErrors: unknown keys and bad values name the key and line, all
// of them at once.
func TestConfigErrors(t *testing.T) {
	p := writeConfig(t, "rules:\n  urban:\n    radius: 2 parsecs\nclases:\n  field: kind\npass:\n  min_coverage: 200\n")
	code, _, errOut := runCLI(t, "", "check", "--config", p)
	for _, want := range []string{
		`covaudit.yaml:4: unknown key "clases" (did you mean "classes`,
	} {
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("exit %d, stderr:\n%s\nwant %q", code, errOut, want)
		}
	}
	p = writeConfig(t, "rules:\n  urban:\n    radius: 2 parsecs\npass:\n  min_coverage: 200\n")
	code, _, errOut = runCLI(t, "", "check", "--config", p)
	for _, want := range []string{"covaudit.yaml:3: rules.urban.radius:", "covaudit.yaml:5: pass.min_coverage:"} {
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("exit %d, stderr:\n%s\nwant %q", code, errOut, want)
		}
	}
}

// TestConfigFlagsOverride: the file fills what the command line leaves
// unset, found in the working directory; flags win.
func TestConfigFlagsOverride(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"districts.geojson", "stations.csv"} {
		b, err := os.ReadFile(filepath.Join("../../geodata/testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "covaudit.yaml"), []byte(
		"districts: districts.geojson\nstations: stations.csv\nskip_invalid: true\nrules:\n  urban:\n    radius: 3km\ncheck:\n  format: csv\n"), 0o644)
	t.Chdir(dir)
	code, out, errOut := runCLI(t, "", "check")
	if code > 1 || !strings.Contains(out, ",3000,") {
		t.Errorf("config in the working directory: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "check", "--urban-radius", "500m", "--format", "json")
	if code > 1 || !strings.Contains(out, `"radius_m": 500`) {
		t.Errorf("flags do not override the file: exit %d\n%s", code, out)
	}
}

// TestConfigAliases: a YAML alias (*name) as the value of a known key reads
// as the value its anchor (&name) marks, in sections, lists and class
// definitions; a bad value behind an alias names the line where the alias
// is used; merge keys (<<) are refused with their line.
func TestConfigAliases(t *testing.T) {
	p := writeConfig(t, "check:\n  format: &fmt json\ndiff:\n  format: *fmt\nclasses:\n  urban: &core [core, town]\n  fire:\n    values: *core\n    rule: road-time\n    time: &t 20min\nrules:\n  rural:\n    time: *t\n")
	values, err := parseConfig(p, mustRead(t, p))
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"check.format": "json", "diff.format": "json", "classes.urban": "core,town", "rules.rural.time": "20min",
		"classes.define": "fire:values=core|town,rule=road-time,time=20min"} {
		if got := values[key].text; got != want {
			t.Errorf("parseConfig: %s = %q, want %q", key, got, want)
		}
	}
	if line := values["diff.format"].line; line != 4 {
		t.Errorf("diff.format read from line %d, want 4 (the alias)", line)
	}
	for _, c := range []struct{ text, want string }{
		{"rules:\n  urban:\n    radius: &r north\npass:\n  min_coverage: *r\n", "covaudit.yaml:5: pass.min_coverage: "},
		{"pass: &p\n  min_coverage: 90\ncheck:\n  <<: *p\n", "covaudit.yaml:4: check: merge keys (<<) are not read"},
		{"pass:\n  min_coverage: *nothing\n", "covaudit.yaml: yaml: "},
	} {
		code, _, errOut := runCLI(t, "", "check", "--config", writeConfig(t, c.text))
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("config %q: exit %d, stderr %q, want exit 2 and %q", c.text, code, errOut, c.want)
		}
	}
}

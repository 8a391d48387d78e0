package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// FuzzConfig: the configuration file parser never panics, its errors name
// the file (every line of them), the keys it returns are known keys with
// lines inside the file, it reads the same bytes the same way twice, and
// applying what it read to check's flags names the file when it fails.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(exampleConfig))
	f.Add([]byte(demoConfig()))
	f.Add([]byte("districts: d.geojson\nstations: s.csv\nclasses:\n  urban: [urban, city]\nrules:\n  urban:\n    radius: 2km\n"))
	f.Add([]byte("classes:\n  fire:\n    values: [a, b]\n    rule: time\n    time: 8m\n    speed: 40\n"))
	f.Add([]byte("x: &a {radius: 2km}\nrules:\n  urban: *a\n"))
	f.Add([]byte("roads:\n  profile: car\n  tolerance: 0.001\nworkers: 2\n"))
	f.Add([]byte("<<: {a: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "fuzz.yaml"
		values, err := parseConfig(path, data)
		again, err2 := parseConfig(path, data)
		if (err == nil) != (err2 == nil) || len(values) != len(again) {
			t.Fatalf("two reads of the same bytes differ: %v / %v", err, err2)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Fatalf("error does not name the file: %q", err)
			}
			return
		}
		known := map[string]bool{"classes.define": true}
		for _, k := range configKeys {
			known[k.path] = true
		}
		// YAML breaks lines at \n, \r\n and a lone \r alike.
		nlines := bytes.Count(bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n")), []byte("\n")) + 1
		for k, v := range values {
			if !known[k] {
				t.Fatalf("unknown key %q returned", k)
			}
			if v.line < 1 || v.line > nlines {
				t.Fatalf("%s: line %d outside the file's %d lines", k, v.line, nlines)
			}
			if again[k].text != v.text {
				t.Fatalf("%s: %q then %q", k, v.text, again[k].text)
			}
		}
		p := filepath.Join(t.TempDir(), path)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		fs := pflag.NewFlagSet("check", pflag.ContinueOnError)
		newCheckOptions().addCheckFlags(fs)
		if err := applyConfig(fs, "check", p); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, p+":") {
					t.Fatalf("error line does not name the file: %q", line)
				}
			}
		}
	})
}

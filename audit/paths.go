package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// namedPath is a file the audit reads or writes, with the flag that names
// it (for messages).
type namedPath struct{ flag, path string }

// outputs are the files an audit writes.
func (c *Config) outputs() []namedPath {
	o := c.Output
	return []namedPath{{"--output", o.Report}, {"--gaps", o.Gaps}, {"--html", o.HTML}, {"--svg", o.SVG}, {"--stations-report", o.StationsReport}, {"--surface", o.Surface}}
}

// inputs are the files an audit reads, extra ones (diff's base and head,
// nearest's points, suggest's candidates, the configuration file) given.
func (c *Config) inputs(extra ...namedPath) []namedPath {
	in := []namedPath{{"--districts", c.Districts}, {"--stations", c.Stations}, {"--population", c.Population}, {"--speeds", c.Roads.Speeds}, {"--close", c.Roads.Close}, {"--speed-factor", c.Roads.SpeedFactor}, {"--head-close", c.Roads.HeadClose}, {"--head-speed-factor", c.Roads.HeadSpeedFactor}, {"--config", c.ConfigFile}}
	if c.Roads.File != DemoRoads {
		in = append(in, namedPath{"--roads", c.Roads.File})
	}
	for _, cl := range c.Classes {
		in = append(in, namedPath{"classes." + cl.Name + ".speeds", cl.Rule.Speeds})
	}
	return append(in, extra...)
}

// checkPaths refuses, before anything is read, an output that is also an
// input (it would overwrite it) and two outputs on one file (one would be
// lost). Files are compared by resolved path and by identity (hard links,
// symbolic links); character devices (/dev/stdout, /dev/null) may take
// several outputs.
func (c *Config) checkPaths(extra ...namedPath) error {
	var errs []string
	outs := c.outputs()
	ins := c.inputs(extra...)
	for i, o := range outs {
		if o.path == "" || o.path == "-" {
			continue
		}
		for _, in := range ins {
			if in.path != "" && in.path != "-" && samePath(o.path, in.path) {
				errs = append(errs, fmt.Sprintf("%s %s is also the input of %s: the output would overwrite it", o.flag, o.path, in.flag))
			}
		}
		if isCharDevice(o.path) {
			continue
		}
		for _, p := range outs[:i] {
			if p.path != "" && p.path != "-" && samePath(o.path, p.path) {
				errs = append(errs, fmt.Sprintf("%s and %s both write %s: one would be lost", p.flag, o.flag, o.path))
			}
		}
	}
	if len(errs) > 0 {
		return UsageError{strings.Join(errs, "; ")}
	}
	return nil
}

// samePath says whether two paths name one file: the same cleaned
// absolute path once symbolic links are resolved, or the same file.
func samePath(a, b string) bool {
	ra, rb := resolve(a), resolve(b)
	if ra == rb {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// resolve is a path made absolute, its symbolic links (of the file or its
// folder, when they exist) resolved.
func resolve(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}

func isCharDevice(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

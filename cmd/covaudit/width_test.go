package main

import (
	"strings"
	"testing"

	"github.com/covaudit/covaudit/internal/table"
)

// TestChineseTableGolden: the text table pads by display width, so with
// Chinese and mixed district and station names every column starts at the
// same terminal column on every row (East Asian wide characters count
// two).
func TestChineseTableGolden(t *testing.T) {
	code, out, errOut := runCLI(t, "", "check", "--districts", "testdata/chinese/districts.geojson", "--stations", "testdata/chinese/stations.csv")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (three districts fail)\n%s", code, errOut)
	}
	golden(t, "chinese.golden.text", out)
	lines := strings.Split(out, "\n")
	head := lines[0]
	for _, col := range []string{"CLASS", "RULE", "AREA", "RESULT", "FARTHEST"} {
		want := table.Width(head[:strings.Index(head, col)])
		for _, l := range lines[1:5] {
			// The cell before the column ends with two spaces of padding at least.
			cut := cutAtWidth(l, want)
			if !strings.HasSuffix(cut, "  ") || strings.HasPrefix(l[len(cut):], " ") {
				t.Errorf("column %s does not start at display column %d in %q", col, want, l)
			}
		}
	}
}

// cutAtWidth is the prefix of s that is w terminal columns wide.
func cutAtWidth(s string, w int) string {
	for i := range s {
		if table.Width(s[:i]) >= w {
			return s[:i]
		}
	}
	return s
}

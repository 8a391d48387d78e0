package table

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"
)

func TestWidth(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int
	}{{"", 0}, {"Ordino", 6}, {"Sant Julià de Lòria", 19}, {"东城区", 6}, {"朝阳区 Chaoyang", 15},
		{"ＡＢ", 4}, {"e\u0301", 1}, {"ｱｲ", 2}, {"서울", 4}} {
		if got := Width(c.s); got != c.want {
			t.Errorf("Width(%q) = %d, want %d", c.s, got, c.want)
		}
	}
}

// TestSameAsTabwriter: on text without wide characters the table is
// tabwriter's (padding 2, spaces), byte for byte, blocks of lines with
// fewer cells and text after the last tab included.
func TestSameAsTabwriter(t *testing.T) {
	in := "DISTRICT\tCLASS\tAREA\tRESULT\n" +
		"Sant Julià de Lòria\trural\t53.074\tFAIL\tlast cell not aligned\n" +
		"Ordino\turban\t4.1\tpass\n" +
		"no tabs here, a break in the block\n" +
		"a\tb\n" +
		"longer cell\t\tc\n" +
		"\n" +
		"x\ty\t\n"
	var want, got bytes.Buffer
	tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, in)
	tw.Flush()
	w := NewWriter(&got)
	fmt.Fprint(w, in)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("got\n%s\nwant (tabwriter)\n%s", got.String(), want.String())
	}
}

// TestWideColumnsAlign: with Chinese names the next column starts at the
// same display column on every line.
func TestWideColumnsAlign(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	fmt.Fprint(w, "DISTRICT\tRESULT\n东城区\tFAIL\nChaoyang 朝阳\tpass\nX\tpass\n")
	w.Flush()
	col := -1
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		i := strings.LastIndex(l, "  ")
		c := Width(l[:i+2])
		if col >= 0 && c != col {
			t.Errorf("column starts at %d, want %d:\n%s", c, col, b.String())
		}
		col = c
	}
}

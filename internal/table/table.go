// Package table aligns text tables by display width: what
// text/tabwriter does for covaudit's reports, counting East Asian wide and
// fullwidth characters (Chinese, Japanese and Korean text) as two columns
// and combining marks as none, so that columns line up in a terminal with
// mixed Chinese and Latin names.
//
// The format is tabwriter's with padding 2 and spaces: a cell ends at a
// tab; a column's width is taken over the run of consecutive lines that
// have that cell; text after a line's last tab is not aligned.
package table

import (
	"bytes"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// padding is the number of spaces after the widest cell of a column.
const padding = 2

// Writer buffers lines until Flush, then writes them aligned.
type Writer struct {
	out io.Writer
	buf bytes.Buffer
}

// NewWriter returns a Writer that writes aligned lines to w.
func NewWriter(w io.Writer) *Writer { return &Writer{out: w} }

// Write buffers p; it never fails.
func (t *Writer) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush writes the buffered lines, aligned, and empties the buffer.
func (t *Writer) Flush() error {
	text := t.buf.String()
	t.buf.Reset()
	if text == "" {
		return nil
	}
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	// cells[i]: line i's tab-terminated cells; tails[i]: the rest.
	cells := make([][]string, len(lines))
	tails := make([]string, len(lines))
	for i, l := range lines {
		parts := strings.Split(l, "\t")
		cells[i], tails[i] = parts[:len(parts)-1], parts[len(parts)-1]
	}
	widths := make([][]int, len(lines))
	for i := range lines {
		widths[i] = make([]int, len(cells[i]))
	}
	maxCols := 0
	for _, c := range cells {
		maxCols = max(maxCols, len(c))
	}
	for j := range maxCols {
		for i := 0; i < len(lines); {
			if len(cells[i]) <= j {
				i++
				continue
			}
			k, w := i, 0
			for ; k < len(lines) && len(cells[k]) > j; k++ {
				w = max(w, Width(cells[k][j]))
			}
			for ; i < k; i++ {
				widths[i][j] = w
			}
		}
	}
	var b strings.Builder
	for i := range lines {
		for j, c := range cells[i] {
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[i][j]-Width(c)+padding))
		}
		b.WriteString(tails[i])
	}
	_, err := io.WriteString(t.out, b.String())
	return err
}

// Width is s's width in terminal columns: two for East Asian wide and
// fullwidth characters, none for combining marks and other zero-width
// characters, one for the rest.
func Width(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		case width.LookupRune(r).Kind() == width.EastAsianWide, width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

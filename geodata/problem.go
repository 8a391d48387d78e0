package geodata

import (
	"fmt"
	"strings"
)

// Problem is one bad input record: where it is and what is wrong.
type Problem struct {
	File string
	// Line is the 1-based line of a CSV record, or 0.
	Line int
	// Feature is the 0-based index of a GeoJSON feature, or -1.
	Feature int
	// ID is the record's id, when it has one.
	ID string
	// Name is the district's name, when the record is a named district.
	Name string
	Msg  string
}

// Error formats the problem as "file:line: msg",
// "file: feature 3 (id "x"): msg" or, for a named district,
// "file: feature 3 (id "x", name "North"): msg".
func (p Problem) Error() string {
	switch {
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	case p.Feature >= 0 && p.Name != "" && p.ID != "" && p.ID != p.Name:
		return fmt.Sprintf("%s: feature %d (id %q, name %q): %s", p.File, p.Feature, p.ID, p.Name, p.Msg)
	case p.Feature >= 0 && p.Name != "" && p.ID == "":
		return fmt.Sprintf("%s: feature %d (name %q): %s", p.File, p.Feature, p.Name, p.Msg)
	case p.Feature >= 0 && p.ID != "":
		return fmt.Sprintf("%s: feature %d (id %q): %s", p.File, p.Feature, p.ID, p.Msg)
	case p.Feature >= 0:
		return fmt.Sprintf("%s: feature %d: %s", p.File, p.Feature, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// Problems is a list of bad records; as an error it prints one per line.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Err returns ps as an error, or nil when it is empty.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

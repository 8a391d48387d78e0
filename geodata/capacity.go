package geodata

import (
	"fmt"
	"strings"
)

// capacity reads a station's capacity (opts.CapacityCol) from its cell or
// property text: a non-negative decimal number (lawyers, beds, engines).
// An empty or missing value takes opts.DefaultCapacity when
// opts.HasDefaultCapacity, else it is an error, as is any value that is not
// a non-negative number.
func (opts StationOptions) capacity(text string, sep rune) (float64, error) {
	text = strings.TrimSpace(text)
	col := opts.CapacityCol
	if text == "" {
		if opts.HasDefaultCapacity {
			return opts.DefaultCapacity, nil
		}
		return 0, fmt.Errorf("column %q: empty, want the station's capacity (or give --default-capacity)", col)
	}
	v, err := parseCoord(text, sep)
	if err != nil {
		return 0, fmt.Errorf("column %q: %v (a capacity: a number of lawyers, beds, engines)", col, err)
	}
	if v < 0 || v > 1e15 {
		return 0, fmt.Errorf("column %q: %s is not a capacity (want a number from 0 to 1e15)", col, fmtNum(v))
	}
	return v, nil
}

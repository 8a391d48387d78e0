package geodata

import (
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
)

// coordParser reads GeoJSON coordinate arrays straight into orb types,
// several times faster than encoding/json's reflection for the large
// boundary files covaudit reads. It accepts exactly JSON arrays of numbers
// nested to the geometry's depth; positions may carry extra numbers
// (altitude), which are ignored.
type coordParser struct {
	data []byte
	pos  int
}

func (c *coordParser) errf(format string, args ...any) error {
	return fmt.Errorf("byte %d of the coordinates: %s", c.pos, fmt.Sprintf(format, args...))
}

func (c *coordParser) skipSpace() {
	for c.pos < len(c.data) {
		switch c.data[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

// open consumes '[' and reports whether the array is empty (then ']' is
// consumed too).
func (c *coordParser) open() (empty bool, err error) {
	c.skipSpace()
	if c.pos >= len(c.data) || c.data[c.pos] != '[' {
		return false, c.errf("want '['")
	}
	c.pos++
	c.skipSpace()
	if c.pos < len(c.data) && c.data[c.pos] == ']' {
		c.pos++
		return true, nil
	}
	return false, nil
}

// next consumes ',' (more elements: true) or ']' (end: false).
func (c *coordParser) next() (bool, error) {
	c.skipSpace()
	if c.pos >= len(c.data) {
		return false, c.errf("unexpected end")
	}
	switch c.data[c.pos] {
	case ',':
		c.pos++
		return true, nil
	case ']':
		c.pos++
		return false, nil
	}
	return false, c.errf("want ',' or ']'")
}

func (c *coordParser) number() (float64, error) {
	c.skipSpace()
	start := c.pos
	for c.pos < len(c.data) {
		b := c.data[c.pos]
		if b >= '0' && b <= '9' || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E' {
			c.pos++
			continue
		}
		break
	}
	if start == c.pos {
		return 0, c.errf("want a number")
	}
	v, err := strconv.ParseFloat(string(c.data[start:c.pos]), 64)
	if err != nil {
		return 0, c.errf("invalid number %q", c.data[start:c.pos])
	}
	return v, nil
}

func (c *coordParser) position() ([]float64, error) {
	empty, err := c.open()
	if err != nil || empty {
		return nil, err
	}
	var out [3]float64
	n := 0
	for {
		v, err := c.number()
		if err != nil {
			return nil, err
		}
		if n < len(out) {
			out[n] = v
		}
		n++
		more, err := c.next()
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	return out[:min(n, 3)], nil
}

// ring parses an array of positions, checking each.
func (c *coordParser) ring() (orb.Ring, error) {
	empty, err := c.open()
	if err != nil || empty {
		return orb.Ring{}, err
	}
	var r orb.Ring
	for i := 0; ; i++ {
		pos, err := c.position()
		if err != nil {
			return nil, err
		}
		p, err := toPoint(pos)
		if err != nil {
			return nil, fmt.Errorf("vertex %d: %w", i, err)
		}
		r = append(r, p)
		more, err := c.next()
		if err != nil {
			return nil, err
		}
		if !more {
			return r, nil
		}
	}
}

func (c *coordParser) polygon() (orb.Polygon, error) {
	empty, err := c.open()
	if err != nil || empty {
		return orb.Polygon{}, err
	}
	var p orb.Polygon
	for i := 0; ; i++ {
		r, err := c.ring()
		if err != nil {
			return nil, fmt.Errorf("ring %d: %w", i, err)
		}
		p = append(p, r)
		more, err := c.next()
		if err != nil {
			return nil, err
		}
		if !more {
			return p, nil
		}
	}
}

func (c *coordParser) multiPolygon() (orb.MultiPolygon, error) {
	empty, err := c.open()
	if err != nil || empty {
		return orb.MultiPolygon{}, err
	}
	var mp orb.MultiPolygon
	for i := 0; ; i++ {
		p, err := c.polygon()
		if err != nil {
			return nil, fmt.Errorf("polygon %d: %w", i, err)
		}
		mp = append(mp, p)
		more, err := c.next()
		if err != nil {
			return nil, err
		}
		if !more {
			return mp, nil
		}
	}
}

// end checks that only white space follows.
func (c *coordParser) end() error {
	c.skipSpace()
	if c.pos != len(c.data) {
		return c.errf("unexpected data after the coordinates")
	}
	return nil
}

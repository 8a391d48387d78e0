package geodata

import (
	"bytes"
	"fmt"
	"github.com/covaudit/covaudit/geodata/crs"
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
	sys  crs.CRS // the coordinates' system; converted to WGS84 by point
	// unclosed lists the rings (polygon, ring) that polygon closed
	// because their last position differed from their first.
	unclosed [][2]int
	poly     int // the polygon being parsed, for unclosed
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

// number parses a JSON number. Plain decimals ("-117.123456789", at most 15
// digits) are read in one pass: the integer mantissa and the power of ten
// are then exact doubles, so one division rounds correctly (the fast path
// of Clinger 1990, which strconv also takes). Anything else (exponents,
// more digits) goes to strconv.
func (c *coordParser) number() (float64, error) {
	c.skipSpace()
	d, i := c.data, c.pos
	neg := i < len(d) && d[i] == '-'
	if neg {
		i++
	}
	var m uint64
	digits, frac := 0, -1
	for ; i < len(d); i++ {
		b := d[i]
		if b >= '0' && b <= '9' {
			m = m*10 + uint64(b-'0')
			digits++
			if frac >= 0 {
				frac++
			}
			continue
		}
		if b == '.' && frac < 0 {
			frac = 0
			continue
		}
		break
	}
	if digits == 0 || digits > 15 || frac == 0 || i < len(d) && isNumberByte(d[i]) {
		return c.slowNumber()
	}
	c.pos = i
	v := float64(m)
	if frac > 0 {
		v /= pow10[frac]
	}
	if neg {
		v = -v
	}
	return v, nil
}

func isNumberByte(b byte) bool {
	return b >= '0' && b <= '9' || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E'
}

// slowNumber parses the number at the cursor with strconv.
func (c *coordParser) slowNumber() (float64, error) {
	start := c.pos
	for c.pos < len(c.data) && isNumberByte(c.data[c.pos]) {
		c.pos++
	}
	if start == c.pos {
		return 0, c.errf("want a number")
	}
	v, err := strconv.ParseFloat(string(c.data[start:c.pos]), 64)
	if err != nil {
		return 0, c.errf("invalid number %q", Excerpt(string(c.data[start:c.pos])))
	}
	return v, nil
}

// pow10 holds the exactly representable powers of ten.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// position parses a position: its first numbers (at most 3) and how many
// there were.
func (c *coordParser) position() (pos [3]float64, n int, err error) {
	empty, err := c.open()
	if err != nil || empty {
		return pos, 0, err
	}
	for {
		v, err := c.number()
		if err != nil {
			return pos, 0, err
		}
		if n < len(pos) {
			pos[n] = v
		}
		n++
		more, err := c.next()
		if err != nil {
			return pos, 0, err
		}
		if !more {
			return pos, min(n, len(pos)), nil
		}
	}
}

// array parses a JSON array whose elements elem consumes one at a time,
// with their index.
func (c *coordParser) array(elem func(i int) error) error {
	empty, err := c.open()
	if err != nil || empty {
		return err
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		more, err := c.next()
		if err != nil || !more {
			return err
		}
	}
}

// point parses a position and checks its range.
func (c *coordParser) point() (orb.Point, error) {
	pos, n, err := c.position()
	if err != nil {
		return orb.Point{}, err
	}
	if n >= 2 && c.sys.Name != "" && !c.sys.IsWGS84() {
		// Values beyond every projected system are refused as written,
		// before a projection's inverse maps them to a pole.
		for k, what := range []string{"longitude", "latitude"} {
			if NotACoordinate(pos[k]) {
				return orb.Point{}, fmt.Errorf("%s: %s", what, notCoordinateMsg(fmtNum(pos[k])))
			}
		}
		pos[0], pos[1] = c.sys.ToWGS84(pos[0], pos[1])
	}
	return toPoint(pos[:n])
}

// ring parses an array of positions, checking each.
func (c *coordParser) ring() (orb.Ring, error) {
	r := make(orb.Ring, 0, c.countElements())
	err := c.array(func(i int) error {
		p, err := c.point()
		if err != nil {
			return fmt.Errorf("vertex %d: %w", i, err)
		}
		r = append(r, p)
		return nil
	})
	return r, err
}

func (c *coordParser) polygon() (orb.Polygon, error) {
	p := orb.Polygon{}
	err := c.array(func(i int) error {
		r, err := c.ring()
		if err != nil {
			return fmt.Errorf("ring %d: %w", i, err)
		}
		// RFC 7946 rings end where they start; one that does not is
		// closed, and noted.
		if len(r) > 0 && r[0] != r[len(r)-1] {
			r = append(r, r[0])
			c.unclosed = append(c.unclosed, [2]int{c.poly, i})
		}
		p = append(p, r)
		return nil
	})
	return p, err
}

func (c *coordParser) multiPolygon() (orb.MultiPolygon, error) {
	mp := orb.MultiPolygon{}
	err := c.array(func(i int) error {
		c.poly = i
		p, err := c.polygon()
		if err != nil {
			return fmt.Errorf("polygon %d: %w", i, err)
		}
		mp = append(mp, p)
		return nil
	})
	return mp, err
}

// countElements estimates the length of the array of positions that
// starts at the cursor by counting the '[' up to the first "]]" (its end
// when written compactly), so that a ring is allocated once; 0 when it
// cannot tell. It does not move the cursor.
func (c *coordParser) countElements() int {
	rest := c.data[c.pos:]
	end := bytes.Index(rest, []byte("]]"))
	if end < 0 {
		return 0
	}
	return max(0, bytes.Count(rest[:end], []byte("["))-1)
}

// end checks that only white space follows.
func (c *coordParser) end() error {
	c.skipSpace()
	if c.pos != len(c.data) {
		return c.errf("unexpected data after the coordinates")
	}
	return nil
}

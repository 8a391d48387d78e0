package gpkg

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// encodeWKB writes g (Point, Polygon, MultiPoint or MultiPolygon) as 2D
// WKB in the byte order bo, coordinates exactly: the test's reference
// encoder, independent of the GeoPackage writer (which rounds).
func encodeWKB(g orb.Geometry, bo binary.AppendByteOrder) []byte {
	b := []byte{0}
	if bo == binary.LittleEndian {
		b[0] = 1
	}
	pt := func(b []byte, p orb.Point) []byte {
		b = bo.AppendUint64(b, math.Float64bits(p[0]))
		return bo.AppendUint64(b, math.Float64bits(p[1]))
	}
	switch v := g.(type) {
	case orb.Point:
		return pt(bo.AppendUint32(b, 1), v)
	case orb.Polygon:
		b = bo.AppendUint32(bo.AppendUint32(b, 3), uint32(len(v)))
		for _, r := range v {
			b = bo.AppendUint32(b, uint32(len(r)))
			for _, p := range r {
				b = pt(b, p)
			}
		}
		return b
	case orb.MultiPoint:
		b = bo.AppendUint32(bo.AppendUint32(b, 4), uint32(len(v)))
		for _, p := range v {
			b = append(b, encodeWKB(p, bo)...)
		}
		return b
	case orb.MultiPolygon:
		b = bo.AppendUint32(bo.AppendUint32(b, 6), uint32(len(v)))
		for _, p := range v {
			b = append(b, encodeWKB(p, bo)...)
		}
		return b
	}
	panic("encodeWKB: " + g.GeoJSONType())
}

// FuzzWKB: any WKB decodes or fails, never panics; what decodes, encoded
// again (either byte order), decodes to the same geometry, bit for bit, and
// consumes exactly the bytes written.
//
//	go test ./geodata/gpkg -run '^$' -fuzz FuzzWKB -fuzztime 3000x
func FuzzWKB(f *testing.F) {
	sq := orb.Ring{{1.5, 42.5}, {1.55, 42.5}, {1.55, 42.55}, {1.5, 42.5}}
	for _, g := range []orb.Geometry{orb.Point{1.5, 42.5}, orb.Polygon{sq}, orb.MultiPoint{{1, 2}, {3, 4}},
		orb.MultiPolygon{{sq}, {sq, sq}}, orb.Polygon{}, orb.MultiPolygon{}} {
		f.Add(encodeWKB(g, binary.LittleEndian))
		f.Add(encodeWKB(g, binary.BigEndian))
	}
	// Z, M and ZM points (ISO codes), and a multipoint inside a multipoint.
	f.Add(append(binary.LittleEndian.AppendUint32([]byte{1}, 1001), make([]byte, 24)...))
	f.Add(append(binary.LittleEndian.AppendUint32([]byte{1}, 3001), make([]byte, 32)...))
	f.Add(append(binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32([]byte{1}, 4), 1), encodeWKB(orb.MultiPoint{{1, 2}}, binary.LittleEndian)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, _, err := readWKB(b, 0, 0)
		if err != nil || g == nil {
			return
		}
		for _, bo := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
			enc := encodeWKB(g, bo)
			h, n, err := readWKB(enc, 0, 0)
			if err != nil || n != len(enc) || !bytes.Equal(encodeWKB(h, binary.LittleEndian), encodeWKB(g, binary.LittleEndian)) {
				t.Fatalf("readWKB(%x) = %v; encoded again (%v) it reads %v (%d of %d bytes), %v", b, g, bo, h, n, len(enc), err)
			}
		}
	})
}

// TestWKBNestedMulti: a multipoint inside a multipoint (or a multipolygon
// inside a multipolygon) is an error; it used to be dropped silently.
func TestWKBNestedMulti(t *testing.T) {
	le := binary.LittleEndian
	for _, c := range []struct {
		outer uint32
		inner orb.Geometry
		want  string
	}{
		{4, orb.MultiPoint{{1, 2}}, "WKB: a MultiPoint inside a multipoint"},
		{6, orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}, "WKB: a MultiPolygon inside a multipolygon"},
	} {
		b := append(le.AppendUint32(le.AppendUint32([]byte{1}, c.outer), 1), encodeWKB(c.inner, le)...)
		if _, _, err := readWKB(b, 0, 0); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("readWKB(%s inside type %d) = %v, want %q", c.inner.GeoJSONType(), c.outer, err, c.want)
		}
	}
}

package geodata

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"sync"
)

// Grid is a single-band Float32 raster to write as a GeoTIFF. Cell (col,
// row) spans x in [X0 + col*DX, X0 + (col+1)*DX] and y in
// [Y0 - (row+1)*DY, Y0 - row*DY] in the coordinate system of the EPSG code
// EPSG: longitude and latitude degrees when Geographic, else the projected
// system's easting and northing units. Values holds the cells row by row,
// the north row first; NoData marks cells with no value (GDAL's
// GDAL_NODATA tag).
type Grid struct {
	Width, Height  int
	X0, Y0, DX, DY float64
	EPSG           int
	Geographic     bool
	NoData         float32
	Values         []float32
}

// GeoTIFF tags written besides those ReadGeoTIFF reads.
const (
	tagPhotometric = 262
	// GeoKey ids (GeoTIFF 1.0, section 6.2).
	keyModelType      = 1024
	keyRasterType     = 1025
	keyGeographicType = 2048
	keyProjectedType  = 3072
)

// WriteGeoTIFF writes g as a classic little-endian TIFF: 32-bit IEEE
// floats, LZW compressed with the floating-point predictor (3), in strips
// of at least 64 KiB of cells each, georeferenced by ModelPixelScale,
// ModelTiepoint (the north-west corner of the first cell, PixelIsArea) and
// a GeoKeyDirectory naming the EPSG code, with GDAL_NODATA. GDAL and QGIS
// read it, and so does ReadGeoTIFF (for EPSG:4326). Strips are compressed
// on workers goroutines (at least one); the bytes do not depend on their
// number. The file must stay below 4 GiB, the classic TIFF's limit: an
// error says so before anything is written.
func WriteGeoTIFF(w io.Writer, g *Grid, workers int) error {
	if g.Width <= 0 || g.Height <= 0 || len(g.Values) != g.Width*g.Height {
		return fmt.Errorf("geotiff: %d x %d cells with %d values", g.Width, g.Height, len(g.Values))
	}
	if g.EPSG <= 0 || g.EPSG > math.MaxUint16 {
		return fmt.Errorf("geotiff: EPSG:%d does not fit a GeoKey (1 to 65535)", g.EPSG)
	}
	if !(g.DX > 0) || !(g.DY > 0) {
		return fmt.Errorf("geotiff: cell size %g x %g: want positive sizes", g.DX, g.DY)
	}
	rowBytes := 4 * g.Width
	rps := max(1, (64<<10+rowBytes-1)/rowBytes)
	nStrips := (g.Height + rps - 1) / rps
	strips := make([][]byte, nStrips)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(max(1, workers), nStrips) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var raw []byte
			for s := range next {
				rows := min(rps, g.Height-s*rps)
				raw = slices.Grow(raw[:0], rows*rowBytes)[:rows*rowBytes]
				for r := range rows {
					predictFloat32(raw[r*rowBytes:(r+1)*rowBytes], g.Values[(s*rps+r)*g.Width:(s*rps+r+1)*g.Width])
				}
				strips[s] = lzwEncode(nil, raw)
			}
		}()
	}
	for s := range nStrips {
		next <- s
	}
	close(next)
	wg.Wait()

	// Layout: the header, the strips, then the directory and the values
	// too long for its entries.
	offsets, counts := make([]uint32, nStrips), make([]uint32, nStrips)
	pos := uint64(8)
	for s, b := range strips {
		offsets[s], counts[s] = uint32(pos), uint32(len(b))
		pos += uint64(len(b))
	}
	keys := []uint16{1, 1, 0, 3}
	if g.Geographic {
		keys = append(keys, keyModelType, 0, 1, 2, keyRasterType, 0, 1, 1, keyGeographicType, 0, 1, uint16(g.EPSG))
	} else {
		keys = append(keys, keyModelType, 0, 1, 1, keyRasterType, 0, 1, 1, keyProjectedType, 0, 1, uint16(g.EPSG))
	}
	nodata := strconv.FormatFloat(float64(g.NoData), 'g', -1, 32)
	if math.IsNaN(float64(g.NoData)) {
		nodata = "nan"
	}
	entries := []ifdEntry{
		{tag: tagWidth, typ: 4, vals: []uint32{uint32(g.Width)}},
		{tag: tagHeight, typ: 4, vals: []uint32{uint32(g.Height)}},
		{tag: tagBits, typ: 3, vals: []uint32{32}},
		{tag: tagCompression, typ: 3, vals: []uint32{5}},
		{tag: tagPhotometric, typ: 3, vals: []uint32{1}}, // min-is-black
		{tag: tagStripOffsets, typ: 4, vals: offsets},
		{tag: tagSamples, typ: 3, vals: []uint32{1}},
		{tag: tagRowsPerStrip, typ: 4, vals: []uint32{uint32(rps)}},
		{tag: tagStripBytes, typ: 4, vals: counts},
		{tag: tagPlanar, typ: 3, vals: []uint32{1}},
		{tag: tagPredictor, typ: 3, vals: []uint32{3}},
		{tag: tagSampleFormat, typ: 3, vals: []uint32{3}}, // IEEE float
		{tag: tagPixelScale, typ: 12, doubles: []float64{g.DX, g.DY, 0}},
		{tag: tagTiepoint, typ: 12, doubles: []float64{0, 0, 0, g.X0, g.Y0, 0}},
		{tag: tagGeoKeys, typ: 3, shorts: keys},
		{tag: tagNoData, typ: 2, ascii: nodata},
	}
	ifd := pos + pos%2 // word aligned
	extra := ifd + 2 + 12*uint64(len(entries)) + 4
	var dir, tail []byte
	le := binary.LittleEndian
	dir = le.AppendUint16(dir, uint16(len(entries)))
	for _, e := range entries {
		val := e.bytes()
		dir = le.AppendUint16(dir, e.tag)
		dir = le.AppendUint16(dir, e.typ)
		dir = le.AppendUint32(dir, uint32(e.count()))
		if len(val) <= 4 {
			dir = append(dir, val...)
			dir = append(dir, make([]byte, 4-len(val))...)
			continue
		}
		dir = le.AppendUint32(dir, uint32(extra+uint64(len(tail))))
		tail = append(tail, val...)
		if len(tail)%2 == 1 {
			tail = append(tail, 0)
		}
	}
	dir = le.AppendUint32(dir, 0) // no next directory
	if end := extra + uint64(len(tail)); end > math.MaxUint32 {
		return fmt.Errorf("geotiff: %d x %d cells compress to %d bytes, beyond the 4 GiB a classic TIFF can hold: use a larger cell", g.Width, g.Height, end)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("II")
	bw.Write(le.AppendUint16(nil, 42))
	bw.Write(le.AppendUint32(nil, uint32(ifd)))
	for _, b := range strips {
		bw.Write(b)
	}
	if ifd > pos {
		bw.WriteByte(0)
	}
	bw.Write(dir)
	bw.Write(tail)
	return bw.Flush()
}

// ifdEntry is one TIFF directory entry: LONG or SHORT values in vals (or
// shorts), DOUBLE values in doubles, or an ASCII string.
type ifdEntry struct {
	tag, typ uint16
	vals     []uint32
	doubles  []float64
	shorts   []uint16
	ascii    string
}

func (e ifdEntry) count() int {
	switch {
	case e.typ == 2:
		return len(e.ascii) + 1
	case e.doubles != nil:
		return len(e.doubles)
	case e.shorts != nil:
		return len(e.shorts)
	}
	return len(e.vals)
}

// bytes are the entry's values, little-endian.
func (e ifdEntry) bytes() []byte {
	le := binary.LittleEndian
	var b []byte
	switch {
	case e.typ == 2:
		b = append([]byte(e.ascii), 0)
	case e.doubles != nil:
		for _, v := range e.doubles {
			b = le.AppendUint64(b, math.Float64bits(v))
		}
	case e.shorts != nil:
		for _, v := range e.shorts {
			b = le.AppendUint16(b, v)
		}
	case e.typ == 3:
		for _, v := range e.vals {
			b = le.AppendUint16(b, uint16(v))
		}
	default:
		for _, v := range e.vals {
			b = le.AppendUint32(b, v)
		}
	}
	return b
}

// predictFloat32 writes one row of samples into dst (4 bytes a sample) as
// TIFF's floating-point predictor (Technical Note 3) has it: the bytes of
// each sample split into planes, most significant first, then each byte
// less the one before it.
func predictFloat32(dst []byte, row []float32) {
	w := len(row)
	for x, v := range row {
		u := math.Float32bits(v)
		dst[x], dst[w+x], dst[2*w+x], dst[3*w+x] = byte(u>>24), byte(u>>16), byte(u>>8), byte(u)
	}
	for i := len(dst) - 1; i > 0; i-- {
		dst[i] -= dst[i-1]
	}
}

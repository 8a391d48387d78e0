package geodata

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/tiff/lzw"
)

// Raster is a single-band grid of values in WGS84 longitude and latitude,
// as population rasters (WorldPop, GHSL) are published: cell (col, row)
// spans longitudes [X0 + col*DX, X0 + (col+1)*DX] and latitudes
// [Y0 - (row+1)*DY, Y0 - row*DY]. NaN marks no data.
type Raster struct {
	Width, Height int
	X0, Y0        float64 // west and north edges, degrees
	DX, DY        float64 // cell size, degrees (DY positive, rows go south)
	Values        []float64
}

// At returns the value of cell (col, row).
func (r *Raster) At(col, row int) float64 { return r.Values[row*r.Width+col] }

// TIFF tags read.
const (
	tagWidth        = 256
	tagHeight       = 257
	tagBits         = 258
	tagCompression  = 259
	tagStripOffsets = 273
	tagSamples      = 277
	tagRowsPerStrip = 278
	tagStripBytes   = 279
	tagPlanar       = 284
	tagPredictor    = 317
	tagTileWidth    = 322
	tagTileHeight   = 323
	tagTileOffsets  = 324
	tagTileBytes    = 325
	tagSampleFormat = 339
	tagPixelScale   = 33550
	tagTiepoint     = 33922
	tagGeoKeys      = 34735
	tagNoData       = 42113
)

// ReadGeoTIFF reads a single-band GeoTIFF in WGS84 (EPSG:4326): unsigned
// or signed integers of 8, 16 or 32 bits, or floats of 32 or 64 bits;
// uncompressed, LZW or Deflate, with no, horizontal or floating-point
// predictor; in strips or tiles; with GDAL's no-data value. Anything else
// is an error that says what.
func ReadGeoTIFF(data []byte, name string) (*Raster, error) {
	fail := func(format string, args ...any) (*Raster, error) {
		return nil, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	if len(data) < 8 {
		return fail("not a TIFF file")
	}
	var bo binary.ByteOrder
	switch string(data[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return fail("not a TIFF file")
	}
	if bo.Uint16(data[2:]) != 42 {
		if bo.Uint16(data[2:]) == 43 {
			return fail("BigTIFF is not read; write the raster as a classic TIFF (gdal_translate -co BIGTIFF=NO)")
		}
		return fail("not a TIFF file")
	}
	ifd := int(bo.Uint32(data[4:]))
	if ifd+2 > len(data) {
		return fail("byte %d: the first directory lies past the end of the file", ifd)
	}
	n := int(bo.Uint16(data[ifd:]))
	if ifd+2+12*n > len(data) {
		return fail("byte %d: the directory runs past the end of the file", ifd)
	}
	tags := map[int][]float64{}
	ascii := map[int]string{}
	sizes := map[int]int{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8}
	for i := range n {
		e := data[ifd+2+12*i:]
		tag, typ, count := int(bo.Uint16(e)), int(bo.Uint16(e[2:])), int(bo.Uint32(e[4:]))
		size, ok := sizes[typ]
		if !ok || count < 0 || count > len(data) {
			continue
		}
		val := e[8:12]
		if size*count > 4 {
			off := int(bo.Uint32(e[8:]))
			if off < 0 || off+size*count > len(data) {
				return fail("tag %d: its values lie past the end of the file", tag)
			}
			val = data[off : off+size*count]
		}
		if typ == 2 {
			ascii[tag] = strings.TrimRight(string(val[:count]), "\x00 ")
			continue
		}
		vs := make([]float64, count)
		for k := range vs {
			switch typ {
			case 1, 7:
				vs[k] = float64(val[k])
			case 6:
				vs[k] = float64(int8(val[k]))
			case 3:
				vs[k] = float64(bo.Uint16(val[2*k:]))
			case 8:
				vs[k] = float64(int16(bo.Uint16(val[2*k:])))
			case 4:
				vs[k] = float64(bo.Uint32(val[4*k:]))
			case 9:
				vs[k] = float64(int32(bo.Uint32(val[4*k:])))
			case 11:
				vs[k] = float64(math.Float32frombits(bo.Uint32(val[4*k:])))
			case 12:
				vs[k] = math.Float64frombits(bo.Uint64(val[8*k:]))
			case 5, 10:
				num, den := float64(bo.Uint32(val[8*k:])), float64(bo.Uint32(val[8*k+4:]))
				vs[k] = num / den
			case 16:
				vs[k] = float64(bo.Uint64(val[8*k:]))
			}
		}
		tags[tag] = vs
	}
	one := func(tag int, def float64) float64 {
		if v := tags[tag]; len(v) > 0 {
			return v[0]
		}
		return def
	}
	w, h := whole(one(tagWidth, 0)), whole(one(tagHeight, 0))
	if w <= 0 || h <= 0 || w > 1<<28 || h > 1<<28 || w*h > 1<<28 {
		return fail("%s %s x %s %s cells: want a raster of at most 2^28 cells",
			tagName(tagWidth), tagValue(one(tagWidth, 0)), tagName(tagHeight), tagValue(one(tagHeight, 0)))
	}
	if s := one(tagSamples, 1); s != 1 {
		return fail("%g bands: want one", s)
	}
	bits, format := int(one(tagBits, 1)), int(one(tagSampleFormat, 1))
	comp, pred := int(one(tagCompression, 1)), int(one(tagPredictor, 1))
	switch comp {
	case 1, 5, 8, 32946:
	default:
		return fail("compression %d is not read (uncompressed, LZW and Deflate are)", comp)
	}
	if !(format == 3 && (bits == 32 || bits == 64)) && !((format == 1 || format == 2) && (bits == 8 || bits == 16 || bits == 32)) {
		return fail("%d-bit samples of format %d are not read (want 8/16/32-bit integers or 32/64-bit floats)", bits, format)
	}
	// A raster cannot hold much more than its file allows: refuse sizes a
	// corrupt header claims before allocating for them.
	if limit := 1024*len(data) + 1<<20; w*h*(bits/8) > limit {
		return fail("%d x %d cells of %d bits cannot come from %d bytes", w, h, bits, len(data))
	}
	// Georeferencing: pixel scale and one tie point, WGS84.
	scale, tie := tags[tagPixelScale], tags[tagTiepoint]
	if len(scale) < 2 || len(tie) < 6 {
		return fail("no georeferencing (ModelPixelScale and ModelTiepoint tags)")
	}
	if keys := tags[tagGeoKeys]; len(keys) >= 4 {
		for k := 4; k+3 < len(keys); k += 4 {
			switch id, v := int(keys[k]), keys[k+3]; {
			case id == 3072 && v != 0:
				return fail("projected coordinate system EPSG:%g: want WGS84 (EPSG:4326); reproject it with gdalwarp -t_srs EPSG:4326", v)
			case id == 2048 && v != 4326 && v != 32767:
				return fail("geographic system EPSG:%g: want WGS84 (EPSG:4326)", v)
			}
		}
	}
	r := &Raster{Width: w, Height: h, DX: scale[0], DY: scale[1],
		X0: tie[3] - tie[0]*scale[0], Y0: tie[4] + tie[1]*scale[1], Values: make([]float64, w*h)}
	nodata := math.NaN()
	if s, ok := ascii[tagNoData]; ok {
		if v, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			nodata = v
		}
	}
	// Blocks: strips (the full width) or tiles. Every size and offset is
	// checked as a whole number before any arithmetic with it, so that no
	// product or sum can wrap around (a header claiming tiles of 2^31 x 2^31
	// cells, or offsets near 2^62 in 64-bit LONG8 tags).
	kind, tagW, tagH, tagOff, tagLen := "strip", tagWidth, tagRowsPerStrip, tagStripOffsets, tagStripBytes
	bw, bh := w, min(whole(one(tagRowsPerStrip, float64(h))), h)
	if one(tagRowsPerStrip, float64(h)) > float64(h) {
		bh = h // 2^32-1 and other counts beyond the height mean one strip
	}
	tiled := tags[tagTileWidth] != nil
	if tiled {
		kind, tagW, tagH, tagOff, tagLen = "tile", tagTileWidth, tagTileHeight, tagTileOffsets, tagTileBytes
		bw, bh = whole(one(tagTileWidth, 0)), whole(one(tagTileHeight, 0))
	}
	offs, lens := tags[tagOff], tags[tagLen]
	if bw <= 0 || bh <= 0 {
		return fail("%s %s x %s %s: want whole numbers of cells above 0",
			tagName(tagW), tagValue(one(tagW, 0)), tagName(tagH), tagValue(one(tagH, 0)))
	}
	bps := bits / 8
	// One block cannot decompress to more than the raster the file can
	// hold (the same bound as above), checked without overflow.
	if limit := 1024*len(data) + 1<<20; bw > limit/bps || bh > limit/bps/bw {
		return fail("%s %s x %s %s at %d bits per sample: a %s larger than the file can hold",
			tagName(tagW), tagValue(float64(bw)), tagName(tagH), tagValue(float64(bh)), bits, kind)
	}
	if len(offs) == 0 || len(offs) != len(lens) {
		return fail("no %s offsets (%s and %s, one per %s)", kind, tagName(tagOff), tagName(tagLen), kind)
	}
	across := (w + bw - 1) / bw
	nBlocks := across * ((h + bh - 1) / bh)
	if len(offs) < nBlocks {
		return fail("%d %ss for a %d x %d raster in %ss of %d x %d", len(offs), kind, w, h, kind, bw, bh)
	}
	// Offsets beyond the raster's blocks are not read: every block read
	// then has at least one row inside the raster.
	for b := range nBlocks {
		off, ln := whole(offs[b]), whole(lens[b])
		if off < 0 || ln < 0 || off > len(data) || ln > len(data)-off {
			return fail("%s %d: %s %s and %s %s lie past the end of the file (%d bytes)",
				kind, b, tagName(tagOff), tagValue(offs[b]), tagName(tagLen), tagValue(lens[b]), len(data))
		}
		raw := data[off : off+ln]
		rows := bh
		if !tiled { // the last strip may be short
			rows = min(bh, h-(b/across)*bh)
		}
		want := bw * rows * bps
		var buf []byte
		switch comp {
		case 1:
			buf = raw
		case 5:
			rd := lzw.NewReader(bytes.NewReader(raw), lzw.MSB, 8)
			var err error
			buf, err = io.ReadAll(io.LimitReader(rd, int64(want)))
			rd.Close()
			if err != nil {
				return fail("%s %d: LZW data at byte %d: %v", kind, b, off, err)
			}
		default:
			zr, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				return fail("%s %d: Deflate data at byte %d: %v", kind, b, off, err)
			}
			buf, err = io.ReadAll(io.LimitReader(zr, int64(want)))
			if err != nil {
				return fail("%s %d: Deflate data at byte %d: %v", kind, b, off, err)
			}
		}
		if len(buf) < want {
			return fail("%s %d: %d bytes after decompression, want %d", kind, b, len(buf), want)
		}
		buf = buf[:want]
		if err := unpredict(buf, bw, rows, bps, pred, format, bo); err != nil {
			return fail("%s %d: %v", kind, b, err)
		}
		bx, by := (b%across)*bw, (b/across)*bh
		for y := 0; y < rows && by+y < h; y++ {
			for x := 0; x < bw && bx+x < w; x++ {
				v := sample(buf[(y*bw+x)*bps:], bits, format, bo, pred == 3)
				if v == nodata || math.IsInf(v, 0) {
					v = math.NaN()
				}
				r.Values[(by+y)*w+bx+x] = v
			}
		}
	}
	return r, nil
}

// unpredict undoes TIFF's horizontal differencing (predictor 2, per
// sample) or floating-point predictor (3: byte planes, most significant
// first, differenced) row by row. After predictor 3 samples are big-endian.
func unpredict(buf []byte, w, rows, bps, pred, format int, bo binary.ByteOrder) error {
	switch pred {
	case 1:
		return nil
	case 2:
		if format == 3 {
			return errors.New("horizontal predictor on floating-point samples")
		}
		for y := range rows {
			row := buf[y*w*bps : (y+1)*w*bps]
			for x := 1; x < w; x++ {
				switch bps {
				case 1:
					row[x] += row[x-1]
				case 2:
					bo.PutUint16(row[2*x:], bo.Uint16(row[2*x:])+bo.Uint16(row[2*x-2:]))
				case 4:
					bo.PutUint32(row[4*x:], bo.Uint32(row[4*x:])+bo.Uint32(row[4*x-4:]))
				}
			}
		}
	case 3:
		tmp := make([]byte, w*bps)
		for y := range rows {
			row := buf[y*w*bps : (y+1)*w*bps]
			for i := 1; i < len(row); i++ {
				row[i] += row[i-1]
			}
			for x := range w {
				for k := range bps {
					tmp[x*bps+k] = row[k*w+x]
				}
			}
			copy(row, tmp)
		}
	default:
		return fmt.Errorf("predictor %d is not read", pred)
	}
	return nil
}

// whole returns v as an int when it is a whole number in [0, 2^53] (every
// TIFF size and offset a file can mean), else -1: tag values are held as
// float64, whose conversion to int is undefined beyond int's range.
func whole(v float64) int {
	if !(v >= 0 && v <= 1<<53) || v != math.Trunc(v) {
		return -1
	}
	return int(v)
}

// tagValue writes a tag's value in full: 4611686018427387904, not 4.6e+18.
func tagValue(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// tagName names a TIFF tag in messages: "TileWidth (tag 322)".
func tagName(tag int) string {
	names := map[int]string{tagWidth: "ImageWidth", tagHeight: "ImageLength", tagRowsPerStrip: "RowsPerStrip",
		tagStripOffsets: "StripOffsets", tagStripBytes: "StripByteCounts", tagTileWidth: "TileWidth",
		tagTileHeight: "TileLength", tagTileOffsets: "TileOffsets", tagTileBytes: "TileByteCounts"}
	if n, ok := names[tag]; ok {
		return fmt.Sprintf("%s (tag %d)", n, tag)
	}
	return fmt.Sprintf("tag %d", tag)
}

func sample(b []byte, bits, format int, bo binary.ByteOrder, bigEndianFloat bool) float64 {
	if bigEndianFloat {
		bo = binary.BigEndian
	}
	switch {
	case format == 3 && bits == 32:
		return float64(math.Float32frombits(bo.Uint32(b)))
	case format == 3:
		return math.Float64frombits(bo.Uint64(b))
	case bits == 8 && format == 2:
		return float64(int8(b[0]))
	case bits == 8:
		return float64(b[0])
	case bits == 16 && format == 2:
		return float64(int16(bo.Uint16(b)))
	case bits == 16:
		return float64(bo.Uint16(b))
	case format == 2:
		return float64(int32(bo.Uint32(b)))
	}
	return float64(bo.Uint32(b))
}

package geodata

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeoTIFFAgainstGDAL reads every test raster (each sample type,
// compression, predictor and layout supported; scripts/make_raster_testdata.sh)
// and compares each cell with GDAL's reading of it (the .xyz beside it):
// same georeferencing, same values, no data where GDAL has its no-data
// value.
func TestGeoTIFFAgainstGDAL(t *testing.T) {
	files, _ := filepath.Glob("testdata/raster/*.tif")
	if len(files) < 7 {
		t.Fatalf("%d test rasters", len(files))
	}
	for _, f := range files {
		if strings.HasSuffix(f, "utm.tif") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, _ := os.ReadFile(f)
			r, err := ReadGeoTIFF(data, f)
			if err != nil {
				t.Fatal(err)
			}
			if r.Width != 7 || r.Height != 5 || math.Abs(r.X0-1.40) > 1e-9 || math.Abs(r.Y0-42.67) > 1e-9 || math.Abs(r.DX-0.05) > 1e-12 {
				t.Fatalf("georeferencing %+v", r)
			}
			xyz, _ := os.Open(strings.TrimSuffix(f, ".tif") + ".xyz")
			defer xyz.Close()
			sc := bufio.NewScanner(xyz)
			k, nodata := 0, 0
			for sc.Scan() {
				var x, y, v float64
				fmt.Sscan(sc.Text(), &x, &y, &v)
				col, row := int((x-r.X0)/r.DX), int((r.Y0-y)/r.DY)
				got := r.At(col, row)
				if v == -9999 || v == 65535 {
					if !math.IsNaN(got) {
						t.Errorf("cell (%d, %d): %v, want no data", col, row, got)
					}
					nodata++
				} else if got != v {
					t.Errorf("cell (%d, %d): %v, GDAL reads %v", col, row, got, v)
				}
				k++
			}
			if k != 35 || nodata > 1 {
				t.Errorf("%d cells compared, %d without data", k, nodata)
			}
		})
	}
	data, _ := os.ReadFile("testdata/raster/utm.tif")
	if _, err := ReadGeoTIFF(data, "utm.tif"); err == nil || !strings.Contains(err.Error(), "EPSG:32631") {
		t.Errorf("a UTM raster: %v", err)
	}
}

// FuzzGeoTIFF: any bytes give a raster or an error, never a panic; a
// raster read holds one value per cell. Seeds: the test rasters and the
// header overflows of TestGeoTIFFHeaderOverflows (tiles of 2^31 x 2^31,
// 64-bit offsets and counts near 2^62, 64-bit dimensions).
func FuzzGeoTIFF(f *testing.F) {
	files, _ := filepath.Glob("testdata/raster/*.tif")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, e := range overflowTIFFs() {
		f.Add(e)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ReadGeoTIFF(b, "f.tif")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.tif: ") {
				t.Errorf("ReadGeoTIFF error %q does not name the file", err)
			}
			return
		}
		if r.Width <= 0 || r.Height <= 0 || len(r.Values) != r.Width*r.Height {
			t.Errorf("ReadGeoTIFF = %d x %d raster with %d values", r.Width, r.Height, len(r.Values))
		}
	})
}

// overflowTIFFs are the files of TestGeoTIFFHeaderOverflows.
func overflowTIFFs() [][]byte {
	var out [][]byte
	for _, c := range geoTIFFOverflowCases() {
		out = append(out, makeTIFF(append(c.entries, georef...), make([]byte, 64)))
	}
	return out
}

// tiffEntry is one directory entry of a test TIFF: values that do not fit
// in the entry's 4 bytes are written after the directory.
type tiffEntry struct {
	tag, typ uint16
	vals     []uint64
}

// makeTIFF builds a little-endian classic TIFF holding one directory of
// the given entries (sorted by tag by the caller), followed by payload.
// It returns the file and the offset where payload starts.
func makeTIFF(entries []tiffEntry, payload []byte) []byte {
	ifdLen := 2 + 12*len(entries) + 4
	extra := 8 + ifdLen
	var ext []byte
	out := binary.LittleEndian.AppendUint32([]byte("II*\x00"), 8)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(entries)))
	put := func(b []byte, typ uint16, v uint64) []byte {
		switch typ {
		case 3:
			return binary.LittleEndian.AppendUint16(b, uint16(v))
		case 4:
			return binary.LittleEndian.AppendUint32(b, uint32(v))
		}
		return binary.LittleEndian.AppendUint64(b, v)
	}
	for _, e := range entries {
		out = binary.LittleEndian.AppendUint16(out, e.tag)
		out = binary.LittleEndian.AppendUint16(out, e.typ)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(e.vals)))
		var val []byte
		for _, v := range e.vals {
			val = put(val, e.typ, v)
		}
		if len(val) <= 4 {
			out = append(out, append(val, make([]byte, 4-len(val))...)...)
			continue
		}
		out = binary.LittleEndian.AppendUint32(out, uint32(extra+len(ext)))
		ext = append(ext, val...)
	}
	out = append(out, 0, 0, 0, 0)
	out = append(out, ext...)
	return append(out, payload...)
}

// georef is ModelPixelScale and ModelTiepoint for a raster at (1.4, 42.67).
var georef = []tiffEntry{
	{tagPixelScale, 12, []uint64{math.Float64bits(0.05), math.Float64bits(0.05), 0}},
	{tagTiepoint, 12, []uint64{0, 0, 0, math.Float64bits(1.4), math.Float64bits(42.67), 0}},
}

// overflowCase is a TIFF directory whose sizes or offsets overflow, and
// what the error must name.
type overflowCase struct {
	name    string
	entries []tiffEntry
	want    []string
}

func geoTIFFOverflowCases() []overflowCase {
	f32 := []tiffEntry{{tagBits, 3, []uint64{32}}, {tagCompression, 3, []uint64{1}}}
	return []overflowCase{
		{"tiles of 2^31 x 2^31 cells", append(append([]tiffEntry{{tagWidth, 4, []uint64{4}}, {tagHeight, 4, []uint64{4}}}, f32...),
			tiffEntry{tagSampleFormat, 3, []uint64{3}}, tiffEntry{tagTileWidth, 4, []uint64{1 << 31}}, tiffEntry{tagTileHeight, 4, []uint64{1 << 31}},
			tiffEntry{tagTileOffsets, 4, []uint64{8}}, tiffEntry{tagTileBytes, 4, []uint64{64}}),
			[]string{"TileWidth (tag 322) 2147483648", "TileLength (tag 323) 2147483648", "32 bits"}},
		{"64-bit strip offset and count of 2^62", append(append([]tiffEntry{{tagWidth, 4, []uint64{4}}, {tagHeight, 4, []uint64{4}}}, f32...),
			tiffEntry{tagStripOffsets, 16, []uint64{1 << 62}}, tiffEntry{tagRowsPerStrip, 4, []uint64{4}}, tiffEntry{tagStripBytes, 16, []uint64{1 << 62}},
			tiffEntry{tagSampleFormat, 3, []uint64{3}}),
			[]string{"strip 0", "StripOffsets (tag 273) 4611686018427387904", "StripByteCounts (tag 279) 4611686018427387904"}},
		{"64-bit offset near 2^62 whose sum with a small count wraps", append(append([]tiffEntry{{tagWidth, 4, []uint64{4}}, {tagHeight, 4, []uint64{4}}}, f32...),
			tiffEntry{tagStripOffsets, 16, []uint64{1<<63 - 1<<11}}, tiffEntry{tagRowsPerStrip, 4, []uint64{4}}, tiffEntry{tagStripBytes, 16, []uint64{1 << 12}},
			tiffEntry{tagSampleFormat, 3, []uint64{3}}),
			[]string{"strip 0", "StripOffsets (tag 273) 9223372036854773760"}},
		{"64-bit width and height of 2^32", append(append([]tiffEntry{{tagWidth, 16, []uint64{1 << 32}}, {tagHeight, 16, []uint64{1 << 32}}}, f32...),
			tiffEntry{tagStripOffsets, 4, []uint64{8}}, tiffEntry{tagStripBytes, 4, []uint64{64}}, tiffEntry{tagSampleFormat, 3, []uint64{3}}),
			[]string{"ImageWidth (tag 256) 4294967296", "ImageLength (tag 257) 4294967296"}},
	}
}

// TestGeoTIFFHeaderOverflows: sizes and offsets whose products or sums
// overflow int are input errors naming the file, the tag and its value
// (they used to wrap around and index out of range).
func TestGeoTIFFHeaderOverflows(t *testing.T) {
	for _, c := range geoTIFFOverflowCases() {
		t.Run(c.name, func(t *testing.T) {
			data := makeTIFF(append(c.entries, georef...), make([]byte, 64))
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("ReadGeoTIFF panicked: %v", p)
					}
				}()
				_, err = ReadGeoTIFF(data, "bad.tif")
			}()
			if err == nil {
				t.Fatal("ReadGeoTIFF = nil error, want one")
			}
			for _, w := range append(c.want, "bad.tif: ") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ReadGeoTIFF error %q, want it to name %q", err, w)
				}
			}
		})
	}
}

// TestGeoTIFFDecompressionErrors: a corrupt compressed block is reported
// with the file, the block kind and index and the decompressor's error,
// not as a short block.
func TestGeoTIFFDecompressionErrors(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"testdata/raster/u16-deflate-pred2-tiles.tif", "tile 0: Deflate data"},
		{"testdata/raster/f64-lzw-pred3-strips.tif", "strip 0: LZW data"},
	} {
		data, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ReadGeoTIFF(data, c.file); err != nil {
			t.Fatal(err)
		}
		// Find block 0's offset and count and corrupt its middle.
		off, n := firstBlock(t, data)
		bad := bytes.Clone(data)
		for i := off + 2; i < off+n; i++ {
			bad[i] = 0xff
		}
		_, err = ReadGeoTIFF(bad, c.file)
		if err == nil || !strings.Contains(err.Error(), c.file+": "+c.want) {
			t.Errorf("ReadGeoTIFF(%s with block 0 corrupt) = %v, want an error naming %q", c.file, err, c.want)
		}
	}
}

// firstBlock returns the offset and byte count of the first strip or tile
// of a little-endian classic TIFF.
func firstBlock(t testing.TB, data []byte) (off, n int) {
	t.Helper()
	le := binary.LittleEndian
	ifd := int(le.Uint32(data[4:]))
	val := func(e []byte) int {
		ptr := e[8:]
		if le.Uint32(e[4:]) > 1 || le.Uint16(e[2:]) == 16 {
			ptr = data[le.Uint32(e[8:]):]
		}
		if le.Uint16(e[2:]) == 3 {
			return int(le.Uint16(ptr))
		}
		return int(le.Uint32(ptr))
	}
	off, n = -1, -1
	for i := range int(le.Uint16(data[ifd:])) {
		e := data[ifd+2+12*i:]
		switch le.Uint16(e) {
		case tagStripOffsets, tagTileOffsets:
			off = val(e)
		case tagStripBytes, tagTileBytes:
			n = val(e)
		}
	}
	if off < 0 || n < 0 || data[0] != 'I' {
		t.Fatal("no first block found")
	}
	return off, n
}

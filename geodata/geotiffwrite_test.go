package geodata

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// testGrid is a w x h WGS84 grid of a smooth field with no-data and
// infinite cells.
func testGrid(w, h int) *Grid {
	g := &Grid{Width: w, Height: h, X0: 1.4, Y0: 42.66, DX: 0.0012, DY: 0.0009, EPSG: 4326, Geographic: true, NoData: -9999,
		Values: make([]float32, w*h)}
	rng := rand.New(rand.NewPCG(7, 9))
	for i := range g.Values {
		x, y := float64(i%w), float64(i/w)
		g.Values[i] = float32(math.Hypot(x-float64(w)/3, y-float64(h)/2)*97.3 + rng.Float64())
		switch {
		case i%w < 3:
			g.Values[i] = g.NoData
		case i%97 == 0:
			g.Values[i] = float32(math.Inf(1))
		}
	}
	return g
}

func TestWriteGeoTIFFRoundTrip(t *testing.T) {
	for _, size := range [][2]int{{1, 1}, {5, 3}, {300, 211}, {17, 4000}} {
		g := testGrid(size[0], size[1])
		var one, two bytes.Buffer
		if err := WriteGeoTIFF(&one, g, 1); err != nil {
			t.Fatal(err)
		}
		if err := WriteGeoTIFF(&two, g, 2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(one.Bytes(), two.Bytes()) {
			t.Errorf("%d x %d: the bytes differ between 1 and 2 workers", g.Width, g.Height)
		}
		r, err := ReadGeoTIFF(one.Bytes(), "grid.tif")
		if err != nil {
			t.Fatalf("ReadGeoTIFF(WriteGeoTIFF(%d x %d)): %v", g.Width, g.Height, err)
		}
		if r.Width != g.Width || r.Height != g.Height || r.X0 != g.X0 || r.Y0 != g.Y0 || r.DX != g.DX || r.DY != g.DY {
			t.Fatalf("read %d x %d at (%g, %g) by %g x %g, wrote %d x %d at (%g, %g) by %g x %g",
				r.Width, r.Height, r.X0, r.Y0, r.DX, r.DY, g.Width, g.Height, g.X0, g.Y0, g.DX, g.DY)
		}
		for i, v := range g.Values {
			// ReadGeoTIFF reads no-data and infinite cells as NaN.
			want := float64(v)
			if v == g.NoData || math.IsInf(want, 0) {
				want = math.NaN()
			}
			if got := r.Values[i]; got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("%d x %d: cell %d = %v, want %v", g.Width, g.Height, i, got, want)
			}
		}
	}
}

// TestWriteGeoTIFFGDAL checks that GDAL reads the file: its size,
// coordinate system, no-data value and cell values.
func TestWriteGeoTIFFGDAL(t *testing.T) {
	if _, err := exec.LookPath("gdallocationinfo"); err != nil {
		t.Skip("gdallocationinfo not installed (Debian's gdal-bin; .ci/run installs it)")
	}
	dir := t.TempDir()
	for _, g := range []*Grid{testGrid(300, 211), func() *Grid {
		g := testGrid(64, 80)
		g.EPSG, g.Geographic, g.X0, g.Y0, g.DX, g.DY = 32631, false, 400000, 4730000, 100, 100
		return g
	}()} {
		path := filepath.Join(dir, "grid.tif")
		if err := WriteFileAtomic(path, func(w io.Writer) error { return WriteGeoTIFF(w, g, 2) }); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("gdalinfo", path).CombinedOutput()
		if err != nil {
			t.Fatalf("gdalinfo: %v\n%s", err, out)
		}
		info := string(out)
		for _, want := range []string{"Size is " + strconv.Itoa(g.Width) + ", " + strconv.Itoa(g.Height), "Type=Float32", "NoData Value=-9999", "COMPRESSION=LZW", `ID["EPSG",` + strconv.Itoa(g.EPSG) + `]]`} {
			if !strings.Contains(info, want) {
				t.Errorf("gdalinfo does not say %q:\n%s", want, info)
			}
		}
		// Every 37th cell, by pixel and line.
		var in strings.Builder
		var idx []int
		for i := 0; i < len(g.Values); i += 37 {
			idx = append(idx, i)
			fmt.Fprintf(&in, "%d %d\n", i%g.Width, i/g.Width)
		}
		cmd := exec.Command("gdallocationinfo", "-valonly", path)
		cmd.Stdin = strings.NewReader(in.String())
		out, err = cmd.Output()
		if err != nil {
			t.Fatalf("gdallocationinfo: %v", err)
		}
		lines := strings.Fields(string(out))
		if len(lines) != len(idx) {
			t.Fatalf("gdallocationinfo gave %d values for %d cells", len(lines), len(idx))
		}
		for k, i := range idx {
			got, err := strconv.ParseFloat(lines[k], 32)
			if err != nil {
				t.Fatalf("gdallocationinfo value %q: %v", lines[k], err)
			}
			if want := float64(g.Values[i]); got != want {
				t.Errorf("EPSG:%d: gdallocationinfo cell %d = %v, want %v", g.EPSG, i, got, want)
			}
		}
	}
}

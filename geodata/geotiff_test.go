package geodata

import (
	"bufio"
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

// FuzzGeoTIFF: any bytes give a raster or an error, never a panic.
func FuzzGeoTIFF(f *testing.F) {
	files, _ := filepath.Glob("testdata/raster/*.tif")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadGeoTIFF(b, "f.tif")
	})
}

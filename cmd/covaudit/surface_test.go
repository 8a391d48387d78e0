package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/crs"
)

// surfaceNearest writes the demo's cost surface (urban parishes within
// 2 km, rural ones 30 minutes by road) and looks up 200 random cells
// inside districts twice: in the GeoTIFF with GDAL's gdallocationinfo
// (-wgs84: by the cell centre's longitude and latitude) and with covaudit
// nearest at the same points. The values agree within Float32's rounding,
// a relative 2^-24, plus nearest's rounding to 3 decimals (0.0005).
func TestSurfaceMatchesNearest(t *testing.T) {
	if _, err := exec.LookPath("gdallocationinfo"); err != nil {
		t.Skip("gdallocationinfo not installed (Debian's gdal-bin; .ci/run installs it)")
	}
	for _, sys := range []string{"", "EPSG:32631"} {
		t.Run("crs "+sys, func(t *testing.T) {
			dir := t.TempDir()
			tif := filepath.Join(dir, "surface.tif")
			args := []string{"check", "-q", "--surface", tif, "--surface-cell", "100m", "-o", filepath.Join(dir, "report.txt")}
			if sys != "" {
				args = append(args, "--surface-crs", sys)
			}
			if code, _, stderr := runCLI(t, "", args...); code > 1 {
				t.Fatalf("check exit %d: %s", code, stderr)
			}
			info, err := exec.Command("gdalinfo", tif).CombinedOutput()
			if err != nil {
				t.Fatalf("gdalinfo: %v\n%s", err, info)
			}
			want := "4326"
			if sys != "" {
				want = strings.TrimPrefix(sys, "EPSG:")
			}
			for _, s := range []string{"Type=Float32", "NoData Value=-9999", "COMPRESSION=LZW", `ID["EPSG",` + want + `]]`} {
				if !strings.Contains(string(info), s) {
					t.Errorf("gdalinfo does not say %q:\n%s", s, info)
				}
			}
			data, err := os.ReadFile(tif)
			if err != nil {
				t.Fatal(err)
			}
			w, h, x0, y0, dx, dy := gridOf(t, string(info))
			c := crs.WGS84
			if sys != "" {
				if c, err = crs.Parse(sys); err != nil {
					t.Fatal(err)
				}
			} else {
				// The WGS84 surface reads back through ReadGeoTIFF too.
				r, err := geodata.ReadGeoTIFF(data, tif)
				if err != nil {
					t.Fatal(err)
				}
				if r.Width != w || r.Height != h {
					t.Fatalf("ReadGeoTIFF: %d x %d cells, gdalinfo %d x %d", r.Width, r.Height, w, h)
				}
			}
			seed := uint64(16)
			if s := os.Getenv("SEED"); s != "" {
				seed, _ = strconv.ParseUint(s, 10, 64)
			}
			t.Logf("seed %d (SEED overrides)", seed)
			rng := rand.New(rand.NewPCG(seed, 5))
			// 600 cells are drawn and looked up at once; the first 200 in
			// districts are kept (gdallocationinfo gives -9999 for the
			// others).
			var cand [][2]float64
			for range 600 {
				col, row := rng.IntN(w), rng.IntN(h)
				lon, lat := c.ToWGS84(x0+(float64(col)+0.5)*dx, y0-(float64(row)+0.5)*dy)
				cand = append(cand, [2]float64{lon, lat})
			}
			vals := locate(t, tif, cand)
			var csv strings.Builder
			csv.WriteString("id,lon,lat\n")
			var lonlat [][2]float64
			var surface []float64
			for k, v := range vals {
				if v == -9999 || len(lonlat) == 200 {
					continue
				}
				lon, lat := cand[k][0], cand[k][1]
				fmt.Fprintf(&csv, "c%d,%s,%s\n", len(lonlat), strconv.FormatFloat(lon, 'f', -1, 64), strconv.FormatFloat(lat, 'f', -1, 64))
				lonlat = append(lonlat, cand[k])
				surface = append(surface, v)
			}
			if len(lonlat) < 200 {
				t.Fatalf("only %d cells in districts", len(lonlat))
			}
			pts := filepath.Join(dir, "points.csv")
			if err := os.WriteFile(pts, []byte(csv.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, stderr := runCLI(t, "", "nearest", "-q", "--points", pts, "-f", "json")
			if code > 1 {
				t.Fatalf("nearest exit %d: %s", code, stderr)
			}
			var rep struct {
				Points []struct {
					ID       string   `json:"id"`
					District *string  `json:"district"`
					Rule     string   `json:"rule"`
					Cost     *float64 `json:"cost"`
				} `json:"points"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for i, p := range rep.Points {
				if p.District == nil {
					t.Errorf("%s (%v): in a district on the surface, outside every district for nearest", p.ID, lonlat[i])
					continue
				}
				kinds[p.Rule]++
				want := math.Inf(1)
				if p.Cost != nil {
					want = *p.Cost
				}
				got := surface[i]
				if math.IsInf(want, 1) != math.IsInf(got, 1) || !math.IsInf(want, 1) && math.Abs(got-want) > math.Abs(want)*0x1p-24+0.0005 {
					t.Errorf("%s (%v, %s): surface %v, nearest %v", p.ID, lonlat[i], *p.District, got, want)
				}
			}
			if len(kinds) < 2 {
				t.Errorf("the cells drawn fall under one rule only: %v", kinds)
			}
			t.Logf("cells by rule: %v", kinds)
		})
	}
}

// locate is gdallocationinfo's values at WGS84 positions.
func locate(t *testing.T, tif string, pts [][2]float64) []float64 {
	t.Helper()
	var in strings.Builder
	for _, p := range pts {
		fmt.Fprintf(&in, "%s %s\n", strconv.FormatFloat(p[0], 'f', -1, 64), strconv.FormatFloat(p[1], 'f', -1, 64))
	}
	cmd := exec.Command("gdallocationinfo", "-valonly", "-wgs84", tif)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gdallocationinfo: %v", err)
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(pts) {
		t.Fatalf("gdallocationinfo: %d values for %d positions", len(lines), len(pts))
	}
	vs := make([]float64, len(lines))
	for i, l := range lines {
		if vs[i], err = strconv.ParseFloat(l, 64); err != nil {
			t.Fatalf("gdallocationinfo at %v: %q: %v", pts[i], l, err)
		}
	}
	return vs
}

// gridOf reads the size, origin and pixel size gdalinfo reports.
func gridOf(t *testing.T, info string) (w, h int, x0, y0, dx, dy float64) {
	t.Helper()
	for _, line := range strings.Split(info, "\n") {
		var err error
		switch {
		case strings.HasPrefix(line, "Size is "):
			_, err = fmt.Sscanf(line, "Size is %d, %d", &w, &h)
		case strings.HasPrefix(line, "Origin = "):
			_, err = fmt.Sscanf(line, "Origin = (%g,%g)", &x0, &y0)
		case strings.HasPrefix(line, "Pixel Size = "):
			_, err = fmt.Sscanf(line, "Pixel Size = (%g,%g)", &dx, &dy)
			dy = -dy
		}
		if err != nil {
			t.Fatalf("gdalinfo line %q: %v", line, err)
		}
	}
	if w <= 0 || h <= 0 || !(dx > 0) || !(dy > 0) {
		t.Fatalf("gdalinfo gives no grid:\n%s", info)
	}
	return
}

func TestSurfaceUsage(t *testing.T) {
	dir := t.TempDir()
	tif := filepath.Join(dir, "s.tif")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"too many cells", []string{"--surface", tif, "--surface-cell", "1m"}, "more than the limit of 25000000"},
		{"zero cell", []string{"--surface", tif, "--surface-cell", "0"}, `invalid distance "0"`},
		{"negative cell", []string{"--surface", tif, "--surface-cell", "-5m"}, `invalid distance "-5m"`},
		{"not a number", []string{"--surface", tif, "--surface-cell", "abc"}, `invalid distance "abc"`},
		{"cell without surface", []string{"--surface-cell", "50m"}, "give its file with --surface"},
		{"geographic system", []string{"--surface", tif, "--surface-crs", "gcj02"}, "EPSG systems only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", append([]string{"check", "-q"}, tt.args...)...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("check %v: exit %d, stderr %q; want exit 2 saying %q", tt.args, code, stderr, tt.want)
			}
			if _, err := os.Stat(tif); err == nil {
				t.Errorf("check %v wrote %s", tt.args, tif)
			}
		})
	}
}

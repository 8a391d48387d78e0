package geodata

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata/crs"
)

// pointShapefile builds the .shp and .dbf of point records: one text
// field "id" of 8 bytes; deleted[i] sets record i's deletion flag.
func pointShapefile(pts [][2]float64, ids []string, deleted []bool) (shp, dbf []byte) {
	be, le := binary.BigEndian, binary.LittleEndian
	var recs []byte
	for i, p := range pts {
		recs = be.AppendUint32(recs, uint32(i+1))
		recs = be.AppendUint32(recs, 10) // 20 bytes, in 16-bit words
		recs = le.AppendUint32(recs, 1)
		recs = le.AppendUint64(recs, math.Float64bits(p[0]))
		recs = le.AppendUint64(recs, math.Float64bits(p[1]))
	}
	shp = make([]byte, 100)
	be.PutUint32(shp, 9994)
	be.PutUint32(shp[24:], uint32((100+len(recs))/2))
	le.PutUint32(shp[28:], 1000)
	le.PutUint32(shp[32:], 1)
	shp = append(shp, recs...)

	hlen, rlen := 32+32+1, 1+8
	dbf = make([]byte, 32, hlen)
	dbf[0] = 3
	le.PutUint32(dbf[4:], uint32(len(ids)))
	le.PutUint16(dbf[8:], uint16(hlen))
	le.PutUint16(dbf[10:], uint16(rlen))
	field := make([]byte, 32)
	copy(field, "id")
	field[11], field[16] = 'C', 8
	dbf = append(append(dbf, field...), 0x0d)
	for i, id := range ids {
		flag := byte(' ')
		if deleted[i] {
			flag = '*'
		}
		dbf = append(dbf, flag)
		dbf = append(dbf, []byte(id+strings.Repeat(" ", 8-len(id)))...)
	}
	return shp, append(dbf, 0x1a)
}

// TestShapefileDeletedRecords: a record the .dbf marks deleted is not
// read (not audited), the others keep their record numbers, and the layer
// says how many were skipped.
func TestShapefileDeletedRecords(t *testing.T) {
	shp, dbf := pointShapefile([][2]float64{{1.5, 42.5}, {1.6, 42.5}, {1.7, 42.5}}, []string{"a", "gone", "c"}, []bool{false, true, false})
	l, err := parseShapefile("st.shp", "st", map[string][]byte{".shp": shp, ".dbf": dbf}, "")
	if err != nil {
		t.Fatal(err)
	}
	st, probs := StationsFromLayer(l, "st.shp", StationOptions{})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	var ids []string
	for _, s := range st {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, ",") != "a,c" {
		t.Errorf("StationsFromLayer ids = %v, want [a c] (record 1 is deleted)", ids)
	}
	if len(l.Features) != 2 || l.Features[1].Index != 2 {
		t.Errorf("features %+v, want records 0 and 2", l.Features)
	}
	if len(l.Warnings) != 1 || !strings.Contains(l.Warnings[0], "st.shp: 1 record(s) marked deleted") || !strings.Contains(l.Warnings[0], ": 1)") {
		t.Errorf("Warnings = %q, want one naming st.shp and record 1", l.Warnings)
	}
}

// TestShapefileAllDeleted: a layer whose every record is deleted is an
// error naming the file, not an empty layer.
func TestShapefileAllDeleted(t *testing.T) {
	shp, dbf := pointShapefile([][2]float64{{1.5, 42.5}, {1.6, 42.5}}, []string{"a", "b"}, []bool{true, true})
	_, err := parseShapefile("st.shp", "st", map[string][]byte{".shp": shp, ".dbf": dbf}, "")
	if err == nil || err.Error() != "st.shp: all 2 records are marked deleted in the .dbf: the layer holds nothing" {
		t.Errorf("parseShapefile(all deleted) = %v", err)
	}
}

// TestSizeLimits: every reader refuses a file beyond the size limit with
// an error naming the file and the limit, instead of reading part of it.
func TestSizeLimits(t *testing.T) {
	defer func(n int) { maxInputBytes = n }(maxInputBytes)
	maxInputBytes = 200
	csvText := "id,lon,lat\n" + strings.Repeat("s,1.5,42.5\n", 30)
	geo := `{"type":"FeatureCollection","features":[` + strings.Repeat(`{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1.5,42.5]}},`, 5) +
		`{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1.5,42.5]}}]}`
	want := "larger than 200 bytes, the most covaudit reads from one file"
	check := func(what string, err error, name string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), name+": ") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one naming %s and %q", what, err, name, want)
		}
	}
	_, _, err := ReadStationsCSV(strings.NewReader(csvText), "big.csv", StationOptions{})
	check("ReadStationsCSV", err, "big.csv")
	_, _, err = ReadStations(strings.NewReader(csvText), "big.csv", StationOptions{})
	check("ReadStations (CSV)", err, "big.csv")
	_, err = StationRecords([]byte(csvText), "big.csv", StationOptions{})
	check("StationRecords (CSV)", err, "big.csv")
	_, _, err = ReadStations(strings.NewReader(geo), "big.geojson", StationOptions{})
	check("ReadStations (GeoJSON)", err, "big.geojson")
	_, _, err = ReadDistricts(strings.NewReader(geo), "big.geojson", DistrictOptions{})
	check("ReadDistricts", err, "big.geojson")

	shp, dbf := pointShapefile(make([][2]float64, 12), make([]string, 12), make([]bool, 12))
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "big.shp"), shp, 0o644)
	os.WriteFile(filepath.Join(dir, "big.dbf"), dbf, 0o644)
	_, err = ReadShapefile(filepath.Join(dir, "big.shp"), "")
	check("ReadShapefile (.shp)", err, filepath.Join(dir, "big.shp"))
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	for name, b := range map[string][]byte{"big.shp": shp, "big.dbf": dbf} {
		w, _ := zw.Create(name)
		w.Write(b)
	}
	zw.Close()
	os.WriteFile(filepath.Join(dir, "big.zip"), zb.Bytes(), 0o644)
	maxInputBytes = max(200, zb.Len()+1) // the archive fits, its .shp does not
	want = strings.Replace(want, "200 bytes", strconv.Itoa(maxInputBytes)+" bytes", 1)
	_, err = ReadShapefile(filepath.Join(dir, "big.zip"), "")
	check("ReadShapefile (.zip)", err, filepath.Join(dir, "big.zip"))
}

// TestUnclosedRingWarning: a ring whose last position is not its first is
// closed (the district reads as its closed twin) and named in a warning
// with the file, the feature, the polygon and the ring.
func TestUnclosedRingWarning(t *testing.T) {
	const open = `[[1.5,42.5],[1.55,42.5],[1.55,42.55],[1.5,42.55]]`
	const closed = `[[1.5,42.5],[1.55,42.5],[1.55,42.55],[1.5,42.55],[1.5,42.5]]`
	const hole = `[[1.52,42.52],[1.52,42.53],[1.53,42.53],[1.53,42.52]]`
	doc := `{"type":"FeatureCollection","features":[` +
		`{"type":"Feature","id":"ok","properties":{},"geometry":{"type":"Polygon","coordinates":[` + closed + `]}},` +
		`{"type":"Feature","id":"open","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[` + closed + `],[` + open + `,` + hole + `]]}}]}`
	ds, probs, err := ReadDistricts(strings.NewReader(doc), "d.geojson", DistrictOptions{})
	if err != nil || len(probs) > 0 || len(ds) != 2 {
		t.Fatalf("ReadDistricts = %d districts, %v, %v", len(ds), probs, err)
	}
	if len(ds[0].Warnings) != 0 {
		t.Errorf("closed district: warnings %v", ds[0].Warnings)
	}
	var got []string
	for _, w := range ds[1].Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		`d.geojson: feature 1 (id "open"): polygon 1: ring 0 is not closed (its last position is not its first, as RFC 7946 requires); closed it`,
		`d.geojson: feature 1 (id "open"): polygon 1: ring 1 is not closed (its last position is not its first, as RFC 7946 requires); closed it`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range ds[1].Geometry[1] {
		if r[0] != r[len(r)-1] {
			t.Errorf("ring %v left open", r)
		}
	}
	if len(ds[1].Geometry[1][0]) != 5 {
		t.Errorf("closed ring has %d positions, want 5", len(ds[1].Geometry[1][0]))
	}
}

// TestUTF16CSV: station CSVs saved as UTF-16 (either byte order, with or
// without a byte-order mark) read as their UTF-8 twin, names and lines
// included.
func TestUTF16CSV(t *testing.T) {
	text := "id,name,lon,lat\nS1,Sant Julià de Lòria,1.4913,42.4637\nS2,北京站,116.4274,39.9029\nS3,x,1.5,north\n"
	want, wantProbs, err := ReadStationsCSV(strings.NewReader(text), "s.csv", StationOptions{})
	if err != nil || len(want) != 2 || len(wantProbs) != 1 {
		t.Fatalf("UTF-8: %v, %v, %v", want, wantProbs, err)
	}
	enc := func(bigEndian, bom bool) []byte {
		var out []byte
		s := text
		if bom {
			s = "\ufeff" + s
		}
		for _, u := range utf16.Encode([]rune(s)) {
			if bigEndian {
				out = binary.BigEndian.AppendUint16(out, u)
			} else {
				out = binary.LittleEndian.AppendUint16(out, u)
			}
		}
		return out
	}
	for _, c := range []struct {
		name           string
		bigEndian, bom bool
	}{{"LE with BOM", false, true}, {"BE with BOM", true, true}, {"LE without BOM", false, false}, {"BE without BOM", true, false}} {
		data := enc(c.bigEndian, c.bom)
		for _, read := range []struct {
			how string
			fn  func() ([]coverage.Station, Problems, error)
		}{
			{"ReadStationsCSV", func() ([]coverage.Station, Problems, error) {
				return ReadStationsCSV(bytes.NewReader(data), "s.csv", StationOptions{})
			}},
			{"ReadStations", func() ([]coverage.Station, Problems, error) {
				return ReadStations(bytes.NewReader(data), "s.csv", StationOptions{})
			}},
		} {
			got, probs, err := read.fn()
			if err != nil {
				t.Errorf("%s(%s) error %v", read.how, c.name, err)
				continue
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(probs) != fmt.Sprint(wantProbs) {
				t.Errorf("%s(%s) = %v, %v, want %v, %v", read.how, c.name, got, probs, want, wantProbs)
			}
		}
		sf, err := StationRecords(data, "s.csv", StationOptions{})
		if err != nil || len(sf.Records) != 3 || sf.Records[1].Name != "北京站" || sf.Records[2].Line != 4 {
			t.Errorf("StationRecords(%s) = %+v, %v", c.name, sf, err)
		}
	}
}

// TestNotACoordinate: a value beyond every projected system's range (a
// phone number in the longitude column) is called what it is, with its
// place and as written; a projected-looking value still is out of range.
func TestNotACoordinate(t *testing.T) {
	for _, c := range []struct{ name, data, want string }{
		{"s.csv", "id,lon,lat\na,4.0016612E+9,42.5\n", `s.csv:2: column "lon": value 4.0016612E+9 is not a coordinate (too large for degrees or projected metres)`},
		{"s.csv", "id,lon,lat\na,1.5,-99887766554\n", `s.csv:2: column "lat": value -99887766554 is not a coordinate (too large for degrees or projected metres)`},
		{"s.csv", "id,lon,lat\na,826065.8,42.5\n", `s.csv:2: column "lon": 826065.8 is out of range [-180, 180]`},
		{"s.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","properties":{},"geometry":{"type":"Point","coordinates":[4.0016612E+9,42.5]}}]}`,
			`s.geojson: feature 0 (id "a"): longitude: value 4.0016612e+09 is not a coordinate (too large for degrees or projected metres)`},
	} {
		_, probs, err := ReadStations(strings.NewReader(c.data), c.name, StationOptions{})
		if err != nil || len(probs) != 1 || probs[0].Error() != c.want {
			t.Errorf("ReadStations(%q) = %v, %v, want %q", c.data, probs, err, c.want)
		}
	}
}

// TestStationsCRSMember: a station GeoJSON in Web Mercator that says so in
// a legacy "crs" member reads as its WGS84 twin (to 1e-9 degrees), as a
// district file does; an option given still wins over the member.
func TestStationsCRSMember(t *testing.T) {
	pts := [][2]float64{{1.5218, 42.5063}, {1.4913, 42.4637}, {-9.1393, 38.7223}, {116.4274, 39.9029}}
	// Web Mercator forward (EPSG:3857, spherical, R = 6378137 m).
	merc := func(lon, lat float64) (float64, float64) {
		const r = 6378137.0
		return r * lon * math.Pi / 180, r * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))
	}
	doc := func(member string, conv func(lon, lat float64) (float64, float64)) string {
		var fs []string
		for i, p := range pts {
			x, y := conv(p[0], p[1])
			fs = append(fs, fmt.Sprintf(`{"type":"Feature","id":"s%d","properties":{},"geometry":{"type":"Point","coordinates":[%.10f,%.10f]}}`, i, x, y))
		}
		return `{"type":"FeatureCollection",` + member + `"features":[` + strings.Join(fs, ",") + `]}`
	}
	wgs := doc("", func(lon, lat float64) (float64, float64) { return lon, lat })
	want, probs, err := ReadStations(strings.NewReader(wgs), "wgs.geojson", StationOptions{})
	if err != nil || len(probs) > 0 || len(want) != len(pts) {
		t.Fatalf("WGS84 twin: %v, %v", probs, err)
	}
	for _, member := range []string{
		`"crs":{"type":"name","properties":{"name":"EPSG:3857"}},`,
		`"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},`,
	} {
		data := doc(member, merc)
		got, probs, err := ReadStations(strings.NewReader(data), "merc.geojson", StationOptions{})
		if err != nil || len(probs) > 0 || len(got) != len(want) {
			t.Errorf("ReadStations(%s) = %d stations, %v, %v", member, len(got), probs, err)
			continue
		}
		for i := range got {
			if got[i].ID != want[i].ID || math.Abs(got[i].Point[0]-want[i].Point[0]) > 1e-9 || math.Abs(got[i].Point[1]-want[i].Point[1]) > 1e-9 {
				t.Errorf("station %d: %v %v, WGS84 twin %v %v", i, got[i].ID, got[i].Point, want[i].ID, want[i].Point)
			}
		}
		if _, probs, _ := ReadStations(strings.NewReader(data), "merc.geojson", StationOptions{CRS: crs.WGS84}); len(probs) != len(pts) {
			t.Errorf("with the WGS84 option given: %d problems, want %d (the option wins)", len(probs), len(pts))
		}
		// The records validate reads carry the member's system.
		sf, err := StationRecords([]byte(data), "merc.geojson", StationOptions{})
		if err != nil || sf.CRS.Name == "" || sf.CRS.IsWGS84() {
			t.Errorf("StationRecords(%s).CRS = %+v, %v, want Web Mercator", member, sf.CRS, err)
		}
	}
}

// FuzzDBF: any .dbf bytes give attribute records or an error, never a
// panic; records read fit the file, deleted ones have no attributes, the
// others one value per field, each valid UTF-8 with no surrounding space.
//
//	go test ./geodata -run '^$' -fuzz FuzzDBF -fuzztime 3000x
func FuzzDBF(f *testing.F) {
	_, dbf := pointShapefile([][2]float64{{1, 2}, {3, 4}}, []string{"a", "b c"}, []bool{false, true})
	f.Add(dbf)
	for _, name := range []string{"parishes", "services"} {
		if b, err := os.ReadFile("../cmd/covaudit/testdata/shp/" + name + ".dbf"); err == nil {
			f.Add(b[:min(len(b), 4000)])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		attrs, deleted, err := readDBF(b, "")
		if err != nil {
			return
		}
		if len(attrs) != len(deleted) {
			t.Fatalf("readDBF: %d records, %d deletion flags", len(attrs), len(deleted))
		}
		hlen, rlen := int(binary.LittleEndian.Uint16(b[8:])), int(binary.LittleEndian.Uint16(b[10:]))
		if hlen+len(attrs)*rlen > len(b) {
			t.Errorf("readDBF: %d records of %d bytes after a %d-byte header from %d bytes", len(attrs), rlen, hlen, len(b))
		}
		fields := -1
		for i, m := range attrs {
			if deleted[i] {
				if m != nil {
					t.Errorf("deleted record %d has attributes %v", i, m)
				}
				continue
			}
			if fields >= 0 && len(m) != fields {
				t.Errorf("record %d has %d fields, an earlier one %d", i, len(m), fields)
			}
			fields = len(m)
			for k, v := range m {
				if !utf8.ValidString(v) || strings.TrimSpace(v) != v {
					t.Errorf("record %d, field %q: value %q", i, k, v)
				}
			}
		}
	})
}

// TestNotACoordinateProjected: in a projected file a value beyond every
// projected system is refused as written; Web Mercator's inverse would
// have put it at a pole.
func TestNotACoordinateProjected(t *testing.T) {
	doc := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[166981.0,4.0016612E+9]}}]}`
	st, probs, err := ReadStations(strings.NewReader(doc), "m.geojson", StationOptions{})
	want := "m.geojson: feature 0 (id \"1\"): latitude: value 4.0016612e+09 is not a coordinate (too large for degrees or projected metres)"
	if err != nil || len(st) != 0 || len(probs) != 1 || probs[0].Error() != want {
		t.Errorf("ReadStations = %v, %v, %v, want the problem %q", st, probs, err, want)
	}
}

package validate

import (
	"cmp"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata"
	"github.com/paulmach/orb"
)

// TestStagesMatchSerial: the staged checks (checker) give the findings,
// in the order, of a copy of the serial checks they replaced, on files
// with every kind of record finding, duplicate ids across the store's
// blocks, GeoJSON multipoints, on 1 and 4 cores.
func TestStagesMatchSerial(t *testing.T) {
	ds := monaco(t)
	rng := rand.New(rand.NewSource(7))
	var csv, gj strings.Builder
	csv.WriteString("id,name,lon,lat\n")
	gj.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	n := 2*blockRecords + 517
	for i := range n {
		lon := fmt.Sprintf("%.6f", 7.41+rng.Float64()*0.02)
		lat := fmt.Sprintf("%.6f", 43.725+rng.Float64()*0.02)
		switch rng.Intn(40) {
		case 0:
			lon = ""
		case 1:
			lat = "+33 1 23 45 67 89"
		case 2:
			lon, lat = "0", "0"
		case 3:
			lon, lat = lat, lon // swapped, inside when swapped
		case 4:
			lon, lat = "500000.5", "4800000.25"
		case 5:
			lon, lat = "7.4", "43.7"
		case 6:
			lon, lat = "2.35", "48.85" // far outside
		case 7:
			lon, lat = "95.5", "43.7"
		case 8:
			lon, lat = "7.43", "95.5"
		case 9:
			lon = "1e400"
		}
		id := fmt.Sprintf("S%d", i)
		switch rng.Intn(30) {
		case 0:
			id = fmt.Sprintf("S%d", rng.Intn(i+1))
		case 1:
			id = ""
		}
		name := fmt.Sprintf("station %d", i)
		if rng.Intn(50) == 0 {
			name = ds[rng.Intn(len(ds))].Name + " hall"
		}
		fmt.Fprintf(&csv, "%s,%s,%s,%s\n", id, name, lon, lat)
		if i%3000 == 0 {
			csv.WriteString("\n")
		}
		if i > 0 {
			gj.WriteString(",\n")
		}
		num := func(s string) string {
			if s == "" || strings.Contains(s, " ") {
				return "null"
			}
			return s
		}
		if rng.Intn(10) == 0 {
			fmt.Fprintf(&gj, `{"type":"Feature","id":%q,"properties":{"name":%q},"geometry":{"type":"MultiPoint","coordinates":[[%s,%s],[%s,%s]]}}`,
				id, name, num(lon), num(lat), num(lat), num(lon))
		} else {
			fmt.Fprintf(&gj, `{"type":"Feature","properties":{"id":%q,"name":%q},"geometry":{"type":"Point","coordinates":[%s,%s]}}`, id, name, num(lon), num(lat))
		}
	}
	gj.WriteString("\n]}\n")
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 4} {
		runtime.GOMAXPROCS(procs)
		for _, file := range []struct{ name, data string }{{"s.csv", csv.String()}, {"s.geojson", gj.String()}} {
			for _, withDistricts := range []bool{false, true} {
				opts := Options{}
				if withDistricts {
					opts.Districts = ds
				}
				got, err := File(file.name, []byte(file.data), opts)
				if err != nil {
					t.Fatal(err)
				}
				sf, err := geodata.StationRecords([]byte(file.data), file.name, opts.Stations)
				if err != nil {
					t.Fatal(err)
				}
				want := serialRecords(file.name, sf, &Result{}, opts)
				codes := map[string]int{}
				for _, f := range want.Findings {
					codes[f.Code]++
				}
				if len(codes) < 7 {
					t.Errorf("%s: only %v", file.name, codes)
				}
				if !reflect.DeepEqual(got, want) {
					for i := range min(len(got.Findings), len(want.Findings)) {
						if got.Findings[i] != want.Findings[i] {
							t.Fatalf("%s, %d cores, districts %v: finding %d of %d/%d\n got %+v\nwant %+v", file.name, procs, withDistricts, i, len(got.Findings), len(want.Findings), got.Findings[i], want.Findings[i])
						}
					}
					t.Fatalf("%s, %d cores, districts %v: %d findings, want %d (%d records, want %d)", file.name, procs, withDistricts, len(got.Findings), len(want.Findings), got.Records, want.Records)
				}
			}
		}
	}
}

// serialRecords is a copy of the serial checks the staged ones replaced.
func serialRecords(name string, sf *geodata.StationFile, res *Result, opts Options) *Result {
	if opts.DuplicateDistanceM <= 0 {
		opts.DuplicateDistanceM = 10
	}
	if opts.MaxOutsideM <= 0 {
		opts.MaxOutsideM = 50e3
	}
	add := func(line, feature int, id, code, msg, fix string) {
		res.Findings = append(res.Findings, Finding{Severity: severity(code), Code: code, File: name, Line: line,
			Feature: feature, ID: id, Message: msg, Fix: fix})
	}
	res.Format = sf.Format
	res.Records = len(sf.Records)
	if opts.Stations.CRS.Name == "" && sf.CRS.Name != "" { // a GeoJSON "crs" member
		opts.Stations.CRS = sf.CRS
	}
	for _, p := range sf.Unsplittable {
		add(p.Line, p.Feature, p.ID, "unreadable-record", p.Msg, "")
	}
	dist := newDistricts(opts.Districts)
	type placed struct {
		rec *geodata.StationRecord
		pt  orb.Point
	}
	good := make([]placed, 0, len(sf.Records))
	firstID := make(map[string]int, len(sf.Records)) // the first record of an id, index in sf.Records
	for k := range sf.Records {
		r := &sf.Records[k]
		at := func(code, msg, fix string) { add(r.Line, r.Feature, r.ID, code, msg, fix) }
		if r.ID != "" {
			if f, ok := firstID[r.ID]; ok {
				first := sf.Records[f]
				first.ID = ""
				at("duplicate-id", fmt.Sprintf("id %q is also used %s", r.ID, where(first)), "give each station its own id")
			} else {
				firstID[r.ID] = k
			}
		}
		lon, lat, lonErr, latErr := r.Coords()
		bad := false
		for _, c := range [2]struct {
			what, col, text string
			err             error
		}{{"longitude", sf.LonCol, r.Lon, lonErr}, {"latitude", sf.LatCol, r.Lat, latErr}} {
			switch {
			case c.err == nil:
			case c.text == "":
				at("empty-coordinate", fmt.Sprintf("%s (%s) is empty", c.what, c.col), "")
				bad = true
			default:
				msg := fmt.Sprintf("%s (%s) %q is not a number", c.what, c.col, c.text)
				if looksLikePhone(c.text) {
					msg += "; it looks like a phone number"
				}
				at("unparsable-coordinate", msg, "")
				bad = true
			}
		}
		if bad {
			continue
		}
		// Beyond every projected system's range (geodata.MaxProjectedM)
		// a value is no coordinate at all: a phone number, most often.
		if geodata.NotACoordinate(lon) || geodata.NotACoordinate(lat) {
			text := r.Lon
			if !geodata.NotACoordinate(lon) {
				text = r.Lat
			}
			at("out-of-range", "value "+text+" is not a coordinate (too large for degrees or projected metres)", "")
			continue
		}
		if sys := opts.Stations.CRS; sys.Name != "" && !sys.IsWGS84() {
			lon, lat = sys.ToWGS84(lon, lat)
		}
		projected := opts.Stations.CRS.Name != "" && !opts.Stations.CRS.Geographic
		swapFix := fmt.Sprintf("longitude %s, latitude %s", r.Lat, r.Lon)
		switch {
		case lon == 0 && lat == 0:
			at("null-island", "the coordinates are exactly (0, 0), a place in the Gulf of Guinea: the location is missing", "geocode the station again")
			continue
		case projected && (math.Abs(lon) > 180 || math.Abs(lat) > 90 || math.IsNaN(lon) || math.IsNaN(lat)):
			at("out-of-range", fmt.Sprintf("(%s, %s) in %s is not a place on Earth", r.Lon, r.Lat, opts.Stations.CRS.Name), "")
			continue
		case math.Abs(lon) > 180 || math.Abs(lat) > 90:
			switch {
			case math.Abs(lat) <= 180 && math.Abs(lon) <= 90:
				at("swapped-latlon", fmt.Sprintf("latitude %s is out of range [-90, 90]; swapped, the values are a valid place", r.Lat), swapFix)
			case math.Abs(lon) > 1000 || math.Abs(lat) > 1000:
				at("projected-coordinates", fmt.Sprintf("(%s, %s) are not degrees: they look like metres in a projected system (UTM, Web Mercator)", r.Lon, r.Lat),
					"convert to WGS84 longitude and latitude")
			default:
				at("out-of-range", fmt.Sprintf("(%s, %s) is out of range: longitude must be in [-180, 180], latitude in [-90, 90]", r.Lon, r.Lat), "")
			}
			continue
		}
		pt := orb.Point{lon, lat}
		outside := dist != nil && !dist.contains(pt) // once: the test dominates a long file's time
		if outside && math.Abs(lon) <= 90 && dist.contains(orb.Point{lat, lon}) {
			at("swapped-latlon", fmt.Sprintf("(%s, %s) is outside every district; swapped, it is inside %s", r.Lon, r.Lat, dist.nameAt(orb.Point{lat, lon})), swapFix)
			continue
		}
		if d := min(geodata.Decimals(r.Lon), geodata.Decimals(r.Lat)); d < 3 && !projected {
			at("low-precision", fmt.Sprintf("(%s, %s) has %d decimal(s): the place is known to about %s", r.Lon, r.Lat, d, precisionText(d)), "")
		}
		if outside {
			if d := dist.distance(pt, opts.MaxOutsideM); d > opts.MaxOutsideM {
				at("far-outside", fmt.Sprintf("(%s, %s) is more than %s from every district", r.Lon, r.Lat, kmText(opts.MaxOutsideM)), "")
			}
		}
		good = append(good, placed{r, pt})
	}
	if sys := opts.Stations.CRS; dist != nil && (sys.Name == "" || sys.IsWGS84()) {
		// Only the stations the hint samples are copied (LikelyCRS): a
		// copy of a million was 80 MB at the peak of the run.
		n := len(good)
		pick := func(k int) int { return k }
		if n > hintSample {
			pick = func(k int) int { return hintSampled(k, n) }
		}
		pts := make([]coverage.Station, min(n, hintSample))
		for k := range pts {
			g := good[pick(k)]
			pts[k] = coverage.Station{Name: g.rec.Name, Point: g.pt}
		}
		if h, ok := likelyCRS(pts, n, opts.Districts); ok {
			add(0, -1, "", "crs-mismatch", h.Message(), "rerun with --stations-crs "+h.CRS+", or convert the file to WGS84")
		}
	}
	// Stations within the duplicate distance of an earlier one.
	pts := make([]orb.Point, len(good))
	for i, g := range good {
		pts[i] = g.pt
	}
	firstNear, nearM := earlierNear(pts, opts.DuplicateDistanceM)
	for i, g := range good {
		if j := firstNear[i]; j >= 0 {
			add(g.rec.Line, g.rec.Feature, g.rec.ID, "duplicate-location",
				fmt.Sprintf("%.1f m from the station %s", nearM[i], where(*good[j].rec)), "remove one of them, or move it to its real place")
		}
	}
	slices.SortStableFunc(res.Findings, func(a, b Finding) int {
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		return cmp.Compare(a.Feature, b.Feature)
	})
	return res
}

// TestIDTableMatchesMap: the id table, grown from its least size, finds the
// first record of each id as a map does, with ids that differ in one byte.
func TestIDTableMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var ids []string
	for range 20000 {
		id := fmt.Sprintf("S%d", rng.Intn(9000))
		if rng.Intn(4) == 0 {
			id += "x"
		}
		ids = append(ids, id)
	}
	tab := newIDTable(0)
	first := map[string]int{}
	for k, id := range ids {
		want, ok := first[id]
		if !ok {
			first[id], want = k, k
		}
		if got := tab.firstOr(id, k, func(f int) string { return ids[f] }); got != want {
			t.Fatalf("id %q of record %d: first %d, want %d", id, k, got, want)
		}
	}
}

// TestRecordsHint: the records' arrays are sized by the file's lines for
// CSV and by its features for GeoJSON, pretty-printed or not.
func TestRecordsHint(t *testing.T) {
	pretty := "{\n  \"type\": \"FeatureCollection\",\n  \"features\": [\n    {\n      \"type\": \"Feature\",\n      \"geometry\": {\n        \"type\": \"Point\",\n        \"coordinates\": [1, 2]\n      }\n    },\n    {\n      \"type\": \"Feature\",\n      \"geometry\": null\n    }\n  ]\n}\n"
	for _, c := range []struct {
		name, data string
		want       int
	}{
		{"csv", "id,lon,lat\n1,1,2\n2,3,4\n", 3},
		{"geojson pretty", pretty, 2},
		{"geojson with a BOM", "\ufeff" + pretty, 2},
		{"empty", "", 0},
	} {
		if got := recordsHint([]byte(c.data)); got != c.want {
			t.Errorf("%s: hint %d, want %d", c.name, got, c.want)
		}
	}
}

// TestCRSHintNamesTheSystem: the hint's message spells both systems as
// they are written (it printed "BD0-9").
func TestCRSHintNamesTheSystem(t *testing.T) {
	for crs, want := range map[string]string{"gcj02": "GCJ-02", "bd09": "BD-09"} {
		h := CRSHint{CRS: crs, Evidence: "inside", Stations: 10, Of: 10, Inside: 2, IfRead: 9, MedianOffsetM: 512}
		if msg := h.Message(); !strings.Contains(msg, want) {
			t.Errorf("%s: message %q does not name %s", crs, msg, want)
		}
	}
}

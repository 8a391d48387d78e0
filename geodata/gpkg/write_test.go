package gpkg

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/covaudit/covaudit/geodata"
	"github.com/paulmach/orb"
)

// TestWritePointsRoundTrip: points written with their properties read back
// as the same points (to the 1e-7 rounding), attributes and system.
func TestWritePointsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sites.gpkg")
	pts := []orb.Point{{1.5212345678, 42.5}, {-0.25, 42.123456789}}
	props := [][]geodata.Prop{
		{{Key: "id", Value: "a"}, {Key: "rank", Value: 1}, {Key: "gain_m2", Value: geodata.Fixed{V: 1234.5678, Digits: 1}}},
		{{Key: "id", Value: "b"}, {Key: "rank", Value: 2}, {Key: "gain_m2", Value: geodata.Fixed{V: 10, Digits: 1}}},
	}
	if err := WritePoints(path, "sites", pts, props, 4326); err != nil {
		t.Fatal(err)
	}
	l, err := Read(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "sites" || len(l.Features) != 2 || !l.HasCRS || !l.CRS.IsWGS84() {
		t.Fatalf("layer %q, %d features, CRS %v (declared %v)", l.Name, len(l.Features), l.CRS.Name, l.HasCRS)
	}
	for i, f := range l.Features {
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			t.Fatalf("feature %d: geometry %T, want a point", i, f.Geometry)
		}
		want := orb.Point{roundTo(pts[i][0], 7), roundTo(pts[i][1], 7)}
		if p != want {
			t.Errorf("feature %d: %v, want %v", i, p, want)
		}
		if f.Attrs["id"] != props[i][0].Value {
			t.Errorf("feature %d: id %q, want %q", i, f.Attrs["id"], props[i][0].Value)
		}
	}
	if got := l.Features[0].Attrs["gain_m2"]; got != "1234.6" {
		t.Errorf("gain_m2 %q, want 1234.6 (rounded as the text outputs)", got)
	}
}

// gapFeatures are n square gaps with a few properties, for the writer
// tests; seed varies their place and values.
func gapFeatures(n int, seed float64) []geodata.Feature {
	feats := make([]geodata.Feature, n)
	for i := range feats {
		x, y := 1.4+seed/100+float64(i)*0.001, 42.5
		feats[i] = geodata.Feature{
			Polygon: orb.Polygon{{{x, y}, {x + 0.0005, y}, {x + 0.0005, y + 0.0005}, {x, y + 0.0005}, {x, y}}},
			Props: []geodata.Prop{{Key: "district", Value: fmt.Sprintf("d%d", i)}, {Key: "area_m2", Value: geodata.Fixed{V: 1000 + seed + float64(i), Digits: 2}},
				{Key: "seed", Value: seed}},
		}
	}
	return feats
}

// lastChangeOf reads the last_change a GeoPackage records for its layer.
func lastChangeOf(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s string
	if err := db.QueryRow(`SELECT CAST(last_change AS TEXT) FROM gpkg_contents`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestWriteDeterministic: the same features give the same bytes, on any
// path; the time recorded is SOURCE_DATE_EPOCH when set, else the fixed
// unrecorded time, never the clock; a malformed SOURCE_DATE_EPOCH is an
// error that writes nothing.
func TestWriteDeterministic(t *testing.T) {
	dir := t.TempDir()
	feats := gapFeatures(50, 0)
	write := func(name string) []byte {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := Write(p, "gaps", feats); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Setenv("SOURCE_DATE_EPOCH", "")
	a := write("a.gpkg")
	time.Sleep(1100 * time.Millisecond) // a clock that leaked in would now read differently
	if b := write("other-name.gpkg"); !bytes.Equal(a, b) {
		t.Errorf("two writes of the same features differ (%d and %d bytes)", len(a), len(b))
	}
	if got := lastChangeOf(t, filepath.Join(dir, "a.gpkg")); got != unrecordedTime {
		t.Errorf("last_change without SOURCE_DATE_EPOCH = %q, want %q", got, unrecordedTime)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	s1 := write("s1.gpkg")
	s2 := write("s2.gpkg")
	if !bytes.Equal(s1, s2) {
		t.Errorf("two writes with SOURCE_DATE_EPOCH differ")
	}
	if bytes.Equal(s1, a) {
		t.Errorf("SOURCE_DATE_EPOCH does not change the file")
	}
	if got, want := lastChangeOf(t, filepath.Join(dir, "s1.gpkg")), "2023-11-14T22:13:20.000Z"; got != want {
		t.Errorf("last_change with SOURCE_DATE_EPOCH=1700000000 = %q, want %q", got, want)
	}
	for _, bad := range []string{"yesterday", "-1", "1.5", "01700000000", "1e9", "99999999999999"} {
		t.Setenv("SOURCE_DATE_EPOCH", bad)
		p := filepath.Join(dir, "bad.gpkg")
		err := Write(p, "gaps", feats)
		if err == nil || !strings.Contains(err.Error(), "SOURCE_DATE_EPOCH") || !strings.Contains(err.Error(), p) {
			t.Errorf("SOURCE_DATE_EPOCH=%q: %v, want an error naming it and %s", bad, err, p)
		}
		if _, err := os.Stat(p); err == nil {
			t.Errorf("SOURCE_DATE_EPOCH=%q: %s written", bad, p)
		}
	}
}

// TestWriteConcurrent: writes beside each other do not collide: two
// targets in one folder both end whole and valid, and writers racing on
// one target leave one whole valid file, one of theirs; no temporary file
// is left in either case.
func TestWriteConcurrent(t *testing.T) {
	dir := t.TempDir()
	run := func(paths []string) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make([]error, len(paths))
		for i, p := range paths {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = Write(p, "gaps", gapFeatures(200+i, float64(i)))
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		}
	}
	a, b := filepath.Join(dir, "a.gpkg"), filepath.Join(dir, "b.gpkg")
	run([]string{a, b})
	for i, p := range []string{a, b} {
		l, err := Read(p, "")
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if len(l.Features) != 200+i || l.Features[0].Attrs["seed"] != fmt.Sprint(i) {
			t.Errorf("%s: %d features, seed %q; want %d and %d", p, len(l.Features), l.Features[0].Attrs["seed"], 200+i, i)
		}
	}
	one := filepath.Join(dir, "one.gpkg")
	run([]string{one, one, one, one})
	l, err := Read(one, "")
	if err != nil {
		t.Fatalf("%s after racing writers: %v", one, err)
	}
	i, err := strconv.Atoi(l.Features[0].Attrs["seed"])
	if err != nil || len(l.Features) != 200+i {
		t.Errorf("%s: %d features of seed %q, not one writer's whole file", one, len(l.Features), l.Features[0].Attrs["seed"])
	}
	es, _ := os.ReadDir(dir)
	if len(es) != 3 {
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want a.gpkg, b.gpkg and one.gpkg only", names)
	}
}

// TestWriteFailureLeavesNothing: a write that fails half way (a value
// SQLite cannot store) leaves the target as it was and no temporary or
// journal file, and names the target.
func TestWriteFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "gaps.gpkg")
	if err := Write(p, "gaps", gapFeatures(3, 0)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(p)
	feats := gapFeatures(300, 1)
	feats[250].Props = append(feats[250].Props, geodata.Prop{Key: "bad", Value: struct{ X int }{1}})
	err := Write(p, "gaps", feats)
	if err == nil || !strings.HasPrefix(err.Error(), "write "+p+": ") || strings.Contains(err.Error(), ".tmp") {
		t.Errorf("Write with an unstorable value = %v, want an error naming %s only", err, p)
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Errorf("%s changed by a failed write", p)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("folder holds %d entries, want only gaps.gpkg", len(es))
	}
	if err := Write(filepath.Join(dir, "nodir", "g.gpkg"), "gaps", feats[:1]); err == nil || !strings.Contains(err.Error(), "folder "+filepath.Join(dir, "nodir")+" does not exist") {
		t.Errorf("missing folder: %v", err)
	}
}

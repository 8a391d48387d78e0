package geodata

import (
	"bytes"
	"compress/gzip"
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/roads"
)

// TestReadRoadsFormats: the same small network from PBF and from XML,
// plain, gzip and bzip2; the car profile keeps the primary (maxspeed
// 30 mph) and the oneway residential street, and leaves out the private
// service road and the boundary way.
func TestReadRoadsFormats(t *testing.T) {
	var first *roads.Network
	for _, name := range []string{"tiny.osm.pbf", "tiny.osm", "tiny.osm.gz", "tiny.osm.bz2"} {
		n, info, err := ReadRoads(context.Background(), OSMSource{Name: "testdata/osm/" + name}, roads.Car(), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if info.WaysKept != 3 || info.MissingSegments != 1 || len(n.Segs) != 3 {
			t.Errorf("%s: %d ways kept, %d segments missing nodes, %d segments; want 3, 1, 3", name, info.WaysKept, info.MissingSegments, len(n.Segs))
		}
		s := n.Segs[0]
		if want := s.LenM / (0.8 * 30 * 1.609344 / 3.6); math.Abs(s.Fwd-want) > 1e-9 || s.Bwd != s.Fwd {
			t.Errorf("%s: primary at maxspeed 30 mph: %v s forwards, %v backwards, want %v both", name, s.Fwd, s.Bwd, want)
		}
		if ow := n.Segs[2]; ow.Fwd <= 0 || ow.Bwd >= 0 {
			t.Errorf("%s: oneway residential: %v s forwards, %v backwards; want forwards only", name, ow.Fwd, ow.Bwd)
		}
		if first == nil {
			first = n
		} else if len(first.Segs) != len(n.Segs) || first.Segs[1] != n.Segs[1] || first.Pos[2] != n.Pos[2] {
			t.Errorf("%s differs from the PBF", name)
		}
	}
}

// TestReadOSMStationsAndDistricts: stations by tag; boundary relations into
// MultiPolygons, the one whose ring does not close reported by its id.
func TestReadOSMStationsAndDistricts(t *testing.T) {
	src := OSMSource{Name: "testdata/osm/tiny.osm.pbf"}
	f, _ := ParseTagFilter("amenity=police")
	sts, probs, err := ReadOSMStations(context.Background(), src, f)
	if err != nil || len(probs) != 0 || len(sts) != 1 || sts[0].ID != "node/4" || sts[0].Name != "Station 4" {
		t.Fatalf("stations %+v, problems %v, error %v", sts, probs, err)
	}
	f, _ = ParseTagFilter("admin_level=7")
	feats, probs, err := ReadOSMDistricts(context.Background(), src, f, "name", "class")
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) != 1 || feats[0].Name != "Square" || len(feats[0].Geometry) != 1 || len(feats[0].Geometry[0][0]) != 5 {
		t.Errorf("districts %+v", feats)
	}
	if len(probs) != 1 || !strings.Contains(probs[0].Error(), "relation 21 (Open)") || !strings.Contains(probs[0].Error(), "does not close") {
		t.Errorf("problems %v, want relation 21 reported", probs)
	}
}

// TestReadRoadsBadFiles: empty, truncated, corrupt and malformed files get
// an error naming the file and where reading stopped; nothing panics.
func TestReadRoadsBadFiles(t *testing.T) {
	pbf, err := os.ReadFile("testdata/osm/tiny.osm.pbf")
	if err != nil {
		t.Fatal(err)
	}
	xml, _ := os.ReadFile("testdata/osm/tiny.osm")
	corrupt := bytes.Clone(pbf)
	for i := 200; i < len(corrupt); i += 7 {
		corrupt[i] ^= 0x5a
	}
	for _, c := range []struct {
		desc string
		data []byte
		want string
	}{
		{"empty", []byte{}, "empty file"},
		{"truncated PBF", pbf[:len(pbf)/2], "truncated"},
		{"corrupt PBF", corrupt, "reading had reached byte"},
		{"not OSM", []byte("id,lon,lat\n1,2,3\n"), "not OpenStreetMap data"},
		{"truncated XML", xml[:len(xml)/2], "line "},
		{"no roads", []byte(`<osm><node id="1" lat="1" lon="1"/></osm>`), "no way usable by the car profile"},
	} {
		_, _, err := ReadRoads(context.Background(), OSMSource{Name: "x.osm.pbf", Data: c.data}, roads.Car(), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "x.osm.pbf") {
			t.Errorf("%s: error %v, want one naming the file and saying %q", c.desc, err, c.want)
		}
	}
}

// FuzzOSM feeds arbitrary bytes to the OSM reader: an error or a network,
// never a panic.
// go test ./geodata -run '^$' -fuzz FuzzOSM
func FuzzOSM(f *testing.F) {
	for _, name := range []string{"tiny.osm.pbf", "tiny.osm"} {
		b, err := os.ReadFile("testdata/osm/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, _, err := ReadRoads(context.Background(), OSMSource{Name: "fuzz", Data: data}, roads.Car(), nil)
		if err == nil && len(n.Segs) == 0 {
			t.Fatal("no error and no segments")
		}
	})
}

// BenchmarkReadRoadsAndorra: the demo's Andorra PBF (675 kB, 100k nodes,
// 4,350 ways) to the car network, both passes.
func BenchmarkReadRoadsAndorra(b *testing.B) {
	data, err := os.ReadFile("../audit/demodata/andorra-roads.osm.pbf")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for range b.N {
		if _, _, err := ReadRoads(context.Background(), OSMSource{Name: "andorra", Data: data}, roads.Car(), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReadRoadsMissingNodesAndGzip: ways whose nodes are not in the file
// are named (an error when no segment is left, MissingWays otherwise); a
// gzip file of garbage, or one that is not gzip, is an error naming the
// file and the byte reached.
func TestReadRoadsMissingNodesAndGzip(t *testing.T) {
	const head = `<?xml version='1.0'?><osm version='0.6'><node id='1' lat='42.5' lon='1.5'/><node id='2' lat='42.51' lon='1.51'/>`
	const road = `<tag k='highway' v='residential'/></way>`
	// Every usable way misses its nodes: nothing is left.
	_, _, err := ReadRoads(context.Background(), OSMSource{Name: "m.osm", Data: []byte(head +
		`<way id='77'><nd ref='5'/><nd ref='6'/>` + road + `<way id='78'><nd ref='7'/><nd ref='8'/>` + road + `</osm>`)}, roads.Car(), nil)
	if err == nil || !strings.Contains(err.Error(), "m.osm: ") || !strings.Contains(err.Error(), "missing nodes in ways 77, 78)") {
		t.Errorf("ways without nodes: error %v, want one naming m.osm and way 77", err)
	}
	// One way of two misses a node: kept, the way named.
	_, info, err := ReadRoads(context.Background(), OSMSource{Name: "m.osm", Data: []byte(head +
		`<way id='76'><nd ref='1'/><nd ref='2'/>` + road + `<way id='77'><nd ref='1'/><nd ref='2'/><nd ref='3'/>` + road + `</osm>`)}, roads.Car(), nil)
	if err != nil || info.MissingSegments != 1 || len(info.MissingWays) != 1 || info.MissingWays[0] != 77 {
		t.Errorf("a way cut by the edge: %+v, %v, want way 77 named", info, err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	for i := range 2048 {
		zw.Write([]byte{byte(i * 7919 >> 3)})
	}
	zw.Close()
	for _, c := range []struct {
		desc string
		data []byte
	}{
		{"gzip of garbage", gz.Bytes()},
		{"gzip header, then garbage", append([]byte{0x1f, 0x8b, 8, 0}, []byte("garbage garbage garbage")...)},
		{"gzip cut short", gz.Bytes()[:len(gz.Bytes())/2]},
	} {
		_, _, err := ReadRoads(context.Background(), OSMSource{Name: "g.osm.gz", Data: c.data}, roads.Car(), nil)
		if err == nil || !strings.HasPrefix(err.Error(), "g.osm.gz: ") || !strings.Contains(err.Error(), "byte ") {
			t.Errorf("%s: error %v, want one naming g.osm.gz and the byte reached", c.desc, err)
		}
	}
}

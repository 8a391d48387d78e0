package gpkg

import (
	"bytes"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/covaudit/covaudit/geodata"
	"github.com/paulmach/orb"
)

// districtLayer is a layer of n square districts (multipolygons, one with
// two parts) with a style.
func districtLayer(n int) Layer {
	l := Layer{Name: "districts", Style: Style{Name: "d", QML: "<qgis/>"}}
	for i := range n {
		x := 1.4 + float64(i)*0.01
		sq := func(x, y float64) orb.Polygon {
			return orb.Polygon{{{x, y}, {x + 0.005, y}, {x + 0.005, y + 0.005}, {x, y + 0.005}, {x, y}}}
		}
		mp := orb.MultiPolygon{sq(x, 42.5)}
		if i == 0 {
			mp = append(mp, sq(x, 42.6))
		}
		l.Geoms = append(l.Geoms, mp)
		l.Props = append(l.Props, []geodata.Prop{{Key: "name", Value: string(rune('a' + i))}, {Key: "covered_share", Value: float64(i) / float64(n)},
			{Key: "pass", Value: i%2 == 0}})
	}
	return l
}

// TestWriteLayers: several layers go into one GeoPackage, each read back
// by its name with its features, each with its own default style row;
// one layer written by WriteLayers is byte for byte WriteStyled's file;
// the same layers give the same bytes.
func TestWriteLayers(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "")
	dir := t.TempDir()
	gaps := gapFeatures(20, 0)
	st := Style{Name: "g", QML: "<qgis></qgis>"}
	p := filepath.Join(dir, "two.gpkg")
	if err := WriteLayers(p, 4326, PolygonLayer("gaps", gaps, st), districtLayer(3)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		layer string
		n     int
	}{{"gaps", 20}, {"districts", 3}} {
		l, err := Read(p, c.layer)
		if err != nil {
			t.Fatalf("Read(%s, %q): %v", p, c.layer, err)
		}
		if len(l.Features) != c.n || !l.HasCRS || !l.CRS.IsWGS84() {
			t.Errorf("layer %q: %d features (CRS %q), want %d in WGS84", c.layer, len(l.Features), l.CRS.Name, c.n)
		}
	}
	d, _ := Read(p, "districts")
	if mp, ok := d.Features[0].Geometry.(orb.MultiPolygon); !ok || len(mp) != 2 || d.Features[0].Attrs["pass"] != "1" || d.Features[1].Attrs["pass"] != "0" {
		t.Errorf("district 0: geometry %T (%v), attributes %v; want 2 polygons and pass 1, then 0", d.Features[0].Geometry, d.Features[0].Geometry, d.Features[0].Attrs)
	}
	if _, err := Read(p, ""); err == nil {
		t.Errorf("Read(%s, \"\") of two layers succeeded, want an error asking for a layer", p)
	}
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(p)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT f_table_name, styleName, useAsDefault FROM layer_styles ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var table, name string
		var def bool
		if err := rows.Scan(&table, &name, &def); err != nil {
			t.Fatal(err)
		}
		if !def {
			t.Errorf("style of %s is not the default", table)
		}
		got = append(got, table+":"+name)
	}
	rows.Close()
	if strings.Join(got, " ") != "gaps:g districts:d" {
		t.Errorf("layer_styles rows %v, want gaps:g districts:d", got)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM gpkg_contents c JOIN gpkg_geometry_columns g USING (table_name) WHERE g.geometry_type_name = 'MULTIPOLYGON'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("gpkg_contents and gpkg_geometry_columns name %d multipolygon layers (%v), want 2", n, err)
	}

	one, styled := filepath.Join(dir, "one.gpkg"), filepath.Join(dir, "styled.gpkg")
	if err := WriteLayers(one, 4326, PolygonLayer("gaps", gaps, st)); err != nil {
		t.Fatal(err)
	}
	if err := WriteStyled(styled, "gaps", gaps, 4326, st); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(one)
	b, _ := os.ReadFile(styled)
	if !bytes.Equal(a, b) || len(a) == 0 {
		t.Errorf("one layer by WriteLayers (%d bytes) differs from WriteStyled's (%d bytes)", len(a), len(b))
	}
	again := filepath.Join(dir, "again.gpkg")
	if err := WriteLayers(again, 4326, PolygonLayer("gaps", gaps, st), districtLayer(3)); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(p)
	y, _ := os.ReadFile(again)
	if !bytes.Equal(x, y) {
		t.Errorf("two writes of the same layers differ")
	}
}

// TestWriteLayersRefuses: layers that cannot go in one GeoPackage are
// errors naming the file and the layer, and write nothing.
func TestWriteLayersRefuses(t *testing.T) {
	dir := t.TempDir()
	pt := Layer{Name: "districts", Geoms: []orb.Geometry{orb.Point{1, 2}}, Props: [][]geodata.Prop{nil}}
	for _, c := range []struct {
		name   string
		layers []Layer
		want   string
	}{
		{"none", nil, "no layer"},
		{"twice", []Layer{districtLayer(1), districtLayer(2)}, `layer "districts" twice`},
		{"twice in other case", []Layer{districtLayer(1), {Name: "Districts"}}, `layer "Districts" twice`},
		{"no name", []Layer{{}}, "no name"},
		{"a GeoPackage table", []Layer{{Name: "gpkg_contents"}}, `layer "gpkg_contents": the name of a GeoPackage table`},
		{"the styles table", []Layer{{Name: "layer_styles"}}, `layer "layer_styles"`},
		{"a point in a polygon layer", []Layer{pt}, `layer "districts": feature 0: geometry orb.Point, want MULTIPOLYGON`},
		{"properties short", []Layer{{Name: "x", Geoms: []orb.Geometry{orb.MultiPolygon{}}}}, "1 geometries, 0 property lists"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, "out.gpkg")
			err := WriteLayers(p, 4326, c.layers...)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("WriteLayers(%s) = %v, want an error naming the file and %q", c.name, err, c.want)
			}
			if _, err := os.Stat(p); err == nil {
				t.Errorf("%s written", p)
			}
		})
	}
}

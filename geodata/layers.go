package geodata

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/covaudit/covaudit/coverage"
	"github.com/covaudit/covaudit/geodata/crs"
	"github.com/paulmach/orb"
)

// IsLayerFile reports whether path names a Shapefile (.shp, or a .zip
// holding one) or a GeoPackage (.gpkg, package geodata/gpkg), which are
// read from disk rather than from a byte stream.
func IsLayerFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".shp", ".zip", ".gpkg":
		return true
	}
	return false
}

// layerCRS is the system of a layer's coordinates: the one given, else
// the layer's own, else WGS84.
func layerCRS(l *Layer, given crs.CRS) crs.CRS {
	switch {
	case given.Name != "":
		return given
	case l.HasCRS:
		return l.CRS
	}
	return crs.WGS84
}

func toWGS84(g orb.Geometry, sys crs.CRS) orb.Geometry {
	if sys.IsWGS84() || g == nil {
		return g
	}
	conv := func(p orb.Point) orb.Point {
		lon, lat := sys.ToWGS84(p[0], p[1])
		return orb.Point{lon, lat}
	}
	switch v := g.(type) {
	case orb.Point:
		return conv(v)
	case orb.MultiPoint:
		out := make(orb.MultiPoint, len(v))
		for i, p := range v {
			out[i] = conv(p)
		}
		return out
	case orb.Polygon:
		return toWGS84(orb.MultiPolygon{v}, sys).(orb.MultiPolygon)[0]
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(v))
		for i, poly := range v {
			out[i] = make(orb.Polygon, len(poly))
			for j, r := range poly {
				out[i][j] = make(orb.Ring, len(r))
				for k, p := range r {
					out[i][j][k] = conv(p)
				}
			}
		}
		return out
	}
	return g
}

// featureID is a layer feature's id: its "id" attribute, else its record
// number from 1.
func featureID(f LayerFeature, idField string) (string, bool) {
	if idField == "" {
		idField = "id"
	}
	for k, v := range f.Attrs {
		if strings.EqualFold(k, idField) && v != "" {
			return v, true
		}
	}
	return strconv.Itoa(f.Index + 1), false
}

func attr(f LayerFeature, key string) (string, bool) {
	for k, v := range f.Attrs {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// DistrictsFromLayer reads districts from a layer of polygons, as
// ReadDistricts does from GeoJSON: every feature that cannot be used is a
// problem naming its record and id.
func DistrictsFromLayer(l *Layer, name string, opts DistrictOptions) ([]DistrictFeature, Problems) {
	if opts.NameField == "" {
		opts.NameField = "name"
	}
	if opts.ClassField == "" {
		opts.ClassField = "class"
	}
	sys := layerCRS(l, opts.CRS)
	var out []DistrictFeature
	var probs Problems
	for _, f := range l.Features {
		id, _ := featureID(f, "")
		dname, _ := attr(f, opts.NameField)
		bad := func(msg string) {
			probs = append(probs, Problem{File: name, Feature: f.Index, ID: id, Name: dname, Msg: msg})
		}
		if f.Problem != "" {
			bad(f.Problem)
			continue
		}
		var mp orb.MultiPolygon
		switch g := toWGS84(f.Geometry, sys).(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		case nil:
			bad("no geometry")
			continue
		default:
			bad(fmt.Sprintf("geometry type %s, want Polygon or MultiPolygon", g.GeoJSONType()))
			continue
		}
		if err := validateDistrict(mp, opts); err != nil {
			bad(err.Error())
			continue
		}
		d := DistrictFeature{Index: f.Index, ID: id, Geometry: mp}
		d.Name = dname
		d.Class, d.HasClass = attr(f, opts.ClassField)
		if opts.GroupField != "" {
			d.Group, d.HasGroup = attr(f, opts.GroupField)
		}
		out = append(out, d)
	}
	if len(l.Features) == 0 {
		probs = append(probs, Problem{File: name, Feature: -1, Msg: "no features"})
	}
	return out, probs
}

// StationsFromLayer reads stations from a layer of points, as
// ReadStations does from GeoJSON.
func StationsFromLayer(l *Layer, name string, opts StationOptions) ([]coverage.Station, Problems) {
	sys := layerCRS(l, opts.CRS)
	nameKey := opts.NameCol
	if nameKey == "" {
		nameKey = "name"
	}
	var out []coverage.Station
	var probs Problems
	for _, f := range l.Features {
		id, given := featureID(f, opts.IDCol)
		bad := func(msg string) { probs = append(probs, Problem{File: name, Feature: f.Index, ID: id, Msg: msg}) }
		if f.Problem != "" {
			bad(f.Problem)
			continue
		}
		var pts []orb.Point
		switch g := toWGS84(f.Geometry, sys).(type) {
		case orb.Point:
			pts = []orb.Point{g}
		case orb.MultiPoint:
			pts = g
		case nil:
			bad("no geometry")
			continue
		default:
			bad(fmt.Sprintf("geometry type %s, want Point or MultiPoint", g.GeoJSONType()))
			continue
		}
		nm, _ := attr(f, nameKey)
		var delay float64
		var hasDelay bool
		if opts.DelayCol != "" {
			text, _ := attr(f, opts.DelayCol)
			var err error
			if delay, hasDelay, err = parseDelay(text, opts.DelayCol, ','); err != nil {
				bad(err.Error())
				continue
			}
		}
		var capa float64
		if opts.CapacityCol != "" {
			text, _ := attr(f, opts.CapacityCol)
			var err error
			if capa, err = opts.capacity(text, ','); err != nil {
				bad(err.Error())
				continue
			}
		}
		for k, p := range pts {
			if err := checkLonLat(p[0], p[1]); err != nil {
				bad(err.Error())
				continue
			}
			sid := id
			if len(pts) > 1 {
				sid = fmt.Sprintf("%s#%d", id, k+1)
			}
			out = append(out, coverage.Station{ID: sid, Name: nm, Point: p, IDGiven: given, DelayS: delay, HasDelay: hasDelay, Capacity: capa})
		}
	}
	return out, probs
}

// RecordsFromLayer turns a layer of points into station records for
// validation: coordinates as the shortest text that reads back exactly,
// the feature index as its place (a layer has no lines).
func RecordsFromLayer(l *Layer, opts StationOptions) *StationFile {
	sf := &StationFile{Format: "layer", LonCol: "x", LatCol: "y"}
	nameKey := opts.NameCol
	if nameKey == "" {
		nameKey = "name"
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	for _, f := range l.Features {
		id, given := featureID(f, opts.IDCol)
		if !given {
			id = ""
		}
		var pts []orb.Point
		switch g := f.Geometry.(type) {
		case orb.Point:
			pts = []orb.Point{g}
		case orb.MultiPoint:
			pts = g
		default:
			msg := f.Problem
			if msg == "" {
				msg = "not a point"
			}
			sf.Unsplittable = append(sf.Unsplittable, Problem{Feature: f.Index, ID: id, Msg: msg})
			continue
		}
		nm, _ := attr(f, nameKey)
		var val string
		if opts.ValueCol != "" {
			val, _ = attr(f, opts.ValueCol)
		}
		for k, p := range pts {
			rid := id
			if len(pts) > 1 && id != "" {
				rid = fmt.Sprintf("%s#%d", id, k+1)
			}
			sf.Records = append(sf.Records, StationRecord{Line: 0, Feature: f.Index, ID: rid, Name: nm, Lon: num(p[0]), Lat: num(p[1]), Value: val, sep: ','})
		}
	}
	return sf
}

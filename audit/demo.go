package audit

import (
	_ "embed"
)

// The embedded demo dataset: Andorra's parishes and public-service points
// from OpenStreetMap (see demodata/README.md).
var (
	//go:embed demodata/andorra-parishes.geojson
	demoDistricts []byte
	//go:embed demodata/andorra-services.geojson
	demoStations []byte
	//go:embed demodata/andorra-roads.osm.pbf
	demoRoads []byte
)

const (
	demoDistrictsName    = "andorra-parishes.geojson (embedded demo)"
	demoStationsName     = "andorra-services.geojson (embedded demo)"
	demoRoadsName        = "andorra-roads.osm.pbf (embedded demo)"
	demoRoadsAttribution = "Demo road network: Andorra's roads as of 2018, © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
	demoAttribution      = "Demo data: Andorra parishes and public services, © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
)

var (
	//go:embed demodata/andorra-places.csv
	demoPlaces []byte
	//go:embed demodata/andorra-services-changed.geojson
	demoStationsChanged []byte
	//go:embed demodata/README.md
	demoReadme []byte
)

// A DemoFile is one file of the embedded demo dataset, as covaudit init --demo
// writes it out.
type DemoFile struct {
	Name string // file name, no folder
	Data []byte
}

// DemoFiles returns the embedded demo dataset: the parishes (districts, with a
// class property), the public-service points (stations), the road network
// (OpenStreetMap PBF), the named OSM place nodes (points for nearest) and a
// changed copy of the stations (for diff), with the README stating their
// source and licence.
func DemoFiles() []DemoFile {
	return []DemoFile{
		{"andorra-parishes.geojson", demoDistricts},
		{"andorra-services.geojson", demoStations},
		{"andorra-roads.osm.pbf", demoRoads},
		{"andorra-places.csv", demoPlaces},
		{"andorra-services-changed.geojson", demoStationsChanged},
		{"README.md", demoReadme},
	}
}

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

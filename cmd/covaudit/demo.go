package main

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
)

const (
	demoDistrictsName = "andorra-parishes.geojson (embedded demo)"
	demoStationsName  = "andorra-services.geojson (embedded demo)"
	demoAttribution   = "Demo data: Andorra parishes and public services, © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
)

package audit

import (
	"path/filepath"
	"strings"

	"github.com/covaudit/covaudit/geodata"
	"github.com/covaudit/covaudit/geodata/gpkg"
)

// ReadLayer reads a Shapefile, or a GeoPackage's feature layer named by
// layer (which may be empty when the file has only one).
func ReadLayer(path, layer, encoding string) (*geodata.Layer, error) {
	if strings.EqualFold(filepath.Ext(path), ".gpkg") {
		return gpkg.Read(path, layer)
	}
	return geodata.ReadShapefile(path, encoding)
}

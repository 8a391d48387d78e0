package audit

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/covaudit/covaudit/geodata/gpkg"
)

// gapsStyle is the QGIS style of a GeoPackage gap map: a categorized
// renderer on the kind property, each kind filled and outlined in the
// colours of the GeoJSON gap map's simplestyle properties (simplestyle),
// the fill at the same 35% opacity; other kinds take beyond-threshold's.
func gapsStyle() gpkg.Style {
	kinds := make([]string, 0, len(simplestyle))
	for k := range simplestyle {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var cats, syms strings.Builder
	esc := func(s string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	symbol := func(name, fill, stroke string) {
		fmt.Fprintf(&syms, `   <symbol type="fill" name="%s" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleFill" enabled="1" locked="0" pass="0">
     <Option type="Map">
      <Option name="color" type="QString" value="%s"/>
      <Option name="outline_color" type="QString" value="%s"/>
      <Option name="outline_style" type="QString" value="solid"/>
      <Option name="outline_width" type="QString" value="0.26"/>
      <Option name="outline_width_unit" type="QString" value="MM"/>
      <Option name="style" type="QString" value="solid"/>
     </Option>
    </layer>
   </symbol>
`, name, qgisColour(fill, 0.35), qgisColour(stroke, 1))
	}
	for i, k := range kinds {
		fmt.Fprintf(&cats, `   <category symbol="%d" value="%s" label="%s" render="true"/>
`, i, esc(k), esc(k))
		symbol(strconv.Itoa(i), simplestyle[k][0], simplestyle[k][1])
	}
	def := simplestyle["beyond-threshold"]
	qml := `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0" styleCategories="Symbology">
 <renderer-v2 type="categorizedSymbol" attr="kind" forceraster="0" symbollevels="0" enableorderby="0">
  <categories>
` + cats.String() + `  </categories>
  <symbols>
` + syms.String() + `  </symbols>
  <source-symbol>
`
	syms.Reset()
	symbol("0", def[0], def[1])
	qml += strings.ReplaceAll(syms.String(), "\n   ", "\n    ") + `  </source-symbol>
 </renderer-v2>
 <layerGeometryType>2</layerGeometryType>
</qgis>
`
	return gpkg.Style{Name: "covaudit gaps", QML: qml, Description: "gaps by kind, in the colours of covaudit's GeoJSON gap map"}
}

// qgisColour writes a #rrggbb colour as QGIS does, "r,g,b,a" (0 to 255),
// with opacity (0 to 1) as alpha.
func qgisColour(hex string, opacity float64) string {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	return fmt.Sprintf("%d,%d,%d,%d", v>>16&0xff, v>>8&0xff, v&0xff, int(opacity*255+0.5))
}

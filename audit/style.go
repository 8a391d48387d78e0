package audit

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/covaudit/covaudit/geodata/gpkg"
	"github.com/covaudit/covaudit/report"
)

// gapFillOpacity is the opacity (0 to 1) of gap fills in the GeoJSON gap
// map's simplestyle properties and the gaps' QGIS style.
const gapFillOpacity = 0.35

// gapsStyle is the QGIS style of a GeoPackage gap map: a categorized
// renderer on the kind property, each kind filled and outlined in the
// report's colours (report.GapColour), as the GeoJSON gap map's
// simplestyle properties are, the fill at the same opacity
// (gapFillOpacity); other kinds take beyond-threshold's.
func gapsStyle() gpkg.Style {
	kinds := report.GapKinds()
	var cats, syms strings.Builder
	for i, k := range kinds {
		fmt.Fprintf(&cats, `   <category symbol="%d" value="%s" label="%s" render="true"/>
`, i, xmlEscape(k), xmlEscape(k))
		fill, stroke := report.GapColour(k)
		fillSymbol(&syms, strconv.Itoa(i), "   ", qgisColour(fill, gapFillOpacity), qgisColour(stroke, 1))
	}
	fill, stroke := report.GapColour("beyond-threshold")
	var src strings.Builder
	fillSymbol(&src, "0", "   ", qgisColour(fill, gapFillOpacity), qgisColour(stroke, 1))
	qml := `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0" styleCategories="Symbology">
 <renderer-v2 type="categorizedSymbol" attr="kind" forceraster="0" symbollevels="0" enableorderby="0">
  <categories>
` + cats.String() + `  </categories>
  <symbols>
` + syms.String() + `  </symbols>
  <source-symbol>
` + src.String() + `  </source-symbol>
 </renderer-v2>
 <layerGeometryType>2</layerGeometryType>
</qgis>
`
	return gpkg.Style{Name: "covaudit gaps", QML: qml, Description: "gaps by kind, in the colours of covaudit's GeoJSON gap map"}
}

// districtsStyle is the QGIS style of a GeoPackage's districts layer: a
// graduated renderer on covered_share (0 to 1) in the classes of
// report.ShareClasses, which hold every share in [0, 1] exactly once,
// each filled in the HTML map's colour for it at the map's opacity and
// outlined as the map outlines districts. A district with no share (an
// empty one) matches no class and is not drawn.
func districtsStyle() gpkg.Style {
	var ranges, syms strings.Builder
	for i, c := range report.ShareClasses() {
		fmt.Fprintf(&ranges, `   <range symbol="%d" lower="%s" upper="%s" label="%s" render="true"/>
`, i, strconv.FormatFloat(c.Lower, 'g', -1, 64), strconv.FormatFloat(c.Upper, 'g', -1, 64), xmlEscape(c.Label))
		fillSymbol(&syms, strconv.Itoa(i), "   ", qgisColour(c.Colour, report.DistrictFillOpacity), qgisColour(report.DistrictOutline, 1))
	}
	var src strings.Builder
	fillSymbol(&src, "0", "   ", qgisColour(report.ShareColour(0), report.DistrictFillOpacity), qgisColour(report.DistrictOutline, 1))
	qml := `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0" styleCategories="Symbology">
 <renderer-v2 type="graduatedSymbol" attr="covered_share" graduatedMethod="GraduatedColor" forceraster="0" symbollevels="0" enableorderby="0">
  <ranges>
` + ranges.String() + `  </ranges>
  <symbols>
` + syms.String() + `  </symbols>
  <source-symbol>
` + src.String() + `  </source-symbol>
 </renderer-v2>
 <layerGeometryType>2</layerGeometryType>
</qgis>
`
	return gpkg.Style{Name: "covaudit districts", QML: qml, Description: "districts by covered share, in the colours of covaudit's HTML report"}
}

// fillSymbol writes a QGIS fill symbol named name (a SimpleFill of the
// colours fill and outline, "r,g,b,a"), every line indented by indent.
func fillSymbol(b *strings.Builder, name, indent, fill, outline string) {
	s := fmt.Sprintf(`<symbol type="fill" name="%s" alpha="1" clip_to_extent="1" force_rhr="0">
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
`, xmlEscape(name), fill, outline)
	for line := range strings.Lines(s) {
		b.WriteString(indent + line)
	}
}

// xmlEscape escapes s for XML text and attribute values.
func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// qgisColour writes a #rrggbb colour as QGIS does, "r,g,b,a" (0 to 255),
// with opacity (0 to 1) as alpha.
func qgisColour(hex string, opacity float64) string {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	return fmt.Sprintf("%d,%d,%d,%d", v>>16&0xff, v>>8&0xff, v&0xff, int(opacity*255+0.5))
}

//go:build proj

package crs

// #cgo pkg-config: proj
// #include <stdio.h>
// #include <stdlib.h>
// #include <string.h>
// #include <proj.h>
//
// // unitOf reports the unit of a CRS's first axis and whether it is
// // geographic: 0 on success, -1 if def is not a CRS PROJ knows.
// static int unitOf(const char *def, double *toMetre, const char **name, int *geographic, char *buf, int n) {
//   PJ_CONTEXT *ctx = proj_context_create();
//   PJ *crs = proj_create(ctx, def);
//   int rc = -1;
//   if (crs && proj_is_crs(crs)) {
//     PJ *h = crs;
//     PJ_TYPE t = proj_get_type(crs);
//     if (t == PJ_TYPE_BOUND_CRS) h = proj_get_source_crs(ctx, crs);
//     t = proj_get_type(h);
//     *geographic = t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS;
//     PJ *cs = proj_crs_get_coordinate_system(ctx, h);
//     const char *un = 0;
//     if (cs && proj_cs_get_axis_info(ctx, cs, 0, 0, 0, 0, toMetre, &un, 0, 0)) {
//       snprintf(buf, n, "%s", un ? un : "");
//       rc = 0;
//     }
//     const char *nm = proj_get_name(h);
//     *name = 0;
//     if (nm) { *name = strdup(nm); }
//     if (cs) proj_destroy(cs);
//     if (h != crs) proj_destroy(h);
//   }
//   if (crs) proj_destroy(crs);
//   proj_context_destroy(ctx);
//   return rc;
// }
import "C"

import (
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"github.com/twpayne/go-proj/v11"
)

// withPROJ says this build links PROJ (the proj build tag).
const withPROJ = true

func init() { ParseWKT = fromPROJ }

func fromEPSGPROJ(code int) (CRS, bool) {
	c, err := fromPROJ(epsgName(code))
	return c, err == nil
}

// fromPROJ resolves an EPSG code, WKT or PROJ string through PROJ: the
// transformation to WGS84 longitude, latitude (OGC:CRS84) that PROJ
// chooses, with easting first whatever the axis order the system declares.
func fromPROJ(def string) (CRS, error) {
	def = strings.TrimSpace(def)
	cdef := C.CString(def)
	defer C.free(unsafe.Pointer(cdef))
	var toMetre C.double
	var name *C.char
	var geographic C.int
	var buf [64]C.char
	if C.unitOf(cdef, &toMetre, &name, &geographic, &buf[0], 64) != 0 {
		return CRS{}, fmt.Errorf("PROJ does not read %q as a coordinate system", short(def))
	}
	title := ""
	if name != nil {
		title = C.GoString(name)
		C.free(unsafe.Pointer(name))
	}
	ctx := proj.NewContext()
	pj, err := ctx.NewCRSToCRS(def, "OGC:CRS84", nil)
	if err != nil {
		return CRS{}, fmt.Errorf("PROJ: %q to WGS84: %w", short(def), err)
	}
	if pj, err = pj.NormalizeForVisualization(); err != nil {
		return CRS{}, fmt.Errorf("PROJ: %q to WGS84: %w", short(def), err)
	}
	var mu sync.Mutex // a PJ serves one thread at a time
	nan := func() (float64, float64) { n := 0.0; return n / n, n / n }
	c := CRS{Name: def, Title: title, Geographic: geographic != 0, Unit: C.GoString(&buf[0]), MetresPerUnit: float64(toMetre)}
	if c.Geographic {
		c.MetresPerUnit = 0
	}
	if strings.HasPrefix(strings.ToUpper(def), "EPSG:") {
		c.Name = strings.ToUpper(def)
	}
	c.toWGS84 = func(x, y float64) (float64, float64) {
		mu.Lock()
		defer mu.Unlock()
		o, err := pj.Forward(proj.NewCoord(x, y, 0, 0))
		if err != nil {
			return nan()
		}
		return o.X(), o.Y()
	}
	c.fromWGS84 = func(lon, lat float64) (float64, float64) {
		mu.Lock()
		defer mu.Unlock()
		o, err := pj.Inverse(proj.NewCoord(lon, lat, 0, 0))
		if err != nil {
			return nan()
		}
		return o.X(), o.Y()
	}
	return c, nil
}

func short(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

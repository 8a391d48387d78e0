//go:build !proj

package crs

// withPROJ says this build links PROJ (the proj build tag).
const withPROJ = false

func fromEPSGPROJ(int) (CRS, bool) { return CRS{}, false }

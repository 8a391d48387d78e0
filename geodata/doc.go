// Package geodata reads and writes the files covaudit works with: district
// boundaries (GeoJSON), station lists (CSV, GeoJSON) and gap maps (GeoJSON).
//
// Readers take an io.Reader and the name to use in messages, and report
// every bad record at once as Problems, each naming the file and the line
// (CSV) or the feature index and id (GeoJSON): the records that are fine
// are returned alongside, so a caller can stop or skip the bad ones. What a
// reader repaired or skipped without refusing it (a ring it closed,
// records a .dbf marks deleted) is in the Warnings of what it returns
// (DistrictFeature.Warnings, Layer.Warnings), for the caller to pass on.
// Station files may be UTF-8 or UTF-16; no file larger than 1 GiB is read.
// Coordinates are WGS84 {lon, lat} degrees (RFC 7946). Writers produce
// deterministic output with coordinates rounded to 1e-7 degrees and areas to
// 0.01 m2.
package geodata

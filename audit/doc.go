// Package audit is covaudit's audit as a library: what every command
// (check, suggest, nearest, diff, the map reports) is built on, so that a
// key of the configuration means the same to all of them.
//
// Config holds the inputs and their coordinate systems, the district
// classes (any number, each with a rule of any kind: radius, speed,
// road-time, road-distance), the pass policy, the road network and the
// outputs; Default is the two-class configuration (urban 2 km, rural 30
// minutes). Load reads, converts and checks the inputs, classifies the
// districts, reads the road networks the rules need and searches them from
// the stations; Run evaluates every district with the engine its rule
// needs (package coverage); Write renders the report (text, JSON, CSV,
// Markdown; the JSON schema is the json-tagged types of render.go), the gap
// map, the stations report and the HTML and SVG maps. Suggest, Diff and
// Audit.Nearest are the other commands' entry points.
//
// Lengths are metres, times seconds, speeds metres per second, areas
// square metres on the WGS84 ellipsoid; coordinates are {lon, lat}
// degrees, WGS84, once loaded. Errors are UsageError (the configuration),
// InputError (a file that cannot be used, naming the file and the line,
// feature or byte) and OutputError; ErrFailed means a district fails.
package audit

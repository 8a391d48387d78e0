// Package coverage is covaudit's engine: service stations, districts and the
// rules that say how far a place may be from its nearest station, and the
// exact evaluation of which part of each district meets its rule.
//
// Coordinates are orb.Point{longitude, latitude} in degrees on WGS84.
// Distances are WGS84 geodesic metres (Vincenty, see package geodesy);
// areas are ellipsoidal square metres, computed in a Lambert azimuthal
// equal-area frame, where they are exact: districts within a 0.5-degree tile
// share the tile's frame, larger ones get their own (see frameSet).
//
// For the distance rules (radius and speed model) the covered part of a
// district is the district intersected with a union of geodesic disks. Each
// disk is projected into the frame, where its boundary is an ellipse to about
// 0.1 mm; the area comes from Green's theorem over district edge pieces and
// ellipse arcs, in closed form, so the only approximations are the ellipse fit
// and the densification of geodesic district edges (0.1 mm), both bounded in
// Result.UncoveredLowerM2 and Result.UncoveredUpperM2. District edges are
// geodesics. Districts must not cross the antimeridian.
//
// The road rule (KindRoadTime, with Options.Roads from package roads) is
// evaluated on an adaptive quadtree in the same frame with certified
// bounds: the cost is 1/access-speed-Lipschitz except where the access cap
// cuts an option off, which the cell tests treat with the cap shrunk or
// grown by the cell's half-diagonal. The uncovered area comes as a bracket
// of width at most Options.RoadTolerance of the district (see roadrule.go);
// travel-time statistics and the worst place are sampled on a grid.
//
// The package does no I/O. Index and the evaluation functions are safe for
// concurrent use once built.
package coverage

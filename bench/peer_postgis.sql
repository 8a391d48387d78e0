-- covaudit benchmark peer: the same audit in PostGIS, as an analyst writes it.
-- psql variables: R (radius, metres), Q (quad_segs of the buffers), out (JSON result file), gaps (the
-- uncovered polygons as GeoJSON, the peer of covaudit's --gaps).
-- Tables: districts(name, class, geom MultiPolygon 4326) from ogr2ogr; stations(id, name, lon, lat).
\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;
\timing on
-- One geodesic buffer per station (geography: PostGIS buffers in a local planar projection).
CREATE TABLE disks AS
  SELECT id, ST_Buffer(ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, :R, 'quad_segs=' || :Q)::geometry AS geom
  FROM stations;
CREATE INDEX disks_geom ON disks USING gist (geom);
ANALYZE disks;
-- Per district: union of the disks that touch it, the part left over, ellipsoidal areas.
CREATE TABLE audit AS
  SELECT d.ogc_fid, d.name, ST_Area(d.geom::geography) AS area_m2, g.gap, ST_Area(g.gap::geography) AS uncovered_m2
  FROM districts d
  CROSS JOIN LATERAL (SELECT ST_Union(k.geom) AS cover FROM disks k WHERE ST_Intersects(k.geom, d.geom)) c
  CROSS JOIN LATERAL (SELECT COALESCE(ST_Difference(d.geom, c.cover), d.geom) AS gap) g;
\timing off
\t on
\pset format unaligned
\o :out
SELECT json_build_object('districts', json_agg(json_build_object('name', name, 'area_m2', area_m2, 'uncovered_m2', uncovered_m2) ORDER BY ogc_fid))
FROM audit;
\o
\o :gaps
SELECT json_build_object('type', 'FeatureCollection', 'features',
       COALESCE(json_agg(ST_AsGeoJSON(r.*, 'geom', 9)::json), '[]'::json))
FROM (SELECT name, uncovered_m2, gap AS geom FROM audit WHERE NOT ST_IsEmpty(gap) ORDER BY ogc_fid) r;
\o

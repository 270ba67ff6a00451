-- Flood black-spots (a point on any geometry) and geohazard points, placed for a warning-level look-up.
SELECT 'flood_spot' AS entity_type, f.id, f.name, f.town_code, f.tier, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
FROM flood_spot f, ST_PointOnSurface(f.geom) AS p(geom)
UNION ALL
SELECT 'geohazard', g.id, g.name, g.town_code, g.tier, ST_X(g.geom), ST_Y(g.geom)
FROM geohazard g

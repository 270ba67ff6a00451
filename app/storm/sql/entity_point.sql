-- Where one call-out entity is ($1 entity type, $2 id): a point on its geometry.
SELECT ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
FROM (
    SELECT 'flood_spot' AS entity_type, id, ST_PointOnSurface(geom) AS geom FROM flood_spot WHERE id = $2
    UNION ALL
    SELECT 'geohazard', id, geom FROM geohazard WHERE id = $2
    UNION ALL
    SELECT 'enterprise', id, geom FROM enterprise WHERE id = $2
) p
WHERE p.entity_type = $1

-- Flood black-spots touching the hazard area ($1 = WKB, SRID 4326), with the residents nearby and who is in charge.
SELECT f.id, f.name, f.town_code, f.tier, f.warning_level, coalesce(f.residents_nearby, 0) AS residents_nearby,
       f.affects, f.max_depth_m, f.responsible_person, f.responsible_phone,
       ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
FROM flood_spot f, ST_PointOnSurface(f.geom) AS p(geom)
WHERE ST_Intersects(f.geom, ST_GeomFromWKB($1, 4326))
ORDER BY coalesce(array_position($2::text[], f.tier), 99), f.name, f.id

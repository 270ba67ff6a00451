-- People to move from around the flood black-spots in the hazard area ($1 = WKB, SRID 4326); the person in charge
-- of the black-spot organises it.
SELECT 'flood_spot' AS origin_type, f.id, f.name, f.town_code, t.name AS town, f.residents_nearby AS people,
       f.responsible_person AS organiser, f.responsible_phone AS organiser_phone,
       ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
FROM flood_spot f
CROSS JOIN ST_PointOnSurface(f.geom) AS p(geom)
LEFT JOIN admin_area t ON t.code = f.town_code
WHERE f.residents_nearby > 0 AND ST_Intersects(f.geom, ST_GeomFromWKB($1, 4326))
ORDER BY f.id

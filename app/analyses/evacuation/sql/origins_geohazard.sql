-- People to move from the geohazard points in the hazard area ($1 = WKB, SRID 4326); their monitor organises it.
SELECT 'geohazard' AS origin_type, g.id, g.name, g.town_code, t.name AS town, g.threatened_people AS people,
       g.monitor_person AS organiser, g.monitor_phone AS organiser_phone, ST_X(g.geom) AS lon, ST_Y(g.geom) AS lat
FROM geohazard g
LEFT JOIN admin_area t ON t.code = g.town_code
WHERE g.threatened_people > 0 AND ST_Intersects(g.geom, ST_GeomFromWKB($1, 4326))
ORDER BY g.id

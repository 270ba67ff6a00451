-- Open shelters with room left ($1 = hazard area as WKB, SRID 4326): `usable` is false for those inside the area.
SELECT s.id, s.name, s.town_code, t.name AS town, s.capacity - s.occupancy AS free, s.manager, s.manager_phone,
       NOT ST_Intersects(s.geom, ST_GeomFromWKB($1, 4326)) AS usable, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
FROM shelter s
LEFT JOIN admin_area t ON t.code = s.town_code
WHERE s.status = 'open' AND s.capacity > s.occupancy
ORDER BY s.id

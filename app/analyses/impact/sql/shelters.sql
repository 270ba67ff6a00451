-- Shelters inside the hazard area ($1 = WKB, SRID 4326): unusable while the hazard lasts.
SELECT s.id, s.name, s.shelter_class, s.town_code, s.capacity, s.occupancy, s.status, s.manager, s.manager_phone,
       ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
FROM shelter s
WHERE ST_Intersects(s.geom, ST_GeomFromWKB($1, 4326))
ORDER BY s.capacity DESC, s.name, s.id

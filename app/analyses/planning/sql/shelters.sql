-- Shelters in service: a closed shelter shelters nobody.
SELECT id, name, shelter_class, town_code, effective_area_m2, ST_X(geom) AS lon, ST_Y(geom) AS lat
FROM shelter
WHERE status <> 'closed'
ORDER BY id

-- Depots with their level, which sets the travel-time limit.
SELECT id, name, level, town_code, ST_X(geom) AS lon, ST_Y(geom) AS lat
FROM depot
ORDER BY id

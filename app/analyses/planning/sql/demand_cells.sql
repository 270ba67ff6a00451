-- Population cells as demand points (their centroids), in all towns or in the towns named by $1.
SELECT id, town_code, population, ST_X(centroid) AS lon, ST_Y(centroid) AS lat
FROM population_cell
WHERE $1::text[] IS NULL OR town_code = ANY($1::text[])
ORDER BY id

-- Candidate sites proposed from the database: vulnerable sites (all, or schools only) and populated grid cells
-- (with their population, to thin them), in all towns or in the towns named by $2. $1: the requested sources.
SELECT kind AS source, id::text AS source_id, name, NULL::float8 AS area_m2, ST_X(geom) AS lon, ST_Y(geom) AS lat,
       NULL::int AS population
FROM vulnerable_site
WHERE ('vulnerable_sites' = ANY($1::text[]) OR ('schools' = ANY($1::text[]) AND kind = 'school'))
  AND ($2::text[] IS NULL OR town_code = ANY($2::text[]))
UNION ALL
SELECT 'grid_cell', id::text, '网格 ' || id, NULL, ST_X(centroid), ST_Y(centroid), population
FROM population_cell
WHERE 'grid_cells' = ANY($1::text[]) AND population > 0
  AND ($2::text[] IS NULL OR town_code = ANY($2::text[]))
ORDER BY source, source_id

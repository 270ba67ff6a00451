-- Everyone in the hazard area ($1 = WKB, SRID 4326), one group per population cell: its people in proportion to
-- the share of the cell inside, leaving from a point of the largest inside part; the town organises it.
WITH pieces AS (
    SELECT ST_Subdivide(ST_GeomFromWKB($1, 4326), 128) AS geom
), parts AS (
    SELECT c.id, c.town_code, c.population, ST_Area(c.geom) AS cell_area,
           CASE WHEN ST_CoveredBy(c.geom, p.geom) THEN c.geom ELSE ST_Intersection(c.geom, p.geom) END AS part
    FROM population_cell c
    JOIN pieces p ON ST_Intersects(c.geom, p.geom)
), cells AS (
    SELECT id, town_code, round(max(population) * sum(ST_Area(part)) / max(cell_area))::int AS people,
           ST_PointOnSurface((array_agg(part ORDER BY ST_Area(part) DESC))[1]) AS geom
    FROM parts
    GROUP BY id, town_code
)
SELECT 'population' AS origin_type, c.id, '人口网格 ' || c.id AS name, c.town_code, t.name AS town, c.people,
       t.name AS organiser, NULL::text AS organiser_phone, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat
FROM cells c
LEFT JOIN admin_area t ON t.code = c.town_code
WHERE c.people > 0
ORDER BY c.id

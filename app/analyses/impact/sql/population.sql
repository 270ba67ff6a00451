-- People in the hazard area ($1 = WKB, SRID 4326) from the population grid, per town and overall (GROUPING SETS):
-- a cell counts in proportion to the share of its area inside. The area is cut into small pieces (ST_Subdivide) so
-- each intersection is cheap; the pieces do not overlap, so the shares add up.
WITH pieces AS (
    SELECT ST_Subdivide(ST_GeomFromWKB($1, 4326), 128) AS geom
)
SELECT c.town_code, GROUPING(c.town_code) = 1 AS overall,
       sum(c.population * CASE WHEN ST_CoveredBy(c.geom, p.geom) THEN 1.0
                               ELSE ST_Area(ST_Intersection(c.geom, p.geom)) / ST_Area(c.geom) END) AS people
FROM population_cell c
JOIN pieces p ON ST_Intersects(c.geom, p.geom)
GROUP BY GROUPING SETS ((c.town_code), ())

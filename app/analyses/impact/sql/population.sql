-- People in the hazard area ($1 = WKB, SRID 4326) from the population grid, per town and overall (GROUPING SETS):
-- a cell counts in proportion to the share of its area inside. Most cells lie wholly inside (one ST_Covers against
-- the area, which PostGIS prepares once for all cells) and count whole; only the cells the area's boundary crosses
-- are intersected, with small pieces of the area (ST_Subdivide) so that each intersection is cheap. The pieces do
-- not overlap, so the shares add up.
WITH area AS MATERIALIZED (
    SELECT ST_GeomFromWKB($1, 4326) AS geom
), hit AS MATERIALIZED (
    SELECT c.town_code, c.population, c.geom, ST_Covers(a.geom, c.geom) AS whole
    FROM area a
    JOIN population_cell c ON ST_Intersects(a.geom, c.geom)
), pieces AS (
    SELECT ST_Subdivide(a.geom, 128) AS geom FROM area a
), shares AS (
    SELECT town_code, population::float8 AS people FROM hit WHERE whole
    UNION ALL
    SELECT h.town_code, h.population * ST_Area(ST_Intersection(h.geom, p.geom)) / ST_Area(h.geom)
    FROM hit h
    JOIN pieces p ON ST_Intersects(h.geom, p.geom)
    WHERE NOT h.whole
)
SELECT town_code, GROUPING(town_code) = 1 AS overall, sum(people) AS people
FROM shares
GROUP BY GROUPING SETS ((town_code), ())

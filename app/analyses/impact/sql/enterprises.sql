-- Enterprises in the hazard area ($1 = area as WKB, SRID 4326), counted per (town, tier, hazard tags); the totals,
-- per tier and per tag, are sums of these rows. The area comes with a coverage mask over its bounding box ($2..$7 =
-- west, south, dlon, dlat, nx, ny; $8 = per cell 2 inside, 1 boundary, 0 outside; a point takes the cell found by
-- flooring its offsets). $9 = the hazardous-chemical tags.
-- * Points in inside cells need no geometry test: one scan (parallel where it pays), aggregated by hashing. The test
--   is written `> 1`, not `= 2`, on purpose: an equality on an expression is estimated at 0.5 % of the rows, and
--   with so few rows expected PostgreSQL sorts every row by (town, tier, tag array) instead of hashing (≈ 3× slower
--   city-wide); keeping ST_Intersects out of this branch also keeps its declared cost (10 000) from hiding the
--   difference between the two plans.
-- * Points in boundary cells are found cell by cell through the GiST index (each point only in its own cell, so a
--   point on a shared cell side counts once) and only they get the exact ST_Intersects.
WITH counted AS (
    SELECT e.town_code, e.tier, e.hazard_tags, count(*) AS enterprises,
           count(*) FILTER (WHERE e.major_hazard_grade IS NOT NULL) AS major_hazard
    FROM enterprise e
    WHERE e.geom && ST_GeomFromWKB($1, 4326)
      AND ($8::smallint[])[1 + least(greatest(floor((ST_Y(e.geom) - $3) / $5)::int, 0), $7::int - 1) * $6::int
                             + least(greatest(floor((ST_X(e.geom) - $2) / $4)::int, 0), $6::int - 1)] > 1
    GROUP BY e.town_code, e.tier, e.hazard_tags
    UNION ALL
    SELECT e.town_code, e.tier, e.hazard_tags, count(*), count(*) FILTER (WHERE e.major_hazard_grade IS NOT NULL)
    FROM generate_subscripts($8::smallint[], 1) AS c(i),
         LATERAL (SELECT $2 + ((c.i - 1) % $6::int) * $4 AS west, $3 + ((c.i - 1) / $6::int) * $5 AS south) b
    JOIN enterprise e ON e.geom && ST_MakeEnvelope(b.west, b.south, b.west + $4, b.south + $5, 4326)
    WHERE ($8::smallint[])[c.i] = 1
      AND 1 + least(greatest(floor((ST_Y(e.geom) - $3) / $5)::int, 0), $7::int - 1) * $6::int
            + least(greatest(floor((ST_X(e.geom) - $2) / $4)::int, 0), $6::int - 1) = c.i
      AND ST_Intersects(e.geom, ST_GeomFromWKB($1, 4326))
    GROUP BY e.town_code, e.tier, e.hazard_tags
)
SELECT town_code, tier, hazard_tags, sum(enterprises)::bigint AS enterprises,
       (CASE WHEN hazard_tags && $9::text[] THEN sum(enterprises) ELSE 0 END)::bigint AS hazchem,
       sum(major_hazard)::bigint AS major_hazard
FROM counted
GROUP BY town_code, tier, hazard_tags

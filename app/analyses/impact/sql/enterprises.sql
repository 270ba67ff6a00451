-- Enterprises in the hazard area ($1 = area as WKB, SRID 4326), counted per (town, tier, hazard tags): a plain
-- GROUP BY, so PostgreSQL can aggregate in parallel workers; the totals, per tier and per tag, are sums of these rows.
-- The area comes with a coverage mask over its bounding box ($2..$7 = west, south, dlon, dlat, nx, ny; $8 = per cell
-- 2 inside, 1 boundary, 0 outside): points in inside cells need no geometry test and only those in boundary cells get
-- the exact ST_Intersects, so a city-wide area over a million points costs a scan, not a million polygon tests.
SELECT town_code, tier, hazard_tags, count(*) AS enterprises,
       count(*) FILTER (WHERE hazard_tags && $9::text[]) AS hazchem,
       count(*) FILTER (WHERE major_hazard_grade IS NOT NULL) AS major_hazard
FROM enterprise e
WHERE e.geom && ST_GeomFromWKB($1, 4326)
  AND CASE ($8::smallint[])[1 + least(greatest(floor((ST_Y(e.geom) - $3) / $5)::int, 0), $7::int - 1) * $6::int
                              + least(greatest(floor((ST_X(e.geom) - $2) / $4)::int, 0), $6::int - 1)]
          WHEN 2 THEN true
          WHEN 1 THEN ST_Intersects(e.geom, ST_GeomFromWKB($1, 4326))
          ELSE false
      END
GROUP BY town_code, tier, hazard_tags

-- The first $11 enterprises in the hazard area (same arguments and mask as enterprises.sql) among those that do
-- ({which} is `hazard_tags && $9`, found through the GIN index) or do not (`NOT (…)`) hold a hazardous-chemical
-- tag $9, by tier ($10, gravest first) and major-hazard grade: the service lists the hazchem ones first.
SELECT id, name, town_code, tier, hazard_tags, major_hazard_grade, contact_name, contact_phone,
       ST_X(geom) AS lon, ST_Y(geom) AS lat
FROM enterprise e
WHERE {which}
  AND e.geom && ST_GeomFromWKB($1, 4326)
  AND CASE ($8::smallint[])[1 + least(greatest(floor((ST_Y(e.geom) - $3) / $5)::int, 0), $7::int - 1) * $6::int
                              + least(greatest(floor((ST_X(e.geom) - $2) / $4)::int, 0), $6::int - 1)]
          WHEN 2 THEN true
          WHEN 1 THEN ST_Intersects(e.geom, ST_GeomFromWKB($1, 4326))
          ELSE false
      END
ORDER BY coalesce(array_position($10::text[], tier), 99), major_hazard_grade NULLS LAST, name, id
LIMIT $11

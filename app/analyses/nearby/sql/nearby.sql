-- 周边分析 around the point ($1 lon, $2 lat): enterprises, vulnerable sites, shelters, depots and rescue teams within
-- the outer radius ($5 m) on the spheroid, in one round trip. The result has one count row per (kind, ring, tier),
-- complete, and the $7 nearest items of each kind (item IS NOT NULL).
--
-- * The bounding box ($3, $4 = half-width and half-height in degrees, a little larger than the outer radius) lets
--   each table use its GiST index before any distance is computed.
-- * Rings: $6 holds the radii in metres negated and from the outer in (-5000, -3000, -1000), so that width_bucket
--   counts the radii a distance is within and ring = rings + 1 − that (a distance equal to a radius is inside it, as
--   in ST_DWithin).
-- * Enterprises (the big table) are counted from a local metric approximation of the distance (metres per degree
--   $9 (lon, times the cosine of the mean latitude) and $10 (lat); a few centimetres off at 5 km): only a point
--   whose approximate distance is within $11 m of a radius, where the approximation could put it in the wrong ring,
--   gets the exact ST_Distance on geography. The counts are therefore those of ST_DWithin(geography).
-- * Enterprises are listed from the $8 nearest by the GiST KNN operator (planar degrees), re-sorted by the exact
--   distance. Degrees are not metres, so the candidates surely hold every point nearer than `safe` metres (the
--   candidates' farthest degree distance × the fewest metres a degree can be around here); when the $7th nearest is
--   not within that, or the outer radius is beyond it, the second branch (normally not run) lists
--   from the whole box instead, so the list is always exactly the nearest.
-- $12 = the hazardous-chemical tags.
WITH knn AS MATERIALIZED (
    SELECT e.id, e.name, e.town_code, e.tier, e.major_hazard_grade, e.hazard_tags && $12::text[] AS hazchem,
           e.contact_name, e.contact_phone, e.industry, e.geom,
           e.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) AS degrees,
           ST_Distance(e.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS distance_m
    FROM enterprise e
    ORDER BY e.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)
    LIMIT $8
), knn_safe AS (
    SELECT count(*) AS n,
           max(degrees) * least(111319.49 * cos(radians(least(89.99, abs($2) + max(degrees)))), 110574.27) * 0.999
               AS safe
    FROM knn
), knn_exact AS (
    SELECT n < $8                                                               -- the whole table is in the candidates
           OR $5 < safe                                                         -- so is everything within the radius
           OR (SELECT count(*) FROM knn WHERE distance_m <= least($5, safe)) >= $7 AS ok
    FROM knn_safe
), enterprise_listed AS (
    (SELECT * FROM knn WHERE distance_m <= $5 AND (SELECT ok FROM knn_exact) ORDER BY distance_m, id LIMIT $7)
    UNION ALL
    SELECT f.*
    FROM knn_exact k,
         LATERAL (SELECT e.id, e.name, e.town_code, e.tier, e.major_hazard_grade, e.hazard_tags && $12::text[],
                         e.contact_name, e.contact_phone, e.industry, e.geom, NULL::float8, d.distance_m
                  FROM enterprise e,
                       ST_Distance(e.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS d(distance_m)
                  WHERE NOT k.ok  -- first, so that nothing runs when the candidates were enough
                    AND e.geom && ST_Expand(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4) AND d.distance_m <= $5
                  ORDER BY d.distance_m, e.id
                  LIMIT $7) f
), enterprise_counted AS (
    SELECT cardinality($6::float8[]) + 1 - w.within AS ring, e.tier, count(*) AS n,
           count(*) FILTER (WHERE e.major_hazard_grade IS NOT NULL) AS major_hazard,
           count(*) FILTER (WHERE e.hazard_tags && $12::text[]) AS hazchem
    FROM enterprise e,
         LATERAL (SELECT sqrt(((ST_X(e.geom) - $1) * $9 * cos(radians((ST_Y(e.geom) + $2) / 2)))^2
                              + ((ST_Y(e.geom) - $2) * $10)^2) AS m) a,
         -- a function in FROM, not an expression: its result has no statistics, so the planner expects a few groups
         -- and aggregates in each parallel worker instead of sorting every row (it takes an expression of geom
         -- for as many groups as points)
         width_bucket(-CASE WHEN width_bucket(-(a.m - $11), $6::float8[]) = width_bucket(-(a.m + $11), $6::float8[])
                            THEN a.m
                            ELSE ST_Distance(e.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography)
                       END, $6::float8[]) AS w(within)
    WHERE e.geom && ST_Expand(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4) AND a.m <= $5 + $11 AND w.within > 0
    GROUP BY 1, 2
), small AS (
    SELECT 'vulnerable_site' AS kind, v.id, v.name, v.town_code, v.contact_phone AS phone, NULL AS person,
           v.occupants AS people, v.kind AS detail, v.geom
    FROM vulnerable_site v WHERE v.geom && ST_Expand(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4)
    UNION ALL
    SELECT 'shelter', s.id, s.name, s.town_code, s.manager_phone, s.manager, s.capacity - s.occupancy, s.status, s.geom
    FROM shelter s WHERE s.geom && ST_Expand(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4)
    UNION ALL
    SELECT 'depot', d.id, d.name, d.town_code, d.manager_phone, d.manager, NULL, d.level, d.geom
    FROM depot d WHERE d.geom && ST_Expand(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4)
    UNION ALL
    SELECT 'rescue_team', r.id, r.name, r.town_code, r.leader_phone, r.leader, r.members, r.team_type, r.geom
    FROM rescue_team r WHERE r.geom && ST_Expand(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4)
), small_ringed AS (
    SELECT s.*, d.distance_m, cardinality($6::float8[]) + 1 - width_bucket(-d.distance_m, $6::float8[]) AS ring,
           row_number() OVER (PARTITION BY s.kind ORDER BY d.distance_m, s.id) AS rank
    FROM small s, ST_Distance(s.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS d(distance_m)
    WHERE d.distance_m <= $5
)
SELECT 'enterprise' AS kind, ring, tier, n, major_hazard, hazchem, NULL::jsonb AS item
FROM enterprise_counted
UNION ALL
SELECT 'enterprise', NULL, NULL, NULL, NULL, NULL,
       jsonb_build_object('id', id, 'name', name, 'town_code', town_code, 'tier', tier,
                          'major_hazard_grade', major_hazard_grade, 'hazchem', hazchem, 'person', contact_name,
                          'phone', contact_phone, 'people', NULL, 'detail', industry,
                          'ring', cardinality($6::float8[]) + 1 - width_bucket(-distance_m, $6::float8[]),
                          'distance_m', round(distance_m::numeric, 1), 'lon', ST_X(geom), 'lat', ST_Y(geom))
FROM enterprise_listed
UNION ALL
SELECT kind, ring, NULL, count(*), NULL, NULL, NULL
FROM small_ringed
GROUP BY kind, ring
UNION ALL
SELECT kind, NULL, NULL, NULL, NULL, NULL,
       jsonb_build_object('id', id, 'name', name, 'town_code', town_code, 'tier', NULL,
                          'major_hazard_grade', NULL, 'hazchem', NULL, 'person', person,
                          'phone', phone, 'people', people, 'detail', detail, 'ring', ring,
                          'distance_m', round(distance_m::numeric, 1), 'lon', ST_X(geom), 'lat', ST_Y(geom))
FROM small_ringed
WHERE rank <= $7

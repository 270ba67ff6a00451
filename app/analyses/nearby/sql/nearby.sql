-- 周边分析 around the point ($1 lon, $2 lat): enterprises, vulnerable sites, shelters, depots and rescue teams within
-- the outer radius ($5 m) on the spheroid. The bounding box ($3, $4 = half-width and half-height in degrees, a little
-- larger than the radius) lets each table use its GiST index before any distance is computed. $6 holds the ring radii
-- in metres negated and from the outer in (-5000, -3000, -1000), so that width_bucket counts the radii a distance
-- is within and ring = rings + 1 − that (a distance equal to a radius is inside it, as in ST_DWithin). The result has
-- one count row per (kind, ring, tier) and the $7 nearest items of each kind.
WITH here AS (
    SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS p
), box AS (
    SELECT ST_Expand(p, $3, $4) AS b FROM here
), found AS (
    SELECT 'enterprise' AS kind, e.id, e.name, e.town_code, e.tier, e.major_hazard_grade,
           e.hazard_tags && $8::text[] AS hazchem, e.contact_name AS person, e.contact_phone AS phone,
           NULL::int AS people, e.industry AS detail, e.geom
    FROM enterprise e, box WHERE e.geom && box.b
    UNION ALL
    SELECT 'vulnerable_site', v.id, v.name, v.town_code, NULL, NULL, NULL, NULL, v.contact_phone, v.occupants,
           v.kind, v.geom
    FROM vulnerable_site v, box WHERE v.geom && box.b
    UNION ALL
    SELECT 'shelter', s.id, s.name, s.town_code, NULL, NULL, NULL, s.manager, s.manager_phone,
           s.capacity - s.occupancy, s.status, s.geom
    FROM shelter s, box WHERE s.geom && box.b
    UNION ALL
    SELECT 'depot', d.id, d.name, d.town_code, NULL, NULL, NULL, d.manager, d.manager_phone, NULL, d.level, d.geom
    FROM depot d, box WHERE d.geom && box.b
    UNION ALL
    SELECT 'rescue_team', r.id, r.name, r.town_code, NULL, NULL, NULL, r.leader, r.leader_phone, r.members,
           r.team_type, r.geom
    FROM rescue_team r, box WHERE r.geom && box.b
), ringed AS (
    SELECT f.*, d.distance_m, cardinality($6::float8[]) + 1 - width_bucket(-d.distance_m, $6::float8[]) AS ring
    FROM found f, here, ST_Distance(f.geom::geography, here.p::geography) AS d(distance_m)
    WHERE d.distance_m <= $5
), ranked AS (
    SELECT ringed.*, row_number() OVER (PARTITION BY kind ORDER BY distance_m, id) AS rank FROM ringed
)
SELECT kind, ring, tier, count(*) AS n, count(*) FILTER (WHERE major_hazard_grade IS NOT NULL) AS major_hazard,
       count(*) FILTER (WHERE hazchem) AS hazchem, NULL::jsonb AS item
FROM ringed
GROUP BY kind, ring, tier
UNION ALL
SELECT kind, ring, tier, NULL, NULL, NULL,
       jsonb_build_object('id', id, 'name', name, 'town_code', town_code, 'tier', tier,
                          'major_hazard_grade', major_hazard_grade, 'hazchem', hazchem, 'person', person,
                          'phone', phone, 'people', people, 'detail', detail, 'ring', ring,
                          'distance_m', round(distance_m::numeric, 1), 'lon', ST_X(geom), 'lat', ST_Y(geom))
FROM ranked
WHERE rank <= $7

-- The result list: the tier counts of the whole filtered set and its first rows in the asked order. Two plain
-- scans (no materialised copy of the set), so that an unfiltered million stays around a second.
-- {where}: app.query.where_clause over enterprise columns · {order}: a whitelisted sort key, ties broken by
-- severity then id. $1 limit · $2 tiers from most to least severe · then the filter values.
WITH per_tier AS (
    SELECT tier, count(*) AS n FROM enterprise WHERE {where} GROUP BY tier
)
SELECT json_build_object(
    'total', (SELECT coalesce(sum(n), 0) FROM per_tier),
    'tiers', (SELECT coalesce(json_object_agg(coalesce(tier, 'none'), n), '{{}}'::json) FROM per_tier),
    'rows', (
        SELECT coalesce(json_agg(row), '[]'::json) FROM (
            SELECT m.id, m.name, m.credit_code, m.town_code, a.name AS town_name, a.name_en AS town_name_en,
                   m.industry, m.tier, m.assessment_score, m.employees, m.major_hazard_grade,
                   ST_X(m.geom) AS lon, ST_Y(m.geom) AS lat
            FROM (SELECT * FROM enterprise WHERE {where}) AS m
            LEFT JOIN admin_area AS a ON a.code = m.town_code
            ORDER BY {order}, array_position($2::text[], m.tier) NULLS LAST, m.id
            LIMIT $1
        ) AS row
    )
)::text

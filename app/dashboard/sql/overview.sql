-- 一屏观全域: enterprises per tier and per town, major hazards, open and overdue hidden dangers, city-wide.
-- Tiers stay data (grouped, never spelled out here). $1 open hidden-danger statuses.
WITH counts AS (
    SELECT town_code, tier, count(*) AS n, count(major_hazard_grade) AS major_hazards
    FROM enterprise
    GROUP BY town_code, tier
), dangers AS (
    SELECT e.town_code, count(*) AS open, count(*) FILTER (WHERE h.due_on < current_date) AS overdue
    FROM hidden_danger AS h
    JOIN enterprise AS e ON e.id = h.enterprise_id
    WHERE h.status = ANY($1)
    GROUP BY e.town_code
), towns AS (
    SELECT a.code, a.name, a.name_en,
           json_build_array(ST_XMin(a.geom), ST_YMin(a.geom), ST_XMax(a.geom), ST_YMax(a.geom)) AS bbox,
           coalesce(sum(c.n), 0) AS total,
           coalesce(json_object_agg(c.tier, c.n) FILTER (WHERE c.tier IS NOT NULL), '{}'::json) AS tiers,
           coalesce(sum(c.major_hazards), 0) AS major_hazards
    FROM admin_area AS a
    LEFT JOIN counts AS c ON c.town_code = a.code
    WHERE a.level = 'town'
    GROUP BY a.code
)
SELECT json_build_object(
    'total', (SELECT coalesce(sum(n), 0) FROM counts),
    'tiers', (
        SELECT coalesce(json_object_agg(tier, n), '{}'::json)
        FROM (SELECT tier, sum(n) AS n FROM counts WHERE tier IS NOT NULL GROUP BY tier) AS per_tier
    ),
    'major_hazards', (SELECT coalesce(sum(major_hazards), 0) FROM counts),
    'open_dangers', (SELECT coalesce(sum(open), 0) FROM dangers),
    'overdue_dangers', (SELECT coalesce(sum(overdue), 0) FROM dangers),
    'towns', (
        SELECT coalesce(json_agg(json_build_object(
            'code', t.code, 'name', t.name, 'name_en', t.name_en, 'bbox', t.bbox, 'total', t.total,
            'tiers', t.tiers, 'major_hazards', t.major_hazards,
            'open_dangers', coalesce(d.open, 0), 'overdue_dangers', coalesce(d.overdue, 0)
        ) ORDER BY t.total DESC, t.code), '[]'::json)
        FROM towns AS t
        LEFT JOIN dangers AS d ON d.town_code = t.code
    )
)::text

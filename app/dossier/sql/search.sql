-- The search box: towns by name (zh or en), enterprises by credit-code prefix (the unique index serves it) or by
-- part of the name. Names are matched with ILIKE (pg_trgm is not installed): the first $4 candidates are taken as
-- they are found, so a common word stops early even among a million, then ranked: code matches, short names first.
-- $1 ILIKE pattern (%text%, wildcards escaped) · $2 credit-code prefix pattern · $3 limit · $4 candidates.
SELECT json_build_object(
    'towns', (
        SELECT coalesce(json_agg(town), '[]'::json) FROM (
            SELECT a.code, a.name, a.name_en,
                   json_build_array(ST_XMin(a.geom), ST_YMin(a.geom), ST_XMax(a.geom), ST_YMax(a.geom)) AS bbox
            FROM admin_area AS a
            WHERE a.level = 'town' AND (a.name ILIKE $1 OR a.name_en ILIKE $1)
            ORDER BY a.name
            LIMIT $3
        ) AS town
    ),
    'enterprises', (
        SELECT coalesce(json_agg(firm), '[]'::json) FROM (
            SELECT e.id, e.name, e.credit_code, e.tier, e.town_code, a.name AS town_name, a.name_en AS town_name_en,
                   ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat
            FROM (
                (SELECT id FROM enterprise WHERE credit_code LIKE $2 ORDER BY credit_code LIMIT $3)
                UNION
                (SELECT id FROM enterprise WHERE name ILIKE $1 LIMIT $4)
            ) AS hit
            JOIN enterprise AS e ON e.id = hit.id
            LEFT JOIN admin_area AS a ON a.code = e.town_code
            ORDER BY e.credit_code LIKE $2 DESC, length(e.name), e.name, e.id
            LIMIT $3
        ) AS firm
    )
)::text

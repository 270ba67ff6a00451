-- One layer's features in the exported view as a GeoJSON FeatureCollection for the situation map: the title and
-- tier only (what the tooltip and the colour need), the most severe first, capped; plus how many there are.
-- {table} {geom} {title} {tier} {order}: from the registry · {where}: app.query.where_clause (bbox, filters).
-- $1 cap · $2 tiers from most to least severe · then the filter values.
SELECT (SELECT count(*) FROM {table} WHERE {where}) AS total,
       json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
           'type', 'Feature', 'geometry', ST_AsGeoJSON(t.geom, 6)::json,
           'properties', json_build_object('title', t.title, 'tier', t.tier)
       )), '[]'::json))::text AS features
FROM (
    SELECT {title} AS title, {tier} AS tier, {geom} AS geom
    FROM {table}
    WHERE {where}
    ORDER BY {order}
    LIMIT $1
) AS t

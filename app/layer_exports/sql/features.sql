-- Every row of the filtered layer as one GeoJSON Feature (text), in id order; PostGIS writes the JSON.
-- {properties}: 'name', t."name", … for the registry's published columns · {where}: app.query.where_clause
SELECT json_build_object(
    'type', 'Feature', 'id', t.{id}, 'geometry', ST_AsGeoJSON(t.{geom}, 7)::json,
    'properties', json_build_object({properties})
)::text
FROM (SELECT * FROM {table} WHERE {where}) AS t
ORDER BY t.{id}

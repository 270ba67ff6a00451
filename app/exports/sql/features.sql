-- Every enterprise of the filtered set as one GeoJSON Feature (text) per row, in id order.
-- {properties}: 'name', e."name", … for the registry's published columns · {where} · the filter values from $1.
SELECT json_build_object(
    'type', 'Feature', 'id', e.id, 'geometry', ST_AsGeoJSON(e.geom, 7)::json,
    'properties', json_build_object({properties}, 'town_name', a.name)
)::text
FROM (SELECT * FROM enterprise WHERE {where}) AS e
LEFT JOIN admin_area AS a ON a.code = e.town_code
ORDER BY e.id

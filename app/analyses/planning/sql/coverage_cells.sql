-- The coverage map layer: cells with the flags computed in Python, as GeoJSON text; $4 names the property that
-- holds the cost to the nearest site (nearest_m, nearest_h).
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', coalesce(json_agg(json_build_object(
        'type', 'Feature',
        'id', c.id,
        'geometry', ST_AsGeoJSON(c.geom, 6)::json,
        'properties', json_build_object(
            'town_code', c.town_code, 'population', c.population, 'covered', f.covered, $4::text, f.nearest
        )
    ) ORDER BY c.id), '[]'::json)
)::text
FROM unnest($1::int[], $2::bool[], $3::float8[]) AS f(id, covered, nearest)
JOIN population_cell c ON c.id = f.id

-- The built-in offline basemap: the city outline, the towns with label points and the major roads, simplified for
-- the screen. Towns carry tier and risk_index, so the town-risk choropleth needs no second request; roads are
-- merged per class, so a whole road network is a handful of features.
-- $1 simplification tolerance in degrees · $2 the road classes (OSM highway values) to draw.
WITH features AS (
    SELECT a.code AS id, a.level AS kind,
           ST_SimplifyPreserveTopology(a.geom, $1) AS geom,
           json_build_object(
               'code', a.code, 'name', a.name, 'name_en', a.name_en, 'level', a.level,
               'tier', a.tier, 'risk_index', a.risk_index, 'population', a.population,
               'label', ST_AsGeoJSON(coalesce(a.label_point, ST_PointOnSurface(a.geom)), 6)::json -> 'coordinates',
               'bbox', json_build_array(ST_XMin(a.geom), ST_YMin(a.geom), ST_XMax(a.geom), ST_YMax(a.geom))
           ) AS properties
    FROM admin_area AS a
    WHERE a.level IN ('city', 'town')
    UNION ALL
    SELECT r.highway, 'road', ST_Simplify(ST_LineMerge(ST_Collect(r.geom)), $1),
           json_build_object('level', 'road', 'highway', r.highway)
    FROM road_edge AS r
    WHERE r.highway = ANY($2)
    GROUP BY r.highway
)
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
    'type', 'Feature', 'id', f.id, 'geometry', ST_AsGeoJSON(f.geom, 6)::json, 'properties', f.properties
) ORDER BY array_position(ARRAY['city', 'road', 'town'], f.kind), f.id), '[]'::json))::text
FROM features AS f

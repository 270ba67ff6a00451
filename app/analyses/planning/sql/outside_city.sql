-- Whether the city polygon (admin_area $3) is loaded, and the 1-based positions of the points outside it.
WITH city AS (SELECT geom FROM admin_area WHERE code = $3)
SELECT
    (SELECT count(*) FROM city) > 0 AS city_loaded,
    array(
        SELECT p.position
        FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, position)
        WHERE NOT EXISTS (SELECT 1 FROM city WHERE ST_Covers(city.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)))
        ORDER BY p.position
    ) AS outside

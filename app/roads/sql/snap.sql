-- Each point's nearest road node (KNN on the GiST index) and how far it is in metres.
-- {nodes}: the node table · $1 longitudes, $2 latitudes (EPSG:4326)
SELECT p.i, n.id AS node, ST_Distance(n.geom::geography, ST_Point(p.lon, p.lat, 4326)::geography) AS snap_m
FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
CROSS JOIN LATERAL (SELECT id, geom FROM {nodes} ORDER BY geom <-> ST_Point(p.lon, p.lat, 4326) LIMIT 1) n
ORDER BY p.i

-- From road_staging (one row per edge, WKT in EPSG:4326): lengths from the geography (metres), times at the edge's
-- speed (seconds), -1 for a direction that may not be driven; then the nodes at the edges' ends.
INSERT INTO {edges} (osm_id, source, target, highway, name, length_m, cost, reverse_cost, cost_s, reverse_cost_s, geom)
SELECT osm_id, source, target, highway, name, length_m,
       CASE WHEN forward THEN length_m ELSE -1 END,
       CASE WHEN backward THEN length_m ELSE -1 END,
       CASE WHEN forward THEN length_m / (speed_kmh / 3.6) ELSE -1 END,
       CASE WHEN backward THEN length_m / (speed_kmh / 3.6) ELSE -1 END,
       geom
FROM (SELECT s.*, g.geom, ST_Length(g.geom::geography) AS length_m
      FROM road_staging s CROSS JOIN LATERAL (SELECT ST_GeomFromText(s.wkt, 4326) AS geom) g) edges;

INSERT INTO {nodes} (id, geom)
SELECT DISTINCT ON (id) id, geom
FROM (SELECT source AS id, ST_StartPoint(geom) AS geom FROM {edges}
      UNION ALL
      SELECT target, ST_EndPoint(geom) FROM {edges}) ends
ORDER BY id;

-- Geohazard points in the hazard area ($1 = WKB, SRID 4326), with the people they threaten and their monitor.
SELECT g.id, g.name, g.kind, g.town_code, g.tier, g.warning_level, g.threatened_people, g.threatened_households,
       g.monitor_person, g.monitor_phone, ST_X(g.geom) AS lon, ST_Y(g.geom) AS lat
FROM geohazard g
WHERE ST_Intersects(g.geom, ST_GeomFromWKB($1, 4326))
ORDER BY coalesce(array_position($2::text[], g.tier), 99), g.threatened_people DESC, g.name, g.id

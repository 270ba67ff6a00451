-- Schools, kindergartens, hospitals and nursing homes in the hazard area ($1 = WKB, SRID 4326), most occupants first.
SELECT v.id, v.name, v.kind, v.town_code, v.occupants, v.contact_phone, ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat
FROM vulnerable_site v
WHERE ST_Intersects(v.geom, ST_GeomFromWKB($1, 4326))
ORDER BY v.occupants DESC, v.name, v.id

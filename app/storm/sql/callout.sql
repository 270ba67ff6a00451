-- 临灾叫应: every flood black-spot, geohazard point and enterprise whose grid cell is at a warning level, with the
-- person to call and whether they confirmed. $1..$6 describe the grid (lon0, lat0, dlon, dlat, nx, ny), $7 holds
-- the level code of every cell (row-major from the south-west), $8 the level names by code, $9 the event and $10
-- the tiers from the gravest. Sorted by warning level, then tier, gravest first.
WITH placed AS (
    SELECT 'flood_spot' AS entity_type, id, name, town_code, tier, responsible_person AS person,
           responsible_phone AS phone, ST_PointOnSurface(geom) AS p
    FROM flood_spot
    UNION ALL
    SELECT 'geohazard', id, name, town_code, tier, monitor_person, monitor_phone, geom
    FROM geohazard
    UNION ALL
    SELECT 'enterprise', id, name, town_code, tier, contact_name, contact_phone, geom
    FROM enterprise
), leveled AS (
    SELECT placed.*,
           ($7::smallint[])[1 + least(greatest(floor((ST_Y(p) - $2) / $4)::int, 0), $6::int - 1) * $5::int
                            + least(greatest(floor((ST_X(p) - $1) / $3)::int, 0), $5::int - 1)] AS level
    FROM placed
)
SELECT l.entity_type, l.id, l.name, l.town_code, t.name AS town, l.tier, l.person, l.phone,
       ($8::text[])[l.level + 1] AS warning_level, a.acknowledged_by, a.acknowledged_at, a.note,
       ST_X(l.p) AS lon, ST_Y(l.p) AS lat
FROM leveled l
LEFT JOIN admin_area t ON t.code = l.town_code
LEFT JOIN callout_ack a
       ON a.event = $9 AND a.entity_type = l.entity_type AND a.entity_id = l.id
      AND a.warning_level = ($8::text[])[l.level + 1]
WHERE l.level > 0
ORDER BY l.level DESC, coalesce(array_position($10::text[], l.tier), 99), l.entity_type, l.name, l.id

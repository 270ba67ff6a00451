-- Hourly amounts of event $1 in the 24 h ending at $2, per gauge; hours_before is 0 for the hour ending at $2.
SELECT g.code, ST_X(g.geom) AS lon, ST_Y(g.geom) AS lat,
       array_agg((extract(epoch FROM $2::timestamptz - o.observed_at) / 3600)::int) AS hours_before,
       array_agg(o.rain_mm) AS rain_mm
FROM rain_observation o
JOIN rain_gauge g ON g.id = o.gauge_id
WHERE o.event = $1 AND o.observed_at > $2::timestamptz - interval '24 hours' AND o.observed_at <= $2
GROUP BY g.id
ORDER BY g.code

-- Every event with observations: its first and last hour, its gauges and rows, newest ingest first.
SELECT o.event, min(o.observed_at) AS first_hour, max(o.observed_at) AS last_hour,
       count(DISTINCT o.gauge_id) AS gauges, count(*) AS observations,
       (SELECT max(i.id) FROM rain_ingest i WHERE i.event = o.event) AS last_ingest
FROM rain_observation o
WHERE o.event IS NOT NULL
GROUP BY o.event
ORDER BY last_ingest DESC NULLS LAST, last_hour DESC

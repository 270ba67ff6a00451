-- Enterprises whose tier needs facts of their own: chemical units (GB 18218, exposure) or an open hidden danger.
-- The rest are tiered by pattern (enterprise_patterns.sql).
SELECT e.id, e.assessment_score, e.direct_red, e.hazard_tags
FROM enterprise e
WHERE ($1::bigint[] IS NULL OR e.id = ANY($1::bigint[]))
  AND (EXISTS (SELECT 1 FROM enterprise_unit u WHERE u.enterprise_id = e.id)
       OR EXISTS (SELECT 1 FROM hidden_danger h WHERE h.enterprise_id = e.id AND h.status <> 'verified'))
ORDER BY e.id

-- Enterprises with no chemical unit and no open hidden danger: their tier follows from the score, the direct-red flags
-- and the hazard tags alone, and a city's million enterprises share about ten thousand such patterns. Each distinct
-- pattern is tiered once (direct_red as its stored text, the key the write-back joins on).
SELECT DISTINCT e.assessment_score, e.direct_red::text AS direct_red, e.hazard_tags
FROM enterprise e
WHERE ($1::bigint[] IS NULL OR e.id = ANY($1::bigint[]))
  AND NOT EXISTS (SELECT 1 FROM enterprise_unit u WHERE u.enterprise_id = e.id)
  AND NOT EXISTS (SELECT 1 FROM hidden_danger h WHERE h.enterprise_id = e.id AND h.status <> 'verified')

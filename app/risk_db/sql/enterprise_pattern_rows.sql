-- The enterprises of enterprise_patterns.sql whose stored tier differs from their pattern's, with that pattern, into
-- the temp table enterprise_pattern_rows (then analysed, so that write_tiers.sql plans the write with the true row
-- count).
INSERT INTO enterprise_pattern_rows (id, pattern, old_tier)
SELECT e.id, p.pattern, e.tier
FROM enterprise e
JOIN enterprise_patterns p
  ON p.score_key = coalesce(e.assessment_score, -1) AND p.direct_red = e.direct_red AND p.hazard_tags = e.hazard_tags
WHERE ($1::bigint[] IS NULL OR e.id = ANY($1::bigint[]))
  AND NOT EXISTS (SELECT 1 FROM enterprise_unit u WHERE u.enterprise_id = e.id)
  AND NOT EXISTS (SELECT 1 FROM hidden_danger h WHERE h.enterprise_id = e.id AND h.status <> 'verified')
  AND (e.tier IS DISTINCT FROM p.tier OR e.tier_reasons IS DISTINCT FROM p.reasons
       OR e.exposed_people IS NOT NULL OR e.major_hazard_grade IS NOT NULL)

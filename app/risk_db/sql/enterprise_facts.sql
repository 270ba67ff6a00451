-- Facts the enterprise tier depends on, for all enterprises ($1 IS NULL) or the given ids.
SELECT e.id, e.assessment_score, e.direct_red, e.hazard_tags, e.tier, e.tier_reasons
FROM enterprise e
WHERE $1::bigint[] IS NULL OR e.id = ANY($1::bigint[])
ORDER BY e.id

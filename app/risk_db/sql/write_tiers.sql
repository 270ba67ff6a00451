-- Apply computed tiers from a source query (rows of id, tier, reasons_json, the extra columns, old_tier): only rows whose
-- tier, reasons or extra columns changed are written, and every tier change leaves a history row (old → new, why,
-- cause) in the same statement. Returns how many moved into each tier.
WITH changed AS (
    UPDATE {table} t
    SET tier = s.tier,
        tier_reasons = s.reasons_json,
        tier_updated_at = CASE WHEN t.tier IS DISTINCT FROM s.tier THEN now() ELSE t.tier_updated_at END
        {extra_set}
    FROM ({source}) s
    WHERE t.{id} = s.id AND (t.tier IS DISTINCT FROM s.tier OR t.tier_reasons IS DISTINCT FROM s.reasons_json {extra_diff})
    RETURNING t.{id} AS id, s.old_tier, s.tier, s.reasons_json AS reasons
)
, history AS (
    INSERT INTO tier_history (entity_type, entity_id, old_tier, new_tier, reasons, cause)
    SELECT $1, {history_id}, old_tier, tier, reasons, $2
    FROM changed
    WHERE old_tier IS DISTINCT FROM tier
    RETURNING new_tier
)
SELECT new_tier, count(*)::integer AS moved FROM history GROUP BY new_tier

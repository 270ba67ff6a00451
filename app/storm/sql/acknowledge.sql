-- Record that the person called for ($1 event, $2 entity type, $3 id, $4 level) confirmed; the first confirmation
-- stands, a repeat returns it unchanged.
WITH inserted AS (
    INSERT INTO callout_ack (event, entity_type, entity_id, warning_level, acknowledged_by, note)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (event, entity_type, entity_id, warning_level) DO NOTHING
    RETURNING event, entity_type, entity_id, warning_level, acknowledged_by, acknowledged_at, note, true AS created
)
SELECT * FROM inserted
UNION ALL
SELECT event, entity_type, entity_id, warning_level, acknowledged_by, acknowledged_at, note, false
FROM callout_ack
WHERE event = $1 AND entity_type = $2 AND entity_id = $3 AND warning_level = $4
  AND NOT EXISTS (SELECT 1 FROM inserted)

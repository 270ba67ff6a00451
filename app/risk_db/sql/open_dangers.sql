-- Hidden dangers not yet verified (closed): they drive escalation. Ordered so that reasons come out the same each run.
SELECT enterprise_id, level, status, due_on
FROM hidden_danger
WHERE status <> 'verified' AND ($1::bigint[] IS NULL OR enterprise_id = ANY($1::bigint[]))
ORDER BY enterprise_id, id

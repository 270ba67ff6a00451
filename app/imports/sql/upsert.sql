-- New external ids are inserted; known ones updated only when something differs (so re-importing a file is a no-op
-- for the audit log and the tiers). `xmax = 0` tells a fresh row from an updated one.
INSERT INTO {table} AS t ({columns})
SELECT {values} FROM import_staging ORDER BY row_no
ON CONFLICT (external_id) DO UPDATE SET {assignments}
WHERE ({current}) IS DISTINCT FROM ({incoming})
RETURNING t.id, (t.xmax = 0) AS inserted

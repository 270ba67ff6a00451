-- Rows whose value of a unique column repeats an earlier row of the file, or belongs to another stored record.
SELECT s.row_no, s.{column}::text AS value
FROM import_staging s
WHERE s.{column} IS NOT NULL AND (
    EXISTS (SELECT 1 FROM import_staging e WHERE e.{column} = s.{column} AND e.row_no < s.row_no)
    OR EXISTS (SELECT 1 FROM {table} t WHERE t.{column} = s.{column} AND t.external_id IS DISTINCT FROM s.external_id)
)
ORDER BY s.row_no

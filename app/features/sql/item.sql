-- One Feature with its links ($2) as UTF-8 bytes, looked up by its id ($1, cast to the id column's type).
SELECT convert_to({feature}, ',"links":', $2::text, '}'), 'UTF8')
FROM {table} AS t
WHERE {id} = $1::{id_type}

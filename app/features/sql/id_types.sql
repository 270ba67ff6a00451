-- The type of each layer's id column, so a feature id from the URL can be bound with the right type.
SELECT layer.id, format_type(a.atttypid, NULL) AS id_type
FROM unnest($1::text[], $2::text[], $3::text[]) AS layer(id, table_name, column_name)
JOIN pg_attribute AS a ON a.attrelid = to_regclass(quote_ident(layer.table_name)) AND a.attname = layer.column_name

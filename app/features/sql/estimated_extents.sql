-- Layer extents from the planner statistics (cheap); NULL for a table never analysed.
SELECT layer.id, ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
FROM unnest($1::text[], $2::text[], $3::text[]) AS layer(id, table_name, column_name),
     LATERAL ST_EstimatedExtent('public', layer.table_name, layer.column_name) AS e

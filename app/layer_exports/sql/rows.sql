-- Every row of the filtered layer, in id order: the registry's published columns, the geometry as WKB and WKT,
-- and lon/lat of its point on surface (a point layer's own coordinates).
-- {id}, {geom}, {table}: quoted identifiers from the registry · {columns}: t."name", … · {where}: app.query.where_clause
SELECT t.{id} AS "__id", {columns},
       ST_AsBinary(t.{geom}) AS "__wkb", ST_AsText(t.{geom}) AS "__wkt",
       ST_X(ST_PointOnSurface(t.{geom})) AS "__lon", ST_Y(ST_PointOnSurface(t.{geom})) AS "__lat"
FROM (SELECT * FROM {table} WHERE {where}) AS t
ORDER BY t.{id}

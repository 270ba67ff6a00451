-- Every enterprise of the filtered set, for CSV and XLSX, with its town's names and coordinates, in id order.
-- {columns}: the registry's published columns of `e` · {where}: app.query.where_clause · the filter values from $1.
SELECT e.id, {columns}, a.name AS town_name, a.name_en AS town_name_en, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat
FROM (SELECT * FROM enterprise WHERE {where}) AS e
LEFT JOIN admin_area AS a ON a.code = e.town_code
ORDER BY e.id

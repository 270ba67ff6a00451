-- The exact extent of one layer: only for a table whose statistics do not exist yet.
SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
FROM (SELECT ST_Extent({geometry}) AS e FROM {table}) AS extent

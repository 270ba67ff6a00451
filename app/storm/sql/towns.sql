-- The towns the rainfall grid is laid over, each cell taking the town that holds its centre.
SELECT code, name, ST_AsBinary(geom) AS wkb
FROM admin_area
WHERE level = 'town'
ORDER BY code

-- The layer's extent for TileJSON, with the same version round trip as the tiles: computed once per data change.
-- $1 table name · $2 version held (or NULL). NULL bounds: an empty layer, or the held version is current.
WITH change AS (
    SELECT coalesce((SELECT version FROM layer_change WHERE table_name = $1), 0) AS version
)
SELECT change.version, CASE WHEN change.version = $2 THEN NULL ELSE (
    SELECT ARRAY[ST_XMin(extent), ST_YMin(extent), ST_XMax(extent), ST_YMax(extent)]
    FROM (SELECT ST_Extent({geom}) AS extent FROM {table}) AS e
    WHERE extent IS NOT NULL
) END AS bounds
FROM change

-- A tile of plain features, in one round trip with the layer's version: the tile is rendered only when the caller
-- does not hold that version already ($5), so a revalidation costs one index lookup.
-- $1..$3 z/x/y · $4 table name · $5 version held (or NULL) · $6 MVT layer name · $7 feature cap
-- · [$8 simplify tolerance (m)] · then filters.
-- {columns}: id + the registry's in_tiles properties · {geometry}: the 3857 geometry (simplified when asked).
-- ST_AsMVT skips the rows whose clipped geometry is NULL (a polygon that only grazes the tile).
WITH change AS (
    SELECT coalesce((SELECT version FROM layer_change WHERE table_name = $4), 0) AS version
), bounds AS MATERIALIZED (
    SELECT ST_TileEnvelope($1, $2, $3)::box2d AS mercator, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326) AS lonlat
)
SELECT change.version, CASE WHEN change.version = $5 THEN NULL ELSE (
    SELECT ST_AsMVT(tile, $6, 4096, 'geom'{feature_id})
    FROM (
        SELECT {columns}, ST_AsMVTGeom({geometry}, bounds.mercator, 4096, 64, true) AS geom
        FROM {table} AS t, bounds
        WHERE t.{geom} && bounds.lonlat{filters}
        LIMIT $7
    ) AS tile
) END AS tile
FROM change

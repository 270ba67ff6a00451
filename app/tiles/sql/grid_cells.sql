-- A low-zoom tile of a layer kept in tile_grid (migration 0007): the tile's finest-level cells summed into its
-- 64 × 64 grid; the same output as grid.sql without reading the layer's points, and the same version round trip.
-- $1..$3 z/x/y · $4 table name · $5 version held (or NULL) · $6 MVT layer name · $7 finest cells per grid cell ·
-- $8, $9 the tile's first and last-plus-one cell column · $10, $11 the same for cell rows (south to north).
-- {tier_counts}: `, sum(red) AS red, …` · {tier_summary}: those columns + the dominant tier.
WITH change AS (
    SELECT coalesce((SELECT version FROM layer_change WHERE table_name = $4), 0) AS version
)
SELECT change.version, CASE WHEN change.version = $5 THEN NULL ELSE (
    SELECT ST_AsMVT(cell, $6, 4096, 'geom')
    FROM (
        SELECT ST_AsMVTGeom(ST_Point(sum_x / count, sum_y / count, 3857), ST_TileEnvelope($1, $2, $3)::box2d,
                            4096, 64, true) AS geom,
               count{tier_summary}
        FROM (
            SELECT sum(g.sum_x) AS sum_x, sum(g.sum_y) AS sum_y, sum(g.n) AS count{tier_counts}
            FROM tile_grid AS g
            WHERE g.table_name = $4 AND g.cx >= $8 AND g.cx < $9 AND g.cy >= $10 AND g.cy < $11 AND g.n > 0
            GROUP BY floor(g.cx / $7::float8), floor(g.cy / $7::float8)
        ) AS grouped
    ) AS cell
) END AS tile
FROM change

-- A low-zoom tile of a dense point layer: one point per cell of a 64 × 64 grid over the tile, at the mean position
-- of its members, with the total and the count per tier; same version round trip as features.sql.
-- $1..$3 z/x/y · $4 table name · $5 version held (or NULL) · $6 MVT layer name · $7 cell size (m) · then filters.
-- {tier_counts}: `, count(*) FILTER (WHERE tier = 'red') AS red, …` · {tier_summary}: those columns + dominant tier.
-- Points go to EPSG:3857 by its own spherical formula, 2–3× faster than ST_Transform over a city's points.
WITH change AS (
    SELECT coalesce((SELECT version FROM layer_change WHERE table_name = $4), 0) AS version
), bounds AS MATERIALIZED (
    SELECT ST_TileEnvelope($1, $2, $3)::box2d AS mercator, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326) AS lonlat
)
SELECT change.version, CASE WHEN change.version = $5 THEN NULL ELSE (
    SELECT ST_AsMVT(cell, $6, 4096, 'geom')
    FROM (
        SELECT ST_AsMVTGeom(ST_Point(mean_x, mean_y, 3857), bounds.mercator, 4096, 64, true) AS geom,
               count{tier_summary}
        FROM (
            SELECT avg(p.mercator_x) AS mean_x, avg(p.mercator_y) AS mean_y, count(*) AS count{tier_counts}
            FROM (
                SELECT ST_X(t.{geom}) * 111319.49079327357 AS mercator_x,
                       ln(tan(pi() / 4 + radians(ST_Y(t.{geom})) / 2)) * 6378137 AS mercator_y, t.*
                FROM {table} AS t, bounds
                WHERE t.{geom} && bounds.lonlat{filters}
            ) AS p
            GROUP BY floor(p.mercator_x / $7), floor(p.mercator_y / $7)
        ) AS grouped, bounds
    ) AS cell
) END AS tile
FROM change

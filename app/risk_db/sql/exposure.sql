-- People within 500 m of each enterprise that holds chemicals (GB 18218 表5 α): residents from the population grid,
-- area-weighted for cells the 500 m circle only partly covers, plus the occupants of vulnerable sites.
-- The bbox prefilter (0.0055° ≥ 500 m at Dongguan's latitude) uses the GiST indexes; exact areas in EPSG:32649.
WITH holders AS (
    SELECT DISTINCT e.id, e.geom, ST_Buffer(ST_Transform(e.geom, 32649), 500, 16) AS circle
    FROM enterprise e
    JOIN enterprise_unit u ON u.enterprise_id = e.id
    WHERE $1::bigint[] IS NULL OR e.id = ANY($1::bigint[])
)
SELECT h.id,
       COALESCE((
           SELECT sum(c.population * ST_Area(ST_Intersection(ST_Transform(c.geom, 32649), h.circle))
                      / NULLIF(ST_Area(ST_Transform(c.geom, 32649)), 0))
           FROM population_cell c
           WHERE c.geom && ST_Expand(h.geom, 0.0055)
       ), 0)::bigint
       + COALESCE((
           SELECT sum(v.occupants)
           FROM vulnerable_site v
           WHERE v.geom && ST_Expand(h.geom, 0.0055)
             AND ST_DWithin(ST_Transform(v.geom, 32649), ST_Transform(h.geom, 32649), 500)
       ), 0)::bigint AS exposed_people
FROM holders h

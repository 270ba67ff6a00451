-- Per-town counts behind the composite town risk index (the 安全风险图 choropleth).
SELECT a.code, COALESCE(a.population, 0) AS population, COALESCE(a.area_km2, ST_Area(a.geom::geography) / 1e6) AS area_km2,
       (SELECT jsonb_object_agg(tier, n) FROM (SELECT tier, count(*) n FROM enterprise
            WHERE town_code = a.code AND tier IS NOT NULL GROUP BY tier) x) AS enterprises_by_tier,
       (SELECT jsonb_object_agg(major_hazard_grade, n) FROM (SELECT major_hazard_grade, count(*) n FROM enterprise
            WHERE town_code = a.code AND major_hazard_grade IS NOT NULL GROUP BY major_hazard_grade) x)
           AS major_hazards_by_grade,
       (SELECT COALESCE(sum(threatened_people), 0) FROM geohazard WHERE town_code = a.code) AS geohazard_people,
       (SELECT jsonb_object_agg(tier, n) FROM (SELECT tier, count(*) n FROM flood_spot
            WHERE town_code = a.code AND tier IS NOT NULL GROUP BY tier) x) AS flood_spots_by_tier,
       (SELECT count(*) FROM vulnerable_site WHERE town_code = a.code) AS vulnerable_sites,
       (SELECT COALESCE(sum(occupants), 0) FROM vulnerable_site WHERE town_code = a.code) AS vulnerable_occupants
FROM admin_area a
WHERE a.level = 'town'
ORDER BY a.code

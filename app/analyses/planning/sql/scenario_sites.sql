-- The sites of scenario $1 (only the new ones when $2).
SELECT scenario_id, seq, is_new, source, source_id, name, capacity, covered_population, ST_X(geom) AS lon,
       ST_Y(geom) AS lat
FROM planning_scenario_site
WHERE scenario_id = ANY($1::bigint[]) AND (is_new OR NOT $2)
ORDER BY scenario_id, seq

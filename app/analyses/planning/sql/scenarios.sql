-- Saved scenarios with the figures a comparison needs: all (newest first), or those in $1 in that order.
-- $2: include the request and outcome (JSON text).
SELECT id, name, note, facility, model, status,
       population, covered_before, covered_after, covered_after - covered_before AS covered_gain,
       round(100.0 * covered_after / nullif(population, 0), 2)::float8 AS covered_pct_after,
       new_sites, unit_cost_wan, new_sites * unit_cost_wan AS cost_wan,
       round((new_sites * unit_cost_wan * 10000 / nullif(covered_after - covered_before, 0))::numeric, 2)::float8
           AS cost_yuan_per_person_gained,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
       CASE WHEN $2 THEN request::text END AS request,
       CASE WHEN $2 THEN outcome::text END AS outcome
FROM planning_scenario
WHERE $1::bigint[] IS NULL OR id = ANY($1::bigint[])
ORDER BY array_position($1::bigint[], id), id DESC

-- Save a scenario; JSON arrives as text so that no connection-level codec is needed.
INSERT INTO planning_scenario (name, note, facility, model, status, request, outcome, population, covered_before,
                               covered_after, new_sites, unit_cost_wan)
VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::text::jsonb, $8, $9, $10, $11, $12)
RETURNING id

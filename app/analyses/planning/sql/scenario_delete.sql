DELETE FROM planning_scenario WHERE id = $1 RETURNING id

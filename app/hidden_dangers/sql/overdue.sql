-- Open hidden dangers past their due date, per town (镇街), the most overdue first within each town.
-- $1 town code or NULL for every town the user sees
SELECT e.town_code, a.name AS town_name,
       count(*) AS overdue,
       count(*) FILTER (WHERE h.level = 'major') AS major_overdue,
       jsonb_agg(jsonb_build_object(
           'id', h.id, 'enterprise_id', h.enterprise_id, 'enterprise_name', e.name, 'level', h.level,
           'status', h.status, 'due_on', h.due_on, 'days_overdue', current_date - h.due_on, 'assignee', h.assignee
       ) ORDER BY h.due_on, h.id) AS items
FROM hidden_danger h
JOIN enterprise e ON e.id = h.enterprise_id
LEFT JOIN admin_area a ON a.code = e.town_code
WHERE h.status <> 'verified' AND h.due_on < current_date AND ($1::text IS NULL OR e.town_code = $1)
GROUP BY e.town_code, a.name
ORDER BY overdue DESC, e.town_code

-- Hidden dangers with their enterprise and town, newest first; row-level security limits them to the user's towns.
-- $1 statuses (NULL = all), $2 town code, $3 enterprise id, $4 only overdue, $5 limit, $6 offset
SELECT h.id, h.enterprise_id, e.name AS enterprise_name, e.town_code, a.name AS town_name, h.level, h.status,
       h.description, h.found_on, h.due_on, h.rectified_on, h.verified_on, h.reported_by, h.assignee,
       h.photo_path IS NOT NULL AS has_photo,
       (h.status <> 'verified' AND h.due_on < current_date) AS overdue
FROM hidden_danger h
JOIN enterprise e ON e.id = h.enterprise_id
LEFT JOIN admin_area a ON a.code = e.town_code
WHERE ($1::text[] IS NULL OR h.status = ANY($1::text[]))
  AND ($2::text IS NULL OR e.town_code = $2)
  AND ($3::bigint IS NULL OR h.enterprise_id = $3)
  AND (NOT $4::bool OR (h.status <> 'verified' AND h.due_on < current_date))
ORDER BY h.found_on DESC, h.id DESC
LIMIT $5 OFFSET $6

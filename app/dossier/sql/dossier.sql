-- 一企一档: one enterprise with its units and chemicals and its hidden dangers (overdue flagged); its tier reasons
-- and history come from /api/tiers/enterprise/{id}. Overdue = still open and past its due date (due today is not
-- yet overdue), as the risk rules count it. $1 enterprise id · $2 open hidden-danger statuses.
SELECT json_build_object(
    'id', e.id, 'name', e.name, 'credit_code', e.credit_code, 'address', e.address,
    'town_code', e.town_code, 'town_name', a.name, 'town_name_en', a.name_en,
    'industry', e.industry, 'hazard_tags', e.hazard_tags, 'employees', e.employees,
    'contact_name', e.contact_name, 'contact_phone', e.contact_phone,
    'assessment_score', e.assessment_score, 'assessed_on', e.assessed_on, 'exposed_people', e.exposed_people,
    'major_hazard_grade', e.major_hazard_grade, 'is_demo', e.is_demo,
    'tier', e.tier,
    'lon', ST_X(e.geom), 'lat', ST_Y(e.geom),
    'units', (
        SELECT coalesce(json_agg(json_build_object(
            'id', u.id, 'name', u.name, 'kind', u.kind, 's_value', u.s_value, 'r_value', u.r_value,
            'major_hazard_grade', u.major_hazard_grade,
            'chemicals', (
                SELECT coalesce(json_agg(json_build_object(
                    'chemical', c.chemical, 'cas', c.cas, 'hazard_category', c.hazard_category,
                    'quantity_t', c.quantity_t
                ) ORDER BY c.quantity_t DESC, c.id), '[]'::json)
                FROM chemical_inventory AS c
                WHERE c.unit_id = u.id
            )
        ) ORDER BY u.major_hazard_grade NULLS LAST, u.name, u.id), '[]'::json)
        FROM enterprise_unit AS u
        WHERE u.enterprise_id = e.id
    ),
    'hidden_dangers', (
        SELECT coalesce(json_agg(json_build_object(
            'id', d.id, 'level', d.level, 'description', d.description, 'status', d.status,
            'found_on', d.found_on, 'due_on', d.due_on, 'rectified_on', d.rectified_on,
            'verified_on', d.verified_on, 'assignee', d.assignee, 'overdue', d.overdue
        ) ORDER BY d.overdue DESC, d.open DESC, d.due_on DESC, d.id), '[]'::json)
        FROM (
            SELECT h.*, h.status = ANY($2) AS open, h.status = ANY($2) AND h.due_on < current_date AS overdue
            FROM hidden_danger AS h
            WHERE h.enterprise_id = e.id
        ) AS d
    )
)::text
FROM enterprise AS e
LEFT JOIN admin_area AS a ON a.code = e.town_code
WHERE e.id = $1

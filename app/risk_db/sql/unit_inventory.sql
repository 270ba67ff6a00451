-- Chemical inventory per unit (GB 18218 assesses each unit on its own).
SELECT u.enterprise_id, u.id AS unit_id, u.name AS unit_name, c.chemical, c.cas, c.hazard_category, c.quantity_t
FROM enterprise_unit u
JOIN chemical_inventory c ON c.unit_id = u.id
WHERE $1::bigint[] IS NULL OR u.enterprise_id = ANY($1::bigint[])
ORDER BY u.enterprise_id, u.id, c.id

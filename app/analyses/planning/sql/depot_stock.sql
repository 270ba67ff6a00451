-- Stock of the key items per depot.
SELECT depot_id, item, quantity
FROM depot_stock
ORDER BY depot_id, item

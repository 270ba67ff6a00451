-- Towns (镇街) with their census population.
SELECT code, name, population
FROM admin_area
WHERE level = 'town'
ORDER BY code

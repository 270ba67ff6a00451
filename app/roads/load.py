"""Load an .osm.pbf into `road_edge`/`road_node` (replacing what was there) in one transaction.

By default the extract must reach the service's region (Dongguan): a Helsinki file is refused rather than silently
routing nowhere. Edges far outside the region are left out, so a province extract loads only what matters.
Tests load other areas into scratch tables with `region=None`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from shapely.geometry.base import BaseGeometry

from app.query import quote_ident
from app.roads.osm import road_pieces
from geodata.validate import load_region

MARGIN_DEGREES = 0.1  # about 10 km: roads just outside the city still carry traffic into it
ROAD_EDGE, ROAD_NODE = "road_edge", "road_node"


@dataclass(frozen=True)
class RoadLoad:
    edges: int
    nodes: int
    length_km: float
    bounds: tuple[float, float, float, float]


class OutsideRegion(ValueError):
    """The extract has no road near the service's region."""


def in_box(coords: tuple[tuple[float, float], ...], box: tuple[float, float, float, float]) -> bool:
    west, south, east, north = box
    return any(west <= lon <= east and south <= lat <= north for lon, lat in coords)


def edge_records(path: Path, region: BaseGeometry | None) -> list[tuple]:
    box = None
    if region is not None:
        west, south, east, north = region.bounds
        box = (west - MARGIN_DEGREES, south - MARGIN_DEGREES, east + MARGIN_DEGREES, north + MARGIN_DEGREES)
    return [
        (piece.osm_id, piece.source, piece.target, piece.highway, piece.name, piece.forward, piece.backward,
         piece.speed_kmh, piece.wkt())
        for piece in road_pieces(path)
        if box is None or in_box(piece.coords, box)
    ]  # fmt: skip


async def load_roads(
    conn: asyncpg.Connection,
    path: Path,
    *,
    region: BaseGeometry | None = None,
    check_region: bool = True,
    edge_table: str = ROAD_EDGE,
    node_table: str = ROAD_NODE,
) -> RoadLoad:
    """Replace the road graph with the extract's drivable roads; `check_region=False` takes any area as it is."""
    area = (region or load_region()) if check_region else None
    records = await asyncio.to_thread(edge_records, path, area)
    if not records:
        where = "near the service's region" if area is not None else "in the file"
        raise OutsideRegion(f"{path.name}: no drivable road {where}; is this the right extract?")
    sql = (Path(__file__).resolve().parent / "sql" / "load.sql").read_text(encoding="utf-8")
    async with conn.transaction():
        await conn.execute(
            "CREATE TEMP TABLE road_staging (osm_id bigint, source bigint, target bigint, highway text, name text, "
            "forward bool, backward bool, speed_kmh float8, wkt text) ON COMMIT DROP"
        )
        await conn.copy_records_to_table("road_staging", records=records)
        edges, nodes = quote_ident(edge_table), quote_ident(node_table)
        await conn.execute(f"TRUNCATE {edges}, {nodes}")
        await conn.execute(sql.format(edges=edges, nodes=nodes))
        row = await conn.fetchrow(
            f"SELECT count(*) AS edges, (SELECT count(*) FROM {nodes}) AS nodes, sum(length_m) / 1000 AS km, "
            f"ST_XMin(ST_Extent(geom)) AS west, ST_YMin(ST_Extent(geom)) AS south, "
            f"ST_XMax(ST_Extent(geom)) AS east, ST_YMax(ST_Extent(geom)) AS north FROM {edges}"
        )
        await conn.execute(f"ANALYZE {edges}; ANALYZE {nodes}")
    bounds = (row["west"], row["south"], row["east"], row["north"])
    return RoadLoad(row["edges"], row["nodes"], round(row["km"], 1), bounds)

"""The built-in offline basemap from PostGIS: the city outline, the towns with label points and the major roads.

There is no water table in the schema; deployments with a tile server set `TWOMAPS_BASEMAP_URL` and get it
underneath. Every page load asks for the basemap, so the assembled GeoJSON is kept per app until the towns' layer
version (bumped by a trigger on every change) or the road network's newest id moves.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg

BASEMAP_SQL = (Path(__file__).resolve().parent / "sql" / "basemap.sql").read_text(encoding="utf-8")
VERSION_SQL = (
    "SELECT (SELECT version FROM layer_change WHERE table_name = 'admin_area') AS towns, "
    "(SELECT max(id) FROM road_edge) AS roads"
)
TOLERANCE_DEG = 0.0003  # ~30 m: invisible at city zooms, a fraction of the vertices
ROAD_CLASSES = ["motorway", "trunk", "primary", "secondary"]


class BasemapCache:
    """The last basemap built and the data versions it was built from."""

    def __init__(self) -> None:
        self.versions: tuple | None = None
        self.body = ""

    async def get(self, conn: asyncpg.Connection) -> str:
        """The basemap as GeoJSON text (a FeatureCollection: city, roads, towns), assembled by PostGIS."""
        versions = tuple(await conn.fetchrow(VERSION_SQL))
        if versions != self.versions:
            self.body = await conn.fetchval(BASEMAP_SQL, TOLERANCE_DEG, ROAD_CLASSES)
            self.versions = versions
        return self.body


async def fetch_city_bounds(conn: asyncpg.Connection) -> list[float] | None:
    """[west, south, east, north] of the city, so the page can fit its first view before the basemap arrives."""
    row = await conn.fetchrow(
        "SELECT ST_XMin(e) AS w, ST_YMin(e) AS s, ST_XMax(e) AS e, ST_YMax(e) AS n "
        "FROM (SELECT ST_Extent(geom) AS e FROM admin_area WHERE level = 'city') AS extent"
    )
    return None if row["w"] is None else [row["w"], row["s"], row["e"], row["n"]]

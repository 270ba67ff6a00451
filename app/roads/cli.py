"""`twomaps roads FILE`: load the road network from an .osm.pbf."""

from __future__ import annotations

import asyncio
import getpass
import time
from pathlib import Path

import asyncpg

from app.roads.load import load_roads
from app.settings import Settings


def roads_command(settings: Settings, path: Path, *, check_region: bool) -> str:
    async def run() -> str:
        conn = await asyncpg.connect(settings.dsn)
        try:
            await conn.execute("SELECT set_config('twomaps.user', $1, false)", f"cli:{getpass.getuser()}")
            started = time.perf_counter()
            loaded = await load_roads(conn, path, check_region=check_region)
        finally:
            await conn.close()
        return (
            f"{loaded.edges} edges, {loaded.nodes} nodes, {loaded.length_km} km of road loaded "
            f"in {time.perf_counter() - started:.1f}s; bounds {loaded.bounds}"
        )

    return asyncio.run(run())

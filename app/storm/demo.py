"""Load the demo typhoon (geodata.demo.typhoon) over the gauges in the database as event "demo-typhoon"."""

from __future__ import annotations

import asyncpg
import numpy as np

from app.errors import Conflict
from app.storm.ingest import store
from geodata.demo.typhoon import DEMO_EVENT, typhoon_hours, typhoon_rainfall


async def load_demo_typhoon(conn: asyncpg.Connection) -> dict[str, object]:
    """Replace the event's observations with a fresh replay of the same seeded storm."""
    gauges = await conn.fetch("SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM rain_gauge ORDER BY code")
    if not gauges:
        raise Conflict("no rain gauges loaded: load the demo first (twomaps demo load)", field="rain_gauge")
    rain = typhoon_rainfall(np.array([g["lon"] for g in gauges]), np.array([g["lat"] for g in gauges]))
    hours = typhoon_hours(hours=len(rain))
    rows = [(g["id"], hours[h], float(rain[h, i])) for h in range(len(hours)) for i, g in enumerate(gauges)]
    async with conn.transaction():
        await conn.execute("DELETE FROM rain_observation WHERE event = $1", DEMO_EVENT)
        stored = await store(conn, DEMO_EVENT, "demo", rows, rejected=0)
    return stored | {"gauges": len(gauges), "first_hour": hours[0], "last_hour": hours[-1]}

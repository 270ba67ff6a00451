"""The rainfall surface over the database: which event and hour, the gauges' totals, caches, live warning levels.

A surface depends only on (event, hour, data version, towns), so the last few are kept per app and a new batch of
observations (a new version) makes them stale at once.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg
import numpy as np
import shapely

from app.errors import InvalidParameter, NotFound
from app.risk.flood import rainfall_warning
from app.risk_db import retier_flood_spots, retier_towns
from app.storm.grid import Grid, build_grid
from app.storm.surface import LEVEL_CODE, LEVELS, WINDOWS_H, Surface, accumulate, compute_surface

SQL_DIR = Path(__file__).resolve().parent / "sql"
SQL = {path.stem: path.read_text(encoding="utf-8") for path in SQL_DIR.glob("*.sql")}
CACHED_SURFACES = 12
HOUR = timedelta(hours=1)
ALERT_LEVELS = ("orange", "red")  # what the duty officer must see the moment it appears


@dataclass
class StormState:
    """Per-app caches: the grid until the towns change, the last surfaces until new rain arrives."""

    grid_version: int | None = None
    grid: Grid | None = None
    surfaces: OrderedDict[tuple, Surface] = field(default_factory=OrderedDict)


@dataclass(frozen=True)
class Moment:
    """An event and the end of one of its hours: what every storm read is about."""

    event: str
    at: datetime
    first: datetime
    last: datetime


async def data_version(conn: asyncpg.Connection) -> int:
    """Grows with every accepted batch; the storm page polls it to know when to refresh."""
    return await conn.fetchval("SELECT coalesce(max(id), 0) FROM rain_ingest")


async def events(conn: asyncpg.Connection) -> list[dict[str, object]]:
    return [dict(row) for row in await conn.fetch(SQL["events"])]


async def resolve(conn: asyncpg.Connection, event: str | None, at: datetime | None) -> Moment:
    """The event (default: the most recently ingested) and the hour (default: its last); `at` is floored to the hour."""
    known = {row["event"]: row for row in await events(conn)}
    if not known:
        raise NotFound("no rain observations yet: POST /api/storm/observations or /api/storm/demo", field="event")
    name = event or next(iter(known))
    if name not in known:
        raise NotFound(f"no observations for event {name!r}; known: {', '.join(known)}", field="event")
    first, last = known[name]["first_hour"], known[name]["last_hour"]
    if at is None:
        return Moment(name, last, first, last)
    if at.tzinfo is None:
        raise InvalidParameter("at needs a UTC offset, e.g. 2018-09-16T14:00:00+08:00", field="at")
    hour = at.replace(minute=0, second=0, microsecond=0)
    if not first <= hour <= last:
        raise InvalidParameter(
            f"at {hour.isoformat()} is outside event {name!r} ({first.isoformat()} … {last.isoformat()})", field="at"
        )
    return Moment(name, hour, first, last)


async def load_grid(conn: asyncpg.Connection, state: StormState) -> Grid:
    version = await conn.fetchval("SELECT version FROM layer_change WHERE table_name = 'admin_area'")
    if state.grid is None or version != state.grid_version:
        towns = await conn.fetch(SQL["towns"])
        if not towns:
            raise NotFound("no towns loaded: the rainfall grid is laid over admin_area towns", field="admin_area")
        geoms = shapely.from_wkb([row["wkb"] for row in towns])
        state.grid = build_grid([r["code"] for r in towns], [r["name"] for r in towns], list(geoms))
        state.grid_version = version
        state.surfaces.clear()
    return state.grid


async def gauge_totals(conn: asyncpg.Connection, event: str, at: datetime) -> dict[str, np.ndarray]:
    """Per reporting gauge: code, position and totals over WINDOWS_H ending at `at`."""
    rows = await conn.fetch(SQL["gauge_hours"], event, at)
    hours = np.concatenate([row["hours_before"] for row in rows]) if rows else np.zeros(0, int)
    gauge = np.repeat(np.arange(len(rows)), [len(row["hours_before"]) for row in rows])
    rain = np.concatenate([row["rain_mm"] for row in rows]) if rows else np.zeros(0)
    return {
        "code": np.array([row["code"] for row in rows]),
        "lon": np.array([row["lon"] for row in rows], float),
        "lat": np.array([row["lat"] for row in rows], float),
        "amounts": accumulate(hours, gauge, rain, len(rows)),
    }


async def surface_at(conn: asyncpg.Connection, state: StormState, event: str, at: datetime) -> Surface:
    grid = await load_grid(conn, state)
    key = (event, at, await data_version(conn))
    if key not in state.surfaces:
        gauges = await gauge_totals(conn, event, at)
        state.surfaces[key] = compute_surface(grid, gauges["lon"], gauges["lat"], gauges["amounts"])
        while len(state.surfaces) > CACHED_SURFACES:
            state.surfaces.popitem(last=False)
    state.surfaces.move_to_end(key)
    return state.surfaces[key]


def point_levels(surface: Surface, lon: np.ndarray, lat: np.ndarray) -> list[str]:
    """The risk engine's warning level for each point, from the totals of the cell that holds it."""
    amounts, _ = surface.at(lon, lat)
    windows = [WINDOWS_H.index(h) for h in (1, 3, 6, 12)]
    return [rainfall_warning(*np.nan_to_num(row[windows]).tolist()).level for row in amounts]


async def hazard_points(conn: asyncpg.Connection) -> dict[str, np.ndarray]:
    rows = await conn.fetch(SQL["hazard_points"])
    columns = list(rows[0].keys()) if rows else []
    return {name: np.array([row[name] for row in rows]) for name in columns}


async def apply_live_warnings(conn: asyncpg.Connection, state: StormState, moment: Moment) -> dict[str, object]:
    """Write the warning level at `moment` into flood_spot and geohazard, then let the risk engine move the live
    tiers of the black-spots whose level changed (and the towns, whose index counts them), in one transaction."""
    surface = await surface_at(conn, state, moment.event, moment.at)
    points = await hazard_points(conn)
    if not points:
        return {"flood_spot": 0, "geohazard": 0, "tier_changes": {}}
    levels = np.array(point_levels(surface, points["lon"], points["lat"]))
    changed: dict[str, list[int]] = {}
    cause = f"暴雨预警 rainstorm warning: {moment.event} {moment.at.isoformat()}"
    async with conn.transaction():
        for table in ("flood_spot", "geohazard"):
            mine = points["entity_type"] == table
            rows = await conn.fetch(
                f"""
                UPDATE {table} t SET warning_level = u.level
                FROM unnest($1::bigint[], $2::text[]) AS u(id, level)
                WHERE t.id = u.id AND t.warning_level IS DISTINCT FROM u.level
                RETURNING t.id
                """,
                points["id"][mine].tolist(),
                levels[mine].tolist(),
            )
            changed[table] = [row["id"] for row in rows]
        tiers = await retier_flood_spots(conn, changed["flood_spot"], cause=cause) if changed["flood_spot"] else {}
        if tiers:
            await retier_towns(conn, cause=cause)
    return {table: len(ids) for table, ids in changed.items()} | {"tier_changes": dict(tiers)}


async def turned_severe(conn: asyncpg.Connection, state: StormState, moment: Moment) -> list[dict[str, object]]:
    """Towns, flood black-spots and geohazard points that reached orange or red in the hour ending at `moment`."""
    now = await surface_at(conn, state, moment.event, moment.at)
    before = await surface_at(conn, state, moment.event, moment.at - HOUR) if moment.at - HOUR >= moment.first else None
    alert = min(LEVEL_CODE[level] for level in ALERT_LEVELS)
    turned = []
    points = await hazard_points(conn)
    if points:
        _, level_now = now.at(points["lon"], points["lat"])
        level_before = before.at(points["lon"], points["lat"])[1] if before else np.zeros_like(level_now)
        town_names = dict(zip(now.grid.town_codes, now.grid.town_names, strict=True))
        for i in np.flatnonzero((level_now >= alert) & (level_now > level_before)):
            turned.append(
                {
                    "entity_type": str(points["entity_type"][i]),
                    "id": int(points["id"][i]),
                    "name": str(points["name"][i]),
                    "town": town_names.get(points["town_code"][i]),
                    "tier": points["tier"][i],
                    "level": LEVELS[level_now[i]],
                    "previous": LEVELS[level_before[i]],
                }
            )
    towns_before = {t["code"]: t["level"] for t in before.town_levels()} if before else {}
    for town in now.town_levels():
        previous = towns_before.get(town["code"], "none")
        if LEVEL_CODE[town["level"]] >= alert and LEVEL_CODE[town["level"]] > LEVEL_CODE[previous]:
            turned.append(
                {"entity_type": "town", "id": town["code"], "name": town["name"], "town": town["name"], "tier": None}
                | {"level": town["level"], "previous": previous}
            )
    return sorted(turned, key=lambda row: (-LEVEL_CODE[row["level"]], row["entity_type"], row["name"]))

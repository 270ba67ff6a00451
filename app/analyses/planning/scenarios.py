"""Saved siting scenarios (规划方案): save a run with its sites, list, fetch, compare side by side, delete."""

from __future__ import annotations

import asyncpg
import orjson
import pandas as pd

from app.analyses.planning.data import SQL, frame
from app.analyses.planning.plan import PlanResult
from app.analyses.planning.schemas import ScenarioCreate
from app.errors import NotFound


async def save_scenario(conn: asyncpg.Connection, body: ScenarioCreate, result: PlanResult) -> int:
    summary, sites = result.summary, result.sites
    async with conn.transaction():
        scenario_id = await conn.fetchval(
            SQL["scenario_insert"],
            body.name,
            body.note,
            summary["facility"],
            summary["model"],
            summary["status"],
            body.siting.model_dump_json(exclude_none=True),
            orjson.dumps(summary).decode(),
            summary["population"],
            summary["covered_before"],
            summary["covered_after"],
            summary["new_sites"],
            body.unit_cost_wan,
        )
        await conn.execute(
            SQL["scenario_sites_insert"],
            scenario_id,
            sites["is_new"].tolist(),
            sites["source"].tolist(),
            sites["source_id"].tolist(),
            sites["name"].tolist(),
            [None if pd.isna(c) else int(c) for c in sites["capacity"]],
            sites["covered_population"].astype(int).tolist(),
            sites["lon"].tolist(),
            sites["lat"].tolist(),
        )
    return scenario_id


async def scenario_rows(conn: asyncpg.Connection, ids: list[int] | None, *, full: bool) -> list[dict]:
    """Scenario summaries (with request and outcome when `full`); 404 when an id asked for does not exist."""
    rows = [dict(row) for row in await conn.fetch(SQL["scenarios"], ids, full)]
    missing = sorted(set(ids or ()) - {row["id"] for row in rows})
    if missing:
        raise NotFound(f"no planning scenario {', '.join(map(str, missing))}", field="id")
    for row in rows:
        for key in ("request", "outcome"):
            text = row.pop(key)
            if full:
                row[key] = orjson.loads(text)
    return rows


async def scenario_sites(conn: asyncpg.Connection, ids: list[int], *, new_only: bool) -> pd.DataFrame:
    return await frame(conn, "scenario_sites", ids, new_only)


async def delete_scenario(conn: asyncpg.Connection, scenario_id: int) -> None:
    if await conn.fetchval(SQL["scenario_delete"], scenario_id) is None:
        raise NotFound(f"no planning scenario {scenario_id}", field="id")

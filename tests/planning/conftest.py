"""Planning fixtures: a planner's bearer token for the writes, and a small town to plan in."""

from __future__ import annotations

import asyncio

import asyncpg
import psycopg
import pytest

from app.auth.users import create_token, ensure_demo_accounts


@pytest.fixture(scope="session")
def planner_headers(demo_db: str) -> dict[str, str]:
    async def issue() -> str:
        conn = await asyncpg.connect(demo_db)
        try:
            await ensure_demo_accounts(conn)
            planner_id = await conn.fetchval("SELECT id FROM app_user WHERE username = 'planner'")
            return (await create_token(conn, planner_id, "planning tests", 1))[0]
        finally:
            await conn.close()

    return {"Authorization": f"Bearer {asyncio.run(issue())}"}


@pytest.fixture(scope="session")
def town(demo_db: str) -> str:
    """The town with the fewest populated cells that still has schools and shelters: small, quick problems."""
    with psycopg.connect(demo_db) as conn:
        return conn.execute(
            "SELECT c.town_code FROM population_cell c WHERE c.population > 0 "
            "AND EXISTS (SELECT 1 FROM vulnerable_site v WHERE v.town_code = c.town_code AND v.kind = 'school') "
            "AND EXISTS (SELECT 1 FROM shelter s WHERE s.town_code = c.town_code AND s.status <> 'closed') "
            "GROUP BY c.town_code ORDER BY count(*), c.town_code LIMIT 1"
        ).fetchone()[0]

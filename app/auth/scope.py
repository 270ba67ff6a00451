"""The request's view of the pool: every connection it hands out runs as the user, inside the user's towns.

Row-level security (migration 0005) does the filtering; this wrapper only tells PostgreSQL who is asking, in one
round trip per acquire: the role `twomaps_app` (not a superuser, so the policies apply), `twomaps.town_scope`,
`twomaps.user` (read by the audit trigger) and, for viewers, read-only transactions. The pool's reset on release
(`app.db.pool.TwoMapsConnection`: RESET ROLE, then asyncpg's ROLLBACK and RESET ALL) puts everything back in the
same round trip that asyncpg makes anyway; a pool without it is refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from app.auth.users import CurrentUser
from app.db.pool import TwoMapsConnection

APP_ROLE = "twomaps_app"
ENTER_SCOPE = (
    "SELECT set_config('role', $1, false), set_config('twomaps.town_scope', $2, false), "
    "set_config('twomaps.user', $3, false), set_config('default_transaction_read_only', $4, false)"
)


async def enter_scope(conn: asyncpg.Connection, user: CurrentUser) -> None:
    """Only town-scoped users switch to the RLS role. For everyone who sees every town the policies would pass
    every row anyway, but the planner cannot know that: it misestimates their selectivity and trades primary-key
    index scans for sorts (an items page 2.6 ms → 37 ms). Read-only and the audit identity apply to everyone."""
    role = APP_ROLE if user.scope else "none"
    await conn.execute(ENTER_SCOPE, role, user.scope, user.username, "on" if user.read_only else "off")


class ScopedPool:
    """Duck-types the parts of `asyncpg.Pool` handlers use: `acquire()` and the one-shot query methods."""

    def __init__(self, pool: asyncpg.Pool, user: CurrentUser):
        if not issubclass(pool._connection_class, TwoMapsConnection):
            raise TypeError("ScopedPool needs a pool from app.db.pool.create_pool: its reset drops the user's role")
        self.pool = pool
        self.user = user

    @property
    def scope_key(self) -> str:
        """What a cached response must be keyed by besides the request: the towns the user sees."""
        return self.user.scope

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[asyncpg.Connection]:
        async with self.pool.acquire() as conn:
            await enter_scope(conn, self.user)
            yield conn

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> list[asyncpg.Record]:
        async with self.acquire() as conn:
            return await conn.fetch(query, *args, **kwargs)

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> asyncpg.Record | None:
        async with self.acquire() as conn:
            return await conn.fetchrow(query, *args, **kwargs)

    async def fetchval(self, query: str, *args: Any, **kwargs: Any) -> Any:
        async with self.acquire() as conn:
            return await conn.fetchval(query, *args, **kwargs)

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> str:
        async with self.acquire() as conn:
            return await conn.execute(query, *args, **kwargs)


@asynccontextmanager
async def unscoped(pool: asyncpg.Pool, user: CurrentUser) -> AsyncIterator[asyncpg.Connection]:
    """City-wide derived work done on a user's behalf (re-tiering every town): the pool's own role, every town,
    still audited as the user. Never hand this connection to code that returns data to the user."""
    async with pool.acquire() as conn:
        await conn.execute("SELECT set_config('twomaps.user', $1, false)", user.username)
        yield conn


@asynccontextmanager
async def city_wide(conn: asyncpg.Connection) -> AsyncIterator[asyncpg.Connection]:
    """Derived city-wide work (the relative town index) inside the user's own transaction, so that it commits with
    the edit that caused it: the pool's role until the block ends, then the user's again. Never return data read
    inside it to the user."""
    role = await conn.fetchval("SELECT current_setting('role')")
    await conn.execute("SELECT set_config('role', 'none', true)")
    try:
        yield conn
    finally:
        await conn.execute("SELECT set_config('role', $1, true)", role)

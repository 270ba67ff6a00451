"""`twomaps users …`: demo accounts, create, list, password, disable — run as `cli:<os user>` for the audit log."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from app.settings import Settings

T = TypeVar("T")


def with_connection(settings: Settings, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    async def run() -> T:
        conn = await asyncpg.connect(settings.dsn)
        try:
            await conn.execute("SELECT set_config('twomaps.user', $1, false)", f"cli:{getpass.getuser()}")
            async with conn.transaction():
                return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


async def user_id(conn: asyncpg.Connection, username: str) -> int:
    found = await conn.fetchval("SELECT id FROM app_user WHERE username = $1", username.strip().lower())
    if found is None:
        raise ValueError(f"no user {username!r}")
    return found

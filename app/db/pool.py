"""The asyncpg pool: JSON codecs set once per connection so PostGIS-built JSON passes through untouched."""

from __future__ import annotations

import asyncpg
import orjson


async def init_connection(conn: asyncpg.Connection) -> None:
    for typename in ("json", "jsonb"):
        await conn.set_type_codec(
            typename, schema="pg_catalog", encoder=lambda v: orjson.dumps(v).decode(), decoder=orjson.loads
        )


class TwoMapsConnection(asyncpg.Connection):
    """A pooled connection whose reset on release also drops the request's role (`RESET ALL` leaves the role as
    it is), so the request pool needs no round trip of its own to leave a user's scope."""

    def get_reset_query(self) -> str:
        return f"RESET ROLE;\n{super().get_reset_query()}"


async def create_pool(dsn: str, *, min_size: int, max_size: int) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=init_connection,
        connection_class=TwoMapsConnection,
        command_timeout=60,
        server_settings={"application_name": "twomaps", "statement_timeout": "30000"},
    )

"""Requests for a tile whose trip to the database is under way wait for it instead of rendering the tile again,
and still never get a tile older than an edit they came after."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import mapbox_vector_tile
import psycopg

from app.auth.scope import ScopedPool
from app.auth.users import CurrentUser
from app.db.pool import create_pool
from app.tiles.service import Tile, TileFilter, VersionedCache, get_tile
from layers.spec import registry
from tests.tiles.conftest import in_tile, tile_of

SPEC = registry()["enterprises"]
UNFILTERED = TileFilter("TRUE", ())


class CountingPool(ScopedPool):
    """The request pool, counting the statements that rendered a tile; `hold` keeps the next rendered tile from
    its caller until released, as a slow render would."""

    def __init__(self, pool: Any):
        super().__init__(pool, CurrentUser.anonymous())
        self.renders = 0
        self.hold: asyncio.Event | None = None
        self.rendered = asyncio.Event()

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> Any:
        row = await super().fetchrow(query, *args, **kwargs)
        if row["tile"] is not None:
            self.renders += 1
            self.rendered.set()
            if self.hold is not None:
                hold, self.hold = self.hold, None
                await hold.wait()
        return row


@asynccontextmanager
async def counting_pool(dsn: str) -> AsyncIterator[CountingPool]:
    """Made in the test's own event loop, as asyncpg connections belong to the loop that opened them."""
    raw = await create_pool(dsn, min_size=1, max_size=10)
    try:
        yield CountingPool(raw)
    finally:
        await raw.close()


@asynccontextmanager
async def tier_changed(dsn: str, tile: Tile) -> AsyncIterator[tuple[int, str, str]]:
    """(id, old tier, new tier): one enterprise of the tile has another tier, committed, until the block ends."""
    with psycopg.connect(dsn) as db:
        enterprise_id, tier = in_tile(db, "enterprise", (tile.z, tile.x, tile.y), "tier IS NOT NULL")[0]
    new_tier = "red" if tier != "red" else "blue"
    update = "UPDATE enterprise SET tier = %s WHERE id = %s"
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as db:
        await db.execute(update, (new_tier, enterprise_id))
        try:
            yield enterprise_id, tier, new_tier
        finally:
            await db.execute(update, (tier, enterprise_id))


def tiers_by_id(body: bytes) -> dict[int, str]:
    return {f["id"]: f["properties"]["tier"] for f in mapbox_vector_tile.decode(body)["enterprises"]["features"]}


async def test_concurrent_requests_for_one_tile_render_it_once(demo_db: str, dense_point: tuple[float, float]) -> None:
    tile, cache = Tile(*tile_of(*dense_point, 14)), VersionedCache(2**24)
    async with counting_pool(demo_db) as pool:
        results = await asyncio.gather(*(get_tile(pool, cache, SPEC, tile, UNFILTERED, None) for _ in range(8)))
    assert pool.renders == 1
    assert len({r.body for r in results}) == 1 and results[0].body
    assert len({r.etag for r in results}) == 1
    assert not cache.fetches


async def test_without_a_cache_every_request_renders(demo_db: str, dense_point: tuple[float, float]) -> None:
    tile = Tile(*tile_of(*dense_point, 14))
    async with counting_pool(demo_db) as pool:
        await asyncio.gather(*(get_tile(pool, VersionedCache(0), SPEC, tile, UNFILTERED, None) for _ in range(3)))
    assert pool.renders == 3


async def test_a_request_after_an_edit_never_gets_the_render_that_began_before_it(
    demo_db: str, dense_point: tuple[float, float]
) -> None:
    tile, cache = Tile(*tile_of(*dense_point, 14)), VersionedCache(2**24)
    async with counting_pool(demo_db) as pool:
        hold = pool.hold = asyncio.Event()
        first = asyncio.create_task(get_tile(pool, cache, SPEC, tile, UNFILTERED, None))
        await asyncio.wait_for(pool.rendered.wait(), 30)  # rendered before the edit, not yet handed back
        async with tier_changed(demo_db, tile) as (enterprise_id, tier, new_tier):
            second = asyncio.create_task(get_tile(pool, cache, SPEC, tile, UNFILTERED, None))
            await asyncio.sleep(0.05)
            assert not second.done(), "the second request waits for the render under way"
            hold.set()
            first_result, second_result = await asyncio.wait_for(asyncio.gather(first, second), 30)
    assert tiers_by_id(first_result.body)[enterprise_id] == tier
    assert tiers_by_id(second_result.body)[enterprise_id] == new_tier
    assert second_result.etag != first_result.etag
    assert pool.renders == 2  # the waiter found the cached tile out of date and rendered the current one


async def test_a_burst_after_an_edit_renders_the_tile_once(demo_db: str, dense_point: tuple[float, float]) -> None:
    """Eight screens holding the tile ask again right after the layer changed: one render, all see the change."""
    tile, cache = Tile(*tile_of(*dense_point, 14)), VersionedCache(2**24)
    async with counting_pool(demo_db) as pool:
        before = await get_tile(pool, cache, SPEC, tile, UNFILTERED, None)
        async with tier_changed(demo_db, tile) as (enterprise_id, tier, _):
            burst = await asyncio.gather(
                *(get_tile(pool, cache, SPEC, tile, UNFILTERED, before.etag) for _ in range(8))
            )
    assert pool.renders == 2  # before the edit, and once after it
    assert len({r.etag for r in burst}) == 1 and burst[0].etag != before.etag
    assert all(r.body == burst[0].body and tiers_by_id(r.body)[enterprise_id] != tier for r in burst)

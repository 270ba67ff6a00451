"""ETags, 304s and the version that makes a stale tile impossible."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import psycopg
import pytest
from fastapi.testclient import TestClient

from app.auth.roles import Role
from app.auth.users import create_token, create_user
from app.tiles.service import VersionedCache
from layers.spec import registry
from tests.tiles.conftest import decode, in_tile, matched_in_tile, tile_of


def url(tile: tuple[int, int, int], query: str = "") -> str:
    z, x, y = tile
    return f"/tiles/enterprises/{z}/{x}/{y}.mvt" + (f"?{query}" if query else "")


def test_current_etag_gives_304_without_a_body(client: TestClient, dense_point: tuple[float, float]) -> None:
    tile = tile_of(*dense_point, 14)
    first = client.get(url(tile))
    assert first.status_code == 200
    assert first.headers["cache-control"] == "private, no-cache"
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    again = client.get(url(tile), headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    assert again.headers["etag"] == etag
    listed = client.get(url(tile), headers={"If-None-Match": f'"other", {etag}'})
    assert listed.status_code == 304


def test_etag_depends_on_tile_and_normalised_filters(client: TestClient, dense_point: tuple[float, float]) -> None:
    tile = tile_of(*dense_point, 14)
    z, x, y = tile
    plain = client.get(url(tile)).headers["etag"]
    neighbour = client.get(url((z, x + 1, y))).headers["etag"]
    red = client.get(url(tile, "tier=red")).headers["etag"]
    assert len({plain, neighbour, red}) == 3
    assert (
        client.get(url(tile, "tier=red,orange")).headers["etag"]
        == client.get(url(tile, "tier=red&tier=orange&tier=red")).headers["etag"]
    )
    for etag_of_another_request in (neighbour, red):
        assert client.get(url(tile), headers={"If-None-Match": etag_of_another_request}).status_code == 200


def test_an_edit_changes_the_etag_and_the_next_tile_shows_it(
    client: TestClient, db: psycopg.Connection, dense_point: tuple[float, float]
) -> None:
    tile = tile_of(*dense_point, 14)
    enterprise_id, tier = in_tile(db, "enterprise", tile, "tier IS NOT NULL")[0]
    new_tier = "red" if tier != "red" else "blue"
    before = client.get(url(tile))
    try:
        db.execute("UPDATE enterprise SET tier = %s WHERE id = %s", (new_tier, enterprise_id))
        after_revalidation = client.get(url(tile), headers={"If-None-Match": before.headers["etag"]})
        after_plain = client.get(url(tile))  # would come from the in-process cache if it went stale
    finally:
        db.execute("UPDATE enterprise SET tier = %s WHERE id = %s", (tier, enterprise_id))
    assert after_revalidation.status_code == 200
    assert after_revalidation.headers["etag"] != before.headers["etag"]
    for response in (before, after_revalidation, after_plain):
        features = {f["id"]: f for f in decode(response)["enterprises"]["features"]}
        expected = tier if response is before else new_tier
        assert features[enterprise_id]["properties"]["tier"] == expected
    restored = client.get(url(tile), headers={"If-None-Match": after_plain.headers["etag"]})
    assert restored.status_code == 200
    assert restored.headers["etag"] not in (before.headers["etag"], after_plain.headers["etag"])


def test_grid_tiles_see_inserts_and_deletes(
    client: TestClient, db: psycopg.Connection, dense_point: tuple[float, float]
) -> None:
    tile = tile_of(*dense_point, 10)

    def total(response) -> int:
        return sum(f["properties"]["count"] for f in decode(response)["enterprises_grid"]["features"])

    before = client.get(url(tile))
    new_id = db.execute(
        "INSERT INTO enterprise (name, tier, geom) VALUES ('测试企业', 'red', ST_SetSRID(ST_Point(%s, %s), 4326)) "
        "RETURNING id",
        dense_point,
    ).fetchone()[0]
    try:
        inserted = client.get(url(tile), headers={"If-None-Match": before.headers["etag"]})
    finally:
        db.execute("DELETE FROM enterprise WHERE id = %s", (new_id,))
    deleted = client.get(url(tile), headers={"If-None-Match": inserted.headers["etag"]})
    assert (total(inserted), total(deleted)) == (total(before) + 1, total(before))


def test_every_registry_table_bumps_its_version_on_each_kind_of_write(db: psycopg.Connection) -> None:
    tables = {spec.table for spec in registry().values()}
    triggered = db.execute(
        "SELECT c.relname, t.tgtype FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = 'layer_change_bump'"
    ).fetchall()
    statement_level_iudt = 0b111100  # INSERT | DELETE | UPDATE | TRUNCATE, FOR EACH STATEMENT, AFTER
    assert {name for name, kind in triggered if kind == statement_level_iudt} == tables
    version = "SELECT version FROM layer_change WHERE table_name = 'rain_gauge'"
    before = db.execute(version).fetchone()[0]
    db.execute("UPDATE rain_gauge SET name = name WHERE false")
    assert db.execute(version).fetchone()[0] > before


def test_versioned_cache_keeps_the_recently_used_within_its_budget() -> None:
    cache = VersionedCache(max_bytes=10)
    cache.put("a", 1, b"aaaa", 4)
    cache.put("b", 1, b"bbbb", 4)
    assert cache.get("a") == (1, b"aaaa")  # a is now the most recently used
    cache.put("c", 2, b"cccc", 4)
    assert cache.get("b") is None and cache.get("a") and cache.get("c") == (2, b"cccc")
    cache.put("huge", 1, b"x" * 11, 11)
    assert cache.get("huge") is None and cache.used == 8


@pytest.fixture
async def town_token(demo_db: str, dense_point: tuple[float, float]) -> AsyncIterator[tuple[str, str]]:
    """(bearer token, town) of an inspector limited to the town with most enterprises near the dense point."""
    conn = await asyncpg.connect(demo_db)
    try:
        town = await conn.fetchval(
            "SELECT town_code FROM enterprise WHERE town_code IS NOT NULL "
            "ORDER BY geom <-> ST_SetSRID(ST_Point($1, $2), 4326) LIMIT 1",
            *dense_point,
        )
        user = await create_user(
            conn, "tiles-inspector", "tiles-test-password", Role.inspector, [town], production=False
        )
        token, _ = await create_token(conn, user["id"], "tile tests", days=1)
        yield token, town
    finally:
        await conn.execute("DELETE FROM app_user WHERE username = 'tiles-inspector'")
        await conn.close()


def test_a_town_scoped_user_gets_only_its_town_and_its_own_etags(
    client: TestClient, dense_point: tuple[float, float], town_token: tuple[str, str]
) -> None:
    token, town = town_token
    auth = {"Authorization": f"Bearer {token}"}
    for zoom in (14, 10):  # plain features, then grid counts
        tile = tile_of(*dense_point, zoom)
        everyone = client.get(url(tile))
        scoped = client.get(url(tile), headers=auth)
        assert scoped.headers["etag"] != everyone.headers["etag"]
        assert client.get(url(tile), headers={**auth, "If-None-Match": everyone.headers["etag"]}).status_code == 200
        assert client.get(url(tile), headers={**auth, "If-None-Match": scoped.headers["etag"]}).status_code == 304
        layers = decode(scoped)
        if zoom == 14:
            assert {f["properties"]["town_code"] for f in layers["enterprises"]["features"]} == {town}
        else:
            total = sum(f["properties"]["count"] for f in layers["enterprises_grid"]["features"])
            assert total == matched_in_tile(client, "enterprises", tile, f"town_code={town}")

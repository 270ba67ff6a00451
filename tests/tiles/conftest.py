"""Helpers for the tile tests: tile arithmetic, decoding, and ground truth straight from PostGIS."""

from __future__ import annotations

import math
from collections.abc import Iterator

import mapbox_vector_tile
import psycopg
import pytest
from fastapi.testclient import TestClient
from httpx import Response


@pytest.fixture
def db(demo_db: str) -> Iterator[psycopg.Connection]:
    """Autocommit, so that what a test writes is what the app sees (tests undo their own edits)."""
    with psycopg.connect(demo_db, autocommit=True) as connection:
        yield connection


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


def decode(response: Response) -> dict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(response.content)


def tile_bbox(tile: tuple[int, int, int]) -> str:
    """The tile's bounds in lon/lat, as an items `bbox`."""
    z, x, y = tile
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return ",".join(f"{v!r}" for v in (x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)))


def items_in_tile(client: TestClient, layer: str, tile: tuple[int, int, int], query: str = "") -> dict:
    """The items API's answer for the tile's bbox and the same filters: ids → tier, and numberMatched."""
    response = client.get(f"/collections/{layer}/items?bbox={tile_bbox(tile)}&limit=10000&count=true&{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["numberMatched"] == body["numberReturned"], "the tile must fit in one page"
    return {f["id"]: f["properties"].get("tier") for f in body["features"]}


def matched_in_tile(client: TestClient, layer: str, tile: tuple[int, int, int], query: str = "") -> int:
    """How many items the items API matches in the tile's bbox with these filters."""
    response = client.get(f"/collections/{layer}/items?bbox={tile_bbox(tile)}&limit=1&count=true&{query}")
    assert response.status_code == 200, response.text
    return response.json()["numberMatched"]


def in_tile(db: psycopg.Connection, table: str, tile: tuple[int, int, int], where: str = "TRUE", *params) -> list:
    """(id, tier) of the rows whose geometry meets the tile's envelope, by plain SQL."""
    return db.execute(
        f"SELECT id, tier FROM {table} WHERE geom && ST_Transform(ST_TileEnvelope(%s, %s, %s), 4326) "
        f"AND {where} ORDER BY id",
        (*tile, *params),
    ).fetchall()


@pytest.fixture(scope="session")
def dense_point(demo_db: str) -> tuple[float, float]:
    """Where enterprises are densest: the centre of the most populated 0.05° cell."""
    with psycopg.connect(demo_db) as conn:
        return conn.execute(
            "SELECT avg(ST_X(geom)), avg(ST_Y(geom)) FROM enterprise "
            "GROUP BY floor(ST_X(geom) / 0.05), floor(ST_Y(geom) / 0.05) ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()

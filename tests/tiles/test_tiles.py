"""Vector tiles decoded and compared with the same envelope and filters queried directly in PostGIS."""

from __future__ import annotations

import asyncpg
import mapbox_vector_tile
import psycopg
import pytest
from fastapi.testclient import TestClient

from app.tiles.service import Tile, TileFilter, fetch_tile
from layers.spec import LayerSpec, registry
from tests.tiles.conftest import decode, items_in_tile, matched_in_tile, tile_of

TIERS = ("red", "orange", "yellow", "blue")


def url(layer: str, tile: tuple[int, int, int], query: str = "") -> str:
    z, x, y = tile
    return f"/tiles/{layer}/{z}/{x}/{y}.mvt" + (f"?{query}" if query else "")


def test_features_tile_has_the_items_of_its_bbox_with_their_tile_properties(
    client: TestClient, dense_point: tuple[float, float]
) -> None:
    tile = tile_of(*dense_point, 14)
    expected = items_in_tile(client, "enterprises", tile)
    features = decode(client.get(url("enterprises", tile)))["enterprises"]["features"]
    assert len(expected) > 10, "the dense tile has items"
    assert {f["id"]: f["properties"].get("tier") for f in features} == expected
    assert len(features) == len(expected)
    published = {p.name for p in registry()["enterprises"].properties if p.in_tiles}
    assert set().union(*(f["properties"] for f in features)) <= published
    assert "contact_phone" not in published
    assert all(f["geometry"]["type"] == "Point" for f in features)


@pytest.mark.parametrize(
    "query",
    [
        "tier=red,orange",
        "tier=red&tier=blue",
        "hazard_tags=dust_explosion",
        "industry=metal&tier=yellow",
        "filter=employees >= 100 AND tier <> 'blue'",
        "filter=A_OVERLAPS(hazard_tags, ('dust_explosion', 'confined_space')) OR employees < 10",
    ],
)
def test_filters_are_those_of_the_items(client: TestClient, dense_point: tuple[float, float], query: str) -> None:
    tile = tile_of(*dense_point, 13)
    expected = items_in_tile(client, "enterprises", tile, query)
    features = decode(client.get(url("enterprises", tile, query)))["enterprises"]["features"]
    assert expected
    assert {f["id"]: f["properties"].get("tier") for f in features} == expected


def test_town_filter_leaves_other_towns_out(
    client: TestClient, db: psycopg.Connection, dense_point: tuple[float, float]
) -> None:
    tile = tile_of(*dense_point, 13)
    town = db.execute(
        "SELECT town_code FROM enterprise WHERE geom && ST_Transform(ST_TileEnvelope(%s, %s, %s), 4326) "
        "GROUP BY town_code ORDER BY count(*) DESC LIMIT 1",
        tile,
    ).fetchone()[0]
    features = decode(client.get(url("enterprises", tile, f"town_code={town}")))["enterprises"]["features"]
    assert features and {f["properties"]["town_code"] for f in features} == {town}


@pytest.mark.parametrize("query", ["", "tier=red", "hazard_tags=dust_explosion"])
def test_grid_tile_counts_every_item_of_its_bbox_per_tier(
    client: TestClient, dense_point: tuple[float, float], query: str
) -> None:
    """Below `aggregate_below` a city-wide view carries counts, not a million points, and the counts add up."""
    tile = tile_of(*dense_point, 10)
    layers = decode(client.get(url("enterprises", tile, query)))
    assert set(layers) == {"enterprises_grid"}
    cells = [f["properties"] for f in layers["enterprises_grid"]["features"]]
    assert sum(c["count"] for c in cells) == matched_in_tile(client, "enterprises", tile, query) > 0
    for tier in TIERS:
        tier_query = f"{query}&filter=tier = '{tier}'"
        assert sum(c[tier] for c in cells) == matched_in_tile(client, "enterprises", tile, tier_query)
    for cell in cells:
        counts = [cell[t] for t in TIERS]
        assert cell.get("tier") == (TIERS[counts.index(max(counts))] if max(counts) else None)
    assert len(cells) <= 66 * 66  # a 64 × 64 grid, plus the cells of the buffer


def test_town_polygons_carry_their_code_as_a_property(client: TestClient, db: psycopg.Connection) -> None:
    lon, lat = db.execute("SELECT ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)) FROM admin_area LIMIT 1").fetchone()
    for zoom in (9, 15):  # simplified, then not
        features = decode(client.get(url("towns", tile_of(lon, lat, zoom))))["towns"]["features"]
        assert features and all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)
        assert all({"code", "name"} <= set(f["properties"]) for f in features)


def with_tiles(spec: LayerSpec, **changes: object) -> LayerSpec:
    return spec.model_copy(update={"tiles": spec.tiles.model_copy(update=changes)})


async def test_simplification_the_cap_and_no_rendering_for_a_current_version(demo_db: str) -> None:
    towns, enterprises, everything = registry()["towns"], registry()["enterprises"], TileFilter("TRUE", ())
    conn = await asyncpg.connect(demo_db)
    try:
        lon, lat = await conn.fetchrow("SELECT ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom)) FROM admin_area")
        low = Tile(*tile_of(lon, lat, 9))
        version, simplified = await fetch_tile(conn, towns, low, everything, None)
        _, plain = await fetch_tile(conn, with_tiles(towns, simplify=False), low, everything, None)
        assert 0 < vertices(simplified) < vertices(plain)
        assert await fetch_tile(conn, towns, low, everything, version) == (version, None)
        _, capped = await fetch_tile(conn, with_tiles(enterprises, feature_cap=5), Tile(*tile_of(lon, lat, 12)),
                                     everything, None)  # fmt: skip
        assert len(mapbox_vector_tile.decode(capped)["enterprises"]["features"]) == 5
    finally:
        await conn.close()


def vertices(body: bytes) -> int:
    def count(coordinates) -> int:
        return 1 if isinstance(coordinates[0], int | float) else sum(count(c) for c in coordinates)

    return sum(count(f["geometry"]["coordinates"]) for f in mapbox_vector_tile.decode(body)["towns"]["features"])


def test_empty_tile_is_204(client: TestClient) -> None:
    response = client.get(url("enterprises", tile_of(-150.0, -40.0, 14)))  # the South Pacific
    assert response.status_code == 204 and not response.content
    assert response.headers["etag"]


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/tiles/enterprises/abc/0/0.mvt", 400, "z"),
        ("/tiles/enterprises/1.5/0/0.mvt", 400, "z"),
        ("/tiles/enterprises/3/0x1/0.mvt", 400, "x"),
        ("/tiles/enterprises/3/1/99999999999999.mvt", 400, "y"),
        ("/tiles/enterprises/23/0/0.mvt", 404, "z"),
        ("/tiles/enterprises/-1/0/0.mvt", 404, "z"),
        ("/tiles/enterprises/2/4/0.mvt", 404, "x"),
        ("/tiles/enterprises/2/0/-1.mvt", 404, "y"),
        ("/tiles/population/8/209/111.mvt", 404, "z"),  # below the layer's minzoom
        ("/tiles/enterprises/10/835/445.mvt?industry=purple", 400, "industry"),
        ("/tiles/enterprises/10/835/445.mvt?contact_phone=1", 400, "contact_phone"),
        ("/tiles/enterprises/10/835/445.mvt?filter=tier%20%3D", 400, "filter"),
        ("/tiles/nowhere/10/835/445.mvt", 404, "collectionId"),
    ],
)
def test_bad_requests_are_problems_not_500(client: TestClient, path: str, status: int, field: str) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field


async def both_grids(conn: asyncpg.Connection, spec: LayerSpec, tile: Tile) -> tuple[list, list]:
    """The tile summed from tile_grid and the same tile grouped from the layer's points, decoded and sorted."""
    kept = await fetch_tile(conn, spec, tile, TileFilter("TRUE", ()), None)
    # A filter that keeps every row sends the tile down the path that groups the points themselves.
    grouped = await fetch_tile(conn, spec, tile, TileFilter("$8::int = 1", (1,)), None)

    def cells(body: bytes | None) -> list:
        """Cells off the tile's edges: a point a rounding error from the edge may be grouped by its lon/lat into
        this tile but belong, by its cell, to the next one."""
        features = mapbox_vector_tile.decode(body or b"").get(f"{spec.id}_grid", {"features": []})["features"]
        inside = [f for f in features if all(0 < c < 4096 for c in f["geometry"]["coordinates"])]
        return sorted((f["geometry"]["coordinates"], sorted(f["properties"].items())) for f in inside)

    return cells(kept[1]), cells(grouped[1])


async def test_tile_grid_stays_equal_to_grouping_the_points_through_every_kind_of_write(
    demo_db: str, dense_point: tuple[float, float]
) -> None:
    """tile_grid (kept by a trigger) gives the very tile that grouping the points gives, before and after
    inserts, moves, re-tiers and deletes in one transaction."""
    spec = registry()["enterprises"]
    tiles = [Tile(*tile_of(*dense_point, z)) for z in (5, 9, 11)]
    conn = await asyncpg.connect(demo_db)
    transaction = conn.transaction()
    await transaction.start()
    try:
        for tile in tiles:
            kept, grouped = await both_grids(conn, spec, tile)
            assert kept == grouped and kept
        await conn.execute(
            "INSERT INTO enterprise (name, tier, town_code, geom) SELECT '网格测试' || i, 'red', NULL, "
            "ST_SetSRID(ST_Point($1 + i * 0.001, $2), 4326) FROM generate_series(1, 5) AS i",
            *dense_point,
        )
        await conn.execute(
            "UPDATE enterprise SET tier = CASE tier WHEN 'blue' THEN 'red' ELSE 'blue' END, "
            "geom = ST_Translate(geom, 0.01, -0.004) WHERE id % 7 = 0"
        )
        await conn.execute("UPDATE enterprise SET tier = NULL WHERE id % 11 = 0")
        await conn.execute("DELETE FROM enterprise WHERE id % 13 = 0")
        for tile in tiles:
            kept, grouped = await both_grids(conn, spec, tile)
            assert kept == grouped and kept
    finally:
        await transaction.rollback()
        await conn.close()

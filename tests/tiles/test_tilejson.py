"""TileJSON 3.0.0 per layer, from the registry and the data's extent."""

from __future__ import annotations

import psycopg
import pytest
from fastapi.testclient import TestClient

from layers.spec import registry


def test_tilejson_describes_the_tiles_from_the_registry(client: TestClient, db: psycopg.Connection) -> None:
    spec = registry()["enterprises"]
    doc = client.get("/tiles/enterprises/tilejson.json?lang=en").json()
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == ["http://testserver/tiles/enterprises/{z}/{x}/{y}.mvt?lang=en"]
    assert (doc["minzoom"], doc["maxzoom"]) == (spec.tiles.minzoom, spec.tiles.maxzoom)
    layers = {layer["id"]: layer for layer in doc["vector_layers"]}
    assert layers["enterprises"]["fields"] == {p.name: p.label_en for p in spec.properties if p.in_tiles}
    assert (layers["enterprises"]["minzoom"], layers["enterprises"]["maxzoom"]) == (spec.tiles.aggregate_below, 18)
    grid = layers["enterprises_grid"]
    assert set(grid["fields"]) == {"count", "red", "orange", "yellow", "blue", "tier"}
    assert (grid["minzoom"], grid["maxzoom"]) == (spec.tiles.minzoom, spec.tiles.aggregate_below - 1)
    west, south, east, north = db.execute(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM enterprise) q"
    ).fetchone()
    assert doc["bounds"] == pytest.approx([west, south, east, north])


def test_tilejson_keeps_the_filters_in_the_tiles_url_and_refuses_bad_ones(client: TestClient) -> None:
    doc = client.get("/tiles/enterprises/tilejson.json?tier=red&hazard_tags=dust_explosion").json()
    assert doc["tiles"][0].endswith(".mvt?tier=red&hazard_tags=dust_explosion")
    assert doc["vector_layers"][-1]["fields"]["tier"] == "风险等级"  # zh-CN unless asked otherwise
    bad = client.get("/tiles/enterprises/tilejson.json?industry=purple")
    assert bad.status_code == 400 and bad.json()["field"] == "industry"


@pytest.mark.parametrize("layer", list(registry()))
def test_every_layer_has_a_tilejson_within_its_zoom_range(client: TestClient, layer: str) -> None:
    spec = registry()[layer]
    doc = client.get(f"/tiles/{layer}/tilejson.json").json()
    assert [vl["id"] for vl in doc["vector_layers"]][-1] == layer
    assert all(
        spec.tiles.minzoom <= vl["minzoom"] <= vl["maxzoom"] <= spec.tiles.maxzoom for vl in doc["vector_layers"]
    )
    west, south, east, north = doc["bounds"]
    assert -180 <= west <= east <= 180 and -90 <= south <= north <= 90


def test_bounds_follow_the_data(client: TestClient, db: psycopg.Connection) -> None:
    before = client.get("/tiles/depots/tilejson.json").json()["bounds"]
    depot_id = db.execute(
        "INSERT INTO depot (name, level, geom) VALUES ('测试储备库', 'city', ST_SetSRID(ST_Point(120.5, 30.25), 4326)) "
        "RETURNING id"
    ).fetchone()[0]
    try:
        during = client.get("/tiles/depots/tilejson.json").json()["bounds"]
    finally:
        db.execute("DELETE FROM depot WHERE id = %s", (depot_id,))
    assert during[2:] == [120.5, 30.25]
    assert client.get("/tiles/depots/tilejson.json").json()["bounds"] == before

"""An inspector scoped to 长安 never sees a 虎门 enterprise by any path: every endpoint family that reads data is
asked for a 虎门 enterprise (by id, name, town filter or area) as the inspector (nothing) and as an admin (found),
so the test cannot pass by finding nothing at all."""

from __future__ import annotations

import json
import math

import mapbox_vector_tile
import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.auth.conftest import CHANGAN, HUMEN


@pytest.fixture(scope="module")
def humen(people_db: str) -> dict:
    """A 虎门 enterprise with a hidden danger, and where it is."""
    with psycopg.connect(people_db) as conn:
        row = conn.execute(
            "SELECT e.id, e.name, e.credit_code, ST_X(e.geom), ST_Y(e.geom), h.id FROM enterprise e "
            "JOIN hidden_danger h ON h.enterprise_id = e.id WHERE e.town_code = %s ORDER BY e.id LIMIT 1",
            (HUMEN,),
        ).fetchone()
    return dict(zip(("id", "name", "credit_code", "lon", "lat", "danger_id"), row, strict=True))


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return z, int((lon + 180) / 360 * n), int(y)


def both(client: TestClient, tokens: dict, url: str):
    return client.get(url, headers=tokens["inspector"]), client.get(url, headers=tokens["admin"])


def test_inspector_lists_only_changan(people_client: TestClient, tokens: dict) -> None:
    body = people_client.get("/collections/enterprises/items?limit=5000", headers=tokens["inspector"]).json()
    towns = {feature["properties"]["town_code"] for feature in body["features"]}
    assert towns == {CHANGAN}


@pytest.mark.parametrize(
    "path",
    [
        "/collections/enterprises/items/{id}",
        "/api/enterprises/{id}/dossier",
        "/api/tiers/enterprise/{id}",
        "/api/hidden-dangers/{danger_id}",
        "/api/hidden-dangers/{danger_id}/photo",
    ],
)
def test_a_humen_record_by_id_is_not_found(people_client: TestClient, tokens: dict, humen: dict, path: str) -> None:
    inspector, admin = both(people_client, tokens, path.format(**humen))
    assert inspector.status_code == 404
    assert humen["name"] not in inspector.text
    if not path.endswith("/photo"):  # the demo's dangers have no photos
        assert admin.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/collections/enterprises/items?town_code={town}&limit=100",
        "/collections/enterprises/items?filter=name%3D%27{name}%27",
        "/collections/enterprises/items?bbox={west},{south},{east},{north}",
        "/api/search?q={name}",
        "/api/enterprises?town_code={town}",
        "/api/exports/enterprises.csv?town_code={town}",
        "/api/exports/enterprises.geojson?town_code={town}",
        "/api/exports/layers/enterprises.csv?town_code={town}",
        "/api/exports/layers/enterprises.geojson?bbox={west},{south},{east},{north}",
        "/api/hidden-dangers?town_code={town}",
        "/api/hidden-dangers?enterprise_id={id}",
    ],
)
def test_humen_is_filtered_out_of_every_list(people_client: TestClient, tokens: dict, humen: dict, path: str) -> None:
    values = humen | {"town": HUMEN, "west": humen["lon"] - 0.001, "south": humen["lat"] - 0.001,
                      "east": humen["lon"] + 0.001, "north": humen["lat"] + 0.001}  # fmt: skip
    inspector, admin = both(people_client, tokens, path.format(**values))
    assert inspector.status_code == 200, inspector.text
    assert admin.status_code == 200, admin.text
    assert humen["name"] in admin.text or str(humen["id"]) in admin.text
    assert humen["name"] not in inspector.text
    assert humen["credit_code"] not in inspector.text


def test_tiles_carry_the_scope_in_content_and_etag(people_client: TestClient, tokens: dict, humen: dict) -> None:
    z, x, y = tile_of(humen["lon"], humen["lat"], 14)
    inspector, admin = both(people_client, tokens, f"/tiles/enterprises/{z}/{x}/{y}.mvt")
    assert admin.status_code == 200
    ids = {f["id"] for f in mapbox_vector_tile.decode(admin.content)["enterprises"]["features"]}
    assert humen["id"] in ids
    assert inspector.headers["etag"] != admin.headers["etag"]
    if inspector.status_code == 200:
        features = mapbox_vector_tile.decode(inspector.content)["enterprises"]["features"]
        assert {f["properties"]["town_code"] for f in features} <= {CHANGAN}
    else:
        assert inspector.status_code == 204
    # The admin's ETag must not let the inspector revalidate into the admin's tile.
    again = people_client.get(
        f"/tiles/enterprises/{z}/{x}/{y}.mvt", headers={**tokens["inspector"], "If-None-Match": admin.headers["etag"]}
    )
    assert again.status_code in (200, 204)


def test_aggregated_tiles_count_only_the_scope(people_client: TestClient, tokens: dict) -> None:
    inspector, admin = both(people_client, tokens, "/tiles/enterprises/9/417/222.mvt")

    def total(response) -> int:
        if response.status_code == 204:
            return 0
        layer = next(iter(mapbox_vector_tile.decode(response.content).values()))
        return sum(int(f["properties"].get("count", 0)) for f in layer["features"])

    assert 0 < total(inspector) < total(admin)


def test_dashboard_counts_only_the_scope(people_client: TestClient, tokens: dict, people_db: str) -> None:
    with psycopg.connect(people_db) as conn:
        changan = conn.execute("SELECT count(*) FROM enterprise WHERE town_code = %s", (CHANGAN,)).fetchone()[0]
    inspector, admin = both(people_client, tokens, "/api/dashboard")
    assert inspector.json()["total"] == changan < admin.json()["total"]


def test_layer_exports_of_other_layers_are_scoped(people_client: TestClient, tokens: dict) -> None:
    for layer in ("shelters", "flood_spots", "geohazards", "vulnerable_sites"):
        inspector, admin = both(people_client, tokens, f"/api/exports/layers/{layer}.geojson")
        towns = {f["properties"]["town_code"] for f in json.loads(inspector.content)["features"]}
        assert towns <= {CHANGAN}, layer
        assert len(json.loads(admin.content)["features"]) >= len(towns)


def test_analyses_see_only_the_scope(people_client: TestClient, tokens: dict) -> None:
    for path in ("/api/planning/shelters/coverage", "/api/planning/depots/coverage"):
        inspector, admin = both(people_client, tokens, path)
        assert inspector.status_code == admin.status_code == 200
        populated = {town["town_code"] for town in inspector.json()["towns"] if town["population"]}
        assert populated == {CHANGAN}, path  # every town is listed (the basemap is public), only 长安 has people
        assert inspector.json()["summary"]["population"] < admin.json()["summary"]["population"]


def test_storm_callout_lists_only_the_scope(people_client: TestClient, tokens: dict) -> None:
    assert people_client.post("/api/storm/demo", headers=tokens["commander"]).status_code in (200, 201)
    inspector, admin = both(people_client, tokens, "/api/storm/callout")
    assert inspector.status_code == admin.status_code == 200
    assert HUMEN not in json.dumps([row.get("town_code") for row in inspector.json().get("items", [])])

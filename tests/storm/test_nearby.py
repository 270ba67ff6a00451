"""周边分析: ring counts match a direct SQL count on the spheroid, nearest first, quickly."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

POINT = {"type": "Point", "coordinates": [113.75, 22.82]}
TABLES = {"enterprise": "enterprise", "vulnerable_site": "vulnerable_site", "shelter": "shelter", "depot": "depot",
          "rescue_team": "rescue_team"}  # fmt: skip


@pytest.fixture(scope="module")
def nearby(storm_client: TestClient) -> dict:
    response = storm_client.post("/api/analyses/nearby", json={"point": POINT, "radii_km": [1, 3, 5], "limit": 20})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("kind", list(TABLES))
def test_ring_counts_match_direct_sql(nearby: dict, kind: str, db) -> None:
    expected = [
        db.execute(
            f"SELECT count(*) FROM {TABLES[kind]} WHERE ST_DWithin(geom::geography, "
            "ST_SetSRID(ST_MakePoint(113.75, 22.82), 4326)::geography, %s)",
            (radius,),
        ).fetchone()[0]
        for radius in (1000, 3000, 5000)
    ]
    rings = nearby["kinds"][kind]["rings"]
    assert [ring["within"] for ring in rings] == expected
    assert nearby["kinds"][kind]["total"] == expected[-1]


def test_items_are_nearest_first_and_in_their_ring(nearby: dict) -> None:
    items = nearby["kinds"]["enterprise"]["items"]
    assert 0 < len(items) <= 20
    distances = [item["distance_m"] for item in items]
    assert distances == sorted(distances)
    for item in items:
        assert item["distance_m"] <= (1000, 3000, 5000)[item["ring"] - 1]
    tiers = nearby["kinds"]["enterprise"]["rings"][0]["by_tier"]
    assert sum(tiers.values()) == nearby["kinds"]["enterprise"]["rings"][0]["count"]
    assert len(nearby["rings"]["features"]) == 3


@pytest.mark.parametrize("radii", [[3, 1], [0, 1], [1, 1], [60]])
def test_bad_radii_are_refused(storm_client: TestClient, radii: list) -> None:
    response = storm_client.post("/api/analyses/nearby", json={"point": POINT, "radii_km": radii})
    assert response.status_code == 422


def test_lists_are_capped_and_say_so(nearby: dict) -> None:
    for kind, entry in nearby["kinds"].items():
        assert entry["listed"] == len(entry["items"]) == min(20, entry["total"]), kind
        assert entry["truncated"] is (entry["total"] > 20), kind
    assert nearby["kinds"]["enterprise"]["truncated"] is True


def test_capped_list_is_the_exact_nearest(nearby: dict, db) -> None:
    """The KNN candidates (in degrees) re-sorted in metres give exactly the nearest by spheroid distance."""
    expected = [
        row[0]
        for row in db.execute(
            "SELECT id FROM enterprise WHERE ST_DWithin(geom::geography, "
            "ST_SetSRID(ST_MakePoint(113.75, 22.82), 4326)::geography, 5000) ORDER BY "
            "round(ST_Distance(geom::geography, "
            "ST_SetSRID(ST_MakePoint(113.75, 22.82), 4326)::geography)::numeric, 1), "
            "id LIMIT 20"
        ).fetchall()
    ]
    assert [item["id"] for item in nearby["kinds"]["enterprise"]["items"]] == expected


@pytest.mark.parametrize("limit", [1, 5000 // 3])
def test_any_limit_keeps_the_counts(storm_client: TestClient, nearby: dict, limit: int) -> None:
    response = storm_client.post("/api/analyses/nearby", json={"point": POINT, "radii_km": [1, 3, 5], "limit": limit})
    assert response.status_code == 200, response.text
    kinds = response.json()["kinds"]
    for kind, entry in kinds.items():
        assert entry["rings"] == nearby["kinds"][kind]["rings"], kind
        assert entry["listed"] == min(limit, entry["total"]), kind
        distances = [item["distance_m"] for item in entry["items"]]
        assert distances == sorted(distances)


def test_a_far_point_has_nothing_but_still_answers(storm_client: TestClient) -> None:
    far = {"type": "Point", "coordinates": [100.0, 75.0]}  # no approximation up there: every distance exact
    response = storm_client.post("/api/analyses/nearby", json={"point": far, "radii_km": [1, 50], "limit": 5})
    assert response.status_code == 200, response.text
    for entry in response.json()["kinds"].values():
        assert entry["total"] == 0 and entry["items"] == [] and entry["truncated"] is False

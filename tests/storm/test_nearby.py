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

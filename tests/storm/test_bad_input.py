"""Bad input is the caller's problem: a 400 (or 422) problem+json that names it, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

RING = [[113.7, 22.8], [113.8, 22.8], [113.8, 22.9], [113.7, 22.9], [113.7, 22.8]]
BAD_POLYGONS = [
    ({"type": "Polygon", "coordinates": []}, "empty"),
    ({"type": "Polygon", "coordinates": [[]]}, "at least 3"),
    ({"type": "Polygon", "coordinates": [[[113.7, 22.8], [113.8, 22.8], [113.7, 22.8]]]}, "at least 3"),
    ({"type": "Polygon", "coordinates": [RING[:-1]]}, "not closed"),
    ({"type": "Polygon", "coordinates": [[[113.7, 22.8], [113.8, 22.9], [113.8, 22.8], [113.7, 22.9], [113.7, 22.8]]]},
     "self-intersection"),
    ({"type": "Polygon", "coordinates": [[[213.7, 22.8], *RING[1:-1], [213.7, 22.8]]]}, "out of range"),
    ({"type": "Polygon", "coordinates": [[[113.7, 95.0], *RING[1:-1], [113.7, 95.0]]]}, "out of range"),
    ({"type": "Polygon", "coordinates": [[["a", 22.8], *RING[1:]]]}, "numbers"),
    ({"type": "Polygon", "coordinates": [[[113.7], *RING[1:]]]}, "position"),
    ({"type": "Point", "coordinates": [113.7, 22.8]}, "Polygon"),
    ({"type": "Polygon"}, "empty"),
    ({"coordinates": [RING]}, "Polygon"),
]  # fmt: skip


@pytest.mark.parametrize(("geometry", "named"), BAD_POLYGONS)
@pytest.mark.parametrize("analysis", ["impact", "evacuation"])
def test_a_bad_polygon_is_a_400_naming_the_problem(
    storm_client: TestClient, analysis: str, geometry: dict, named: str
) -> None:
    body = {"hazard": {"kind": "polygon", "geometry": geometry}}
    response = storm_client.post(f"/api/analyses/{analysis}", json=body)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert named in problem["detail"] and problem["field"] == "hazard.geometry"


@pytest.mark.parametrize(
    "body",
    [
        {"hazard": {"kind": "buffer", "geometry": {"type": "Point", "coordinates": [113.7, 22.8]}, "distance_m": -5}},
        {"hazard": {"kind": "buffer", "geometry": {"type": "Point", "coordinates": [113.7, 22.8]}}},
        {"hazard": {"kind": "circle"}},
        {"hazard": {"kind": "warning", "level": "purple"}},
        {"hazard": "everywhere"},
        {},
    ],
)
def test_malformed_requests_are_422(storm_client: TestClient, body: dict) -> None:
    response = storm_client.post("/api/analyses/impact", json=body)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_a_buffer_of_a_bad_point_is_a_400(storm_client: TestClient) -> None:
    hazard = {"kind": "buffer", "geometry": {"type": "Point", "coordinates": [113.7, -95]}, "distance_m": 100}
    response = storm_client.post("/api/analyses/impact", json={"hazard": hazard})
    assert response.status_code == 400 and "out of range" in response.json()["detail"]


def test_an_accident_point_out_of_range_is_a_400(storm_client: TestClient) -> None:
    response = storm_client.post("/api/analyses/nearby", json={"point": {"type": "Point", "coordinates": [400, 22]}})
    assert response.status_code == 400


def test_a_warning_level_with_no_area_is_422(storm_client: TestClient, typhoon: dict) -> None:
    hazard = {"kind": "warning", "level": "red", "event": "demo-typhoon", "at": "2018-09-15T21:00:00+08:00"}
    response = storm_client.post("/api/analyses/impact", json={"hazard": hazard})
    assert response.status_code == 422 and response.json()["field"] == "hazard.level"


@pytest.mark.parametrize(
    "rows",
    [
        [{"gauge_code": "DG001", "observed_at": "2018-01-01T00:00:00+08:00", "rain_mm": -3}],
        [{"gauge_code": "DG001", "observed_at": "2099-01-01T00:00:00+08:00", "rain_mm": 3}],
        [{"gauge_code": "DG001", "observed_at": "2018-01-01T00:00:00+08:00", "rain_mm": 301}],
        [{"gauge_code": "NOPE", "observed_at": "2018-01-01T00:00:00+08:00", "rain_mm": 3}],
        ["nonsense"],
    ],
)
def test_impossible_observations_are_a_400(storm_client: TestClient, auth: dict, rows: list) -> None:
    response = storm_client.post("/api/storm/observations", json=rows, headers=auth["commander"])
    assert response.status_code == 400 and response.json()["rejected"]


def test_reads_of_an_unknown_event_are_404(storm_client: TestClient, typhoon: dict) -> None:
    assert storm_client.get("/api/storm/warnings", params={"event": "no-such-storm"}).status_code == 404
    assert storm_client.get("/api/storm/warnings", params={"event": "bad name!"}).status_code == 422

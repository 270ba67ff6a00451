"""Input the planner cannot plan with is a 422 problem+json that says why, whatever the model."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

INSIDE, OUTSIDE = [113.75, 23.02], [114.9, 23.05]  # 东城; east of the city, in Huizhou
SCHOOLS = {"candidate_sources": ["schools"]}


def points(*coordinates: list[float]) -> dict:
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": c}} for c in coordinates]
    return {"type": "FeatureCollection", "features": features}


@pytest.mark.parametrize(
    ("body", "code", "field", "reason"),
    [
        ({"k": 3, "candidates": points(INSIDE, INSIDE)}, "unprocessable", "k", "exceeds the 2 candidate sites"),
        ({"k": 1, "candidates": points()}, "unprocessable", "candidates", "no candidate sites"),
        ({"k": 1}, "unprocessable", "candidates", "no candidate sites"),
        ({"k": 1, "candidates": points(INSIDE, OUTSIDE)}, "unprocessable", "candidates", "outside the city"),
        ({"k": 1, "radius_m": 0, **SCHOOLS}, "validation_error", "radius_m", "greater than 0"),
        ({"k": 1, "radius_m": -500, **SCHOOLS}, "validation_error", "radius_m", "greater than 0"),
        ({"facility": "depot", "k": 1, "hours": 0, **SCHOOLS}, "validation_error", "hours", "greater than 0"),
        ({"k": 0, **SCHOOLS}, "validation_error", "k", "greater than or equal to 1"),
        ({"model": "lscp", "k": 2, **SCHOOLS}, "validation_error", None, "k does not apply"),
        ({"model": "p_median", **SCHOOLS}, "validation_error", None, "k (the number of new"),
        ({"k": 1, "town_codes": ["441900999"], **SCHOOLS}, "unprocessable", "town_codes", "unknown town codes"),
        ({"k": 1, "model": "p_center", "capacity_aware": True, **SCHOOLS}, "validation_error", None,
         "capacity-aware siting applies"),
        ({"k": 1, "model": "p_median", "candidate_sources": ["grid_cells"]}, "unprocessable", "town_codes",
         "exceeds 60,000"),
        ({"k": 1, "model": "p_center", "engine": "sparse", **SCHOOLS}, "unprocessable", "engine",
         "the sparse engine solves mclp and lscp"),
        ({"k": 1, "candidates": {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {
            "type": "LineString", "coordinates": [INSIDE, INSIDE]}}]}}, "validation_error", None, "Point"),
        ({"k": 1, "candidates": points([213.0, 23.0])}, "validation_error", None, "WGS-84 longitude, latitude"),
        ({"k": 1, "candidate_sources": ["parks"]}, "validation_error", "candidate_sources.0", "schools"),
        ({"k": 1, **SCHOOLS, "radius": 500}, "validation_error", "radius", "Extra inputs"),
    ],
)  # fmt: skip
def test_bad_siting_requests_are_refused_with_the_reason(
    client: TestClient, body: dict, code: str, field: str | None, reason: str
) -> None:
    response = client.post("/api/planning/siting", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code and reason in problem["detail"]
    if field:
        assert problem["field"] == field


def test_the_sites_outside_the_city_are_named(client: TestClient) -> None:
    problem = client.post("/api/planning/siting", json={"k": 1, "candidates": points(OUTSIDE, INSIDE, OUTSIDE)}).json()
    assert problem["outside"] == [1, 3]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/planning/shelters/coverage", {"emergency_radius_m": 0}, "emergency_radius_m"),
        ("/api/planning/shelters/coverage", {"fixed_radius_m": -1}, "fixed_radius_m"),
        ("/api/planning/shelters/coverage", {"central_per_capita_m2": 0}, "central_per_capita_m2"),
        ("/api/planning/shelters/coverage/cells", {"level": "bunker"}, "level"),
        ("/api/planning/depots/coverage", {"city_hours": 0}, "city_hours"),
        ("/api/planning/depots/coverage", {"detour_factor": 0.5}, "detour_factor"),
    ],
)
def test_bad_coverage_parameters_are_refused(client: TestClient, path: str, params: dict, field: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field

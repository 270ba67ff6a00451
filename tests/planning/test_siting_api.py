"""Siting through the API on one small town: existing sites stay selected, LSCP covers everyone it can reach,
the sparse engine agrees with spopt, and every model answers with coverage before and after."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp")


def siting(client: TestClient, **body: object) -> dict:
    response = client.post("/api/planning/siting", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_existing_shelters_stay_selected_while_new_ones_are_added(client: TestClient, town: str) -> None:
    result = siting(client, k=3, candidate_sources=["schools", "grid_cells"], town_codes=[town])
    kept = [f for f in result["sites"]["features"] if not f["properties"]["is_new"]]
    new = [f for f in result["sites"]["features"] if f["properties"]["is_new"]]
    assert result["status"] == "optimal" and result["existing_kept"] == len(kept) > 0 and len(new) == 3
    assert {f["properties"]["source"] for f in kept} == {"shelter"}
    assert result["covered_before"] <= result["covered_after"] <= result["population"]
    assert result["objective"] == result["covered_after"]


def test_greenfield_ignores_the_existing_shelters(client: TestClient, town: str) -> None:
    result = siting(client, k=2, candidate_sources=["schools"], town_codes=[town], keep_existing=False)
    assert result["existing_kept"] == 0
    assert all(f["properties"]["is_new"] for f in result["sites"]["features"])


def test_lscp_covers_everyone_within_reach(client: TestClient, town: str) -> None:
    result = siting(client, model="lscp", candidate_sources=["grid_cells"], town_codes=[town], radius_m=1000)
    assert result["status"] == "optimal" and result["unreachable_population"] == 0
    assert result["covered_after"] == result["population"]
    assert result["objective"] == result["new_sites"]


def test_sparse_engine_and_spopt_agree_through_the_api(client: TestClient, town: str) -> None:
    body = {"k": 2, "candidate_sources": ["schools"], "town_codes": [town], "shelter_class": "fixed"}
    sparse, reference = siting(client, **body, engine="sparse"), siting(client, **body, engine="spopt")
    assert (sparse["engine"], reference["engine"]) == ("sparse_highs", "spopt")
    assert sparse["objective"] == pytest.approx(reference["objective"]) == sparse["covered_after"]


@pytest.mark.parametrize(("model", "unit"), [("p_median", "people × m"), ("p_center", "m")])
def test_p_median_and_p_center_run_through_spopt(client: TestClient, town: str, model: str, unit: str) -> None:
    result = siting(client, model=model, k=1, candidate_sources=["schools"], town_codes=[town], time_limit_s=20)
    assert result["engine"] == "spopt" and result["objective_unit"] == unit and result["new_sites"] == 1


def test_capacity_aware_mclp_counts_people_served_within_capacity(client: TestClient, town: str) -> None:
    body = {"k": 2, "candidate_sources": ["schools"], "town_codes": [town]}
    plain = siting(client, **body)
    capped = siting(client, **body, capacity_aware=True, new_site_area_m2=500)
    new_capacity = [f["properties"]["capacity"] for f in capped["sites"]["features"] if f["properties"]["is_new"]]
    assert new_capacity == [500, 500]
    assert capped["objective"] <= plain["objective"]


def test_depot_siting_by_travel_time(client: TestClient) -> None:
    result = siting(client, facility="depot", k=2, hours=0.25, candidate_sources=["grid_cells"])
    assert result["limit_unit"] == "h" and result["travel"]["detour_factor"] == 1.3
    assert result["covered_after"] >= result["covered_before"]


def test_chosen_sites_export_as_csv_and_geojson(client: TestClient, town: str) -> None:
    body = {"k": 2, "candidate_sources": ["schools"], "town_codes": [town]}
    table = client.post("/api/planning/siting", params={"format": "csv"}, json=body)
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"))))
    layer = client.post("/api/planning/siting", params={"format": "geojson"}, json=body)
    assert layer.headers["content-type"] == "application/geo+json"
    features = layer.json()["features"]
    assert [r["source_id"] for r in rows] == [f["properties"]["source_id"] for f in features]
    assert sum(r["is_new"] == "True" for r in rows) == 2


def test_a_time_out_is_a_status_never_a_500(client: TestClient) -> None:
    response = client.post(
        "/api/planning/siting",
        json={"k": 40, "candidate_sources": ["grid_cells"], "shelter_class": "fixed", "time_limit_s": 0.05},
    )
    if response.status_code == 200:
        assert response.json()["status"] == "time_limit"
    else:
        assert response.status_code == 503 and response.headers["content-type"] == "application/problem+json"

"""Scenarios round-trip: saved with their sites, listed, fetched, exported, compared side by side, deleted."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient


def save(client: TestClient, headers: dict[str, str], name: str, siting: dict, **extra: object) -> dict:
    response = client.post("/api/planning/scenarios", json={"name": name, "siting": siting, **extra}, headers=headers)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/api/planning/scenarios/{response.json()['id']}"
    return response.json()


def test_scenarios_round_trip_and_compare(client: TestClient, planner_headers: dict[str, str], town: str) -> None:
    three = {"k": 3, "candidate_sources": ["schools"], "town_codes": [town]}
    one = save(client, planner_headers, "三所学校", three, unit_cost_wan=80, note="紧急避难场所")
    everyone = {"model": "lscp", "candidate_sources": ["grid_cells"], "town_codes": [town]}
    two = save(client, planner_headers, "LSCP 全覆盖", everyone, unit_cost_wan=50)

    fetched = client.get(f"/api/planning/scenarios/{one['id']}").json()
    assert fetched == one
    assert fetched["request"]["k"] == 3 and fetched["request"]["town_codes"] == [town]
    assert fetched["note"] == "紧急避难场所" and fetched["outcome"]["status"] == fetched["status"]
    assert sum(f["properties"]["is_new"] for f in fetched["sites"]["features"]) == fetched["new_sites"] == 3
    again = client.post("/api/planning/siting", json=three).json()
    assert [f["geometry"] for f in again["sites"]["features"]] == [f["geometry"] for f in fetched["sites"]["features"]]

    listed = {s["id"]: s for s in client.get("/api/planning/scenarios").json()["scenarios"]}
    assert {one["id"], two["id"]} <= set(listed) and "request" not in listed[one["id"]]

    compared = client.get("/api/planning/scenarios/compare", params={"ids": [two["id"], one["id"]]}).json()["scenarios"]
    assert [s["id"] for s in compared] == [two["id"], one["id"]]
    for scenario in compared:
        assert scenario["cost_wan"] == scenario["new_sites"] * scenario["unit_cost_wan"]
        assert scenario["covered_gain"] == scenario["covered_after"] - scenario["covered_before"]
        assert len(scenario["new_sites_geojson"]["features"]) == scenario["new_sites"]
    assert compared[0]["covered_after"] >= compared[1]["covered_after"]

    table = client.get("/api/planning/scenarios/compare", params={"ids": [one["id"], two["id"]], "format": "csv"})
    assert [row["name"] for row in csv.DictReader(io.StringIO(table.content.decode("utf-8-sig")))] == [
        "三所学校",
        "LSCP 全覆盖",
    ]
    sites = client.get(f"/api/planning/scenarios/{one['id']}/sites", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(sites.content.decode("utf-8-sig"))))
    assert len(rows) == len(fetched["sites"]["features"]) and {"lon", "lat", "is_new", "capacity"} <= set(rows[0])
    layer = client.get(f"/api/planning/scenarios/{one['id']}/sites")
    assert layer.headers["content-type"] == "application/geo+json" and layer.json() == fetched["sites"]

    assert client.delete(f"/api/planning/scenarios/{two['id']}", headers=planner_headers).status_code == 204
    assert client.get(f"/api/planning/scenarios/{two['id']}").status_code == 404
    missing = client.get("/api/planning/scenarios/compare", params={"ids": [one["id"], two["id"]]})
    assert missing.status_code == 404 and str(two["id"]) in missing.json()["detail"]


def test_only_planners_save_or_delete(client: TestClient, town: str) -> None:
    body = {"name": "匿名", "siting": {"k": 1, "candidate_sources": ["schools"], "town_codes": [town]}}
    assert client.post("/api/planning/scenarios", json=body).status_code == 401
    assert client.delete("/api/planning/scenarios/1").status_code == 401

"""转移避险: the LP respects capacity, equals a brute-force optimum, and never sends anyone into the hazard."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.analyses.evacuation.solver import StraightLineDetour, assign
from tests.storm.conftest import PEAK


def brute_force(demand, capacity, pairs, km):
    """Most people moved, then least person-km, over every integer flow."""
    best = None
    ranges = [range(min(demand[i], capacity[j]) + 1) for i, j in pairs]
    for flow in itertools.product(*ranges):
        moved_from = np.bincount([i for i, _ in pairs], weights=flow, minlength=len(demand))
        moved_to = np.bincount([j for _, j in pairs], weights=flow, minlength=len(capacity))
        if (moved_from > demand).any() or (moved_to > capacity).any():
            continue
        key = (-sum(flow), round(float(np.dot(flow, km)), 9))
        best = key if best is None or key < best else best
    return -best[0], best[1]


@pytest.mark.parametrize("seed", range(6))
def test_the_lp_equals_the_brute_force_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    demand, capacity = rng.integers(1, 4, 3), rng.integers(1, 5, 2)
    pairs = [(i, j) for i in range(3) for j in range(2) if rng.random() < 0.8]
    km = rng.uniform(0.5, 9.0, len(pairs)).round(2)
    rows, cols = np.array([p[0] for p in pairs], int), np.array([p[1] for p in pairs], int)
    plan = assign(demand, capacity, rows, cols, km)
    assigned, cost = brute_force(demand, capacity, pairs, km)
    assert plan.people.sum() == assigned
    assert float(plan.people @ plan.km) == pytest.approx(cost)
    assert (plan.unassigned == demand - np.bincount(plan.origin, plan.people, minlength=3)).all()


def test_capacity_is_respected_and_the_nearest_room_is_used_first() -> None:
    origins = np.array([[0.0, 0.0], [100.0, 0.0]])
    shelters = np.array([[200.0, 0.0], [5000.0, 0.0], [90_000.0, 0.0]])
    rows, cols, km = StraightLineDetour(1.3).pairs(origins, shelters, max_km=10)
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    plan = assign(np.array([30, 50]), np.array([60, 10]), rows, cols, km)
    to_shelter = np.bincount(plan.shelter, plan.people, minlength=3)
    assert to_shelter.tolist() == [60, 10, 0]
    assert plan.unassigned.sum() == 10 and plan.in_reach.all()


def test_the_plan_uses_no_shelter_inside_the_hazard_area(storm_client: TestClient, typhoon: dict, db) -> None:
    body = {"hazard": {"kind": "warning", "level": "orange", "event": "demo-typhoon", "at": PEAK}}
    response = storm_client.post("/api/analyses/evacuation", json=body)
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["assignments"] and plan["summary"]["shelters_inside_area"] > 0
    area = storm_client.post("/api/analyses/impact", json=body).json()
    inside = {s["id"] for s in area["shelters_inside"]}
    used = {row["shelter_id"] for row in plan["assignments"]}
    assert used and not used & inside
    free = dict(db.execute("SELECT id, capacity - occupancy FROM shelter").fetchall())
    for shelter, people in _sum_by(plan["assignments"], "shelter_id").items():
        assert people <= free[shelter]
    assert all(row["distance_km"] <= 10 for row in plan["assignments"])
    summary = plan["summary"]
    assert summary["assigned"] + summary["unassigned"] == summary["people"]
    assert {row["reason"] for row in plan["unassigned"]} <= {"no_shelter_in_reach", "capacity_exhausted"}
    assert len(plan["lines"]["features"]) == len(plan["assignments"])


def _sum_by(rows: list[dict], key: str) -> dict:
    totals: dict = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + row["people"]
    return totals

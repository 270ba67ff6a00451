"""Tiers in the database move with the facts, in the same transaction, and leave history."""

from __future__ import annotations

import psycopg
import pytest
from fastapi.testclient import TestClient


def pick_enterprise(conn: psycopg.Connection, where: str) -> int:
    row = conn.execute(f"SELECT id FROM enterprise WHERE {where} ORDER BY id LIMIT 1").fetchone()
    assert row, f"the demo has no enterprise where {where}"
    return row[0]


def test_every_demo_entity_has_a_tier_with_reasons(conn: psycopg.Connection) -> None:
    for table in ("enterprise", "geohazard", "flood_spot", "forest_zone"):
        untiered = conn.execute(f"SELECT count(*) FROM {table} WHERE tier IS NULL OR tier_reasons IS NULL").fetchone()[
            0
        ]
        assert untiered == 0, table
    towns = conn.execute("SELECT count(*), count(tier) FROM admin_area WHERE level = 'town'").fetchone()
    assert towns == (33, 33)


def test_reasons_explain_a_red_enterprise(conn: psycopg.Connection) -> None:
    reasons = conn.execute("SELECT tier_reasons FROM enterprise WHERE tier = 'red' ORDER BY id LIMIT 1").fetchone()[0]
    assert any(r["tier"] == "red" and r["message_zh"] and r["source"] for r in reasons)


def test_closing_a_major_hidden_danger_lowers_the_tier_and_writes_history(client: TestClient, demo_db: str) -> None:
    with psycopg.connect(demo_db, autocommit=True) as conn:
        enterprise_id = pick_enterprise(
            conn,
            "tier <> 'red' AND assessment_score >= 90 AND direct_red = '{}' AND NOT EXISTS "
            "(SELECT 1 FROM enterprise_unit u WHERE u.enterprise_id = enterprise.id) AND NOT EXISTS "
            "(SELECT 1 FROM hidden_danger h WHERE h.enterprise_id = enterprise.id AND h.status <> 'verified')",
        )
        before = conn.execute("SELECT tier FROM enterprise WHERE id = %s", (enterprise_id,)).fetchone()[0]
        danger_id = conn.execute(
            "INSERT INTO hidden_danger (enterprise_id, level, description, status, found_on, due_on) "
            "VALUES (%s, 'major', '重大隐患：储罐区可燃气体报警器失效', 'assigned', current_date, current_date + 30) "
            "RETURNING id",
            (enterprise_id,),
        ).fetchone()[0]

    from app.risk_db import retier_all

    retier_all(demo_db, cause="hidden danger opened")
    opened = client.get(f"/api/tiers/enterprise/{enterprise_id}").json()
    assert opened["tier"] == "red"
    assert any(r["rule"] == "enterprise.major_hidden_danger" for r in opened["reasons"])

    with psycopg.connect(demo_db, autocommit=True) as conn:
        conn.execute(
            "UPDATE hidden_danger SET status = 'verified', rectified_on = current_date, verified_on = current_date "
            "WHERE id = %s",
            (danger_id,),
        )
    retier_all(demo_db, cause="hidden danger verified")
    closed = client.get(f"/api/tiers/enterprise/{enterprise_id}").json()
    assert closed["tier"] == before
    assert [(h["old_tier"], h["new_tier"], h["cause"]) for h in closed["history"][:2]] == [
        ("red", before, "hidden danger verified"),
        (before, "red", "hidden danger opened"),
    ]


def test_a_score_edit_retiers_in_the_same_request(client: TestClient, demo_db: str, admin_headers: dict) -> None:
    with psycopg.connect(demo_db) as conn:
        enterprise_id = pick_enterprise(
            conn,
            "direct_red = '{}' AND tier = 'blue' AND NOT EXISTS "
            "(SELECT 1 FROM hidden_danger h WHERE h.enterprise_id = enterprise.id AND h.status <> 'verified') "
            "AND NOT EXISTS (SELECT 1 FROM enterprise_unit u WHERE u.enterprise_id = enterprise.id)",
        )
    assert client.patch(f"/api/enterprises/{enterprise_id}", json={"assessment_score": 59.5}).status_code == 401
    response = client.patch(f"/api/enterprises/{enterprise_id}", json={"assessment_score": 59.5}, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["tier"] == "red"
    history = client.get(f"/api/tiers/enterprise/{enterprise_id}").json()["history"]
    assert history[0]["new_tier"] == "red" and history[0]["cause"] == "edit: assessment_score"
    restored = client.patch(f"/api/enterprises/{enterprise_id}", json={"assessment_score": 95}, headers=admin_headers)
    assert restored.json()["tier"] == "blue"


def test_an_inventory_edit_creates_a_major_hazard(client: TestClient, demo_db: str, admin_headers: dict) -> None:
    with psycopg.connect(demo_db) as conn:
        enterprise_id = pick_enterprise(conn, "direct_red = '{}' AND tier = 'blue'")
    body = {"units": [{"name": "液氯储罐区", "chemicals": [{"name": "氯", "quantity_t": 400}]}]}
    response = client.put(f"/api/enterprises/{enterprise_id}/inventory", json=body, headers=admin_headers)
    assert response.status_code == 200, response.text
    assert response.json()["tier"] in ("orange", "red")
    assert any(r["rule"].startswith("gb18218") for r in response.json()["reasons"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"units": [{"chemicals": [{"name": "不存在的化学品", "quantity_t": 1}]}], "exposed_people": 5},
            "units[0].chemicals[0]",
        ),
        ({"units": [{"chemicals": [{"name": "氯", "quantity_t": -1}]}], "exposed_people": 5}, "quantity_t"),
        ({"units": [{"chemicals": [{"name": "氯"}]}], "exposed_people": 5}, "quantity_t"),
        ({"units": [{"chemicals": [{"name": "氯", "quantity_t": 1}]}]}, "exposed_people"),
    ],
)
def test_what_if_major_hazard_rejects_bad_input_naming_the_field(client: TestClient, body: dict, field: str) -> None:
    response = client.post("/api/risk/major-hazard", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.json()["field"]


def test_what_if_major_hazard_reproduces_the_exam_example(client: TestClient) -> None:
    body = {
        "units": [
            {
                "chemicals": [
                    {"name": "氯", "quantity_t": 8},
                    {"name": "液氨", "quantity_t": 30},
                ]
            }
        ],
        "exposed_people": 120,
    }
    unit = client.post("/api/risk/major-hazard", json=body).json()["units"][0]
    assert (unit["s"], unit["r"], unit["grade"], unit["alpha"]) == (4.6, 24.8, "三级", 2.0)


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/api/risk/enterprise-score", {"score": 75}, "yellow"),
        ("/api/risk/enterprise-score", {"score": 95, "direct_red": {"larger_accidents_3y": 2}}, "red"),
        ("/api/risk/geohazard", {"threatened_people": 100, "potential_loss_wan": 0}, "yellow"),
        ("/api/risk/geohazard", {"threatened_people": 10, "potential_loss_wan": 10000}, "red"),
    ],
)
def test_what_if_tiers(client: TestClient, path: str, body: dict, expected: str) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["tier"] == expected


def test_what_if_rainfall_warning(client: TestClient) -> None:
    body = {"acc_1h": 40, "acc_3h": 100, "acc_6h": 120, "acc_12h": 130}
    assert client.post("/api/risk/rainfall-warning", json=body).json()["level"] == "red"
    missing = client.post("/api/risk/rainfall-warning", json={"acc_1h": 1})
    assert missing.status_code == 422 and missing.json()["field"] == "acc_3h"


def test_unknown_entity_is_404(client: TestClient) -> None:
    assert client.get("/api/tiers/enterprise/999999999").status_code == 404
    assert client.get("/api/tiers/planet/1").status_code == 422

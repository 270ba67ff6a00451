"""临灾叫应: ordered by warning level then tier, exported, and every confirmation recorded and shown."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.storm.conftest import PEAK

LEVEL_RANK = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}
TIER_RANK = {"red": 0, "orange": 1, "yellow": 2, "blue": 3, None: 4}
PARAMS = {"event": "demo-typhoon", "at": PEAK}


def test_the_list_is_ordered_by_level_then_tier(storm_client: TestClient, typhoon: dict) -> None:
    body = storm_client.get("/api/storm/callout", params=PARAMS | {"limit": 10_000}).json()
    items = body["items"]
    assert body["summary"]["total"] == len(items) > 0
    keys = [(LEVEL_RANK[i["warning_level"]], TIER_RANK[i["tier"]]) for i in items]
    assert keys == sorted(keys)
    assert {i["entity_type"] for i in items} == {"flood_spot", "geohazard", "enterprise"}
    assert {i["warning_level"] for i in items} == set(LEVEL_RANK)


def test_a_confirmation_is_recorded_once_and_shown(storm_client: TestClient, auth: dict, typhoon: dict) -> None:
    first = storm_client.get("/api/storm/callout", params=PARAMS | {"pending": True, "limit": 1}).json()
    target = first["items"][0]
    ack = {"entity_type": target["entity_type"], "entity_id": target["id"], "acknowledged_by": "张三（值班）"}
    assert storm_client.post("/api/storm/callout/ack", params=PARAMS, json=ack).status_code == 401
    created = storm_client.post("/api/storm/callout/ack", params=PARAMS, json=ack, headers=auth["commander"])
    assert created.status_code == 201 and created.json()["warning_level"] == target["warning_level"]
    again = storm_client.post(
        "/api/storm/callout/ack", params=PARAMS, json=ack | {"acknowledged_by": "李四"}, headers=auth["commander"]
    )
    assert again.status_code == 200 and again.json()["acknowledged_by"] == "张三（值班）"

    after = storm_client.get("/api/storm/callout", params=PARAMS | {"limit": 10_000}).json()
    row = next(i for i in after["items"] if (i["entity_type"], i["id"]) == (target["entity_type"], target["id"]))
    assert row["acknowledged"] and row["acknowledged_by"] == "张三（值班）" and row["acknowledged_at"]
    assert after["summary"]["acknowledged"] == first["summary"]["acknowledged"] + 1
    pending = storm_client.get("/api/storm/callout", params=PARAMS | {"pending": True, "limit": 10_000}).json()
    assert (target["entity_type"], target["id"]) not in {(i["entity_type"], i["id"]) for i in pending["items"]}


def test_nothing_to_confirm_outside_a_warning_area(storm_client: TestClient, auth: dict, db) -> None:
    quiet = "2018-09-15T21:00:00+08:00"  # the storm's first hour: no warning anywhere yet
    spot = db.execute("SELECT min(id) FROM flood_spot").fetchone()[0]
    ack = {"entity_type": "flood_spot", "entity_id": spot, "acknowledged_by": "王五"}
    response = storm_client.post(
        "/api/storm/callout/ack", params={"event": "demo-typhoon", "at": quiet}, json=ack, headers=auth["commander"]
    )
    assert response.status_code == 409


def test_exports_carry_the_same_rows(storm_client: TestClient, typhoon: dict) -> None:
    total = storm_client.get("/api/storm/callout", params=PARAMS).json()["summary"]["total"]
    csv = storm_client.get("/api/storm/callout", params=PARAMS | {"format": "csv"})
    assert csv.status_code == 200 and csv.content.startswith("\ufeff预警等级".encode())
    assert len(csv.content.decode("utf-8-sig").strip().splitlines()) == total + 1
    xlsx = storm_client.get("/api/storm/callout", params=PARAMS | {"format": "xlsx", "lang": "en"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == total + 1 and sheet["A1"].value == "Warning level"

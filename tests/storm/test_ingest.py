"""Rain observations in: every impossible row is refused with its reason, all or nothing unless partial."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import psycopg
import pytest
from fastapi.testclient import TestClient

from app.storm.ingest import validate

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=8)))
GAUGES = {"DG001": 1, "DG002": 2}
GOOD = {"gauge_code": "DG001", "observed_at": "2026-06-01T11:00:00+08:00", "rain_mm": 12.5}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"rain_mm": -0.1}, "negative"),
        ({"rain_mm": 300.1}, "above_max"),
        ({"rain_mm": "lots"}, "bad_number"),
        ({"rain_mm": "NaN"}, "bad_number"),
        ({"rain_mm": True}, "bad_number"),
        ({"gauge_code": "XX999"}, "unknown_gauge"),
        ({"observed_at": "2026-06-01T14:00:00+08:00"}, "future"),
        ({"observed_at": "2026-06-01T11:30:00+08:00"}, "not_on_the_hour"),
        ({"observed_at": "yesterday"}, "bad_timestamp"),
        ({"rain_mm": None}, "missing_field"),
        ({"gauge_code": ""}, "missing_field"),
    ],
)
def test_an_impossible_row_is_rejected_with_its_reason(change: dict, reason: str) -> None:
    batch = validate([GOOD | change], GAUGES, now=NOW)
    assert not batch.accepted
    assert [r["code"] for r in batch.rejected[0]["reasons"]] == [reason]
    assert batch.rejected[0]["row"] == 1


@pytest.mark.parametrize("amount", [0, 300, "7.5"])
def test_the_limits_themselves_are_accepted(amount: object) -> None:
    assert len(validate([GOOD | {"rain_mm": amount}], GAUGES, now=NOW).accepted) == 1


def test_a_row_collects_every_problem_and_rows_are_numbered() -> None:
    rows = [GOOD, {"gauge_code": "XX", "observed_at": "2030-01-01T00:00:00", "rain_mm": -1}, "not a row", GOOD]
    batch = validate(rows, GAUGES, now=NOW)
    assert len(batch.accepted) == 1
    reasons = {r["row"]: [p["code"] for p in r["reasons"]] for r in batch.rejected}
    assert reasons == {2: ["unknown_gauge", "future", "negative"], 3: ["not_an_object"], 4: ["duplicate"]}


def test_a_time_without_offset_is_beijing_time() -> None:
    ((_, stamp, _),) = validate([GOOD | {"observed_at": "2026-06-01 11:00"}], GAUGES, now=NOW).accepted
    assert stamp == datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def _count(db: psycopg.Connection, event: str) -> int:
    return db.execute("SELECT count(*) FROM rain_observation WHERE event = %s", (event,)).fetchone()[0]


def test_a_bad_batch_stores_nothing_unless_partial(
    storm_client: TestClient, auth: dict, db: psycopg.Connection
) -> None:
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    rows = [
        {"gauge_code": "DG001", "observed_at": hour.isoformat(), "rain_mm": 4.2},
        {"gauge_code": "DG002", "observed_at": hour.isoformat(), "rain_mm": 999},
    ]
    refused = storm_client.post("/api/storm/observations?event=test-batch", json=rows, headers=auth["commander"])
    assert refused.status_code == 400 and refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["rejected"][0]["reasons"][0]["code"] == "above_max"
    assert _count(db, "test-batch") == 0

    kept = storm_client.post(
        "/api/storm/observations?event=test-batch&partial=true", json=rows, headers=auth["commander"]
    )
    assert kept.status_code == 200, kept.text
    assert kept.json()["accepted"] == 1 and kept.json()["rejected"][0]["row"] == 2
    assert _count(db, "test-batch") == 1


def test_csv_upload_with_a_bom(storm_client: TestClient, auth: dict, db: psycopg.Connection) -> None:
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    text = f"gauge_code,observed_at,rain_mm\nDG003,{hour.isoformat()},1.5\nDG004,{hour.isoformat()},0\n"
    response = storm_client.post(
        "/api/storm/observations/csv?event=test-csv",
        files={"file": ("rain.csv", text.encode("utf-8-sig"), "text/csv")},
        headers=auth["commander"],
    )
    assert response.status_code == 200, response.text
    assert _count(db, "test-csv") == 2


def test_a_csv_without_the_columns_is_refused(storm_client: TestClient, auth: dict) -> None:
    response = storm_client.post(
        "/api/storm/observations/csv",
        files={"file": ("rain.csv", b"code,time,mm\n", "text/csv")},
        headers=auth["commander"],
    )
    assert response.status_code == 400 and "gauge_code" in response.json()["detail"]


def test_only_the_duty_room_sends_rain(storm_client: TestClient, auth: dict) -> None:
    assert storm_client.post("/api/storm/observations", json=[GOOD]).status_code == 401
    assert storm_client.post("/api/storm/observations", json=[GOOD], headers=auth["viewer"]).status_code == 403

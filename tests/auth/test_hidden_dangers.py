"""隐患闭环: report with a photo → assign → rectify → verify (or reject), with role, scope, state and due-date rules;
every step re-tiers the enterprise through app.risk_db."""

from __future__ import annotations

from datetime import date, timedelta

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.auth.conftest import CHANGAN, HUMEN

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0" + bytes(64)


@pytest.fixture
def changan_enterprise(db: psycopg.Connection) -> int:
    return db.execute(
        "SELECT id FROM enterprise WHERE town_code = %s AND NOT EXISTS "
        "(SELECT 1 FROM hidden_danger h WHERE h.enterprise_id = enterprise.id) ORDER BY id LIMIT 1",
        (CHANGAN,),
    ).fetchone()[0]


def report(client: TestClient, headers: dict, enterprise_id: int, *, level="major", photo=("p.png", PNG), **extra):
    fields = {"enterprise_id": str(enterprise_id), "level": level, "description": "消防通道堵塞",
              "due_on": (date.today() + timedelta(days=30)).isoformat(), **extra}  # fmt: skip
    files = {"photo": (photo[0], photo[1], "image/png")} if photo else None
    if files is None:  # multipart even without a photo
        files = {"_": ("", b"", "application/octet-stream")}
    return client.post("/api/hidden-dangers", data=fields, files=files, headers=headers)


def tier(db: psycopg.Connection, enterprise_id: int) -> str:
    return db.execute("SELECT tier FROM enterprise WHERE id = %s", (enterprise_id,)).fetchone()[0]


def test_the_closed_loop_moves_the_tier_and_keeps_every_step(
    people_client: TestClient, tokens: dict, db: psycopg.Connection, changan_enterprise: int
) -> None:
    inspector = tokens["inspector"]
    before = tier(db, changan_enterprise)
    reported = report(people_client, inspector, changan_enterprise)
    assert reported.status_code == 201, reported.text
    danger = reported.json()
    assert danger["status"] == "reported" and danger["has_photo"] and danger["reported_by"] == "inspector-changan"
    assert tier(db, changan_enterprise) == "red"  # an open 重大隐患 makes the enterprise red (app.risk)
    history = db.execute(
        "SELECT cause FROM tier_history WHERE entity_type = 'enterprise' AND entity_id = %s ORDER BY id DESC",
        (changan_enterprise,),
    ).fetchone()
    if before != "red":
        assert history[0] == f"hidden danger {danger['id']} reported"

    photo = people_client.get(f"/api/hidden-dangers/{danger['id']}/photo", headers=inspector)
    assert photo.content == PNG and photo.headers["content-type"] == "image/png"
    assert photo.headers["x-content-type-options"] == "nosniff"

    step = f"/api/hidden-dangers/{danger['id']}"
    assert people_client.post(f"{step}/verify", json={"passed": True}, headers=inspector).status_code == 409
    assigned = people_client.post(f"{step}/assign", json={"assignee": "企业安全员 李工"}, headers=tokens["commander"])
    assert assigned.json()["status"] == "assigned"
    after_photo = {"photo": ("r.jpg", JPEG, "image/jpeg")}
    rectified = people_client.post(f"{step}/rectify", data={"note": "已清理通道"}, files=after_photo, headers=inspector)
    assert rectified.json()["status"] == "rectified", rectified.text
    rejected = people_client.post(f"{step}/verify", json={"passed": False, "note": "仍有杂物"}, headers=inspector)
    assert rejected.json()["status"] == "assigned" and rejected.json()["rectified_on"] is None
    people_client.post(f"{step}/rectify", data={"note": "复查前再次清理"}, headers=inspector, files={"_": ("", b"")})
    closed = people_client.post(f"{step}/verify", json={"passed": True}, headers=inspector).json()
    assert closed["status"] == "verified" and closed["verified_on"] == date.today().isoformat()
    assert [e["action"] for e in closed["events"]] == ["report", "assign", "rectify", "reject", "rectify", "verify"]
    assert [e["actor"] for e in closed["events"]][:2] == ["inspector-changan", "commander"]
    event_photo = next(e for e in closed["events"] if e["has_photo"] and e["action"] == "rectify")
    fetched = people_client.get(f"{step}/photo?event_id={event_photo['id']}", headers=inspector)
    assert fetched.content == JPEG
    assert tier(db, changan_enterprise) == before  # closed: back to what it was


def test_an_inspector_cannot_report_outside_the_towns(
    people_client: TestClient, tokens: dict, db: psycopg.Connection, people_settings
) -> None:
    humen = db.execute("SELECT min(id) FROM enterprise WHERE town_code = %s", (HUMEN,)).fetchone()[0]
    photos = people_settings.data_dir / "uploads" / "hidden_dangers"
    kept = set(photos.glob("*")) if photos.exists() else set()
    response = report(people_client, tokens["inspector"], humen)
    assert response.status_code == 404
    assert set(photos.glob("*")) == kept  # the refused report's photo is not kept
    assert report(people_client, tokens["commander"], humen, photo=None).status_code == 201


@pytest.mark.parametrize(
    ("photo", "status"),
    [
        (("evil.png", b"<html><script>alert(1)</script></html>"), 422),  # named .png, is HTML
        (("big.jpg", JPEG + bytes(11 * 2**20)), 413),
    ],
)
def test_photos_are_sniffed_and_capped(
    people_client: TestClient, tokens: dict, changan_enterprise: int, photo: tuple, status: int
) -> None:
    response = report(people_client, tokens["inspector"], changan_enterprise, photo=photo)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_bad_fields_and_dates_are_refused(people_client: TestClient, tokens: dict, changan_enterprise: int) -> None:
    bad_level = report(people_client, tokens["inspector"], changan_enterprise, level="catastrophic", photo=None)
    assert bad_level.status_code == 422 and bad_level.json()["field"] == "level"
    early = report(
        people_client, tokens["inspector"], changan_enterprise, photo=None,
        found_on=date.today().isoformat(), due_on=(date.today() - timedelta(days=1)).isoformat(),
    )  # fmt: skip
    assert early.status_code == 422 and early.json()["field"] == "due_on"


def test_overdue_list_per_town(people_client: TestClient, tokens: dict, db: psycopg.Connection) -> None:
    admin = people_client.get("/api/hidden-dangers/overdue", headers=tokens["admin"]).json()
    expected = db.execute(
        "SELECT e.town_code, count(*) FROM hidden_danger h JOIN enterprise e ON e.id = h.enterprise_id "
        "WHERE h.status <> 'verified' AND h.due_on < current_date GROUP BY 1"
    ).fetchall()
    assert {t["town_code"]: t["overdue"] for t in admin["towns"]} == dict(expected)
    inspector = people_client.get("/api/hidden-dangers/overdue", headers=tokens["inspector"]).json()
    assert {t["town_code"] for t in inspector["towns"]} <= {CHANGAN}
    items = inspector["towns"][0]["items"] if inspector["towns"] else []
    assert all(item["days_overdue"] > 0 for item in items)
    listed = people_client.get("/api/hidden-dangers?overdue=true&limit=1000", headers=tokens["inspector"]).json()
    assert len(listed["items"]) == sum(t["overdue"] for t in inspector["towns"])

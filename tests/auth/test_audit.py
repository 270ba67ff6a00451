"""Every change is in the audit log with who, what and the values before and after; the log cannot be edited."""

from __future__ import annotations

import psycopg
import pytest
from fastapi.testclient import TestClient


def latest(db: psycopg.Connection, table: str, row_id: object) -> tuple:
    return db.execute(
        "SELECT actor, action, before, after FROM audit_log WHERE table_name = %s AND row_id = %s ORDER BY id DESC",
        (table, str(row_id)),
    ).fetchone()


def test_an_api_edit_is_logged_with_the_user_and_only_what_changed(
    people_client: TestClient, tokens: dict, db: psycopg.Connection
) -> None:
    enterprise_id, score = db.execute(
        "SELECT id, assessment_score FROM enterprise WHERE town_code = '441900119' AND assessment_score < 90 LIMIT 1"
    ).fetchone()
    response = people_client.patch(
        f"/api/enterprises/{enterprise_id}", json={"assessment_score": 91.5}, headers=tokens["inspector"]
    )
    assert response.status_code == 200, response.text
    actor, action, before, after = db.execute(
        "SELECT actor, action, before, after FROM audit_log WHERE table_name = 'enterprise' AND row_id = %s "
        "AND after ? 'assessment_score' ORDER BY id DESC",
        (str(enterprise_id),),
    ).fetchone()
    assert (actor, action) == ("inspector-changan", "update")
    assert before["assessment_score"] == score and after["assessment_score"] == 91.5
    assert "name" not in after and "geom" not in after  # unchanged columns are not repeated


def test_sql_outside_the_app_is_logged_too(db: psycopg.Connection) -> None:
    row_id = db.execute(
        "INSERT INTO depot (name, level, geom) VALUES ('审计测试库', 'town', ST_Point(113.75, 22.8, 4326)) RETURNING id"
    ).fetchone()[0]
    db.execute("DELETE FROM depot WHERE id = %s", (row_id,))
    rows = db.execute(
        "SELECT actor, action, before IS NULL, after->'geom'->>'type' FROM audit_log "
        "WHERE table_name = 'depot' AND row_id = %s ORDER BY id",
        (str(row_id),),
    ).fetchall()
    assert [r[1] for r in rows] == ["insert", "delete"]
    assert rows[0][0].startswith("db:") and rows[0][2] is True and rows[0][3] == "Point"


def test_passwords_are_logged_as_changed_never_as_hashes(
    people_client: TestClient, tokens: dict, db: psycopg.Connection
) -> None:
    user_id = db.execute("SELECT id FROM app_user WHERE username = 'viewer'").fetchone()[0]
    people_client.post(f"/api/users/{user_id}/password", json={"password": "demo-viewer"}, headers=tokens["admin"])
    actor, action, before, after = latest(db, "app_user", user_id)
    assert (actor, action) == ("admin", "update")
    assert after["password_hash"] == "(changed)" and "argon2" not in str(before) + str(after)
    inserted = db.execute(
        "SELECT after FROM audit_log WHERE table_name = 'app_user' AND action = 'insert' LIMIT 1"
    ).fetchone()[0]
    assert "password_hash" not in inserted


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log", "TRUNCATE audit_log"],
)
def test_the_log_is_append_only_even_for_the_owner(db: psycopg.Connection, statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        db.execute(statement)


def test_the_app_role_may_only_read_the_log(db: psycopg.Connection) -> None:
    with db.transaction():
        db.execute("SET LOCAL ROLE twomaps_app")
        assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            db.execute("INSERT INTO audit_log (actor, action, table_name) VALUES ('x', 'insert', 'x')")


def test_admins_read_the_log_page_by_page(people_client: TestClient, tokens: dict) -> None:
    first = people_client.get("/api/audit?limit=3", headers=tokens["admin"]).json()
    assert len(first["entries"]) == 3
    second = people_client.get(f"/api/audit?limit=3&before_id={first['next_before_id']}", headers=tokens["admin"])
    assert max(e["id"] for e in second.json()["entries"]) < min(e["id"] for e in first["entries"])
    filtered = people_client.get("/api/audit?table=app_user", headers=tokens["admin"]).json()["entries"]
    assert filtered and {e["table_name"] for e in filtered} == {"app_user"}

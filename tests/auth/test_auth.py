"""Logging in, cookies and tokens, roles on writes, the production rules, and the scoped connection's reset."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.auth.roles import Role
from app.auth.scope import ScopedPool
from app.auth.users import CurrentUser
from app.db.pool import create_pool
from app.settings import Settings
from tests.auth.conftest import CHANGAN, HUMEN


def cookie_header(response) -> str:
    return response.headers["set-cookie"].lower()


@contextmanager
def on_loopback(client: TestClient) -> Iterator[TestClient]:
    """The same client (and event loop, which the pool is bound to) addressing 127.0.0.1, with its own cookies."""
    client.base_url, client.cookies = "http://127.0.0.1", httpx.Cookies()
    try:
        yield client
    finally:
        client.base_url, client.cookies = "http://testserver", httpx.Cookies()


def test_login_sets_a_signed_httponly_strict_cookie(people_client: TestClient) -> None:
    response = people_client.post("/api/auth/login", json={"username": "planner", "password": "demo-planner"})
    assert response.status_code == 200
    assert response.json()["role"] == "planner"
    header = cookie_header(response)
    assert "httponly" in header and "samesite=strict" in header
    assert "secure" in header  # the test client's host is not loopback
    assert "demo-planner" not in header and "planner" not in header.split(";")[0]
    people_client.cookies.clear()


def test_the_cookie_is_not_secure_on_loopback(people_client: TestClient) -> None:
    with on_loopback(people_client) as loopback:
        response = loopback.post("/api/auth/login", json={"username": "viewer", "password": "demo-viewer"})
        assert "secure" not in cookie_header(response)
        assert loopback.get("/api/auth/me").json()["username"] == "viewer"


def test_wrong_password_and_unknown_user_look_the_same(people_client: TestClient) -> None:
    wrong = people_client.post("/api/auth/login", json={"username": "admin", "password": "nope-nope-nope"})
    unknown = people_client.post("/api/auth/login", json={"username": "nobody", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.headers["content-type"] == "application/problem+json"


def test_a_forged_or_bad_token_is_refused(people_client: TestClient) -> None:
    assert people_client.get("/api/auth/me", headers={"Authorization": "Bearer tm_forged"}).status_code == 401
    assert people_client.get("/api/auth/me", headers={"Authorization": "Basic abc"}).status_code == 401
    people_client.cookies.set("twomaps_session", "forged.cookie.value")
    assert people_client.get("/api/auth/me").json()["anonymous"] is True  # outside production: anonymous
    people_client.cookies.clear()


def test_anonymous_reads_but_never_writes_outside_production(people_client: TestClient) -> None:
    assert people_client.get("/collections/enterprises/items?limit=1").status_code == 200
    assert people_client.get("/api/auth/me").json() == {
        "id": None, "username": "anonymous", "role": "viewer", "role_label": {"zh": "只读", "en": "Viewer"},
        "towns": [], "anonymous": True,
    }  # fmt: skip
    assert people_client.post("/api/hidden-dangers/1/verify", json={"passed": True}).status_code == 401
    assert people_client.post("/api/imports?layer=enterprises").status_code == 401


@pytest.mark.parametrize(
    ("account", "method", "path", "body"),
    [
        ("viewer", "post", "/api/hidden-dangers/1/assign", {"assignee": "x"}),
        ("planner", "post", "/api/hidden-dangers/1/verify", {"passed": True}),
        ("inspector", "get", "/api/imports/layers", None),
        ("commander", "get", "/api/users", None),
        ("planner", "get", "/api/audit", None),
    ],
)
def test_roles_gate_writes_and_admin_pages(
    people_client: TestClient, tokens: dict, account: str, method: str, path: str, body: dict | None
) -> None:
    response = people_client.request(method, path, json=body, headers=tokens[account])
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_viewer_cannot_write_and_neither_can_their_connection(
    people_client: TestClient, tokens: dict, people_db: str, db
) -> None:
    """Defence in depth: the endpoint's role check refuses a viewer, and below it the connection is read-only, so an
    endpoint that forgot its check still could not write."""
    enterprise_id = db.execute("SELECT min(id) FROM enterprise").fetchone()[0]
    response = people_client.patch(
        f"/api/enterprises/{enterprise_id}", json={"assessment_score": 50}, headers=tokens["viewer"]
    )
    assert response.status_code == 403 and "viewer" in response.json()["detail"]

    async def write_as_viewer() -> None:
        pool = await create_pool(people_db, min_size=1, max_size=1)
        try:
            viewer = CurrentUser(99, "viewer", Role.viewer, ())
            async with ScopedPool(pool, viewer).acquire() as conn:
                await conn.execute("UPDATE enterprise SET assessment_score = 50 WHERE id = $1", enterprise_id)
        finally:
            await pool.close()

    with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
        asyncio.run(write_as_viewer())


def test_an_inspector_cannot_write_outside_the_towns(people_client: TestClient, tokens: dict, db) -> None:
    humen = db.execute("SELECT min(id) FROM enterprise WHERE town_code = %s", (HUMEN,)).fetchone()[0]
    response = people_client.patch(
        f"/api/enterprises/{humen}", json={"assessment_score": 50}, headers=tokens["inspector"]
    )
    assert response.status_code == 404  # not even there, for the inspector
    assert db.execute("SELECT assessment_score FROM enterprise WHERE id = %s", (humen,)).fetchone()[0] != 50


def test_the_scoped_connection_is_reset_before_reuse(people_settings: Settings, people_db: str) -> None:
    async def check() -> tuple:
        pool = await create_pool(people_db, min_size=1, max_size=1)
        try:
            inspector = CurrentUser(7, "inspector-changan", Role.inspector, (CHANGAN,))
            async with ScopedPool(pool, inspector).acquire() as conn:
                inside = await conn.fetchrow(
                    "SELECT current_user, current_setting('twomaps.town_scope'), current_setting('twomaps.user')"
                )
            async with pool.acquire() as conn:  # the same, only connection, back from the pool
                after = await conn.fetchrow(
                    "SELECT current_user, current_setting('twomaps.town_scope', true), "
                    "current_setting('twomaps.user', true), current_setting('default_transaction_read_only')"
                )
            return tuple(inside), tuple(after)
        finally:
            await pool.close()

    inside, after = asyncio.run(check())
    assert inside == ("twomaps_app", CHANGAN, "inspector-changan")
    assert after[0] != "twomaps_app" and after[1:] == ("", "", "off")


def test_admin_manages_users_and_a_reset_ends_sessions(people_client: TestClient, tokens: dict) -> None:
    admin = tokens["admin"]
    created = people_client.post(
        "/api/users",
        json={"username": "zhang.san", "password": "a-long-password", "role": "inspector", "towns": [HUMEN]},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    with on_loopback(people_client) as client:
        assert client.post("/api/auth/login", json={"username": "zhang.san", "password": "a-long-password"}).is_success
        assert client.get("/api/auth/me").json()["towns"] == [HUMEN]
        moved = client.patch(f"/api/users/{user_id}", json={"towns": [CHANGAN, HUMEN]}, headers=admin)
        assert moved.json()["towns"] == [CHANGAN, HUMEN]
        reset = client.post(f"/api/users/{user_id}/password", json={"password": "another-long-one"}, headers=admin)
        assert reset.status_code == 200
        assert client.get("/api/auth/me").json()["anonymous"] is True  # the old cookie no longer counts
        disabled = client.patch(f"/api/users/{user_id}", json={"disabled": True}, headers=admin)
        assert disabled.json()["disabled"] is True
        again = client.post("/api/auth/login", json={"username": "zhang.san", "password": "another-long-one"})
        assert again.status_code == 401


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "x1", "password": "short", "role": "viewer"}, "password"),
        ({"username": "li.si", "password": "a-long-password", "role": "inspector"}, "username"),
        ({"username": "li.si", "password": "a-long-password", "role": "viewer", "towns": ["999"]}, "towns"),
        ({"username": "Robert'); DROP", "password": "a-long-password", "role": "viewer"}, "username"),
        ({"username": "admin", "password": "a-long-password", "role": "viewer"}, "username"),
    ],
)
def test_bad_users_are_refused_clearly(people_client: TestClient, tokens: dict, payload: dict, field: str) -> None:
    response = people_client.post("/api/users", json=payload, headers=tokens["admin"])
    assert response.status_code in (409, 422), response.text
    assert response.json()["field"] == field


@pytest.fixture
def production_settings(people_settings: Settings) -> Settings:
    return people_settings.model_copy(update={"env": "production", "secret_key": "a-real-production-secret-0123"})


def test_production_refuses_to_start_with_demo_passwords(production_settings: Settings) -> None:
    from app.main import create_app

    with pytest.raises(RuntimeError, match="demo passwords"), TestClient(create_app(production_settings)):
        pass


@pytest.fixture
def production_client(production_settings: Settings, db) -> Iterator[TestClient]:
    """Production with the demo accounts disabled (else it would not start)."""
    from app.main import create_app

    db.execute("UPDATE app_user SET disabled = true WHERE password_is_default")
    try:
        with TestClient(create_app(production_settings), follow_redirects=False) as client:
            yield client
    finally:
        db.execute("UPDATE app_user SET disabled = false WHERE password_is_default")


def test_production_requires_login(production_client: TestClient) -> None:
    assert production_client.get("/collections/enterprises/items").status_code == 401
    assert production_client.get("/api/hidden-dangers").status_code == 401
    page = production_client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"].startswith("/static/login.html?next=")
    assert production_client.get("/static/admin.html").status_code == 303
    assert production_client.get("/static/login.html").status_code == 200
    assert production_client.get("/health").status_code == 200


def test_production_refuses_demo_passwords_for_new_users(production_client: TestClient, db) -> None:
    db.execute("UPDATE app_user SET disabled = false WHERE username = 'admin'")
    try:
        token = production_client.post("/api/auth/tokens", json={"username": "admin", "password": "demo-admin"})
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        response = production_client.post(
            "/api/users", json={"username": "wang", "password": "demo-viewer", "role": "viewer"}, headers=headers
        )
        assert response.status_code == 422
        assert "demo password" in response.json()["detail"]
    finally:
        db.execute("UPDATE app_user SET disabled = true WHERE username = 'admin'")


def test_cli_refuses_demo_accounts_in_production(people_settings: Settings) -> None:
    from app.cli import cli

    env = {"TWOMAPS_ENV": "production", "TWOMAPS_SECRET_KEY": "a-real-production-secret-0123",
           "TWOMAPS_DATABASE_URL": people_settings.dsn}  # fmt: skip
    result = CliRunner().invoke(cli, ["users", "demo"], env=env)
    assert result.exit_code == 1
    assert "production refuses" in result.output


def test_a_scoped_pool_refuses_a_pool_that_would_not_drop_the_role(people_db: str) -> None:
    async def wrap_plain_pool() -> None:
        pool = await asyncpg.create_pool(people_db, min_size=1, max_size=1)
        try:
            ScopedPool(pool, CurrentUser(7, "inspector-changan", Role.inspector, (CHANGAN,)))
        finally:
            await pool.close()

    with pytest.raises(TypeError, match="reset drops the user's role"):
        asyncio.run(wrap_plain_pool())

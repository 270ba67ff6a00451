"""A database of our own for people, scope, audit, hidden dangers and imports: these tests write (hidden-danger
steps, imports, users), and other suites count the shared demo's rows. A small demo with the demo accounts,
its own app and client, and bearer tokens for each account.

tests/imports imports these fixtures too; pytest then holds two definitions of each, so the session-wide ones keep
what they made in SHARED and the second definition reuses it instead of making (and dropping) it again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from app.auth.cli import with_connection
from app.auth.passwords import DEMO_PASSWORDS
from app.auth.users import ensure_demo_accounts
from app.db.admin import drop_database, ensure_database
from app.db.migrate import upgrade
from app.settings import Settings

PEOPLE_DB = f"twomaps_test_people_{os.getpid()}"
PEOPLE_DEMO_SIZE = 3000
CHANGAN, HUMEN = "441900119", "441900121"  # 长安镇, 虎门镇
SHARED: dict[str, object] = {}


@pytest.fixture(scope="session")
def people_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The same server by URL, so that uploads (photos, import files) go to a scratch data_dir."""
    if "settings" not in SHARED:
        SHARED["settings"] = Settings(
            database_url=settings.dsn_for(PEOPLE_DB), db_name=PEOPLE_DB, env="test",
            data_dir=tmp_path_factory.mktemp("data"),
        )  # fmt: skip
    return SHARED["settings"]  # type: ignore[return-value]


@pytest.fixture(scope="session")
def people_db(settings: Settings, people_settings: Settings) -> Iterator[str]:
    """Migrated, a 3,000-enterprise demo, tiered, with the demo accounts; dropped at the end."""
    from app.risk_db import retier_all
    from geodata.load import load_demo

    if "db" in SHARED:
        yield SHARED["db"]  # type: ignore[misc]
        return
    drop_database(settings, PEOPLE_DB)
    url = ensure_database(settings, PEOPLE_DB)
    upgrade(url)
    load_demo(url, size=PEOPLE_DEMO_SIZE, seed=Settings().demo_seed)
    retier_all(url, cause="test people load")
    with_connection(people_settings, ensure_demo_accounts)
    SHARED["db"] = url
    yield url
    drop_database(settings, PEOPLE_DB)


@pytest.fixture(scope="session")
def people_client(people_settings: Settings, people_db: str) -> Iterator[TestClient]:
    from app.main import create_app

    if "client" in SHARED:
        yield SHARED["client"]  # type: ignore[misc]
        return
    with TestClient(create_app(people_settings)) as test_client:
        SHARED["client"] = test_client
        yield test_client


@pytest.fixture(scope="session")
def tokens(people_client: TestClient) -> dict[str, dict[str, str]]:
    """Authorization headers per demo account (and per role name, for readability)."""
    headers = {}
    for username, password in DEMO_PASSWORDS.items():
        response = people_client.post("/api/auth/tokens", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        headers[username] = {"Authorization": f"Bearer {response.json()['token']}"}
    headers["inspector"] = headers["inspector-changan"]
    return headers


@pytest.fixture
def db(people_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(people_db, autocommit=True) as connection:
        yield connection

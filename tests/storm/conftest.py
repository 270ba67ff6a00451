"""A database of our own for storm operations: these tests write observations, warning levels, live tiers and
call-out confirmations, which other suites must not see. A small demo with the demo accounts and the demo typhoon."""

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

STORM_DB = f"twomaps_test_storm_{os.getpid()}"
STORM_DEMO_SIZE = 3000
PEAK = "2018-09-17T07:00:00+08:00"  # an hour of the demo typhoon with every warning level somewhere


@pytest.fixture(scope="session")
def storm_settings(settings: Settings) -> Settings:
    return Settings(database_url=settings.dsn_for(STORM_DB), db_name=STORM_DB, env="test")


@pytest.fixture(scope="session")
def storm_db(settings: Settings, storm_settings: Settings) -> Iterator[str]:
    from app.risk_db import retier_all
    from geodata.load import load_demo

    drop_database(settings, STORM_DB)
    url = ensure_database(settings, STORM_DB)
    upgrade(url)
    load_demo(url, size=STORM_DEMO_SIZE, seed=Settings().demo_seed)
    retier_all(url, cause="test storm load")
    with_connection(storm_settings, ensure_demo_accounts)
    yield url
    drop_database(settings, STORM_DB)


@pytest.fixture(scope="session")
def storm_client(storm_settings: Settings, storm_db: str) -> Iterator[TestClient]:
    from app.main import create_app

    with TestClient(create_app(storm_settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def auth(storm_client: TestClient) -> dict[str, dict[str, str]]:
    """Authorization headers of the commander (who may ingest) and the viewer (who may not)."""
    headers = {}
    for username in ("commander", "viewer"):
        response = storm_client.post(
            "/api/auth/tokens", json={"username": username, "password": DEMO_PASSWORDS[username]}
        )
        assert response.status_code == 200, response.text
        headers[username] = {"Authorization": f"Bearer {response.json()['token']}"}
    return headers


@pytest.fixture(scope="session")
def typhoon(storm_client: TestClient, auth: dict[str, dict[str, str]]) -> dict:
    """The demo typhoon loaded once; its live warning levels are those of its last hour."""
    response = storm_client.post("/api/storm/demo", headers=auth["commander"])
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def db(storm_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(storm_db, autocommit=True) as connection:
        yield connection

"""Fixtures over the real PostGIS: a separate test database, migrated and loaded with the demo once per session.

A skipped test fails the run (a skipped database test would hide a failure).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from app.db.admin import drop_database, ensure_database
from app.db.migrate import upgrade
from app.settings import Settings

# One database per pytest process, so that parallel runs on one machine never share (or drop) each other's data.
TEST_DB = f"twomaps_test_{os.getpid()}"
TEST_DEMO_SIZE = 20_000


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(db_name=TEST_DB, env="test")


@pytest.fixture(scope="session")
def empty_db(settings: Settings) -> Iterator[str]:
    """A freshly created, migrated test database with no data; dropped at the end of the session."""
    drop_database(settings, TEST_DB)
    url = ensure_database(settings, TEST_DB)
    upgrade(url)
    yield url
    drop_database(settings, TEST_DB)


@pytest.fixture(scope="session")
def demo_db(empty_db: str) -> str:
    """The test database with the default demo loaded and tiered, as `make run` has it."""
    from app.risk_db import retier_all
    from geodata.load import load_demo

    load_demo(empty_db, size=TEST_DEMO_SIZE, seed=Settings().demo_seed)
    retier_all(empty_db, cause="test demo load")
    return empty_db


@pytest.fixture
def conn(demo_db: str) -> Iterator[psycopg.Connection]:
    """A connection whose work is rolled back after the test."""
    with psycopg.connect(demo_db) as connection:
        yield connection
        connection.rollback()


@pytest.fixture(scope="session")
def client(settings: Settings, demo_db: str) -> Iterator[TestClient]:
    from app.main import create_app

    with TestClient(create_app(settings)) as test_client:
        yield test_client


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter and reporter.stats.get("skipped") and exitstatus == 0:
        reporter.write_line("FAILED: tests were skipped; a skipped test hides a failure", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def admin_headers(settings: Settings, client: TestClient) -> dict[str, str]:
    """A bearer token for the demo admin: writes need a role."""
    from app.auth.cli import with_connection
    from app.auth.passwords import DEMO_PASSWORDS
    from app.auth.users import ensure_demo_accounts

    with_connection(settings, ensure_demo_accounts)
    response = client.post("/api/auth/tokens", json={"username": "admin", "password": DEMO_PASSWORDS["admin"]})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}

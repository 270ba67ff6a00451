"""The people database, app and tokens of tests/auth (imports write, so they stay off the shared demo), and helpers
to upload a file through the API and wait for its job."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.auth.conftest import db, people_client, people_db, people_settings, tokens  # noqa: F401

PREFIX = "TEST-"
IMPORTED_TABLES = ("enterprise", "shelter", "flood_spot", "geohazard", "forest_zone", "depot", "rescue_team")


@pytest.fixture(autouse=True)
def remove_imported_rows(people_db: str) -> Iterator[None]:  # noqa: F811
    yield
    with psycopg.connect(people_db, autocommit=True) as conn:
        for table in IMPORTED_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE external_id LIKE %s", (PREFIX + "%",))


def wait_for(client: TestClient, headers: dict, job: dict, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while job["status"] in ("validating", "importing"):
        assert time.monotonic() < deadline, f"job stuck: {job}"
        time.sleep(0.1)
        job = client.get(f"/api/imports/{job['id']}", headers=headers).json()
    return job


def upload(client: TestClient, headers: dict, path: Path, layer: str = "enterprises", **params) -> dict:
    """The validated (or failed) job after uploading `path`; raises on an HTTP error."""
    with path.open("rb") as file:
        response = client.post(
            "/api/imports", params={"layer": layer, **params}, files={"file": (path.name, file)}, headers=headers
        )
    assert response.status_code == 202, response.text
    return wait_for(client, headers, response.json())


def confirm(client: TestClient, headers: dict, job: dict) -> dict:
    response = client.post(f"/api/imports/{job['id']}/confirm", headers=headers)
    assert response.status_code == 202, response.text
    return wait_for(client, headers, response.json())

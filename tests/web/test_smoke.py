"""Start the real server in its own process and fetch /health, /config.json, the page and its assets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from app.settings import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(settings: Settings, demo_db: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "TWOMAPS_DB_NAME": settings.db_name, "TWOMAPS_ENV": "test"}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError("server did not become healthy")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_health_reports_database_and_postgis(server: str) -> None:
    body = httpx.get(f"{server}/health").json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert tuple(int(p) for p in body["postgis"].split(".")[:2]) >= (3, 1)


def test_page_and_its_assets_are_served_locally(server: str) -> None:
    page = httpx.get(f"{server}/")
    assert page.status_code == 200 and "应急管理" in page.text
    for asset in (
        "/vendor/leaflet/leaflet.js",
        "/vendor/leaflet/leaflet.css",
        "/static/app.js",
        "/static/app.css",
    ):
        assert httpx.get(f"{server}{asset}").status_code == 200, asset
    assert "http://" not in page.text and "https://" not in page.text


def test_config_comes_from_the_registry_and_palette(server: str) -> None:
    config = httpx.get(f"{server}/config.json").json()
    assert [t["id"] for t in config["palette"]["tiers"]] == ["red", "orange", "yellow", "blue"]
    assert {layer["id"] for layer in config["layers"]} >= {"enterprises", "towns", "shelters"}
    assert config["demo"]["synthetic"] is True
    assert httpx.get(f"{server}/api/layers").json()["layers"][0]["title"]["zh"]

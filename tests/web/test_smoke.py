"""Start the real server in its own process and fetch /health, /config.json, the page and its assets."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture(scope="module")
def server(live_server: str) -> str:
    """The real server in its own process (tests/web/conftest.py), against the test database."""
    return live_server


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

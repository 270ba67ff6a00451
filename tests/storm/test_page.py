"""The /storm page and the 值班快报: served from our own origin, with nothing loaded from outside."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.exports.situation_map import external_references
from tests.storm.conftest import PEAK

URL = re.compile(r"https?://")


def test_the_storm_page_and_its_assets_have_no_external_url(storm_client: TestClient) -> None:
    page = storm_client.get("/storm")
    assert page.status_code == 200 and "三防指挥" in page.text
    assert not URL.search(page.text) and external_references(page.text) == []
    for asset in ("/static/storm.js", "/static/storm.css", "/vendor/leaflet/leaflet.js"):
        assert storm_client.get(asset).status_code == 200, asset
    for asset in ("/static/storm.js", "/static/storm.css"):
        assert not URL.search(storm_client.get(asset).text), asset


@pytest.fixture(scope="module")
def briefing(storm_client: TestClient, typhoon: dict) -> str:
    response = storm_client.get("/api/reports/briefing", params={"event": "demo-typhoon", "at": PEAK})
    assert response.status_code == 200, response.text
    return response.text


def test_the_briefing_is_self_contained(briefing: str) -> None:
    """No src/href/url() off the page in the briefing or its map (Leaflet's inlined code keeps its own strings:
    the SVG namespace and its attribution link, which load nothing)."""
    assert external_references(briefing) == []
    assert 'src="http' not in briefing and "url(http" not in briefing and "<link" not in briefing
    for heading in ("值班快报", "一、暴雨预警", "二、影响分析", "三、临灾叫应", "四、转移避险"):
        assert heading in briefing


@pytest.mark.browser
def test_the_briefing_prints_to_pdf(storm_client: TestClient, typhoon: dict) -> None:
    params = {"event": "demo-typhoon", "at": PEAK, "format": "pdf", "lang": "en"}
    response = storm_client.get("/api/reports/briefing", params=params)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-type"] == "application/pdf"


@pytest.mark.browser
def test_the_page_draws_the_storm_without_asking_outside(storm_settings, storm_db: str, typhoon: dict) -> None:
    from tests.storm.browser import open_storm_page

    drawn = open_storm_page(storm_settings)
    assert drawn["outside_requests"] == [] and drawn["errors"] == []
    assert drawn["warning_areas"] > 0 and "demo-typhoon" in drawn["events"]

"""Exports downloaded from the page hold exactly the filtered set; the situation map is self-contained."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page

from app.exports.situation_map import external_references
from tests.web.conftest import ARTIFACTS, open_map

pytestmark = pytest.mark.browser
FILTERS = "tier=red,orange&hazard_tags=hazchem_storage,hazchem_use,dust_explosion"
URL_IN_SRC_OR_HREF = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def download(page: Page, export: str) -> Path:
    with page.expect_download(timeout=60_000) as info:
        page.locator(f"a[data-export={export}]").click()
    path = ARTIFACTS / info.value.suggested_filename
    info.value.save_as(path)
    return path


@pytest.fixture
def filtered_page(page: Page) -> Page:
    open_map(page, FILTERS)
    return page


def shown_total(page: Page) -> int:
    return int(page.locator("#result-total").inner_text().replace(",", ""))


def test_csv_xlsx_and_geojson_hold_the_filtered_set(filtered_page: Page) -> None:
    total = shown_total(filtered_page)
    assert total > 0
    csv_rows = list(csv.reader(io.StringIO(download(filtered_page, "csv").read_text(encoding="utf-8-sig"))))
    header, rows = csv_rows[0], csv_rows[1:]
    assert header[:2] == ["编号", "企业名称"] and "风险等级" in header
    tier_column = header.index("风险等级")
    assert len(rows) == total
    assert {row[tier_column] for row in rows} <= {"重大风险（红）", "较大风险（橙）"}

    sheet = load_workbook(download(filtered_page, "xlsx"), read_only=True).active
    sheet_rows = list(sheet.iter_rows(values_only=True))
    assert list(sheet_rows[0]) == header and len(sheet_rows) - 1 == total

    collection = json.loads(download(filtered_page, "geojson").read_text(encoding="utf-8"))
    features = collection["features"]
    assert len(features) == total
    assert sorted(f["id"] for f in features) == sorted(int(row[0]) for row in rows)
    wanted_tags = {"hazchem_storage", "hazchem_use", "dust_explosion"}
    assert all(f["properties"]["tier"] in ("red", "orange") for f in features)
    assert all(wanted_tags & set(f["properties"]["hazard_tags"]) for f in features)
    assert all(f["geometry"]["type"] == "Point" for f in features)


def test_the_situation_map_is_self_contained(filtered_page: Page, browser: Browser) -> None:
    filtered_page.locator("input[data-entry=town_risk]").check()
    document = download(filtered_page, "map-html").read_text(encoding="utf-8")
    assert external_references(document) == []
    assert not URL_IN_SRC_OR_HREF.search(re.sub(r"<script>.*?</script>", "", document, flags=re.DOTALL))
    assert "态势图" in document and "L.map(" in document

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    context.route("**/*", lambda route: (requests.append(route.request.url), route.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_content(document, wait_until="load")
    page.screenshot(path=str(ARTIFACTS / "situation-map.png"))
    assert page.locator(".leaflet-container").count() == 1
    assert page.locator(".situation-legend").inner_text().count("\n") > 3
    context.close()
    assert requests == [] and errors == []


def test_the_situation_map_prints_to_png_and_pdf(filtered_page: Page) -> None:
    assert download(filtered_page, "map-png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert download(filtered_page, "map-pdf").read_bytes().startswith(b"%PDF-")

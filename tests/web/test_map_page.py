"""The map page in real Chromium against the real server: offline, light, layers, filters, drawing, 一企一档,
language switch, escaping, empty results and errors."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import httpx
import psycopg
import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import XSS_CREDIT_CODE, XSS_NAME, PageLog, open_map, screenshot

pytestmark = pytest.mark.browser
ASSET_BUDGET_BYTES = 1_000_000
CJK = re.compile(r"[\u4e00-\u9fff]")


def result_total(page: Page) -> int:
    return int(page.locator("#result-total").inner_text().replace(",", ""))


def wait_for_results(page: Page, action) -> None:
    """Run `action` and wait until the result list has been reloaded and drawn for it, and the map's enterprise
    tiles with it, without an error."""
    with page.expect_response(lambda r: "/api/enterprises?" in r.url):
        action()
    page.wait_for_selector("#results[aria-busy=false]", state="attached")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#message")).to_be_hidden()


def matched(server: str, query: str) -> int:
    """numberMatched of the features API for the same filters: an independent count."""
    params = [(k, v) for k, v in parse_qsl(query) if k not in ("lang", "sortby", "limit")]
    url = f"{server}/collections/enterprises/items"
    body = httpx.get(url, params=[*params, ("limit", "1"), ("count", "true")], timeout=30).json()
    return body["numberMatched"]


def export_query(page: Page) -> str:
    return urlsplit(page.locator("a[data-export=csv]").get_attribute("href")).query


def test_the_page_is_offline_clean_and_light(page: Page, page_log: PageLog) -> None:
    responses = []
    page.on("response", lambda response: responses.append(response))
    open_map(page)
    assets = {r.url: len(r.body()) for r in responses if r.request.resource_type in ("script", "stylesheet")}
    screenshot(page, "map-zh")
    assert page_log.console_errors == []
    assert sum(assets.values()) < ASSET_BUDGET_BYTES, assets
    assert any("leaflet.js" in url for url in assets) and any("app.js" in url for url in assets)
    assert page.locator(".leaflet-enterprises-pane canvas").count() > 0
    assert page.locator(".town-label").count() >= 30
    expect(page.locator(".leaflet-control-scale")).to_be_visible()
    page.mouse.move(800, 500)
    expect(page.locator(".coordinates")).to_contain_text("经度")


def test_layers_toggle_and_the_legend_follows(page: Page) -> None:
    open_map(page, "layers=enterprises")
    assert page.locator(".leaflet-enterprises-pane canvas").count() > 0
    page.locator("input[data-entry=enterprises]").uncheck()
    expect(page.locator(".leaflet-enterprises-pane canvas")).to_have_count(0)
    with page.expect_response(lambda r: "/collections/depots/items" in r.url and r.status == 200):
        page.locator("input[data-entry=depots]").check()
    expect(page.locator("#legend")).to_contain_text("应急物资储备库")
    assert "layers=depots" in page.url
    page.locator("input[data-entry=major_hazards]").check()
    expect(page.locator("#legend")).to_contain_text("重大危险源")
    page.locator("input[data-entry=town_risk]").check()
    screenshot(page, "layers")


def test_town_and_tier_filter_shows_the_api_count(page: Page, live_server: str) -> None:
    open_map(page)
    town = httpx.get(f"{live_server}/api/dashboard").json()["towns"][0]
    page.locator("details[data-name=town_code] summary").click()
    wait_for_results(page, lambda: page.locator(f"input[name=town_code][value='{town['code']}']").check())
    wait_for_results(page, lambda: page.locator("input[name=tier][value=red]").check())
    query = export_query(page)
    assert f"town_code={town['code']}" in query and "tier=red" in query
    total = result_total(page)
    assert 0 < total == matched(live_server, query)
    assert page.locator("[data-tier-count=red]").inner_text().replace(",", "") == str(total)
    expect(page.locator(".result-table tbody tr").first).to_be_visible()
    assert f"town_code={town['code']}" in page.url and "tier=red" in page.url
    screenshot(page, "filtered-town-tier")


def test_dashboard_town_click_zooms_and_filters(page: Page) -> None:
    open_map(page)
    bar = page.locator("#dashboard g.bar").nth(1)
    code = bar.get_attribute("data-town")
    zoom = "parseFloat(location.hash.match(/map=([0-9.]+)/)[1])"
    zoom_before = page.evaluate(zoom)
    wait_for_results(page, lambda: bar.click())
    assert f"town_code={code}" in page.url
    page.wait_for_function(f"{zoom} > {zoom_before}")  # after the zoom animation
    expect(page.locator("#dashboard g.bar.selected")).to_have_count(1)


def test_a_drawn_polygon_filters(page: Page, live_server: str) -> None:
    open_map(page)
    everything = result_total(page)
    page.locator("button[data-draw=polygon]").click()
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(cx - 120, cy - 90), (cx + 120, cy - 90), (cx + 120, cy + 90), (cx - 120, cy + 90)]
    for x, y in corners:
        page.mouse.click(x, y)
        page.wait_for_timeout(150)
    wait_for_results(page, lambda: page.mouse.click(*corners[0]))
    query = export_query(page)
    assert "S_INTERSECTS" in query and "area=polygon" in page.url
    total = result_total(page)
    assert 0 < total < everything
    assert total == matched(live_server, query)
    screenshot(page, "drawn-polygon")
    wait_for_results(page, lambda: page.locator("button[data-action=clear-area]").click())
    assert result_total(page) == everything


def test_the_view_layers_and_filters_are_restored_from_a_link(page: Page) -> None:
    open_map(page, "map=13/22.82000/113.76000&layers=enterprises,shelters&tier=orange&area=circle:113.76,22.82,3000")
    expect(page.locator("input[name=tier][value=orange]")).to_be_checked()
    expect(page.locator("input[data-entry=shelters]")).to_be_checked()
    assert "S_INTERSECTS" in export_query(page)
    assert page.evaluate("location.hash").startswith("#map=13/22.82")


def test_the_dossier_opens_with_units_dangers_reasons_and_history(page: Page, demo_db: str) -> None:
    with psycopg.connect(demo_db) as conn:
        credit_code, name = conn.execute(
            "SELECT e.credit_code, e.name FROM enterprise AS e WHERE e.tier_reasons <> '[]'"
            " AND EXISTS (SELECT 1 FROM enterprise_unit AS u WHERE u.enterprise_id = e.id)"
            " AND EXISTS (SELECT 1 FROM hidden_danger AS h WHERE h.enterprise_id = e.id"
            "             AND h.status <> 'verified' AND h.due_on < current_date)"
            " AND EXISTS (SELECT 1 FROM tier_history AS t WHERE t.entity_type = 'enterprise' AND t.entity_id = e.id)"
            " ORDER BY e.id LIMIT 1"
        ).fetchone()
    open_map(page)
    page.locator("#search-input").fill(credit_code)
    page.locator("#search-results button[data-kind=enterprise]").first.click()
    dossier = page.locator("#dossier")
    expect(dossier.locator(".enterprise-name")).to_have_text(name)
    expect(dossier).to_contain_text("基本信息")
    expect(dossier).to_contain_text(credit_code)
    assert dossier.locator(".reasons li").count() > 0
    assert dossier.locator(".timeline li").count() > 0
    assert dossier.locator(".unit").count() > 0
    expect(dossier.locator(".unit-values").first).to_contain_text("S =")
    expect(dossier.locator("tr.overdue").first).to_contain_text("逾期")
    assert "enterprise=" in page.url
    screenshot(page, "dossier-zh")
    page.locator("#lang-switch").click()
    expect(dossier).to_contain_text("Profile")
    expect(dossier.locator("tr.overdue").first).to_contain_text("Overdue")
    screenshot(page, "dossier-en")
    dossier.locator("[data-action=close-dossier]").click()
    expect(page.locator("#results")).to_be_visible()


def test_the_language_switch_rerenders_every_label(page: Page) -> None:
    open_map(page)
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#app-title")).to_contain_text("TwoMaps")
    for selector in ("#layer-tree", "#legend", "#dashboard", "#results h2", "#results thead", "#export-links"):
        text = page.locator(selector).inner_text()
        assert not CJK.search(text), f"{selector} still has Chinese: {CJK.findall(text)[:5]}"
    assert "lang=en" in page.url
    screenshot(page, "map-en")
    page.reload()
    page.wait_for_selector("body[data-loaded=true]", state="attached")
    expect(page.locator("#lang-switch")).to_have_text("中文")
    page.locator("#lang-switch").click()
    expect(page.locator("#layer-tree")).to_contain_text("监管对象图")


def test_names_are_escaped_everywhere(page: Page, page_log: PageLog, xss_enterprise: int) -> None:
    open_map(page, f"enterprise={xss_enterprise}")
    expect(page.locator("#dossier .enterprise-name")).to_have_text(XSS_NAME)
    page.locator("#search-input").fill(XSS_CREDIT_CODE)
    expect(page.locator("#search-results")).to_contain_text(XSS_NAME)
    with page.expect_response(lambda r: "/tiles/enterprises/14/" in r.url):
        page.locator("#search-results button[data-kind=enterprise]").first.click()
    page.wait_for_timeout(300)  # the tile is decoded and drawn
    point = page.evaluate(
        "(() => { const r = document.querySelector('#map').getBoundingClientRect();"
        " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
    )
    page.mouse.click(*point)
    expect(page.locator(".leaflet-popup-content")).to_contain_text(XSS_NAME)
    assert page.locator("img[src=x]").count() == 0
    assert page_log.dialogs == []
    screenshot(page, "escaped")


def test_an_empty_result_says_so(page: Page) -> None:
    open_map(page, "area=rectangle:100.0,10.0,100.01,10.01")
    expect(page.locator("#results .empty")).to_have_text("没有符合条件的数据")
    page.locator("#lang-switch").click()
    expect(page.locator("#results .empty")).to_have_text("Nothing matches")


def test_an_api_error_is_a_readable_message_in_the_users_language(page: Page) -> None:
    open_map(page, "industry=mining")
    expect(page.locator("#message")).to_be_visible()
    expect(page.locator("#message")).to_contain_text("参数无效")
    assert page.locator(".leaflet-basemap-pane canvas").count() > 0, "the basemap stays"
    assert page.locator(".town-label").count() >= 30
    screenshot(page, "api-error-zh")
    page.goto("/#industry=mining&lang=en")
    page.reload()
    page.wait_for_selector("body[data-loaded=true]", state="attached")
    expect(page.locator("#message")).to_contain_text("Invalid parameter")

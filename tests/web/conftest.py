"""Browser fixtures: the real server in its own process on a free loopback port, and headless Chromium
(/usr/bin/chromium) whose every request to another host is refused and recorded, so a test fails on any."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright

from app.exports.printing import CHROMIUM, CHROMIUM_ARGS
from app.settings import PROJECT_ROOT, Settings

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1"}
# Inserted for the escaping test and removed after it: other tests count the demo's enterprises.
XSS_NAME = "<img src=x onerror=alert(1)>测试化工有限公司"
XSS_CREDIT_CODE = "91441900TTXXE0000X"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def xss_enterprise(demo_db: str) -> Iterator[int]:
    """An enterprise whose name is an HTML injection attempt, red, in the first town; removed after the test."""
    with psycopg.connect(demo_db, autocommit=True) as conn:
        town, lon, lat = conn.execute(
            "SELECT code, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM admin_area "
            "WHERE level = 'town' ORDER BY code LIMIT 1"
        ).fetchone()
        enterprise_id = conn.execute(
            "INSERT INTO enterprise (name, credit_code, town_code, industry, hazard_tags, tier, tier_reasons, geom)"
            " VALUES (%s, %s, %s, 'chemical', '{hazchem_storage}', 'red', '[]', ST_SetSRID(ST_Point(%s, %s), 4326))"
            " RETURNING id",
            (XSS_NAME, XSS_CREDIT_CODE, town, lon, lat),
        ).fetchone()[0]
    yield enterprise_id
    with psycopg.connect(demo_db, autocommit=True) as conn:
        conn.execute("DELETE FROM enterprise WHERE id = %s", (enterprise_id,))


@pytest.fixture(scope="session")
def live_server(settings: Settings, demo_db: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "TWOMAPS_DB_NAME": settings.db_name, "TWOMAPS_ENV": "test"}
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError("server did not become healthy; see test-artifacts/server.log")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser(live_server: str) -> Iterator[Browser]:
    """Started after the server (and so after the demo load): Playwright's sync API keeps an event loop running,
    and the demo fixtures run asyncio themselves."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageLog:
    """What a page did that a test may assert on: console errors, uncaught errors, refused foreign requests."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: Browser, live_server: str, page_log: PageLog) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1600, "height": 950}, accept_downloads=True, base_url=live_server)

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            page_log.foreign_requests.append(route.request.url)
            route.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            page_log.console_errors.append(message.text)

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", console)
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    page.on("dialog", lambda dialog: (page_log.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert page_log.foreign_requests == [], "requests left 127.0.0.1"
    assert page_log.page_errors == [], "uncaught errors in the page"
    assert page_log.dialogs == [], "a dialog opened (injected script?)"


def open_map(page: Page, hash_: str = "") -> None:
    """Load the page (with an optional URL hash) and wait for the first render and the list and strip."""
    page.goto(f"/#{hash_}" if hash_ else "/")
    page.wait_for_selector("body[data-loaded=true]", state="attached", timeout=20_000)


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path

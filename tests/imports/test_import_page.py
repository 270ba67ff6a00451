"""The import and admin pages in real Chromium: log in, upload, read the per-row report (file text shown as text,
never as HTML), confirm, watch the progress; the admin page lists users and the audit log."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.settings import Settings
from tests.imports.conftest import PREFIX
from tests.web.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, free_port

pytestmark = pytest.mark.browser
SCRIPT = "<img src=x onerror=alert(1)>"  # an alert would open a dialog, which the page fixture fails on


@pytest.fixture(scope="module")
def server(people_settings: Settings, people_db: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "TWOMAPS_DATABASE_URL": people_settings.dsn, "TWOMAPS_ENV": "test",
           "TWOMAPS_DATA_DIR": str(people_settings.data_dir)}  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "import-server.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser, server: str) -> Iterator[Page]:
    context = chromium.new_context(base_url=server, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert dialogs == [] and errors == []


def log_in(page: Page, target: str, username: str, password: str) -> None:
    page.goto(target)
    page.wait_for_url("**/static/login.html?next=*")  # anonymous: the page's first API call sent us here
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{target}")


def csv_file(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(["外部编号", "企业名称", "行业", "经度", "纬度"])
        out.writerows(rows)
    return path


def test_report_shows_file_text_as_text_then_imports(page: Page, tmp_path: Path, db) -> None:
    log_in(page, "/static/import.html", "planner", "demo-planner")
    expect(page.locator("#layer option[value=enterprises]")).to_have_count(1)
    page.select_option("#layer", "enterprises")
    bad = csv_file(tmp_path / "bad.csv", [[f"{PREFIX}p1", SCRIPT + "厂", SCRIPT, "113.756", "22.802"]])
    page.set_input_files("#file", str(bad))
    page.click("#check")
    expect(page.locator("#job-title")).to_contain_text("checked", timeout=30_000)
    cell = page.locator("#report tbody td", has_text="onerror").first
    expect(cell).to_contain_text(SCRIPT)  # the text itself is on the page…
    assert page.locator("#report img").count() == 0  # …and no element was made from it
    expect(page.locator("#confirm")).to_be_disabled()
    page.screenshot(path=str(ARTIFACTS / "import-report.png"), full_page=True)

    rows = [[f"{PREFIX}p1", SCRIPT + "厂", "化工", "113.756", "22.802"],
            [f"{PREFIX}p2", "长安测试二厂", "electronics", "113.757", "22.802"]]  # fmt: skip
    good = csv_file(tmp_path / "good.csv", rows)
    page.set_input_files("#file", str(good))
    page.click("#check")
    expect(page.locator("#confirm")).to_be_enabled(timeout=30_000)
    page.click("#confirm")
    expect(page.locator("#job-title")).to_contain_text("imported", timeout=60_000)
    expect(page.locator("#summary")).to_contain_text("新增 new 2")
    assert page.locator("#progress").evaluate("p => p.value") == 1
    name = db.execute("SELECT name FROM enterprise WHERE external_id = %s", (f"{PREFIX}p1",)).fetchone()[0]
    assert name == SCRIPT + "厂"


def test_admin_page_lists_users_and_the_audit_log(page: Page) -> None:
    log_in(page, "/static/admin.html", "admin", "demo-admin")
    expect(page.locator("#users tbody")).to_contain_text("inspector-changan", timeout=20_000)
    assert page.locator("#users tbody tr").count() >= 5  # the demo accounts, and any other test's users
    expect(page.locator("#audit tbody tr").first).to_be_visible()
    page.fill("#audit-filter input[name=table]", "app_user")
    page.click("#audit-filter button")
    expect(page.locator("#audit tbody tr").first).to_contain_text("app_user")
    page.screenshot(path=str(ARTIFACTS / "admin.png"), full_page=True)

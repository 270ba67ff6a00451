"""Open the /storm page of a real server in headless Chromium and report what it drew and what it asked for."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from app.exports.printing import CHROMIUM, CHROMIUM_ARGS
from app.settings import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def open_storm_page(settings: Settings) -> dict:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {
        **os.environ,
        "TWOMAPS_DATABASE_URL": settings.dsn,
        "TWOMAPS_DB_NAME": settings.db_name,
        "TWOMAPS_ENV": "test",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{origin}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        outside, errors = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith((origin, "data:"))
                    else (outside.append(route.request.url), route.abort())
                ),
            )
            page.goto(f"{origin}/storm?event=demo-typhoon")
            page.wait_for_function("() => view.warnings && view.warnings.getLayers().length > 0", timeout=30_000)
            drawn = {
                "warning_areas": page.evaluate("() => view.warnings.getLayers().length"),
                "events": page.eval_on_selector_all("#event option", "options => options.map(o => o.value)"),
            }
            browser.close()
        return drawn | {"outside_requests": outside, "errors": errors}
    finally:
        server.terminate()
        server.wait(timeout=10)

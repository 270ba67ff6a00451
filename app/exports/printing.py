"""PNG and PDF of a situation map for printing, rendered by headless Chromium on the server.

The HTML is self-contained, so the browser is given no network: every request other than the page itself is
aborted. Playwright is imported only here, when a print is asked for.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import ViewportSize

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# 297 × 210 mm at 96 dpi: the map is laid out at the size it prints.
A4_LANDSCAPE_PX: ViewportSize = {"width": 1123, "height": 794}
SCREEN_PX: ViewportSize = {"width": 1600, "height": 1000}


async def render_situation_map(document: str, fmt: str) -> bytes:
    """`fmt` is "png" or "pdf"."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport=A4_LANDSCAPE_PX if fmt == "pdf" else SCREEN_PX)
            await page.route("**/*", lambda route: route.abort())
            await page.set_content(document, wait_until="load")
            if fmt == "pdf":
                return await page.pdf(format="A4", landscape=True, print_background=True)
            return await page.screenshot(type="png")
        finally:
            await browser.close()

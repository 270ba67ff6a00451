"""First map render on loopback (issue target: under 2 s) at the default demo size and, with --size, larger.

Navigation start → the page's `map-ready` mark (basemap, default layers and first enterprise tiles drawn), each in a
fresh browser context so nothing comes from the browser cache: first against the fresh server (every tile rendered
by PostGIS), then `--runs` more (the server's tile cache may hold them). Prints every run, the best
and the median; no assertion — the numbers go in benchmarks/README.md.

    .venv/bin/python benchmarks/first_render.py [--size 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.exports.printing import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from benchmarks.common import BENCH_DB, bench_database, serve  # noqa: E402


def render_ms(browser, base_url: str) -> float:
    context = browser.new_context(base_url=base_url, viewport={"width": 1600, "height": 950})
    page = context.new_page()
    page.goto("/")
    page.wait_for_selector("body[data-loaded=true]", state="attached", timeout=60_000)
    elapsed = page.evaluate("performance.getEntriesByName('map-ready')[0].startTime")
    context.close()
    return elapsed


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20201101)
    args = parser.parse_args()
    bench_database(args.size, args.seed)
    with serve("app.main:create_app", {"TWOMAPS_DB_NAME": BENCH_DB}, factory=True) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        cold = render_ms(browser, server.base_url)  # a fresh server: nothing in its tile cache
        runs = [render_ms(browser, server.base_url) for _ in range(args.runs)]
        browser.close()
    print(f"cold server (empty tile cache), {args.size:,} enterprises: {cold:.0f} ms")
    print(f"first render, {args.size:,} enterprises: " + ", ".join(f"{r:.0f}" for r in runs) + " ms")
    print(f"best {min(runs):.0f} ms, median {statistics.median(runs):.0f} ms (target < 2000 ms)")


if __name__ == "__main__":
    main()

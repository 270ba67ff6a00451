"""Vector tiles and items on the 1M-enterprise demo: the raw SQL floor, our server and tipg, side by side.

    .venv/bin/python benchmarks/tiles.py [--size N] [--requests N] [--item-requests N]

The same tile set and item boxes for everyone: a 4 × 4 block of tiles around the densest point at z12 and z14 (plain
features; tipg gets the same properties, buffer and feature cap), and the z14 boxes as 1,000-feature item pages,
with and without a tier filter. Aggregated z10 grid tiles have no tipg counterpart and are reported separately.
"TwoMaps" is the server as shipped, with its version-checked tile cache (one database round trip per tile, so never
stale); "TwoMaps, edit each round" is the same server when the layer changes before every round in which each of
`c` viewers loads the whole tile set (a storm re-tiering while a command centre's screens watch one area: every
cached tile is out of date, each is rendered once and the other viewers wait for that render); "TwoMaps, rendering"
has the cache switched off, so every request renders like the floor's and tipg's.
Each row is its requests after one warm-up pass; latencies are client-side, on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.tiles.service import GRID_CELLS, Tile, TileFilter, VersionedCache, tile_statement  # noqa: E402
from benchmarks.common import (  # noqa: E402
    Stats,
    bench_database,
    http_caller,
    load,
    load_client,
    memory_mb,
    print_table,
    serve,
    summarize,
)
from layers.spec import registry  # noqa: E402

CONCURRENCY = (1, 8, 32)
ITEMS_LIMIT = 1000
TIER_FILTER = "orange"
SPEC = registry()["enterprises"]
TILE_COLUMNS = [p.name for p in SPEC.properties if p.in_tiles]
ITEM_COLUMNS = [p.name for p in SPEC.properties]
RENDERING = "TwoMaps, rendering"  # the server with its tile cache off
EDITED = "TwoMaps, edit each round"
# A write that changes no value but is a write all the same: the statement trigger moves the layer's version on.
TOUCH_LAYER = "UPDATE enterprise SET tier = tier WHERE id = (SELECT min(id) FROM enterprise)"


def app_rendering_every_tile():
    """Our app without its in-process tile cache: every request renders, like the floor and tipg."""
    from app.main import create_app

    app = create_app()
    app.state.tile_cache = VersionedCache(0)
    return app


def sql_column(name: str) -> str:
    return f"array_to_string({name}, ',') AS {name}" if name == "hazard_tags" else name


FLOOR_TILE = f"""
SELECT ST_AsMVT(q, 'enterprises', 4096, 'geom', 'id') FROM (
    SELECT id, {", ".join(map(sql_column, TILE_COLUMNS))},
           ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
    FROM enterprise WHERE geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)
    LIMIT {SPEC.tiles.feature_cap}
) AS q
"""
FLOOR_GRID = """
SELECT ST_AsMVT(q, 'enterprises_grid', 4096, 'geom') FROM (
    SELECT ST_AsMVTGeom(ST_Point(avg(x), avg(y), 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom,
           count(*) AS count, count(*) FILTER (WHERE tier = 'red') AS red,
           count(*) FILTER (WHERE tier = 'orange') AS orange, count(*) FILTER (WHERE tier = 'yellow') AS yellow,
           count(*) FILTER (WHERE tier = 'blue') AS blue
    FROM (
        SELECT ST_X(geom) * 111319.49079327357 AS x, ln(tan(pi() / 4 + radians(ST_Y(geom)) / 2)) * 6378137 AS y, tier
        FROM enterprise WHERE geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)
    ) AS points
    GROUP BY floor(x / $4), floor(y / $4)
) AS q
"""
FLOOR_ITEMS = f"""
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(ST_AsGeoJSON(q.*)::json), '[]'))
FROM (
    SELECT id, {", ".join(ITEM_COLUMNS)}, geom FROM enterprise
    WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND ($5::text IS NULL OR tier = $5)
    ORDER BY id LIMIT {ITEMS_LIMIT}
) AS q
"""


@dataclass(frozen=True)
class Workload:
    name: str
    our_urls: list[str]
    tipg_urls: list[str] | None
    floor: tuple[str, list[tuple]]  # SQL and the parameters of each request
    our_sql: tuple[str, list[tuple]] | None = None  # our tile statement alone, to split SQL time from HTTP time


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def tile_bbox(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / 2**z))))

    return x / 2**z * 360 - 180, lat(y + 1), (x + 1) / 2**z * 360 - 180, lat(y)


def block(lon: float, lat: float, z: int, size: int = 4) -> list[tuple[int, int, int]]:
    cx, cy = tile_of(lon, lat, z)
    return [(z, cx + dx, cy + dy) for dy in range(-size // 2, size // 2) for dx in range(-size // 2, size // 2)]


def our_statement(tiles: list[tuple[int, int, int]]) -> tuple[str, list[tuple]]:
    """The statement our server runs for these unfiltered tiles (one zoom, so one statement text)."""
    statements = [tile_statement(SPEC, Tile(*t), TileFilter("TRUE", ()), None) for t in tiles]
    return statements[0][0], [tuple(values) for _, values in statements]


async def workloads(url: str) -> list[Workload]:
    conn = await asyncpg.connect(url)
    try:
        lon, lat = await conn.fetchrow(
            "SELECT avg(ST_X(geom)), avg(ST_Y(geom)) FROM enterprise "
            "GROUP BY floor(ST_X(geom) / 0.02), floor(ST_Y(geom) / 0.02) ORDER BY count(*) DESC LIMIT 1"
        )
        west, south, east, north = await conn.fetchrow(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM enterprise) q"
        )
    finally:
        await conn.close()
    (x0, y0), (x1, y1) = tile_of(west, north, 10), tile_of(east, south, 10)
    city_z10 = [(10, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    tipg_tile = "/collections/public.enterprise/tiles/WebMercatorQuad/{}/{}/{}?properties=" + ",".join(TILE_COLUMNS)
    result = [
        Workload("grid tiles z10 (city)", [f"/tiles/enterprises/{z}/{x}/{y}.mvt" for z, x, y in city_z10], None,
                 (FLOOR_GRID, [(*t, Tile(*t).span_m / GRID_CELLS) for t in city_z10]), our_statement(city_z10)),
    ]  # fmt: skip
    for z in (12, 14):
        tiles = block(lon, lat, z)
        result.append(Workload(
            f"tiles z{z}", [f"/tiles/enterprises/{z}/{x}/{y}.mvt" for z, x, y in tiles],
            [tipg_tile.format(*t) for t in tiles], (FLOOR_TILE, tiles), our_statement(tiles),
        ))  # fmt: skip
    boxes = [tile_bbox(*t) for t in block(lon, lat, 14)]
    for name, tier in (("items bbox", None), (f"items bbox + tier={TIER_FILTER}", TIER_FILTER)):
        query = f"&tier={tier}" if tier else ""
        bbox_params = [",".join(f"{v:.6f}" for v in box) for box in boxes]
        result.append(Workload(
            name,
            [f"/collections/enterprises/items?bbox={b}&limit={ITEMS_LIMIT}{query}" for b in bbox_params],
            [f"/collections/public.enterprise/items?bbox={b}&limit={ITEMS_LIMIT}{query}"
             f"&properties={','.join(ITEM_COLUMNS)}&sortby=id" for b in bbox_params],
            (FLOOR_ITEMS, [(*box, tier) for box in boxes]),
        ))  # fmt: skip
    return result


async def measure_sql(url: str, statement: tuple[str, list[tuple]], requests: int, settings: dict) -> dict:
    sql, params = statement
    size = max(CONCURRENCY)
    pool = await asyncpg.create_pool(url, min_size=size, max_size=size, server_settings=settings)
    try:

        async def call(i: int) -> None:
            await pool.fetchval(sql, *params[i % len(params)])

        await load(call, len(params) * 2, max(CONCURRENCY))  # warm-up: cache and prepare on every connection
        return {c: await load(call, requests, c) for c in CONCURRENCY}
    finally:
        await pool.close()


async def measure_http(base_url: str, urls: list[str], requests: int) -> dict[int, Stats]:
    async with load_client(base_url, max(CONCURRENCY)) as client:
        await load(http_caller(client, urls), len(urls), 8)  # warm-up: every URL once (and into the tile cache)
        return {c: await load(http_caller(client, urls), requests, c) for c in CONCURRENCY}


async def measure_revalidation(base_url: str, urls: list[str], requests: int) -> dict[int, Stats]:
    """Clients revalidating current tiles: the 304 path, one index lookup and no rendering."""
    async with load_client(base_url, max(CONCURRENCY)) as client:
        tags = []
        for url in urls:
            async with client.get(url) as response:
                tags.append({"If-None-Match": response.headers["etag"]})
        call = http_caller(client, urls, tags, expect=(304,))
        return {c: await load(call, requests, c) for c in CONCURRENCY}


async def measure_after_edits(base_url: str, url: str, urls: list[str], requests: int) -> dict[int, Stats]:
    """Rounds of: a write to the layer (its version moves on, so every cached tile is out of date), then `c` viewers
    at once, each loading every tile of the set in the same order (screens showing one view); at least `requests`
    requests."""
    conn = await asyncpg.connect(url)
    try:
        async with load_client(base_url, max(CONCURRENCY)) as client:
            await load(http_caller(client, urls), len(urls), 8)
            call = http_caller(client, urls)
            result = {}
            for c in CONCURRENCY:
                latencies: list[float] = []
                started = time.perf_counter()
                for _ in range(math.ceil(requests / (len(urls) * c))):
                    await conn.execute(TOUCH_LAYER)
                    await asyncio.gather(*(view(call, len(urls), latencies) for _ in range(c)))
                result[c] = summarize(latencies, time.perf_counter() - started)
            return result
    finally:
        await conn.close()


async def view(call, count: int, latencies: list[float]) -> None:
    """One viewer loading the first `count` tiles in turn."""
    for i in range(count):
        started = time.perf_counter()
        await call(i)
        latencies.append(time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="enterprises in the benchmark database")
    parser.add_argument("--requests", type=int, default=200, help="requests per row of a tile workload")
    parser.add_argument("--item-requests", type=int, default=600, help="requests per row of an items workload")
    parser.add_argument("--seed", type=int, default=20201101)
    args = parser.parse_args()
    url = bench_database(args.size, args.seed)
    work = asyncio.run(workloads(url))

    def requests(w: Workload) -> int:
        return args.item_requests if w.name.startswith("items") else args.requests

    results: dict[tuple[str, str], dict[int, Stats]] = {}
    memory: dict[str, tuple[float, float]] = {}
    for w in work:
        # The floor gets a custom plan every time: the tile envelope folded into a constant, its best plan.
        floor_settings = {"plan_cache_mode": "force_custom_plan"}
        results[w.name, "SQL floor"] = asyncio.run(measure_sql(url, w.floor, requests(w), floor_settings))
        if w.our_sql:
            results[w.name, "TwoMaps SQL alone"] = asyncio.run(measure_sql(url, w.our_sql, requests(w), {}))
    our_env = {"TWOMAPS_DB_NAME": "twomaps_bench", "TWOMAPS_ENV": "development"}
    tiles = [w for w in work if w.our_sql]
    with serve("app.main:create_app", our_env, factory=True) as server:
        for w in work:
            results[w.name, "TwoMaps"] = asyncio.run(measure_http(server.base_url, w.our_urls, requests(w)))
        for w in tiles:
            results[w.name, "TwoMaps, 304"] = asyncio.run(
                measure_revalidation(server.base_url, w.our_urls, requests(w))
            )
            if w.tipg_urls:
                results[w.name, EDITED] = asyncio.run(
                    measure_after_edits(server.base_url, url, w.our_urls, requests(w))
                )
        memory["TwoMaps"] = memory_mb(server.pid)
    with serve("benchmarks.tiles:app_rendering_every_tile", our_env, factory=True) as server:
        for w in tiles:
            results[w.name, RENDERING] = asyncio.run(measure_http(server.base_url, w.our_urls, requests(w)))
        memory[RENDERING] = memory_mb(server.pid)
    tipg_env = {
        "DATABASE_URL": url, "TIPG_DB_TABLES": '["public.enterprise"]', "TIPG_TILE_BUFFER": "64",
        "TIPG_MAX_FEATURES_PER_TILE": str(SPEC.tiles.feature_cap), "TIPG_MAX_FEATURES_PER_QUERY": str(ITEMS_LIMIT),
        "TIPG_DEFAULT_MAXZOOM": "22", "TIPG_DB_SPATIAL_EXTENT": "false", "TIPG_DB_DATETIME_EXTENT": "false",
    }  # fmt: skip
    with serve("tipg.main:app", tipg_env) as server:
        for w in work:
            if w.tipg_urls:
                results[w.name, "tipg"] = asyncio.run(measure_http(server.base_url, w.tipg_urls, requests(w)))
        memory["tipg"] = memory_mb(server.pid)
    report(results, memory, args)


def report(results: dict[tuple[str, str], dict[int, Stats]], memory: dict, args: argparse.Namespace) -> None:
    print(
        f"\n{args.size:,} enterprises · {args.requests} requests per tile row, {args.item_requests} per items row"
        " · p50/p95 in ms · concurrency 1/8/32\n"
    )
    rows = [
        [name, server, c, s.p50_ms, s.p95_ms, s.per_second]
        for (name, server), by_c in results.items()
        for c, s in by_c.items()
    ]
    order = {name: i for i, name in enumerate(dict.fromkeys(name for name, _ in results))}
    rows.sort(key=lambda r: (order[r[0]], r[2], r[1]))
    print_table(["workload", "server", "c", "p50 ms", "p95 ms", "req/s"], rows)
    print()
    ratios = []
    for name in order:
        floor, tipg = results.get((name, "SQL floor")), results.get((name, "tipg"))
        for server in ("TwoMaps", EDITED, RENDERING):
            ours = results.get((name, server))
            if not ours:
                continue
            ratio = ours[8].p95_ms / floor[8].p95_ms
            ratios.append([name, f"p95 {server} / SQL floor, c=8", f"{ratio:.2f}", *verdict(ratio, "≤", 1.3)])
            if tipg:
                ratio = ours[8].per_second / tipg[8].per_second
                # The target is the server's, as shipped (with and without edits); the rendering ratio says how
                # much of it is rendering alone.
                target = 1.5 if name.startswith("tiles") and server != RENDERING else None
                ratios.append([name, f"req/s {server} / tipg, c=8", f"{ratio:.2f}", *verdict(ratio, "≥", target)])
    print_table(["workload", "ratio", "value", "target", ""], ratios)
    print()
    print_table(
        ["server process", "VmRSS MB", "VmHWM MB", "target"],
        [[name, rss, hwm, "≤ 400" if name.startswith("TwoMaps") else ""] for name, (rss, hwm) in memory.items()],
    )


def verdict(ratio: float, sense: str, target: float | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    met = ratio <= target if sense == "≤" else ratio >= target
    return f"{sense} {target}", "met" if met else "MISSED"


if __name__ == "__main__":
    main()

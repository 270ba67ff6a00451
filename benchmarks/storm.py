"""Storm operations against their naive floor, on the 1M-enterprise benchmark database (read-only there).

    .venv/bin/python benchmarks/storm.py

1. impact of a city-wide warning (the whole city as the hazard area) — ours vs the enterprise figures alone by plain
   ST_Intersects
2. evacuation of 10k origin groups to 1k shelters — column generation vs the LP over every pair at once
3. 周边分析 at a dense spot (1/3/5 km) — ours vs ST_DWithin on geography with no box prefilter
4. the rainfall surface of 120 gauges on the 250 m grid, with warning areas — ours vs dense IDW + union_all
Each figure is the median of a few runs; the ratio is baseline ÷ ours.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.analyses.evacuation.solver import StraightLineDetour, assign  # noqa: E402
from app.analyses.impact.service import ReliefNorms, impact  # noqa: E402
from app.analyses.nearby.service import nearby  # noqa: E402
from app.db.pool import init_connection  # noqa: E402
from app.storm.grid import build_grid, to_metric  # noqa: E402
from app.storm.surface import WINDOWS_H, compute_surface  # noqa: E402
from benchmarks.common import BENCH_DB  # noqa: E402
from geodata.demo.typhoon import typhoon_rainfall  # noqa: E402
from layers.vocab import HAZCHEM_TAGS  # noqa: E402

ACCIDENT = (113.75, 22.82)  # 长安/虎门: among the densest towns
# The enterprise figures alone (counts per town and tier, per tag, the first 200) the straightforward way.
RAW_IMPACT = """
WITH hit AS MATERIALIZED (SELECT * FROM enterprise WHERE ST_Intersects(geom, ST_GeomFromWKB($1, 4326)))
SELECT (SELECT jsonb_agg(c) FROM (SELECT town_code, tier, count(*) FROM hit GROUP BY 1, 2) c),
       (SELECT jsonb_object_agg(tag, n) FROM (SELECT tag, count(*) AS n FROM hit, unnest(hazard_tags) AS tag
                                              GROUP BY tag) t),
       (SELECT jsonb_agg(id) FROM (SELECT id FROM hit ORDER BY hazard_tags && $2::text[] DESC, tier, name
                                   LIMIT 200) l)
"""
RAW_NEARBY = """
SELECT count(*) FROM enterprise
WHERE ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, 5000)
"""
ROWS: list[tuple[str, float, float, str]] = []


def timed(work: Callable[[], object], runs: int) -> float:
    laps = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        laps.append(time.perf_counter() - started)
    return statistics.median(laps)


async def timed_async(work: Callable[[], Awaitable[object]], runs: int) -> float:
    laps = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        laps.append(time.perf_counter() - started)
    return statistics.median(laps)


def report(name: str, ours: float, baseline: float, target: str) -> None:
    ROWS.append((name, ours, baseline, target))
    print(f"{name:<48} ours {ours * 1000:9.1f} ms   baseline {baseline * 1000:10.1f} ms   "
          f"×{baseline / ours:6.1f}   target {target}   load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip


def sample_points(area: shapely.Geometry, count: int, rng: np.random.Generator) -> np.ndarray:
    west, south, east, north = area.bounds
    points = np.empty((0, 2))
    while len(points) < count:
        draw = np.column_stack([rng.uniform(west, east, count), rng.uniform(south, north, count)])
        points = np.vstack([points, draw[shapely.contains_xy(area, draw[:, 0], draw[:, 1])]])
    return points[:count]


def evacuation_benchmark(city: shapely.Geometry) -> None:
    from scipy import sparse
    from scipy.optimize import linprog

    rng = np.random.default_rng(20180916)
    origins = np.column_stack(to_metric(*sample_points(city, 10_000, rng).T))
    shelters = np.column_stack(to_metric(*sample_points(city, 1_000, rng).T))
    demand, room = rng.integers(5, 200, 10_000), rng.integers(100, 3000, 1_000)
    rows, cols, km = StraightLineDetour().pairs(origins, shelters, max_km=10)
    ours = timed(lambda: assign(demand, room, rows, cols, km), runs=3)

    def every_pair_at_once() -> None:
        pairs, n = len(rows), len(demand)
        cost = np.concatenate([km, np.full(n, km.max() * (len(room) + 1) + 1)])
        supply = sparse.hstack([sparse.csr_array((np.ones(pairs), (rows, np.arange(pairs))), (n, pairs)),
                                sparse.identity(n)]).tocsr()  # fmt: skip
        cap = sparse.hstack([sparse.csr_array((np.ones(pairs), (cols, np.arange(pairs))), (len(room), pairs)),
                             sparse.csr_array((len(room), n))]).tocsr()  # fmt: skip
        linprog(cost, A_ub=cap, b_ub=room, A_eq=supply, b_eq=demand, method="highs-ds")

    baseline = timed(every_pair_at_once, runs=1)
    report(f"evacuation 10k groups → 1k shelters ({len(rows):,} pairs ≤ 10 km)", ours, baseline, "< 5 s")


def surface_benchmark(towns: list, gauges: np.ndarray) -> None:
    from scipy.spatial.distance import cdist

    grid = build_grid([t[0] for t in towns], [t[1] for t in towns], [t[2] for t in towns])
    rain = typhoon_rainfall(gauges[:, 0], gauges[:, 1])
    totals = np.column_stack([rain[36 - h : 36].sum(axis=0) for h in WINDOWS_H])

    def ours() -> None:
        surface = compute_surface(grid, gauges[:, 0], gauges[:, 1], totals)
        _ = surface.warning_areas

    def dense_idw_and_union_all() -> None:
        distance = np.maximum(cdist(grid.metric_centres, np.column_stack(to_metric(gauges[:, 0], gauges[:, 1]))), 1)
        weight = 1 / distance**2
        values = weight @ totals / weight.sum(axis=1, keepdims=True)
        for threshold in (50, 100):
            cells = np.flatnonzero(grid.inside & (values[:, 1] >= threshold))
            col, row = cells % grid.nx, cells // grid.nx
            west, south = grid.lon0 + col * grid.dlon, grid.lat0 + row * grid.dlat
            boxes = shapely.box(west, south, west + grid.dlon, south + grid.dlat)
            shapely.intersection(shapely.union_all(boxes), grid.outline)

    report(f"rainfall surface, {len(gauges)} gauges, {grid.size:,} cells + areas", timed(ours, 5),
           timed(dense_idw_and_union_all, 2), "< 1 s")  # fmt: skip


async def main() -> None:
    import asyncpg

    from app.settings import Settings

    conn = await asyncpg.connect(Settings().dsn_for(BENCH_DB))
    await init_connection(conn)
    started = time.perf_counter()
    enterprises = await conn.fetchval("SELECT count(*) FROM enterprise")
    print(f"{BENCH_DB}: {enterprises:,} enterprises; machine yardstick: count(*) over them took "
          f"{(time.perf_counter() - started) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}",
          flush=True)  # fmt: skip
    towns = [(r["code"], r["name"], shapely.from_wkb(r["wkb"])) for r in await conn.fetch(
        "SELECT code, name, ST_AsBinary(geom) AS wkb FROM admin_area WHERE level = 'town' ORDER BY code")]  # fmt: skip
    city = shapely.union_all([t[2] for t in towns])
    gauges = np.array([(r["x"], r["y"]) for r in await conn.fetch(
        "SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM rain_gauge ORDER BY code")])  # fmt: skip

    ours = await timed_async(lambda: impact(conn, city, ReliefNorms(), "threatened", 200), runs=3)
    raw = await timed_async(lambda: conn.fetch(RAW_IMPACT, shapely.to_wkb(city), list(HAZCHEM_TAGS)), runs=2)
    report(f"impact, city-wide, {enterprises:,} enterprises (baseline: enterprises only)", ours, raw, "< 2 s")

    radii = [1000.0, 3000.0, 5000.0]
    ours = await timed_async(lambda: nearby(conn, *ACCIDENT, radii, 100), runs=15)
    raw = await timed_async(lambda: conn.fetchval(RAW_NEARBY, *ACCIDENT), runs=2)
    report("周边分析 1/3/5 km, 5 kinds (baseline: enterprises only)", ours, raw, "< 200 ms")
    await conn.close()

    evacuation_benchmark(city)
    surface_benchmark(towns, gauges)


if __name__ == "__main__":
    asyncio.run(main())

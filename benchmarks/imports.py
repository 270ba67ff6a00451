"""Import 200k enterprises from a CSV and compare with the raw COPY floor on the same rows.

    .venv/bin/python benchmarks/imports.py [--rows 200000]

The import is the whole path a bureau's file takes (read, check every row, stage with COPY, check in PostGIS,
upsert by external id with the audit trigger, re-tier through app.risk_db); the floor is a binary COPY of the
same typed rows into a bare temporary table, the least any import must pay. A second run of the same file (every
row unchanged) shows the idempotent path. Runs in its own database, `twomaps_bench_imports`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "twomaps_bench_imports"
TARGET_SECONDS = 30.0


def bench_database() -> str:
    """Migrated, with the towns (and a small demo) so that town codes resolve; previous imports removed."""
    import psycopg

    from app.db.admin import ensure_database
    from app.db.migrate import upgrade
    from app.settings import Settings
    from geodata.load import load_demo

    url = ensure_database(Settings(), BENCH_DB)
    upgrade(url)
    with psycopg.connect(url) as conn:
        towns = conn.execute("SELECT count(*) FROM admin_area WHERE level = 'town'").fetchone()[0]
    if not towns:
        load_demo(url, size=100, seed=1)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM enterprise WHERE external_id LIKE 'BENCH-%'")
        conn.execute("VACUUM ANALYZE enterprise")
    return url


def write_csv(path: Path, rows: int) -> None:
    """Enterprises at random points inside Dongguan's towns, with Chinese headers and labels as bureaus send."""
    import numpy as np
    import shapely

    from geodata.validate import load_region
    from layers.vocab import HAZARD_TAGS, INDUSTRIES

    rng = np.random.default_rng(20201101)
    region = load_region()
    shapely.prepare(region)
    minx, miny, maxx, maxy = region.bounds
    points = np.empty((0, 2))
    while len(points) < rows:
        candidates = rng.uniform((minx, miny), (maxx, maxy), size=(rows, 2))
        inside = shapely.contains_xy(region, candidates[:, 0], candidates[:, 1])
        points = np.vstack([points, candidates[inside]])
    industries = [labels[0] for labels in INDUSTRIES.values()]
    tags = [labels[0] for labels in HAZARD_TAGS.values()]
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(["外部编号", "企业名称", "行业", "风险类别", "从业人数", "评估得分", "地址", "经度", "纬度"])
        for i in range(rows):
            out.writerow(
                [
                    f"BENCH-{i:07d}",
                    f"东莞市基准测试{i}号有限公司",
                    industries[i % len(industries)],
                    "、".join(tags[j] for j in {i % len(tags), (i * 7) % len(tags)}) if i % 4 == 0 else "",
                    int(rng.integers(1, 2000)),
                    round(float(rng.uniform(30, 120)), 1),
                    f"东莞市某镇某路{i}号",
                    round(points[i, 0], 6),
                    round(points[i, 1], 6),
                ]
            )


async def run(url: str, path: Path) -> None:
    import asyncpg

    from app.db.pool import init_connection
    from app.imports.service import ImportOptions, import_file, prepare

    conn = await asyncpg.connect(url)
    await init_connection(conn)
    await conn.execute("SELECT set_config('twomaps.user', 'benchmark', false)")
    options = ImportOptions("enterprises")

    started = time.perf_counter()
    first = await import_file(conn, path, options, dry_run=False)
    first_seconds = time.perf_counter() - started
    if not first.written:
        raise SystemExit(f"import refused: {first.to_dict()['summary']}")

    started = time.perf_counter()
    again = await import_file(conn, path, options, dry_run=False)
    again_seconds = time.perf_counter() - started

    prepared = await asyncio.to_thread(prepare, path, options)
    columns = ", ".join(f"{c} {prepared.spec.columns[c].sql_type}" for c in prepared.columns)
    async with conn.transaction():
        await conn.execute(f"CREATE TEMP TABLE copy_floor (row_no int, {columns}, geom_wkb bytea) ON COMMIT DROP")
        started = time.perf_counter()
        await conn.copy_records_to_table(
            "copy_floor", records=prepared.records, columns=["row_no", *prepared.columns, "geom_wkb"]
        )
        floor_seconds = time.perf_counter() - started
    await conn.close()

    rows = first.rows
    print(f"\n{rows:,} enterprises from {path.name} ({path.stat().st_size / 2**20:.1f} MiB CSV)\n")
    print(f"{'path':<44}{'seconds':>10}{'rows/s':>12}{'× floor':>10}")
    for label, seconds in (
        ("raw binary COPY into a bare table (floor)", floor_seconds),
        ("import, new rows (read→check→upsert→tiers)", first_seconds),
        ("import again, every row unchanged", again_seconds),
    ):
        print(f"{label:<44}{seconds:>10.2f}{rows / seconds:>12,.0f}{seconds / floor_seconds:>10.1f}")
    print("\nphases of the first import (s):", {k: round(v, 2) for k, v in first.seconds.items()})
    print(f"inserted {first.inserted:,}; tiers moved: {first.tiers}; second run unchanged {again.unchanged:,}")
    verdict = "within" if first_seconds < TARGET_SECONDS else "OVER"
    print(f"{verdict} the {TARGET_SECONDS:.0f} s target for {rows:,} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    url = bench_database()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"enterprises_{args.rows}.csv"
        write_csv(path, args.rows)
        asyncio.run(run(url, path))


if __name__ == "__main__":
    main()

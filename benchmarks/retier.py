"""Re-tiering speed (issue targets: every enterprise of the 1M dataset < 2 min; one enterprise after an edit < 50 ms).

Against the 1M benchmark database (`benchmarks.common.bench_database`), inside transactions that are rolled back:
  full     every enterprise from scratch (tiers cleared first): facts, 500 m exposure, GB 18218 units, rules,
           reasons, writes and history;
  steady   every enterprise again when nothing changed (the cost of a periodic re-check);
  floor    the raw-SQL floor: one UPDATE that bands the score into a tier (no units, exposure, dangers or reasons);
  one      an edit (score) plus the re-tier of that enterprise, for enterprises with and without chemical units
           (measured first: it is quick, the bulk runs take minutes).

    .venv/bin/python benchmarks/retier.py [--size 1000000] [--edits 40]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.db.pool import init_connection  # noqa: E402
from app.risk_db import retier_enterprises  # noqa: E402
from benchmarks.common import bench_database  # noqa: E402

FLOOR_SQL = """
UPDATE enterprise SET tier = CASE WHEN assessment_score < 60 THEN 'red' WHEN assessment_score < 75 THEN 'orange'
                                  WHEN assessment_score < 90 THEN 'yellow' ELSE 'blue' END
"""


async def timed(conn: asyncpg.Connection, work) -> float:
    """Run `work(conn)` in a transaction that is rolled back; seconds taken."""
    transaction = conn.transaction()
    await transaction.start()
    try:
        started = time.perf_counter()
        await work(conn)
        return time.perf_counter() - started
    finally:
        await transaction.rollback()


async def run(url: str, edits: int) -> None:
    conn = await asyncpg.connect(url)
    await init_connection(conn)
    count = await conn.fetchval("SELECT count(*) FROM enterprise")
    print(f"{count:,} enterprises; load average {os.getloadavg()[0]:.1f}", flush=True)

    for label, where in (("plain", "NOT EXISTS"), ("with units", "EXISTS")):
        ids = [r["id"] for r in await conn.fetch(
            f"SELECT id FROM enterprise e WHERE {where} (SELECT 1 FROM enterprise_unit u WHERE u.enterprise_id = e.id)"
            " ORDER BY random() LIMIT $1", edits)]  # fmt: skip
        samples = []
        for enterprise_id in ids:

            async def edit(c: asyncpg.Connection, enterprise_id: int = enterprise_id) -> None:
                await c.execute("UPDATE enterprise SET assessment_score = 55 WHERE id = $1", enterprise_id)
                await retier_enterprises(c, [enterprise_id], cause="benchmark")

            samples.append(await timed(conn, edit) * 1000)
        p95 = statistics.quantiles(samples, n=20)[-1]
        print(
            f"one      edit + re-tier, {label:<10} p50 {statistics.median(samples):6.1f} ms  p95 {p95:6.1f} ms"
            f"   (target < 50 ms)",
            flush=True,
        )
    floor = await timed(conn, lambda c: c.execute(FLOOR_SQL))
    print(f"floor    one SQL UPDATE banding the score        {floor:7.1f} s", flush=True)
    steady = await timed(conn, lambda c: retier_enterprises(c, cause="benchmark"))
    print(f"steady   all, nothing changed                     {steady:7.1f} s", flush=True)

    async def from_scratch(c: asyncpg.Connection) -> None:
        # Clearing is not part of the measurement: its audit rows are skipped (replica role, no table lock).
        await c.execute("SET LOCAL session_replication_role = replica")
        await c.execute("UPDATE enterprise SET tier = NULL, tier_reasons = NULL")
        await c.execute("SET LOCAL session_replication_role = origin")
        started = time.perf_counter()
        await retier_enterprises(c, cause="benchmark")
        from_scratch.seconds = time.perf_counter() - started  # type: ignore[attr-defined]

    await timed(conn, from_scratch)
    full = from_scratch.seconds  # type: ignore[attr-defined]
    print(
        f"full     all from scratch, with history           {full:7.1f} s   ({full / floor:.1f}× the floor; "
        f"target < 120 s)",
        flush=True,
    )

    await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20201101)
    parser.add_argument("--edits", type=int, default=40)
    args = parser.parse_args()
    asyncio.run(run(bench_database(args.size, args.seed), args.edits))


if __name__ == "__main__":
    main()

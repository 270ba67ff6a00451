"""What every benchmark needs: the benchmark database, servers as subprocesses, a bounded load loop, a table.

Everything runs on loopback; each measurement is a fixed number of requests at a fixed concurrency.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "twomaps_bench"


def bench_database(size: int, seed: int) -> str:
    """`twomaps_bench`, migrated, with the demo at `size` enterprises, tiered (loaded only when not already)."""
    import psycopg

    from app.db.admin import ensure_database
    from app.db.migrate import upgrade
    from app.risk_db import retier_all
    from app.settings import Settings
    from geodata.load import demo_loaded, load_demo

    url = ensure_database(Settings(), BENCH_DB)
    upgrade(url)
    with psycopg.connect(url) as conn:
        untiered = conn.execute("SELECT EXISTS (SELECT 1 FROM enterprise WHERE tier IS NULL)").fetchone()[0]
    if untiered or (demo_loaded(url) or {}).get("size") != size:
        started = time.perf_counter()
        print(f"loading the demo with {size:,} enterprises into {BENCH_DB} …", flush=True)
        load_demo(url, size=size, seed=seed)
        retier_all(url, cause="benchmark load")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        print(f"loaded and tiered in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    base_url: str
    pid: int


@contextmanager
def serve(app: str, env: dict[str, str], *, factory: bool = False) -> Iterator[Server]:
    """`uvicorn app` with 1 worker on a free loopback port, until the block ends."""
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            "--log-level", "warning", "--no-access-log", *(["--factory"] if factory else [])]  # fmt: skip
    process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env})
    try:
        wait_until_up(f"http://127.0.0.1:{port}/docs", process)
        yield Server(f"http://127.0.0.1:{port}", process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {timeout:.0f} s")


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB: its memory now and at its peak."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


@dataclass(frozen=True)
class Stats:
    p50_ms: float
    p95_ms: float
    per_second: float


async def load(call: Callable[[int], Awaitable[None]], requests: int, concurrency: int) -> Stats:
    """`requests` calls of `call(i)` from `concurrency` workers; latency per call and throughput overall."""
    latencies: list[float] = []
    counter = iter(range(requests))

    async def worker() -> None:
        for i in counter:
            started = time.perf_counter()
            await call(i)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return summarize(latencies, time.perf_counter() - started)


def summarize(latencies: Sequence[float], elapsed: float) -> Stats:
    """p50/p95 of the latencies (seconds) and the calls per second over `elapsed`."""
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return Stats(cuts[49] * 1000, cuts[94] * 1000, len(latencies) / elapsed)


def load_client(base_url: str, connections: int) -> aiohttp.ClientSession:
    """The HTTP load generator: aiohttp, whose C parser costs ~0.45 ms of CPU per request where httpx cost ~1.7 ms
    (measured on the items workload). On 2 cores the client's CPU is taken from the servers under test, which the
    asyncpg floor never pays, so a heavy client inflates every HTTP row against the floor. Bodies are read whole and
    never decompressed (every request asks for `identity`)."""
    return aiohttp.ClientSession(
        base_url,
        connector=aiohttp.TCPConnector(limit=connections),
        headers={"Accept-Encoding": "identity"},
        auto_decompress=False,
        timeout=aiohttp.ClientTimeout(total=120),
    )


def http_caller(
    client: aiohttp.ClientSession,
    urls: Sequence[str],
    headers: Sequence[dict[str, str] | None] | None = None,
    expect: tuple[int, ...] = (200, 204),
):
    """Round-robin over `urls` (with `headers[i]` for `urls[i]`, if given); any status outside `expect` stops the
    benchmark (a fast error is not a result)."""

    async def call(i: int) -> None:
        k = i % len(urls)
        async with client.get(urls[k], headers=headers[k] if headers else None) as response:
            body = await response.read()
            if response.status not in expect:
                raise RuntimeError(f"{response.url} → {response.status}: {body[:300]!r}")

    return call


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in header], *[[f"{c:.1f}" if isinstance(c, float) else str(c) for c in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")

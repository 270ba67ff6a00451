"""Fixtures for the features API: the demo database read directly, and a real server for GDAL and OWSLib."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
import uvicorn

from app.settings import Settings


@pytest.fixture(scope="session")
def db(demo_db: str) -> Iterator[psycopg.Connection]:
    """Ground truth: the demo database read directly."""
    with psycopg.connect(demo_db, autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="session")
def live_url(settings: Settings, demo_db: str) -> Iterator[str]:
    """A real HTTP server on a free port (GDAL and OWSLib need sockets, not an ASGI transport)."""
    from app.main import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the features test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)

"""Create databases, enable PostGIS and check its version: shared by the CLI, the app start-up and the tests."""

from __future__ import annotations

import psycopg
from psycopg import sql

from app.settings import Settings

MIN_POSTGIS = (3, 1)


class DatabaseError(RuntimeError):
    """A one-line reason why the database cannot be used."""


def _connect(dsn: str) -> psycopg.Connection:
    try:
        return psycopg.connect(dsn, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseError(f"database unreachable: {first}") from None


def ensure_database(settings: Settings, name: str) -> str:
    """Create database `name` on the configured server if missing, with PostGIS; return its URL."""
    url = settings.dsn_for(name)
    with _connect(settings.dsn_for("postgres")) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name)))
    with _connect(url) as conn:
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except psycopg.Error as exc:
            raise DatabaseError(f"cannot enable PostGIS in {name!r}: {exc.diag.message_primary}") from None
    check_postgis(url)
    return url


def drop_database(settings: Settings, name: str) -> None:
    with _connect(settings.dsn_for("postgres")) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def postgis_version(dsn: str) -> str:
    with _connect(dsn) as conn:
        try:
            row = conn.execute("SELECT postgis_lib_version()").fetchone()
        except psycopg.errors.UndefinedFunction:
            raise DatabaseError("PostGIS is not installed in this database (CREATE EXTENSION postgis)") from None
    return row[0] if row else ""


def parse_version(text: str) -> tuple[int, int]:
    parts = text.split(".")
    return int(parts[0]), int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def check_postgis(dsn: str) -> str:
    """Refuse a server whose PostGIS is older than 3.1 (ST_AsMVT, ST_TileEnvelope margins, make_valid params)."""
    version = postgis_version(dsn)
    if parse_version(version) < MIN_POSTGIS:
        raise DatabaseError(f"PostGIS {version} is too old: TwoMaps needs PostGIS >= 3.1")
    return version

"""Alembic driven from code: `twomaps db migrate` and the tests upgrade any database URL to head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    return config


def sqlalchemy_url(url: str) -> str:
    """libpq URL → SQLAlchemy URL with the psycopg 3 driver."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)

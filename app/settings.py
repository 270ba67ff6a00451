"""Settings from the environment (prefix TWOMAPS_); every setting is documented in the README."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = {"", "change-me", "dev-secret", "secret", "twomaps"}


class Settings(BaseSettings):
    """Runtime configuration. With `database_url` unset the embedded cluster under `data_dir` is used."""

    model_config = SettingsConfigDict(env_prefix="TWOMAPS_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str | None = Field(default=None, description="External PostgreSQL+PostGIS; unset = embedded")
    data_dir: Path = Field(default=PROJECT_ROOT / ".data", description="Embedded cluster and uploads live here")
    db_port: int = Field(default=54329, ge=1024, le=65535, description="Port of the embedded cluster (127.0.0.1)")
    db_name: str = Field(default="twomaps", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    db_os_user: str = Field(default="twomaps", description="Unprivileged OS user that runs the embedded cluster")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    demo_size: int = Field(default=20_000, ge=100, le=1_000_000, description="Enterprises in the demo")
    demo_seed: int = 20201101
    pool_min: int = Field(default=2, ge=1)
    pool_max: int = Field(default=10, ge=1)
    max_items_limit: int = Field(default=10_000, ge=1)
    max_upload_mb: int = Field(default=200, ge=1)
    basemap_url: str | None = Field(default=None, description="Optional XYZ basemap template, e.g. an intranet server")
    basemap_attribution: str = ""
    secret_key: str = Field(default="dev-secret", description="Signs session cookies; must be set in production")

    @model_validator(mode="after")
    def _invariants(self) -> Settings:
        if self.pool_max < self.pool_min:
            raise ValueError("TWOMAPS_POOL_MAX must be >= TWOMAPS_POOL_MIN")
        if self.env == "production" and self.secret_key in PLACEHOLDER_SECRETS:
            raise ValueError("TWOMAPS_SECRET_KEY must be set to a real secret in production")
        return self

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    @cached_property
    def dsn(self) -> str:
        """libpq URL of the database, embedded or external."""
        if self.database_url:
            return self.database_url
        from app.db.cluster import Cluster

        return Cluster(self).url(self.db_name)

    def dsn_for(self, db_name: str) -> str:
        """The same server, another database (the test database)."""
        from sqlalchemy.engine import make_url

        return make_url(self.dsn).set(database=db_name).render_as_string(hide_password=False)


def get_settings() -> Settings:
    return Settings()

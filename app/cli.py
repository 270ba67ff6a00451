"""The `twomaps` command: the embedded database, migrations, the demo and the server.

Every failure prints one line on stderr and exits non-zero.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

import typer

from app.settings import Settings

cli = typer.Typer(help="TwoMaps 应急管理“两张图”", no_args_is_help=True, add_completion=False)
db_cli = typer.Typer(help="The database (embedded cluster under .data/ unless TWOMAPS_DATABASE_URL is set)")
demo_cli = typer.Typer(help="The Dongguan demo data (演示数据)")
cli.add_typer(db_cli, name="db")
cli.add_typer(demo_cli, name="demo")


def one_line_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our known failures into `twomaps: <reason>` and exit 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from app.db.admin import DatabaseError
        from app.db.catalog import CatalogMismatch
        from app.db.cluster import ClusterError

        try:
            return func(*args, **kwargs)
        except (ClusterError, DatabaseError, CatalogMismatch, OSError, ValueError) as exc:
            typer.echo(f"twomaps: {exc}", err=True)
            raise typer.Exit(1) from None

    return wrapper


def settings() -> Settings:
    return Settings()


def cluster():
    from app.db.cluster import Cluster

    config = settings()
    if not config.embedded:
        raise ValueError("TWOMAPS_DATABASE_URL is set: the embedded cluster is not used")
    return Cluster(config)


@db_cli.command("start")
@one_line_errors
def db_start() -> None:
    """Create (first time) and start the embedded cluster, and create the database with PostGIS."""
    from app.db.admin import ensure_database

    config = settings()
    if config.embedded:
        started = cluster().start()
        typer.echo("embedded PostGIS started" if started else "embedded PostGIS already running")
    ensure_database(config, config.db_name)


@db_cli.command("stop")
@one_line_errors
def db_stop() -> None:
    """Stop the embedded cluster (only ours; a system cluster is never touched)."""
    typer.echo("stopped" if cluster().stop() else "not running")


@db_cli.command("status")
@one_line_errors
def db_status() -> None:
    """Is the embedded cluster running, on which port, where is its data."""
    status = cluster().status()
    state = "running" if status.running else ("stopped" if status.initialised else "not created")
    typer.echo(f"{state} port={status.port} data={status.data_dir} pid={status.pid or '-'}")
    if not status.running:
        raise typer.Exit(3)


@db_cli.command("url")
@one_line_errors
def db_url() -> None:
    """Print the database URL (contains the password: treat it as a secret)."""
    typer.echo(settings().dsn)


@db_cli.command("migrate")
@one_line_errors
def db_migrate() -> None:
    """Upgrade the schema to the newest migration."""
    from app.db.admin import check_postgis
    from app.db.migrate import upgrade

    config = settings()
    check_postgis(config.dsn)
    upgrade(config.dsn)
    typer.echo("schema up to date")


@demo_cli.command("load")
@one_line_errors
def demo_load(
    size: int = typer.Option(None, help="Enterprises to generate (default TWOMAPS_DEMO_SIZE)"),
    seed: int = typer.Option(None, help="Random seed (default TWOMAPS_DEMO_SEED)"),
    if_missing: bool = typer.Option(False, "--if-missing", help="Do nothing when a demo is already loaded"),
) -> None:
    """Load the Dongguan demo (real towns and census, synthetic entities) and tier everything."""
    from geodata.load import demo_loaded, load_demo

    from app.risk_db import retier_all

    config = settings()
    size = size or config.demo_size
    seed = seed if seed is not None else config.demo_seed
    if if_missing and demo_loaded(config.dsn):
        typer.echo("demo already loaded")
        return
    started = time.perf_counter()
    counts = load_demo(config.dsn, size=size, seed=seed)
    loaded = time.perf_counter()
    tiered = retier_all(config.dsn, cause="demo load")
    typer.echo(
        f"demo loaded in {loaded - started:.1f}s, tiered in {time.perf_counter() - loaded:.1f}s: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + f"; tiers {tiered}"
    )


@cli.command("serve")
@one_line_errors
def serve(
    host: str = typer.Option(None, help="Bind address (default TWOMAPS_HOST)"),
    port: int = typer.Option(None, help="Port (default TWOMAPS_PORT)"),
) -> None:
    """Serve the API and the map."""
    import uvicorn

    config = settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or config.host,
        port=port or config.port,
        log_level="info",
        proxy_headers=False,
    )


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()

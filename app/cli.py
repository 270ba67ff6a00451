"""The `twomaps` command: the embedded database, migrations, the demo and the server.

Every failure prints one line on stderr and exits non-zero.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import asyncpg
import psycopg
import typer

from app.settings import Settings

cli = typer.Typer(help="TwoMaps 应急管理“两张图”", no_args_is_help=True, add_completion=False)
db_cli = typer.Typer(help="The database (embedded cluster under .data/ unless TWOMAPS_DATABASE_URL is set)")
demo_cli = typer.Typer(help="The Dongguan demo data (演示数据)")
cli.add_typer(db_cli, name="db")
cli.add_typer(demo_cli, name="demo")
risk_cli = typer.Typer(help="What-if risk calculators (the same rules and reasons as the API)")
cli.add_typer(risk_cli, name="risk")
users_cli = typer.Typer(help="People who log in and their roles (see docs/data-and-access.md)")
cli.add_typer(users_cli, name="users")


def one_line_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our known failures into `twomaps: <reason>` and exit 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from app.db.admin import DatabaseError
        from app.db.catalog import CatalogMismatch
        from app.db.cluster import ClusterError
        from app.errors import TwoMapsError

        try:
            return func(*args, **kwargs)
        except (ClusterError, DatabaseError, CatalogMismatch, OSError, ValueError) as exc:
            typer.echo(f"twomaps: {exc}", err=True)
            raise typer.Exit(1) from None
        except TwoMapsError as exc:
            typer.echo(f"twomaps: {exc.detail}", err=True)
            raise typer.Exit(1) from None
        except (asyncpg.PostgresError, psycopg.Error) as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            hint = " (run `twomaps db migrate`)" if getattr(exc, "sqlstate", None) == "42P01" else ""
            typer.echo(f"twomaps: database error: {first}{hint}", err=True)
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
    from app.risk_db import retier_all
    from geodata.load import demo_loaded, load_demo

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


@cli.command("import")
@one_line_errors
def import_file(
    layer: str = typer.Argument(help="Layer id, e.g. enterprises, shelters, flood_spots"),
    file: Path = typer.Argument(help="GeoJSON, zipped Shapefile, GeoPackage, KML/KMZ, CSV or XLSX"),
    crs: str = typer.Option(None, help="Source CRS when the file does not say: EPSG code, gcj02 or bd09"),
    lon_col: str = typer.Option(None, help="Longitude column of a CSV/XLSX"),
    lat_col: str = typer.Option(None, help="Latitude column of a CSV/XLSX"),
    repair: bool = typer.Option(False, help="Repair invalid geometries instead of refusing them"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and report; write nothing"),
    id_field: str = typer.Option("external_id", help="The column that holds each row's external id"),
    source_layer: str = typer.Option(None, help="Layer, worksheet or archive member to read"),
) -> None:
    """Import a file into a layer: every row is checked first, and nothing is written unless all pass."""
    from app.imports.cli import import_command
    from app.imports.service import ImportOptions

    options = ImportOptions(layer, crs, lon_col, lat_col, repair, id_field, source_layer)
    raise typer.Exit(import_command(settings(), file, options, dry_run=dry_run))


@users_cli.command("demo")
@one_line_errors
def users_demo() -> None:
    """Create the demo accounts (admin, commander, planner, inspector-changan, viewer); never in production."""
    from app.auth.cli import with_connection
    from app.auth.users import ensure_demo_accounts

    config = settings()
    if config.env == "production":
        raise ValueError("demo accounts have published passwords: production refuses them")
    created = with_connection(config, ensure_demo_accounts)
    typer.echo(f"created: {', '.join(created)}" if created else "demo accounts already exist")


@users_cli.command("create")
@one_line_errors
def users_create(
    username: str,
    role: str = typer.Option(..., help="admin, commander, planner, inspector or viewer"),
    towns: str = typer.Option("", help="Comma-separated town codes (required for inspectors)"),
    display_name: str = typer.Option(None),
) -> None:
    """Create a user; the password is asked for twice and never echoed."""
    from app.auth.cli import with_connection
    from app.auth.roles import Role
    from app.auth.users import create_user

    config = settings()
    password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    town_list = [t.strip() for t in towns.split(",") if t.strip()]
    with_connection(
        config,
        lambda conn: create_user(
            conn, username, password, Role(role), town_list, display_name, production=config.env == "production"
        ),
    )
    typer.echo(f"created {username} ({role})")


@users_cli.command("list")
@one_line_errors
def users_list() -> None:
    """Every user with role, towns and state."""
    from app.auth.cli import with_connection
    from app.auth.users import list_users

    for user in with_connection(settings(), list_users):
        state = "disabled" if user["disabled"] else "demo password" if user["password_is_default"] else "active"
        typer.echo(f"{user['username']:<24}{user['role']:<11}{','.join(user['towns']) or '-':<24}{state}")


@users_cli.command("password")
@one_line_errors
def users_password(username: str) -> None:
    """Set a user's password (asked for twice); their sessions end."""
    from app.auth.cli import user_id, with_connection
    from app.auth.users import set_password

    config = settings()
    password = typer.prompt("new password", hide_input=True, confirmation_prompt=True)

    async def work(conn):
        await set_password(conn, await user_id(conn, username), password, production=config.env == "production")

    with_connection(config, work)
    typer.echo(f"password of {username} changed")


@users_cli.command("disable")
@one_line_errors
def users_disable(username: str) -> None:
    """Disable a user: sessions and tokens stop working at once."""
    from app.auth.cli import user_id, with_connection
    from app.auth.users import update_user

    async def work(conn):
        await update_user(conn, await user_id(conn, username), disabled=True)

    with_connection(settings(), work)
    typer.echo(f"{username} disabled")


@cli.command("roads")
@one_line_errors
def roads_load(
    file: Path = typer.Argument(help="An OpenStreetMap .osm.pbf extract that covers the city"),
    any_region: bool = typer.Option(False, "--any-region", help="Load even if it does not reach the region"),
) -> None:
    """Replace the road network (road_edge/road_node, for pgRouting road distances) with an extract's roads."""
    from app.roads.cli import roads_command

    typer.echo(roads_command(settings(), file, check_region=not any_region))


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


def print_result(result: Any) -> None:
    """A rule's result as indented JSON (UTF-8, Chinese kept readable)."""
    import orjson

    typer.echo(orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2).decode())


def risk_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Bad what-if input (unknown chemical, negative amounts) → one line naming the field, exit 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from app.risk import RiskInputError

        try:
            return func(*args, **kwargs)
        except RiskInputError as exc:
            typer.echo(f"twomaps: {exc}", err=True)
            raise typer.Exit(2) from None

    return wrapper


@risk_cli.command("major-hazard")
@risk_errors
def risk_major_hazard(
    chemical: list[str] = typer.Option(..., "--chemical", "-c", help="NAME_OR_CAS=TONNES, repeat for each chemical"),
    people: int = typer.Option(..., "--people", help="Residents within 500 m"),
) -> None:
    """GB 18218-2018 for one unit: S, α, R and grade."""
    from app.risk import RiskInputError, assess_unit

    holdings = []
    for i, item in enumerate(chemical):
        name, _, tonnes = item.rpartition("=")
        try:
            holdings.append((name, float(tonnes)))
        except ValueError:
            raise RiskInputError(f"chemical[{i}]", f"expected NAME=TONNES, got {item!r}") from None
    print_result(assess_unit(holdings, people))


@risk_cli.command("enterprise-score")
@risk_errors
def risk_enterprise_score(
    score: float = typer.Argument(..., help="应急〔2018〕19号 diagnostic score"),
    larger_accidents_3y: int = typer.Option(0, help="较大 accidents within 3 years"),
    major_accidents_3y: int = typer.Option(0, help="重大 or larger accidents within 3 years"),
) -> None:
    """Score band and direct-red conditions → tier."""
    from app.risk import DirectRedFlags, EnterpriseFacts, tier_enterprise

    flags = DirectRedFlags(larger_accidents_3y=larger_accidents_3y, major_or_worse_accidents_3y=major_accidents_3y)
    print_result(tier_enterprise(EnterpriseFacts(score=score, direct_red=flags)))


@risk_cli.command("geohazard")
@risk_errors
def risk_geohazard(
    people: int = typer.Option(..., "--people", help="Threatened people"),
    loss: float = typer.Option(0.0, "--loss", help="Potential economic loss (万元)"),
) -> None:
    """险情 grade → tier."""
    from app.risk import tier_geohazard

    print_result(tier_geohazard(people, loss))


@risk_cli.command("rainfall-warning")
@risk_errors
def risk_rainfall_warning(acc_1h: float, acc_3h: float, acc_6h: float, acc_12h: float) -> None:
    """Accumulated rainfall (mm) over 1/3/6/12 h → rainstorm warning level."""
    from app.risk import rainfall_warning

    print_result(rainfall_warning(acc_1h, acc_3h, acc_6h, acc_12h))


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()

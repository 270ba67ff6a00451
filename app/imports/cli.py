"""`twomaps import`: the same checks and transaction as the API, run as `cli:<os user>` for the audit log."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path

import asyncpg
import typer

from app.db.pool import init_connection
from app.imports.service import ImportOptions, ImportResult, import_file
from app.settings import Settings

SHOWN_PROBLEMS = 50


async def run_import(settings: Settings, path: Path, options: ImportOptions, *, dry_run: bool) -> ImportResult:
    conn = await asyncpg.connect(settings.dsn)
    try:
        await init_connection(conn)
        await conn.execute("SELECT set_config('twomaps.user', $1, false)", f"cli:{getpass.getuser()}")
        return await import_file(conn, path, options, dry_run=dry_run)
    finally:
        await conn.close()


def import_command(settings: Settings, path: Path, options: ImportOptions, *, dry_run: bool) -> int:
    """Print the report; exit status 0 when written (or a clean dry run), 1 when any row has an error."""
    result = asyncio.run(run_import(settings, path, options, dry_run=dry_run))
    for notice in result.notices:
        typer.echo(f"note: {notice['message_en']} ({notice['message_zh']})")
    for problem in result.problems[:SHOWN_PROBLEMS]:
        where = f"row {problem.row}" if problem.row is not None else "file"
        typer.echo(f"{problem.severity}: {where} {problem.field}: {problem.message_en} ({problem.message_zh})")
    if len(result.problems) > SHOWN_PROBLEMS:
        typer.echo(f"… and {len(result.problems) - SHOWN_PROBLEMS} more problems")
    counts = f"{result.rows} rows, {result.errors} errors, {len(result.problems) - result.errors} warnings"
    if result.written:
        typer.echo(f"imported {counts}: {result.inserted} new, {result.updated} updated, {result.unchanged} unchanged")
    elif result.errors:
        typer.echo(f"nothing written: {counts}", err=True)
    else:
        typer.echo(f"dry run: {counts}; run without --dry-run to write")
    return 1 if result.errors else 0

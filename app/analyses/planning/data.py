"""Planning inputs read from PostGIS: one SQL file per query (sql/), every value a bound parameter."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pandas as pd

SQL = {path.stem: path.read_text(encoding="utf-8") for path in (Path(__file__).resolve().parent / "sql").glob("*.sql")}


async def frame(conn: asyncpg.Connection, query: str, *args: object) -> pd.DataFrame:
    """Rows of sql/<query>.sql as a DataFrame whose columns exist even when no row comes back."""
    statement = await conn.prepare(SQL[query])
    columns = [attribute.name for attribute in statement.get_attributes()]
    return pd.DataFrame([tuple(row) for row in await statement.fetch(*args)], columns=columns)

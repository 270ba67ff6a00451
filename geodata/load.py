"""Load the Dongguan demo into PostGIS: one transaction, COPY for every table, all or nothing.

`make run` calls `demo_loaded` first so the demo is loaded once; `load_demo` replaces whatever data is there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pandas as pd
import psycopg
import shapely
from geopandas.array import GeometryDtype
from psycopg import sql
from psycopg.types.json import Jsonb

from geodata.demo.generate import DEFAULT_SEED, DEFAULT_SIZE, DEMO_VERSION, GENERATED_AT, generate_demo

# Emptied before a load (what refers to their rows goes too). admin_area is upserted instead, and users, saved
# planning scenarios, the road network and the append-only audit log are left alone.
DATA_TABLES = (
    "enterprise", "enterprise_unit", "chemical_inventory", "hidden_danger", "hidden_danger_event", "flood_spot",
    "geohazard", "forest_zone", "shelter", "depot", "depot_stock", "rescue_team", "vulnerable_site", "rain_gauge",
    "rain_observation", "rain_ingest", "population_cell", "tier_history", "callout_ack",
)  # fmt: skip
ADMIN_TIER_COLUMNS = ("tier", "risk_index", "tier_reasons", "tier_updated_at")
ROW_AUDIT_TRIGGER = "audit_insert"


def load_demo(dsn: str, *, size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Replace all data with a freshly generated demo and record it in dataset_info; return the rows per table.

    Tiers are left NULL for the risk engine. On any error the transaction rolls back and nothing changes.
    """
    tables = generate_demo(size, seed)
    counts = {name: len(rows) for name, rows in tables.items()}
    info = {"seed": seed, "size": size, "generated_at": GENERATED_AT, "version": DEMO_VERSION,
            "counts": counts, "synthetic": True}  # fmt: skip
    with psycopg.connect(dsn) as conn, conn.transaction():
        names = sql.SQL(", ").join(map(sql.Identifier, DATA_TABLES))
        conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(names))
        replace_admin_areas(conn, tables.pop("admin_area"))
        for name, rows in tables.items():
            with bulk_copy(conn, name):
                copy_rows(conn, name, rows)
            if "id" in rows:
                conn.execute(
                    sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), max(id)) FROM {}").format(
                        sql.Literal(name), sql.Identifier(name)
                    )
                )
        conn.execute(
            "INSERT INTO dataset_info (key, value, updated_at) VALUES ('demo', %s, now()) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at",
            (Jsonb(info),),
        )
        for name in ("admin_area", *tables):
            conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(name)))
    return counts


def demo_loaded(dsn: str) -> dict | None:
    """What `load_demo` recorded (seed, size, counts …), or None when no demo is loaded."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT value FROM dataset_info WHERE key = 'demo'").fetchone()
    return row[0] if row else None


def replace_admin_areas(conn: psycopg.Connection, areas: pd.DataFrame) -> None:
    """Upsert the city and towns through a staging table, drop any other area and clear stale tiers."""
    conn.execute("CREATE TEMP TABLE admin_area_new (LIKE admin_area INCLUDING DEFAULTS) ON COMMIT DROP")
    copy_rows(conn, "admin_area_new", areas)
    columns = [sql.Identifier(c) for c in areas.columns]
    updates = [sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in areas.columns if c != "code"]
    updates += [sql.SQL("{} = NULL").format(sql.Identifier(c)) for c in ADMIN_TIER_COLUMNS]
    conn.execute(
        sql.SQL(
            "INSERT INTO admin_area ({0}) SELECT {0} FROM admin_area_new ON CONFLICT (code) DO UPDATE SET {1}"
        ).format(sql.SQL(", ").join(columns), sql.SQL(", ").join(updates))
    )
    conn.execute("DELETE FROM admin_area WHERE code NOT IN (SELECT code FROM admin_area_new)")


@contextmanager
def bulk_copy(conn: psycopg.Connection, table: str) -> Iterator[None]:
    """Ready `table` for a large COPY and put it back as it was afterwards, inside the load's transaction:

    - plain indexes and outgoing foreign keys are dropped and re-created: one index build and one validating join
      beat a million per-row updates and lookups ("Populating a Database" in the PostgreSQL manual);
    - the per-row audit trigger is off: synthetic rows need no audit trail (the TRUNCATE before is logged);
    - forced row-level security is lifted: COPY FROM refuses a table whose policies apply to the loading role.

    Primary keys, unique and CHECK constraints stay in force; no other session ever sees the gap.
    """
    alter = sql.SQL("ALTER TABLE {} ").format(sql.Identifier(table))
    before: list[sql.Composable] = []
    after: list[sql.Composable] = []
    for name, definition in conn.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)",
        (table,),
    ):
        before.append(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
        after.append(sql.SQL(definition))
    for name, definition in conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
        (table,),
    ):
        before.append(alter + sql.SQL("DROP CONSTRAINT {}").format(sql.Identifier(name)))
        after.append(alter + sql.SQL("ADD CONSTRAINT {} {}").format(sql.Identifier(name), sql.SQL(definition)))
    if conn.execute(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s", (table, ROW_AUDIT_TRIGGER)
    ).fetchone():
        before.append(alter + sql.SQL("DISABLE TRIGGER {}").format(sql.Identifier(ROW_AUDIT_TRIGGER)))
        after.append(alter + sql.SQL("ENABLE TRIGGER {}").format(sql.Identifier(ROW_AUDIT_TRIGGER)))
    if conn.execute("SELECT relforcerowsecurity FROM pg_class WHERE oid = %s::regclass", (table,)).fetchone()[0]:
        before.append(alter + sql.SQL("NO FORCE ROW LEVEL SECURITY"))
        after.append(alter + sql.SQL("FORCE ROW LEVEL SECURITY"))
    for statement in before:
        conn.execute(statement)
    yield
    for statement in after:
        conn.execute(statement)


def copy_rows(conn: psycopg.Connection, table: str, rows: pd.DataFrame) -> None:
    """COPY a frame into `table`, its columns named as in the table."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, rows.columns))
    )
    with conn.cursor().copy(statement) as copy:
        for row in zip(*(column_values(rows[c]) for c in rows.columns), strict=True):
            copy.write_row(row)


def column_values(column: pd.Series) -> Iterable:
    """Values psycopg can write: EWKB hex (SRID 4326) for geometries, JSON text for dicts, None for missing."""
    if isinstance(column.dtype, GeometryDtype):
        return shapely.to_wkb(shapely.set_srid(column.to_numpy(), 4326), hex=True, include_srid=True)
    if column.isna().any():
        column = column.astype(object).where(column.notna(), None)
    values = column.tolist()
    if values and isinstance(values[0], dict):
        return [json.dumps(v, ensure_ascii=False) if v else "{}" for v in values]
    return values

"""Check the layer registry against the live database at start-up: refuse to start on any mismatch."""

from __future__ import annotations

import asyncpg

from app.tiles.service import GRID_ZOOMS_KEPT
from layers.spec import LayerSpec

CATALOG_SQL = """
SELECT c.table_name, c.column_name, c.udt_name,
       g.srid, g.type AS geometry_type
FROM information_schema.columns c
LEFT JOIN geometry_columns g
  ON g.f_table_schema = c.table_schema AND g.f_table_name = c.table_name AND g.f_geometry_column = c.column_name
WHERE c.table_schema = 'public' AND c.table_name = ANY($1::text[])
"""
GIST_SQL = """
SELECT t.relname AS table_name, a.attname AS column_name
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_class ix ON ix.oid = i.indexrelid
JOIN pg_am am ON am.oid = ix.relam
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
WHERE am.amname = 'gist' AND t.relname = ANY($1::text[])
"""

# Tables whose low-zoom grid is kept in tile_grid (migration 0007): its maintaining triggers are in place.
GRID_TABLES_SQL = """
SELECT c.relname AS table_name
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE t.tgname = 'tile_grid_insert' AND c.relname = ANY($1::text[])
"""


class CatalogMismatch(RuntimeError):
    """The registry names something the database does not have."""


async def check_registry(conn: asyncpg.Connection, layers: dict[str, LayerSpec]) -> None:
    tables = sorted({spec.table for spec in layers.values()})
    columns: dict[str, dict[str, asyncpg.Record]] = {}
    for row in await conn.fetch(CATALOG_SQL, tables):
        columns.setdefault(row["table_name"], {})[row["column_name"]] = row
    gist = {(r["table_name"], r["column_name"]) for r in await conn.fetch(GIST_SQL, tables)}
    grid_tables = {r["table_name"] for r in await conn.fetch(GRID_TABLES_SQL, tables)}
    problems: list[str] = []
    for spec in layers.values():
        table = columns.get(spec.table)
        if table is None:
            problems.append(f"layer {spec.id}: table {spec.table!r} does not exist")
            continue
        geom = table.get(spec.geometry_column)
        if geom is None or geom["srid"] is None:
            problems.append(f"layer {spec.id}: {spec.table}.{spec.geometry_column} is not a geometry column")
        elif geom["srid"] != 4326:
            problems.append(f"layer {spec.id}: {spec.table}.{spec.geometry_column} has SRID {geom['srid']}, not 4326")
        if (spec.table, spec.geometry_column) not in gist:
            problems.append(f"layer {spec.id}: {spec.table}.{spec.geometry_column} has no GiST index")
        if spec.tiles.aggregate_below is not None:
            if spec.table not in grid_tables:
                problems.append(f"layer {spec.id}: aggregates at low zoom but {spec.table} is not kept in tile_grid")
            if spec.tiles.aggregate_below - 1 > GRID_ZOOMS_KEPT:
                problems.append(f"layer {spec.id}: tile_grid keeps grids up to zoom {GRID_ZOOMS_KEPT} only")
        wanted = [spec.id_column, *(p.name for p in spec.properties)]
        if spec.demo_column:
            wanted.append(spec.demo_column)
        problems += [
            f"layer {spec.id}: column {spec.table}.{name} does not exist" for name in wanted if name not in table
        ]
    if problems:
        raise CatalogMismatch("; ".join(problems))

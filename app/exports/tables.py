"""The filtered enterprises as files: CSV and XLSX for people (labels in the user's language), GeoJSON for GIS
(codes, as the API has them). Rows stream from PostGIS with a cursor, so a large export never sits in memory
as a whole (XLSX excepted: a workbook is written at the end)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime
from pathlib import Path

import asyncpg

from app.errors import PayloadTooLarge
from app.exports.filtered import EnterpriseSet, code_label, has_labels
from app.query import quote_ident
from layers.spec import PropertySpec

SQL_DIR = Path(__file__).resolve().parent / "sql"
ROWS_SQL = (SQL_DIR / "rows.sql").read_text(encoding="utf-8")
FEATURES_SQL = (SQL_DIR / "features.sql").read_text(encoding="utf-8")
XLSX_MAX_ROWS = 1_048_575  # a worksheet holds 1,048,576 rows, one of them the header
CURSOR_PREFETCH = 2000
LIST_SEPARATORS = ("、", "; ")
SHEET_TITLES = ("企业", "Enterprises")
YES_NO = {True: ("是", "Yes"), False: ("否", "No")}
EXTRA_LABELS = {
    "id": ("编号", "ID"),
    "town_name": ("镇街名称", "Town name"),
    "lon": ("经度", "Longitude"),
    "lat": ("纬度", "Latitude"),
}


def exported_properties(selection: EnterpriseSet) -> list[PropertySpec]:
    """The registry's published properties, less JSON (reasons belong to the 一企一档, not a table)."""
    return [p for p in selection.spec.properties if p.type != "json"]


def rows_sql(selection: EnterpriseSet) -> str:
    columns = ", ".join(f"e.{quote_ident(p.name)}" for p in exported_properties(selection))
    return ROWS_SQL.format(columns=columns, where=selection.where)


def features_sql(selection: EnterpriseSet) -> str:
    # Property names match the registry's identifier pattern, so they are safe as SQL string literals.
    pairs = ", ".join(f"'{p.name}', e.{quote_ident(p.name)}" for p in exported_properties(selection))
    return FEATURES_SQL.format(properties=pairs, where=selection.where)


def headers(selection: EnterpriseSet, pick: int) -> list[str]:
    """Column titles from the registry labels; `pick` is 0 for zh, 1 for en."""
    labels = [(p.label_zh, p.label_en)[pick] for p in exported_properties(selection)]
    return [EXTRA_LABELS["id"][pick], *labels, *(EXTRA_LABELS[key][pick] for key in ("town_name", "lon", "lat"))]


def cell(prop: PropertySpec, value: object, pick: int) -> object:
    """A value as a person reads it: tier and vocabulary codes become labels, dates ISO text; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATORS[pick].join(code_label(prop, code, pick) for code in value)
    if isinstance(value, bool):
        return YES_NO[value][pick]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return code_label(prop, value, pick) if has_labels(prop) else value


# Text starting with these is evaluated by spreadsheets (CSV/formula injection); openpyxl writes it as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: object) -> object:
    """Text a spreadsheet would evaluate gets a leading quote; numbers (a negative one included) stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def table_row(selection: EnterpriseSet, record: asyncpg.Record, pick: int) -> list[object]:
    values = [defuse(cell(p, record[p.name], pick)) for p in exported_properties(selection)]
    town = (pick and record["town_name_en"]) or record["town_name"] or ""
    return [record["id"], *values, town, record["lon"], record["lat"]]


async def stream_records(pool: asyncpg.Pool, sql: str, values: Iterable[object]) -> AsyncIterator[asyncpg.Record]:
    async with pool.acquire() as conn, conn.transaction():
        async for record in conn.cursor(sql, *values, prefetch=CURSOR_PREFETCH):
            yield record


async def csv_chunks(pool: asyncpg.Pool, selection: EnterpriseSet, pick: int) -> AsyncIterator[bytes]:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(selection, pick))
    yield ("\ufeff" + buffer.getvalue()).encode()
    async for record in stream_records(pool, rows_sql(selection), selection.values):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(table_row(selection, record, pick))
        yield buffer.getvalue().encode()


async def geojson_chunks(pool: asyncpg.Pool, selection: EnterpriseSet) -> AsyncIterator[bytes]:
    """A FeatureCollection whose features PostGIS writes; we only join them."""
    yield b'{"type":"FeatureCollection","features":['
    separator = b""
    async for record in stream_records(pool, features_sql(selection), selection.values):
        yield separator + record[0].encode()
        separator = b","
    yield b"]}"


async def xlsx_bytes(pool: asyncpg.Pool, selection: EnterpriseSet, pick: int) -> bytes:
    from openpyxl import Workbook
    from starlette.concurrency import run_in_threadpool

    async with pool.acquire() as conn:
        records = await conn.fetch(rows_sql(selection), *selection.values)
    if len(records) > XLSX_MAX_ROWS:
        raise PayloadTooLarge(
            f"{len(records)} rows do not fit in one worksheet ({XLSX_MAX_ROWS}); narrow the filters or export CSV"
        )

    def build() -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(SHEET_TITLES[pick])
        sheet.append(headers(selection, pick))
        for record in records:
            sheet.append(table_row(selection, record, pick))
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    return await run_in_threadpool(build)

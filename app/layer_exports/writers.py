"""One filtered layer as a file. CSV/XLSX are for people (registry labels, vocabulary labels, one sheet); GeoJSON,
GeoPackage and Shapefile are for GIS (property names and codes, as the API has them).

A cell a spreadsheet would run as a formula (text starting with = + - @, or a tab/CR) is written with a leading
quote in CSV and as plain text in XLSX, so an enterprise named `=HYPERLINK(…)` stays a name.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from app.exports.tables import CURSOR_PREFETCH, XLSX_MAX_ROWS, cell, defuse
from app.query import quote_ident
from layers.spec import LayerSpec, PropertySpec

SQL_DIR = Path(__file__).resolve().parent / "sql"
ROWS_SQL = (SQL_DIR / "rows.sql").read_text(encoding="utf-8")
FEATURES_SQL = (SQL_DIR / "features.sql").read_text(encoding="utf-8")
SHAPEFILE_NAME_LENGTH = 10
SHAPE_KINDS = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line"}


@dataclass(frozen=True)
class LayerSelection:
    """A layer and the WHERE fragment (with its bound values) that the request's filters compiled to."""

    spec: LayerSpec
    where: str
    values: tuple[object, ...]

    @property
    def properties(self) -> list[PropertySpec]:
        """Published properties; JSON ones (tier reasons) only in GeoJSON, where they stay structured."""
        return [p for p in self.spec.properties if p.type != "json"]

    def rows_sql(self) -> str:
        table_columns = ", ".join(f"t.{quote_ident(p.name)}" for p in self.properties)
        return ROWS_SQL.format(
            id=quote_ident(self.spec.id_column), geom=quote_ident(self.spec.geometry_column),
            table=quote_ident(self.spec.table), columns=table_columns, where=self.where,
        )  # fmt: skip

    def features_sql(self) -> str:
        # Property names match the registry's identifier pattern, so they are safe as SQL string literals.
        pairs = ", ".join(f"'{p.name}', t.{quote_ident(p.name)}" for p in self.spec.properties)
        return FEATURES_SQL.format(
            id=quote_ident(self.spec.id_column), geom=quote_ident(self.spec.geometry_column),
            table=quote_ident(self.spec.table), properties=pairs, where=self.where,
        )  # fmt: skip


def location_columns(spec: LayerSpec, pick: int) -> list[str]:
    if spec.geometry_type == "Point":
        return [("经度", "Longitude")[pick], ("纬度", "Latitude")[pick]]
    return [("几何（WKT）", "Geometry (WKT)")[pick]]


def headers(selection: LayerSelection, pick: int) -> list[str]:
    labels = [(p.label_zh, p.label_en)[pick] for p in selection.properties]
    return [("编号", "ID")[pick], *labels, *location_columns(selection.spec, pick)]


def table_row(selection: LayerSelection, record: asyncpg.Record, pick: int) -> list[object]:
    values = [cell(p, record[p.name], pick) for p in selection.properties]
    where = [record["__lon"], record["__lat"]] if selection.spec.geometry_type == "Point" else [record["__wkt"]]
    return [record["__id"], *values, *where]


async def stream_records(pool, sql: str, values: tuple[object, ...]) -> AsyncIterator[asyncpg.Record]:
    async with pool.acquire() as conn, conn.transaction():
        async for record in conn.cursor(sql, *values, prefetch=CURSOR_PREFETCH):
            yield record


async def csv_chunks(pool, selection: LayerSelection, pick: int) -> AsyncIterator[bytes]:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(selection, pick))
    yield ("\ufeff" + buffer.getvalue()).encode()
    async for record in stream_records(pool, selection.rows_sql(), selection.values):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([defuse(value) for value in table_row(selection, record, pick)])
        yield buffer.getvalue().encode()


async def geojson_chunks(pool, selection: LayerSelection) -> AsyncIterator[bytes]:
    yield b'{"type":"FeatureCollection","features":['
    separator = b""
    async for record in stream_records(pool, selection.features_sql(), selection.values):
        yield separator + record[0].encode()
        separator = b","
    yield b"]}"


async def fetch_rows(pool, selection: LayerSelection) -> list[asyncpg.Record]:
    async with pool.acquire() as conn:
        return await conn.fetch(selection.rows_sql(), *selection.values)


def xlsx_bytes(selection: LayerSelection, records: list[asyncpg.Record], pick: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    if len(records) > XLSX_MAX_ROWS:
        raise ValueError(f"{len(records)} rows do not fit in one worksheet ({XLSX_MAX_ROWS})")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(selection.spec.title_zh if pick == 0 else selection.spec.title_en[:31])

    def text_cell(value: object) -> object:
        if not isinstance(value, str):
            return value
        written = WriteOnlyCell(sheet, value=value)
        written.data_type = "s"  # never a formula, whatever the text starts with
        return written

    sheet.append(headers(selection, pick))
    for record in records:
        sheet.append([text_cell(value) for value in table_row(selection, record, pick)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def geodataframe(selection: LayerSelection, records: list[asyncpg.Record]):
    """Property names and codes; lists become comma-joined text (neither format has arrays)."""
    import geopandas as gpd
    import shapely

    columns = {"id": [r["__id"] for r in records]}
    for prop in selection.properties:
        values = [r[prop.name] for r in records]
        if prop.type == "string[]":
            values = [",".join(v) if v is not None else None for v in values]
        elif prop.type == "datetime":
            values = [v.isoformat() if v is not None else None for v in values]
        columns[prop.name] = values
    geometry = shapely.from_wkb([r["__wkb"] for r in records])
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=4326)


def gpkg_file(selection: LayerSelection, records: list[asyncpg.Record], folder: Path) -> Path:
    import pyogrio

    path = folder / f"{selection.spec.id}.gpkg"
    frame = geodataframe(selection, records)
    pyogrio.write_dataframe(frame, path, layer=selection.spec.id, driver="GPKG", promote_to_multi=False)
    return path


def short_names(names: list[str]) -> dict[str, str]:
    """dBASE field names: 10 characters, unique."""
    taken: set[str] = set()
    short = {}
    for name in names:
        candidate, n = name[:SHAPEFILE_NAME_LENGTH], 1
        while candidate in taken:
            suffix = str(n)
            candidate, n = name[: SHAPEFILE_NAME_LENGTH - len(suffix)] + suffix, n + 1
        taken.add(candidate)
        short[name] = candidate
    return short


def shapefile_zip(selection: LayerSelection, records: list[asyncpg.Record], folder: Path) -> Path:
    """One Shapefile per geometry kind (a Shapefile holds one), UTF-8 with a .cpg, and the field-name key."""
    import pyogrio

    frame = geodataframe(selection, records)
    names = short_names([c for c in frame.columns if c != "geometry"])
    frame = frame.rename(columns=names)
    kinds = frame.geometry.geom_type.map(lambda kind: SHAPE_KINDS.get(kind, "polygon"))
    stem = selection.spec.id
    written = []
    for kind in sorted(set(kinds)) or ["point"]:
        part = frame[kinds == kind] if len(frame) else frame
        name = stem if len(set(kinds)) <= 1 else f"{stem}_{kind}"
        pyogrio.write_dataframe(
            part, folder / f"{name}.shp", driver="ESRI Shapefile", encoding="UTF-8", promote_to_multi=kind != "point"
        )
        written.append(name)
    key = folder / "fields.csv"
    with key.open("w", newline="", encoding="utf-8-sig") as file:
        out = csv.writer(file)
        out.writerow(["field", "property", "label_zh", "label_en"])
        labels = {p.name: (p.label_zh, p.label_en) for p in selection.properties} | {"id": ("编号", "ID")}
        out.writerows([short, full, *labels[full]] for full, short in names.items())
    archive = folder / f"{stem}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.iterdir()):
            if path != archive and path.stem in (*written, "fields"):
                bundle.write(path, path.name)
    return archive


def scratch_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="twomaps-export-"))


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)

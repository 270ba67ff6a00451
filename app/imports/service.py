"""Import a file into a layer, all or nothing: read → check every row → stage with COPY → check in the database →
upsert by external id → re-tier what moved, in one transaction. A dry run stops before the upsert and rolls back.

Every problem of every row is collected before anything is written (`ImportResult.problems`); one error anywhere
means nothing is written. Values are bound or COPYed, never spliced into SQL: a name like `'); DROP TABLE …` is
stored as the text it is. The audit trigger records each changed row under `twomaps.user`, set by the caller.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import asyncpg
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from app.errors import NotFound
from app.imports.fields import FALSE_WORDS, GEOMETRY_TYPES, KEY, TRUE_WORDS, ColumnSpec, ImportSpec, import_specs
from app.query import quote_ident
from app.risk_db import (
    retier_enterprises,
    retier_flood_spots,
    retier_forest_zones,
    retier_geohazards,
    retier_towns,
)
from geodata.readers import read_any
from geodata.validate import RowProblem, load_region, validate

SQL_DIR = Path(__file__).resolve().parent / "sql"
STAGING = "import_staging"
LIST_SEPARATORS = re.compile(r"[,;，；、|]")
DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$")
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class ImportOptions:
    layer: str
    crs: str | None = None
    lon_col: str | None = None
    lat_col: str | None = None
    repair: bool = False
    id_field: str = KEY
    source_layer: str | None = None  # a layer of a GeoPackage, a worksheet, a dataset in an archive
    encoding: str | None = None


@dataclass
class Prepared:
    """A file read and checked in Python: rows ready to COPY and the problems found so far."""

    spec: ImportSpec
    columns: list[str]  # staged columns, in record order after row_no
    records: list[tuple]
    rows: int
    problems: list[RowProblem]
    notices: list[dict]
    source: dict


@dataclass
class ImportResult:
    layer: str
    dry_run: bool
    written: bool
    rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    tiers: dict = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    notices: list[dict] = field(default_factory=list)
    source: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(problem.severity == "error" for problem in self.problems)

    def to_dict(self, max_problems: int = 5000) -> dict:
        """The report the UI and the CLI show; a huge list is cut, the counts stay complete."""
        by_code: dict[str, int] = {}
        for problem in self.problems:
            by_code[problem.code] = by_code.get(problem.code, 0) + 1
        return {
            "layer": self.layer,
            "dry_run": self.dry_run,
            "written": self.written,
            "summary": {
                "rows": self.rows,
                "errors": self.errors,
                "warnings": len(self.problems) - self.errors,
                "by_code": by_code,
                "inserted": self.inserted,
                "updated": self.updated,
                "unchanged": self.unchanged,
            },
            "problems": [asdict(problem) for problem in self.problems[:max_problems]],
            "problems_truncated": len(self.problems) > max_problems,
            "notices": self.notices,
            "source": self.source,
            "tiers": self.tiers,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


class Phases:
    """Tells the progress callback which phase began, and times each phase for the report and the benchmark."""

    def __init__(self, progress: Progress | None = None):
        self.progress = progress or (lambda phase, fraction: None)
        self.seconds: dict[str, float] = {}
        self.current: str | None = None
        self.started = time.perf_counter()

    def enter(self, phase: str, fraction: float) -> None:
        now = time.perf_counter()
        if self.current is not None:
            self.seconds[self.current] = self.seconds.get(self.current, 0.0) + now - self.started
        self.current, self.started = phase, now
        self.progress(phase, fraction)


class ImportFailed(Exception):
    """Raised inside the transaction to roll it back; carries the result to report."""

    def __init__(self, result: ImportResult):
        super().__init__(f"{result.errors} problems")
        self.result = result


def problem(row: int | None, column: str, code: str, zh: str, en: str, severity: str = "error") -> RowProblem:
    return RowProblem(row, column, code, zh, en, severity)  # type: ignore[arg-type]


def spec_for(layer: str) -> ImportSpec:
    specs = import_specs()
    if layer not in specs:
        raise NotFound(f"layer {layer!r} cannot be imported; importable: {', '.join(specs)}", field="layer")
    return specs[layer]


# -- Python side: read, map headers and labels, validate ------------------------------------------------------------
def prepare(path: Path, options: ImportOptions, phases: Phases | None = None) -> Prepared:
    """Read the file and check every row; raises `geodata` errors for a file that cannot be read at all."""
    phases = phases or Phases()
    spec = spec_for(options.layer)
    phases.enter("reading", 0.02)
    frame, meta = read_any(
        path,
        layer=options.source_layer,
        encoding=options.encoding,
        crs=options.crs,
        lon_col=options.lon_col,
        lat_col=options.lat_col,
    )
    notices = [asdict(notice) for notice in meta.warnings]
    frame, renamed_notices = rename_columns(frame, spec, options.id_field, meta.coordinate_columns or ())
    notices += renamed_notices
    phases.enter("validating", 0.2)
    problems: list[RowProblem] = []
    for column in spec.columns.values():
        if column.name in frame.columns:
            problems += normalise_column(frame, column)
    checked = validate(
        frame,
        fields={name: spec.columns[name].field_spec() for name in spec.columns},
        region=load_region(),
        repair=options.repair,
    )
    frame = checked.frame
    problems += checked.problems
    problems += check_geometry_types(frame, spec) + check_text_rules(frame, spec) + duplicate_keys(frame)
    phases.enter("validating", 0.35)
    columns = [name for name in spec.columns if name in frame.columns]
    if "town_code" in spec.columns and "town_code" not in columns:
        columns.append("town_code")  # filled from the location while staging
    failed = {p.row for p in problems if p.severity == "error"}
    good = frame.loc[[row for row in frame.index if row not in failed]] if None not in failed else frame.iloc[:0]
    records = build_records(good, spec, columns)
    source = {
        "file": path.name,
        "format": meta.source_format,
        "crs": meta.source_crs,
        "layer": meta.layer,
        "encoding": meta.encoding,
        "coordinate_columns": meta.coordinate_columns,
    }
    return Prepared(spec, columns, records, len(frame), problems, notices, source)


def rename_columns(
    frame: gpd.GeoDataFrame, spec: ImportSpec, id_field: str, coordinate_columns: tuple[str, ...]
) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Source headers → column names (names, or the registry's zh/en labels); the id field becomes external_id."""
    headers = [str(c) for c in frame.columns if c != frame.geometry.name]
    if id_field != KEY and id_field in headers:
        frame = frame.drop(columns=[c for c in headers if spec.header_map([c]).get(c) == KEY and c != id_field])
        frame = frame.rename(columns={id_field: KEY})
        headers = [str(c) for c in frame.columns if c != frame.geometry.name]
    mapping = spec.header_map(headers)
    ignored = [h for h in headers if h not in mapping and h not in coordinate_columns]
    frame = frame.rename(columns=mapping)[[*mapping.values(), frame.geometry.name]]
    notices = []
    if ignored:
        notices.append(
            {
                "code": "ignored_columns",
                "message_zh": f"以下列不属于该图层，未导入：{'、'.join(ignored)}",
                "message_en": f"these columns are not part of the layer and were not imported: {', '.join(ignored)}",
            }
        )
    return frame, notices


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | np.ndarray):
        return len(value) == 0
    return bool(pd.isna(value))


def as_text(value: object) -> str:
    """Text of a cell; 441900119.0 (a code read as a number) is 441900119."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normalise_column(frame: gpd.GeoDataFrame, column: ColumnSpec) -> list[RowProblem]:
    """Labels → codes, and the types `geodata.validate` does not know (bool, date, lists); returns their problems."""
    series = frame[column.name]
    if column.kind == "str" and pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        frame[column.name] = text_column(series, column.choices)  # CSV/XLSX: all text, done column-wise
        return []
    problems: list[RowProblem] = []
    values = series.tolist()
    out: list[object] = []
    for row, value in zip(frame.index, values, strict=True):
        if is_blank(value):
            out.append(None)
            continue
        if column.kind == "str":
            text = as_text(value)
            out.append(column.choices.get(text.lower(), text) if column.choices else text)
        elif column.kind == "str[]":
            items = list(value) if isinstance(value, list | tuple | np.ndarray) else LIST_SEPARATORS.split(str(value))
            codes = [as_text(item) for item in items if as_text(item)]
            if column.choices:
                codes = [column.choices.get(code.lower(), code) for code in codes]
                wrong = [code for code in codes if code not in column.choices.values()]
                if wrong:
                    allowed = ", ".join(sorted(set(column.choices.values())))
                    problems.append(
                        problem(
                            row,
                            column.name,
                            "invalid_choice",
                            f"“{column.name}”的值“{'、'.join(wrong)}”不在允许值内：{allowed}",
                            f"“{column.name}” values “{', '.join(wrong)}” are not among: {allowed}",
                        )  # fmt: skip
                    )
            out.append(list(dict.fromkeys(codes)))
        elif column.kind == "bool":
            parsed = parse_bool(value)
            if parsed is None:
                problems.append(
                    problem(
                        row,
                        column.name,
                        "wrong_type",
                        f"“{column.name}”应为是/否，实为“{value}”",
                        f"“{column.name}” should be yes/no (true/false), got “{value}”",
                    )  # fmt: skip
                )
            out.append(parsed)
        elif column.kind == "date":
            parsed_date = parse_date(value)
            if parsed_date is None:
                problems.append(
                    problem(
                        row,
                        column.name,
                        "wrong_type",
                        f"“{column.name}”应为日期（如 2024-05-01），实为“{value}”",
                        f"“{column.name}” should be a date such as 2024-05-01, got “{value}”",
                    )  # fmt: skip
                )
            out.append(parsed_date)
        else:
            out.append(value)
    frame[column.name] = pd.Series(out, index=frame.index, dtype=object)
    return problems


def text_column(series: pd.Series, choices: dict[str, str] | None) -> pd.Series:
    text = series.str.strip()
    if choices:
        codes = text.str.lower().map(choices)
        text = codes.where(codes.notna(), text)
    return text.where(text.notna() & text.ne(""), None).astype(object)


def parse_bool(value: object) -> bool | None:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = as_text(value).lower()
    return True if text in TRUE_WORDS else False if text in FALSE_WORDS else None


def parse_date(value: object) -> date | None:
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    match = DATE_TEXT.match(as_text(value))
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def check_geometry_types(frame: gpd.GeoDataFrame, spec: ImportSpec) -> list[RowProblem]:
    allowed = GEOMETRY_TYPES[spec.geometry_type]
    kinds = frame.geometry.geom_type
    wrong = kinds.notna() & ~kinds.isin(allowed)
    return [
        problem(
            row,
            frame.geometry.name,
            "wrong_geometry_type",
            f"几何类型为 {kind}，该图层只接受 {'/'.join(allowed)}",
            f"geometry is a {kind}; this layer takes {'/'.join(allowed)}",
        )  # fmt: skip
        for row, kind in kinds[wrong].items()
    ]


def check_text_rules(frame: gpd.GeoDataFrame, spec: ImportSpec) -> list[RowProblem]:
    """Lengths and patterns the database enforces, told per row before it would refuse the whole batch."""
    problems = []
    for column in spec.columns.values():
        if column.name not in frame.columns or column.kind != "str":
            continue
        pattern = re.compile(column.pattern) if column.pattern else None
        for row, value in frame[column.name].items():
            if value is None:
                continue
            if column.max_length and len(value) > column.max_length:
                problems.append(
                    problem(
                        row,
                        column.name,
                        "too_long",
                        f"“{column.name}”最多 {column.max_length} 个字符，实为 {len(value)} 个",
                        f"“{column.name}” takes at most {column.max_length} characters, got {len(value)}",
                    )  # fmt: skip
                )
            elif pattern and not pattern.search(value):
                problems.append(
                    problem(
                        row,
                        column.name,
                        "wrong_format",
                        f"“{column.name}”的格式不正确：“{value[:40]}”",
                        f"“{column.name}” has the wrong format: “{value[:40]}”",
                    )  # fmt: skip
                )
    return problems


def duplicate_keys(frame: gpd.GeoDataFrame) -> list[RowProblem]:
    if KEY not in frame.columns:
        return []
    keys = frame[KEY]
    repeated = keys.notna() & keys.duplicated(keep="first")
    first_row = {key: row for row, key in keys[keys.notna()][::-1].items()}
    return [
        problem(
            row,
            KEY,
            "duplicate_key",
            f"外部编号“{key}”与第 {first_row[key]} 行重复",
            f"external id “{key}” repeats row {first_row[key]}",
        )  # fmt: skip
        for row, key in keys[repeated].items()
    ]


def build_records(frame: gpd.GeoDataFrame, spec: ImportSpec, columns: list[str]) -> list[tuple]:
    """(row_no, *typed values, EWKB) per row, the binary COPY's input."""
    cast = {"int": int, "float": float}
    series = []
    for name in columns:
        if name not in frame.columns:
            series.append([None] * len(frame))
            continue
        kind = spec.columns[name].kind
        if kind in cast:
            convert = cast[kind]
            series.append([None if is_blank(v) else convert(float(v)) for v in frame[name].tolist()])
        else:
            series.append(frame[name].tolist())
    geometries = shapely.to_wkb(np.asarray(frame.geometry.array), hex=False, include_srid=False)
    return list(zip(frame.index.tolist(), *series, geometries.tolist(), strict=True))


# -- database side: stage, check, upsert, re-tier --------------------------------------------------------------------
async def import_file(
    conn: asyncpg.Connection,
    path: Path,
    options: ImportOptions,
    *,
    dry_run: bool,
    progress: Progress | None = None,
) -> ImportResult:
    """Read, check and (unless `dry_run`, and only when no row has an error) write, in one transaction."""
    phases = Phases(progress)
    prepared = await asyncio.to_thread(prepare, path, options, phases)
    return await write_prepared(conn, prepared, dry_run=dry_run, phases=phases)


async def write_prepared(
    conn: asyncpg.Connection, prepared: Prepared, *, dry_run: bool, phases: Phases | None = None
) -> ImportResult:
    phases = phases or Phases()
    spec = prepared.spec
    result = ImportResult(
        spec.layer.id, dry_run, False, prepared.rows, notices=prepared.notices, source=prepared.source
    )
    try:
        async with conn.transaction():
            await conn.execute("SET LOCAL statement_timeout = '15min'")
            phases.enter("staging", 0.4)
            await stage(conn, prepared)
            phases.enter("checking", 0.55)
            database_problems = await check_staged(conn, prepared)
            result.problems = merge_problems(prepared.problems, database_problems)
            if dry_run or result.errors:
                raise ImportFailed(result)
            phases.enter("writing", 0.65)
            inserted, updated = await upsert(conn, prepared)
            result.inserted, result.updated = len(inserted), len(updated)
            result.unchanged = prepared.rows - result.inserted - result.updated
            phases.enter("tiering", 0.85)
            result.tiers = await retier(conn, spec.table, inserted + updated, cause=f"import {prepared.source['file']}")
            phases.enter("committing", 0.95)
        result.written = True
    except ImportFailed:
        pass
    phases.enter("done", 1.0)
    result.seconds = phases.seconds
    return result


def merge_problems(python: list[RowProblem], database: list[RowProblem]) -> list[RowProblem]:
    """Python's messages are the friendlier ones: a database finding on a cell already reported is dropped."""
    seen = {(p.row, p.field) for p in python if p.severity == "error"}
    merged = python + [p for p in database if (p.row, p.field) not in seen]
    return sorted(merged, key=lambda p: (p.row is not None, p.row or 0))


async def stage(conn: asyncpg.Connection, prepared: Prepared) -> None:
    spec = prepared.spec
    if "town_code" in prepared.columns:
        await fill_town_codes(conn, prepared)
    columns = ", ".join(f"{quote_ident(c)} {spec.columns[c].sql_type}" for c in prepared.columns)
    await conn.execute(
        f"CREATE TEMP TABLE {STAGING} (row_no int PRIMARY KEY, {columns}, geom_wkb bytea, "
        "geom geometry GENERATED ALWAYS AS (ST_GeomFromWKB(geom_wkb, 4326)) STORED) ON COMMIT DROP"
    )
    await conn.copy_records_to_table(
        STAGING, records=prepared.records, columns=["row_no", *prepared.columns, "geom_wkb"]
    )


async def fill_town_codes(conn: asyncpg.Connection, prepared: Prepared) -> None:
    """A town given by name (长安镇, or 长安) becomes its code; a missing one comes from where the row lies.

    Done here with shapely over the database's towns: an order of magnitude faster than a spatial join in the
    staging table, whose rows are then never rewritten.
    """
    towns = await conn.fetch("SELECT code, name, ST_AsBinary(geom) AS wkb FROM admin_area WHERE level = 'town'")
    if not towns:
        return
    by_name = {row["code"]: row["code"] for row in towns}
    for row in towns:
        by_name.setdefault(row["name"], row["code"])
        by_name.setdefault(re.sub("(镇|街道|管委会)$", "", row["name"]), row["code"])
    position = 1 + prepared.columns.index("town_code")
    records = prepared.records
    for i, record in enumerate(records):
        given = record[position]
        if given is not None and given in by_name and by_name[given] != given:
            records[i] = (*record[:position], by_name[given], *record[position + 1 :])
    missing = [i for i, record in enumerate(records) if record[position] is None]
    if not missing:
        return
    points = shapely.STRtree(shapely.point_on_surface(shapely.from_wkb([records[i][-1] for i in missing])))
    # Each town queries the tree of points, so each (large) town polygon is prepared once.
    found: dict[int, str] = {}
    for town, point in zip(*points.query(shapely.from_wkb([row["wkb"] for row in towns]), "intersects"), strict=True):
        found.setdefault(int(point), towns[int(town)]["code"])
    for point, code in found.items():
        record = records[missing[point]]
        records[missing[point]] = (*record[:position], code, *record[position + 1 :])


async def check_staged(conn: asyncpg.Connection, prepared: Prepared) -> list[RowProblem]:
    """What only the database knows: references, uniqueness against stored rows, and every CHECK constraint."""
    spec, staged = prepared.spec, set(prepared.columns) | {"geom"}
    table = quote_ident(spec.table)
    problems = []
    for column, ref_table, ref_column in spec.references:
        rows = await conn.fetch(
            f"SELECT row_no, {quote_ident(column)}::text AS value FROM {STAGING} s WHERE {quote_ident(column)} "
            f"IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {quote_ident(ref_table)} r "
            f"WHERE r.{quote_ident(ref_column)} = s.{quote_ident(column)})"
        )
        problems += [
            problem(
                r["row_no"],
                column,
                "unknown_reference",
                f"“{column}”的值“{r['value']}”不存在",
                f"“{column}” value “{r['value']}” does not exist in {ref_table}",
            )  # fmt: skip
            for r in rows
        ]
    for column in (c for c in spec.unique if c in staged):
        rows = await conn.fetch(sql("unique_clash").format(table=table, column=quote_ident(column)))
        problems += [
            problem(
                r["row_no"],
                column,
                "unique_clash",
                f"“{column}”的值“{r['value']}”已被其他记录使用",
                f"“{column}” value “{r['value']}” is already used by another record",
            )  # fmt: skip
            for r in rows
        ]
    for name, condition, reads in spec.checks:
        if not reads <= staged:
            continue
        rows = await conn.fetch(f"SELECT row_no FROM {STAGING} WHERE NOT ({condition})")
        column = next(iter(reads)) if len(reads) == 1 else "geom" if "geom" in reads else ", ".join(sorted(reads))
        problems += [
            problem(
                r["row_no"],
                column,
                "check_failed",
                f"不符合规则 {name}：{condition}",
                f"breaks the rule {name}: {condition}",
            )  # fmt: skip
            for r in rows
        ]
    return problems


async def upsert(conn: asyncpg.Connection, prepared: Prepared) -> tuple[list[int], list[int]]:
    """Insert new external ids, update changed rows (only the columns the file has); unchanged rows are untouched."""
    spec = prepared.spec
    names = [quote_ident(c) for c in prepared.columns] + ['"geom"']
    geometry = "ST_Multi(geom)" if spec.geometry_type == "MULTIPOLYGON" else "geom"
    updated_columns = [n for n in names if n != quote_ident(KEY)]
    rows = await conn.fetch(
        sql("upsert").format(
            table=quote_ident(spec.table),
            columns=", ".join(names),
            values=", ".join([*(spec.columns[c].value_sql() for c in prepared.columns), geometry]),
            assignments=", ".join(f"{n} = EXCLUDED.{n}" for n in updated_columns),
            current=", ".join(f"t.{n}" for n in updated_columns),
            incoming=", ".join(f"EXCLUDED.{n}" for n in updated_columns),
        )
    )
    inserted = [r["id"] for r in rows if r["inserted"]]
    updated = [r["id"] for r in rows if not r["inserted"]]
    return inserted, updated


async def retier(conn: asyncpg.Connection, table: str, ids: list[int], *, cause: str) -> dict:
    """Tiers of the changed rows through app.risk_db, then the towns (their index counts every layer)."""
    if not ids:
        return {}
    by_table = {
        "enterprise": lambda: retier_enterprises(conn, ids, cause=cause),
        "geohazard": lambda: retier_geohazards(conn, ids, cause=cause),
        "flood_spot": lambda: retier_flood_spots(conn, ids, cause=cause),
        "forest_zone": lambda: retier_forest_zones(conn, cause=cause),
    }
    changes = {}
    if table in by_table:
        changes[table] = dict(await by_table[table]())
    changes["town"] = dict(await retier_towns(conn, cause=cause))
    return changes


def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")

"""临灾叫应 (warning call-out): who must be called, in what order, and who has confirmed.

An entity is called when the grid cell holding it is at a warning level; a confirmation counts for that event and
level only, so an escalation (orange → red) needs a new call.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

import asyncpg
import numpy as np

from app.errors import Conflict, NotFound
from app.storm.live import SQL, Moment, StormState, surface_at
from app.storm.surface import LEVELS
from layers.styles import TIER_ORDER, TIER_STYLES, WARNING_LABELS, Tier

ENTITY_TYPES: dict[str, tuple[str, str]] = {
    "flood_spot": ("内涝黑点", "Flood black-spot"),
    "geohazard": ("地质灾害隐患点", "Geohazard point"),
    "enterprise": ("企业", "Enterprise"),
}
# (key, zh-CN, en) of each exported column, in order.
EXPORT_COLUMNS = (
    ("warning_level", "预警等级", "Warning level"),
    ("tier", "风险等级", "Risk tier"),
    ("entity_type", "类型", "Type"),
    ("name", "名称", "Name"),
    ("town", "镇街", "Town"),
    ("person", "责任人", "Responsible person"),
    ("phone", "电话", "Phone"),
    ("acknowledged_by", "确认人", "Confirmed by"),
    ("acknowledged_at", "确认时间", "Confirmed at"),
)


async def callout_list(conn: asyncpg.Connection, state: StormState, moment: Moment) -> list[dict[str, object]]:
    surface = await surface_at(conn, state, moment.event, moment.at)
    grid = surface.grid
    rows = await conn.fetch(
        SQL["callout"],
        grid.lon0,
        grid.lat0,
        grid.dlon,
        grid.dlat,
        grid.nx,
        grid.ny,
        surface.levels.astype(np.int16).tolist(),
        list(LEVELS),
        moment.event,
        [tier.value for tier in TIER_ORDER],
    )
    return [dict(row) | {"acknowledged": row["acknowledged_by"] is not None} for row in rows]


def summarize(rows: list[dict[str, object]]) -> dict[str, object]:
    by_level = {level: {"total": 0, "acknowledged": 0} for level in reversed(LEVELS[1:])}
    for row in rows:
        by_level[row["warning_level"]]["total"] += 1
        by_level[row["warning_level"]]["acknowledged"] += bool(row["acknowledged"])
    acknowledged = sum(level["acknowledged"] for level in by_level.values())
    return {"total": len(rows), "acknowledged": acknowledged, "pending": len(rows) - acknowledged, "by_level": by_level}


def _cell(key: str, value: object, lang: str) -> object:
    index = 1 if lang == "en" else 0
    if value is None:
        return "" if key != "acknowledged_by" else ("not confirmed" if lang == "en" else "未确认")
    if key == "warning_level":
        return WARNING_LABELS[str(value)][index]
    if key == "tier":
        style = TIER_STYLES[Tier(str(value))]
        return style.label_en if lang == "en" else style.label_zh
    if key == "entity_type":
        return ENTITY_TYPES[str(value)][index]
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value


def export_table(rows: list[dict[str, object]], lang: str) -> list[list[object]]:
    """Header and rows in the reader's language: what both the CSV and the XLSX hold."""
    header = [en if lang == "en" else zh for _, zh, en in EXPORT_COLUMNS]
    return [header] + [[_cell(key, row.get(key), lang) for key, _, _ in EXPORT_COLUMNS] for row in rows]


def to_csv(table: list[list[object]]) -> bytes:
    """UTF-8 with a BOM, so that Excel on a Chinese Windows opens it right."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: list[list[object]], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for row in table:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def acknowledge(
    conn: asyncpg.Connection,
    state: StormState,
    moment: Moment,
    entity_type: str,
    entity_id: int,
    by: str,
    note: str | None,
) -> dict[str, object]:
    """Record the confirmation at the entity's current level; refused when it is not in a warning area."""
    place = await conn.fetchrow(SQL["entity_point"], entity_type, entity_id)
    if place is None:
        raise NotFound(f"no {entity_type} with id {entity_id}", field="entity_id")
    surface = await surface_at(conn, state, moment.event, moment.at)
    level = LEVELS[int(surface.at(np.array([place["lon"]]), np.array([place["lat"]]))[1][0])]
    if level == "none":
        raise Conflict(
            f"{entity_type} {entity_id} is not in a warning area at {moment.at.isoformat()}: nothing to confirm",
            field="entity_id",
        )
    row = await conn.fetchrow(SQL["acknowledge"], moment.event, entity_type, entity_id, level, by.strip(), note)
    return dict(row)

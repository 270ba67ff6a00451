"""Gather facts, apply the pure rules, write back changes with history. See the package docstring."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType

import asyncpg
import orjson

from app.auth.scope import city_wide
from app.db.pool import init_connection
from app.risk import (
    ChemicalRef,
    DirectRedFlags,
    EnterpriseFacts,
    HazardUnit,
    HiddenDanger,
    TierResult,
    TownFacts,
    assess_towns,
    assess_unit,
    fire_danger,
    live_flood_spot_tier,
    tier_enterprise,
    tier_fire_level,
    tier_flood_spot,
    tier_geohazard,
)

SQL_DIR = Path(__file__).resolve().parent / "sql"
FIRE_WEATHER_KEY = "fire_weather"
# A dry-season afternoon in the Pearl River Delta, used until an operator records the day's fire weather.
DEFAULT_FIRE_WEATHER = {"max_temperature_c": 27.0, "min_humidity_pct": 38.0, "days_since_rain": 9, "wind_ms": 5.5}
# Staging tables with more rows than this are analysed, so that the write is planned for their true size.
ANALYZE_ABOVE = 1000
GRADE_NUMBER = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}
DIRECT_RED_FIELDS = {f.name for f in fields(DirectRedFlags)}


@cache
def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class TierTarget:
    """Where one kind of entity keeps its tier: table, key, and the extra derived columns written with it."""

    entity_type: str
    table: str
    id_column: str = "id"
    id_type: str = "bigint"
    extra: tuple[tuple[str, str], ...] = ()


ENTERPRISE = TierTarget(
    "enterprise", "enterprise", extra=(("exposed_people", "integer"), ("major_hazard_grade", "smallint"))
)
GEOHAZARD = TierTarget("geohazard", "geohazard", extra=(("grade", "text"),))
FLOOD_SPOT = TierTarget("flood_spot", "flood_spot", extra=(("base_tier", "text"),))
FOREST_ZONE = TierTarget("forest_zone", "forest_zone", extra=(("fire_level", "smallint"),))
TOWN = TierTarget("town", "admin_area", id_column="code", id_type="text", extra=(("risk_index", "double precision"),))
TIER_TARGETS = {t.entity_type: t for t in (ENTERPRISE, GEOHAZARD, FLOOD_SPOT, FOREST_ZONE, TOWN)}


async def write_tiers(conn: asyncpg.Connection, target: TierTarget, rows: list[tuple], cause: str) -> Counter:
    """Stage (id, tier, reasons, *extra) rows with COPY and apply them in one statement; count the tier changes."""
    # One staging name per entity type: asyncpg caches a COPY target's column types by its name.
    staging = f"tier_staging_{target.entity_type}"
    extra_columns = "".join(f", {name} {kind}" for name, kind in target.extra)
    await conn.execute(
        f"CREATE TEMP TABLE {staging} (id {target.id_type} PRIMARY KEY, tier text, reasons text{extra_columns}) "
        "ON COMMIT DROP"
    )
    await conn.copy_records_to_table(staging, records=rows)
    if len(rows) > ANALYZE_ABOVE:
        await conn.execute(f"ANALYZE {staging}")
    # Reasons are staged as JSON text (COPY is binary) and become jsonb here.
    extra_names = "".join(f", s.{name}" for name, _ in target.extra)
    source = (
        f"SELECT s.id, s.tier, s.reasons::jsonb AS reasons_json{extra_names}, o.tier AS old_tier "
        f"FROM {staging} s JOIN {target.table} o ON o.{target.id_column} = s.id"
    )
    changed = await apply_tiers(conn, target, source, cause)
    await conn.execute(f"DROP TABLE {staging}")  # several targets share one transaction
    return changed


async def apply_tiers(conn: asyncpg.Connection, target: TierTarget, source: str, cause: str, *args) -> Counter:
    """Write the tiers of the `source` query (see write_tiers.sql); `args` bind $3 on."""
    statement = sql("write_tiers").format(
        source=source,
        table=target.table,
        id=target.id_column,
        history_id="id" if target.id_type == "bigint" else "id::bigint",
        extra_set="".join(f", {name} = s.{name}" for name, _ in target.extra),
        extra_diff="".join(f" OR t.{name} IS DISTINCT FROM s.{name}" for name, _ in target.extra),
    )
    moved = await conn.fetch(statement, target.entity_type, cause, *args)
    return Counter({row["new_tier"]: row["moved"] for row in moved})


def reasons_json(result: TierResult) -> str:
    """The reasons as JSON, the same text as `result.to_dict()["reasons"]` gives: orjson walks the dataclasses and
    enums itself, about 10× faster than building plain dicts first (it matters for 70,000 enterprises with units)."""
    return orjson.dumps(result.reasons, default=frozen_mapping).decode()


def frozen_mapping(value: object) -> dict:
    """Reason evidence is a read-only mapping, which orjson does not know."""
    if isinstance(value, MappingProxyType):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# -- enterprises ---------------------------------------------------------------------------------------------------
def direct_red_flags(stored: dict | None) -> DirectRedFlags:
    """The stored JSON uses DirectRedFlags' field names; anything else is a data error, not silently ignored."""
    stored = stored or {}
    unknown = set(stored) - DIRECT_RED_FIELDS
    if unknown:
        raise ValueError(f"enterprise.direct_red: unknown keys {sorted(unknown)}; known: {sorted(DIRECT_RED_FIELDS)}")
    return DirectRedFlags(**stored)


async def retier_enterprises(
    conn: asyncpg.Connection, ids: Sequence[int] | None = None, *, cause: str, as_of: date | None = None
) -> Counter:
    """Recompute the tiers of the given enterprises (all when `ids` is None) with GB 18218 units and exposure."""
    id_list = list(ids) if ids is not None else None
    changed = await retier_enterprise_patterns(conn, id_list, cause=cause)
    changed.update(await retier_enterprises_with_facts(conn, id_list, cause=cause, as_of=as_of or date.today()))
    return changed


async def retier_enterprise_patterns(conn: asyncpg.Connection, id_list: list[int] | None, *, cause: str) -> Counter:
    """Enterprises without units or open dangers: tier each distinct (score, direct red, tags) once, apply by join."""
    patterns = await conn.fetch(sql("enterprise_patterns"), id_list)
    if not patterns:
        return Counter()
    rows = []
    for number, row in enumerate(patterns):
        facts = EnterpriseFacts(
            score=row["assessment_score"],
            direct_red=direct_red_flags(orjson.loads(row["direct_red"])),
            hazard_tags=tuple(row["hazard_tags"]),
        )
        result = tier_enterprise(facts)
        score_key = -1.0 if row["assessment_score"] is None else row["assessment_score"]
        rows.append((number, score_key, row["direct_red"], row["hazard_tags"], result.tier.value, reasons_json(result)))
    # JSON is staged as text (COPY is binary) and converted once per pattern, not once per enterprise.
    await conn.execute(
        "CREATE TEMP TABLE enterprise_patterns (pattern integer PRIMARY KEY, score_key double precision, "
        "direct_red text, hazard_tags text[], tier text, reasons text) ON COMMIT DROP"
    )
    await conn.copy_records_to_table("enterprise_patterns", records=rows)
    await conn.execute(
        "ALTER TABLE enterprise_patterns ALTER direct_red TYPE jsonb USING direct_red::jsonb, "
        "ALTER reasons TYPE jsonb USING reasons::jsonb"
    )
    await conn.execute(
        "CREATE TEMP TABLE enterprise_pattern_rows (id bigint PRIMARY KEY, pattern integer, old_tier text) "
        "ON COMMIT DROP"
    )
    await conn.execute(sql("enterprise_pattern_rows"), id_list)
    if id_list is None or len(id_list) > ANALYZE_ABOVE:
        await conn.execute("ANALYZE enterprise_pattern_rows")
    source = (
        "SELECT r.id, p.tier, p.reasons AS reasons_json, NULL::integer AS exposed_people, "
        "NULL::smallint AS major_hazard_grade, r.old_tier "
        "FROM enterprise_pattern_rows r JOIN enterprise_patterns p USING (pattern)"
    )
    changed = await apply_tiers(conn, ENTERPRISE, source, cause)
    await conn.execute("DROP TABLE enterprise_pattern_rows, enterprise_patterns")
    return changed


async def retier_enterprises_with_facts(
    conn: asyncpg.Connection, id_list: list[int] | None, *, cause: str, as_of: date
) -> Counter:
    """Enterprises with chemical units (S, R, grade from 500 m exposure) or open hidden dangers, one by one."""
    enterprises = await conn.fetch(sql("enterprise_facts"), id_list)
    if not enterprises:
        return Counter()
    exposure = {r["id"]: r["exposed_people"] for r in await conn.fetch(sql("exposure"), id_list)}
    holdings: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    unit_names: dict[int, str] = {}
    for row in await conn.fetch(sql("unit_inventory"), id_list):
        ref = (
            ChemicalRef(row["chemical"], row["hazard_category"])
            if row["hazard_category"]
            else (row["cas"] or row["chemical"])
        )
        holdings[row["enterprise_id"]][row["unit_id"]].append((ref, row["quantity_t"]))
        unit_names[row["unit_id"]] = row["unit_name"]
    dangers: dict[int, list[HiddenDanger]] = defaultdict(list)
    for row in await conn.fetch(sql("open_dangers"), id_list):
        dangers[row["enterprise_id"]].append(HiddenDanger(row["level"], row["status"], row["due_on"]))

    tier_rows: list[tuple] = []
    unit_rows: list[tuple] = []
    for row in enterprises:
        enterprise_id = row["id"]
        people = int(exposure.get(enterprise_id, 0))
        units = []
        grades = []
        for unit_id, chemicals in holdings.get(enterprise_id, {}).items():
            unit = HazardUnit(tuple(chemicals), people, unit_names[unit_id])
            assessment = assess_unit(unit.chemicals, people, unit_name=unit.name)
            grade = GRADE_NUMBER.get(assessment.grade or "")
            unit_rows.append((unit_id, assessment.s, assessment.r, grade))
            if grade:
                grades.append(grade)
            units.append(unit)
        result = tier_enterprise(
            EnterpriseFacts(
                score=row["assessment_score"],
                direct_red=direct_red_flags(row["direct_red"]),
                units=tuple(units),
                hidden_dangers=tuple(dangers.get(enterprise_id, ())),
                as_of=as_of,
                hazard_tags=tuple(row["hazard_tags"]),
            )
        )
        exposed = people if units else None
        tier_rows.append((enterprise_id, result.tier.value, reasons_json(result), exposed, min(grades, default=None)))

    if unit_rows:
        await write_unit_assessments(conn, unit_rows)
    return await write_tiers(conn, ENTERPRISE, tier_rows, cause)


async def write_unit_assessments(conn: asyncpg.Connection, unit_rows: list[tuple]) -> None:
    """S, R and grade per unit, shown in 一企一档."""
    await conn.execute(
        "CREATE TEMP TABLE unit_staging (id bigint PRIMARY KEY, s double precision, r double precision, "
        "grade smallint) ON COMMIT DROP"
    )
    await conn.copy_records_to_table("unit_staging", records=unit_rows)
    await conn.execute(
        "UPDATE enterprise_unit u SET s_value = s.s, r_value = s.r, major_hazard_grade = s.grade "
        "FROM unit_staging s WHERE u.id = s.id "
        "AND (u.s_value, u.r_value, u.major_hazard_grade) IS DISTINCT FROM (s.s, s.r, s.grade)"
    )
    await conn.execute("DROP TABLE unit_staging")


# -- the risk map --------------------------------------------------------------------------------------------------
async def retier_geohazards(conn: asyncpg.Connection, ids: Sequence[int] | None = None, *, cause: str) -> Counter:
    """险情 grade from threatened people and potential loss → tier (the warning level is shown beside it)."""
    rows = await conn.fetch(
        "SELECT id, threatened_people, potential_loss_wan FROM geohazard "
        "WHERE $1::bigint[] IS NULL OR id = ANY($1::bigint[])",
        list(ids) if ids is not None else None,
    )
    out = []
    for row in rows:
        result = tier_geohazard(row["threatened_people"], row["potential_loss_wan"])
        out.append((row["id"], result.tier.value, reasons_json(result), result.grade))
    return await write_tiers(conn, GEOHAZARD, out, cause)


async def retier_flood_spots(conn: asyncpg.Connection, ids: Sequence[int] | None = None, *, cause: str) -> Counter:
    """Base tier from depth, what floods and residents; the live tier raises it while a warning is in force."""
    rows = await conn.fetch(
        "SELECT id, max_depth_m, affects, residents_nearby, warning_level FROM flood_spot "
        "WHERE $1::bigint[] IS NULL OR id = ANY($1::bigint[])",
        list(ids) if ids is not None else None,
    )
    out = []
    for row in rows:
        base = tier_flood_spot(row["max_depth_m"] or 0.0, row["affects"], row["residents_nearby"] or 0)
        live = live_flood_spot_tier(base.tier.value, row["warning_level"])
        reasons = orjson.dumps(base.to_dict()["reasons"] + live.to_dict()["reasons"]).decode()
        out.append((row["id"], live.tier.value, reasons, base.tier.value))
    return await write_tiers(conn, FLOOD_SPOT, out, cause)


async def retier_forest_zones(conn: asyncpg.Connection, *, cause: str) -> Counter:
    """Fire danger level from the day's fire weather (dataset_info 'fire_weather', else a dry-season default)."""
    weather = await conn.fetchval("SELECT value FROM dataset_info WHERE key = $1", FIRE_WEATHER_KEY)
    weather = {**DEFAULT_FIRE_WEATHER, **(weather or {})}
    danger = fire_danger(
        weather["max_temperature_c"],
        weather["min_humidity_pct"],
        weather["days_since_rain"],
        wind_ms=weather["wind_ms"],
    )
    level = tier_fire_level(danger.level)
    reasons = orjson.dumps(danger.to_dict()["reasons"] + level.to_dict()["reasons"]).decode()
    ids = await conn.fetch("SELECT id FROM forest_zone")
    rows = [(r["id"], level.tier.value, reasons, danger.level) for r in ids]
    return await write_tiers(conn, FOREST_ZONE, rows, cause)


async def retier_towns(conn: asyncpg.Connection, *, cause: str) -> Counter:
    """The composite index is relative across towns, so all towns are assessed together, after their contents —
    city-wide even on a town-scoped user's connection (inside the caller's transaction)."""
    async with city_wide(conn):
        return await _retier_towns(conn, cause=cause)


async def _retier_towns(conn: asyncpg.Connection, *, cause: str) -> Counter:
    facts = [
        TownFacts(
            code=r["code"],
            population=r["population"],
            area_km2=r["area_km2"],
            enterprises_by_tier=r["enterprises_by_tier"] or {},
            major_hazards_by_grade={int(k): v for k, v in (r["major_hazards_by_grade"] or {}).items()},
            geohazard_threatened_people=r["geohazard_people"],
            flood_spots_by_tier=r["flood_spots_by_tier"] or {},
            vulnerable_sites=r["vulnerable_sites"],
            vulnerable_occupants=r["vulnerable_occupants"],
        )
        for r in await conn.fetch(sql("town_facts"))
    ]
    if not facts:
        return Counter()
    rows = [
        (risk.code, risk.tier.value, orjson.dumps(risk.to_dict()["reasons"]).decode(), risk.index)
        for risk in assess_towns(facts)
    ]
    return await write_tiers(conn, TOWN, rows, cause)


async def tier_history(conn: asyncpg.Connection, entity_type: str, entity_id: int, limit: int = 100) -> list[dict]:
    rows = await conn.fetch(
        "SELECT old_tier, new_tier, reasons, cause, changed_at FROM tier_history "
        "WHERE entity_type = $1 AND entity_id = $2 ORDER BY changed_at DESC, id DESC LIMIT $3",
        entity_type,
        entity_id,
        limit,
    )
    return [dict(r) | {"changed_at": r["changed_at"].isoformat()} for r in rows]


async def retier_all_async(dsn: str, *, cause: str, as_of: date | None = None) -> dict[str, dict[str, int]]:
    """Every layer, in dependency order (towns last), in one transaction."""
    conn = await asyncpg.connect(dsn)
    try:
        await init_connection(conn)
        async with conn.transaction():
            changes = {
                "enterprise": await retier_enterprises(conn, cause=cause, as_of=as_of),
                "geohazard": await retier_geohazards(conn, cause=cause),
                "flood_spot": await retier_flood_spots(conn, cause=cause),
                "forest_zone": await retier_forest_zones(conn, cause=cause),
                "town": await retier_towns(conn, cause=cause),
            }
    finally:
        await conn.close()
    return {kind: dict(counts) for kind, counts in changes.items()}


def retier_all(dsn: str, *, cause: str, as_of: date | None = None) -> dict[str, dict[str, int]]:
    return asyncio.run(retier_all_async(dsn, cause=cause, as_of=as_of))

"""Forest fire danger: level 1–5 → tier (standards.md §4.4), and a fire-weather index when no level is issued."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from app.risk.reasons import JsonReady, Reason, TierResult, fmt, reason, tier_labels
from app.risk.standards import (
    BEAUFORT_LOWER_BOUNDS_MS,
    FIRE_LEVEL_NAMES,
    FIRE_LEVEL_TIERS,
    FOREST_FIRE_DEFAULTS,
    ForestFireDefaults,
    at_least,
    at_most,
)
from app.risk.validation import RiskInputError, count, number
from layers.styles import Tier

MAX_BEAUFORT = 17  # GB/T 28591-2012 extends the Beaufort scale to force 17


@dataclass(frozen=True)
class ForestFireResult(JsonReady):
    """The computed fire-weather `index` (0–100), its danger `level` 1–5 and the tier that level implies."""

    index: int
    level: int
    tier: Tier
    reasons: tuple[Reason, ...]


def tier_fire_level(level: int) -> TierResult:
    """Tier of an issued 森林火险气象等级: 3/4/5 carry the yellow/orange/red signal, 1–2 none (blue here)."""
    if count("level", level) not in FIRE_LEVEL_TIERS:
        raise RiskInputError("level", f"expected a fire danger level 1–5, got {level!r}")
    tier = FIRE_LEVEL_TIERS[level]
    name_zh, name_en = FIRE_LEVEL_NAMES[level]
    tier_zh, tier_en = tier_labels(tier)
    return TierResult(
        tier,
        (
            reason(
                "forest.fire_level",
                tier,
                f"森林火险气象等级{name_zh} → {tier_zh}",
                f"forest fire danger {name_en} → {tier_en}",
                evidence={"level": level},
                source="QX/T 77-2007 levels, 森林火险预警信号 (standards.md §4.4)",
            ),
        ),
        grade=name_zh,
    )


def beaufort_force(wind_ms: float) -> int:
    """Beaufort force (0–12) of a mean wind speed in m/s."""
    return bisect_right(BEAUFORT_LOWER_BOUNDS_MS, number("wind_ms", wind_ms))


def fire_danger(
    max_temperature_c: float,
    min_humidity_pct: float,
    days_since_rain: int,
    *,
    wind_ms: float | None = None,
    wind_beaufort: int | None = None,
    defaults: ForestFireDefaults = FOREST_FIRE_DEFAULTS,
) -> ForestFireResult:
    """Fire danger from weather when no official level is issued: an additive index (hotter, drier, windier and
    longer without rain all add points), banded into levels 1–5. Points and bands are UNVERIFIED defaults.

    Give the wind either in m/s or as a Beaufort force, not both.
    """
    temperature = number("max_temperature_c", max_temperature_c, minimum=-60, maximum=60)
    humidity = number("min_humidity_pct", min_humidity_pct, maximum=100)
    dry_days = count("days_since_rain", days_since_rain)
    if (wind_ms is None) == (wind_beaufort is None):
        raise RiskInputError("wind_ms", "give exactly one of wind_ms or wind_beaufort")
    if wind_ms is not None:
        force = beaufort_force(wind_ms)
    else:
        force = count("wind_beaufort", wind_beaufort)
        if force > MAX_BEAUFORT:
            raise RiskInputError("wind_beaufort", f"must be at most {MAX_BEAUFORT}, got {force}")
    points = {
        "temperature": at_least(temperature, defaults.temperature_points, 0),
        "humidity": at_most(humidity, defaults.humidity_points, 0),
        "wind": at_least(force, defaults.wind_points, 0),
        "dry_days": at_least(dry_days, defaults.dry_days_points, 0),
    }
    index = sum(points.values())
    level = at_least(index, defaults.level_breaks, 1)
    level_result = tier_fire_level(level)
    index_reason = reason(
        "forest.fire_index",
        None,
        f"最高气温 {fmt(temperature)}℃、最小相对湿度 {fmt(humidity)}%、风力 {force} 级、连续无雨 {dry_days} 天"
        f" → 火险指数 {index} → {FIRE_LEVEL_NAMES[level][0]}",
        f"max {fmt(temperature)} °C, min RH {fmt(humidity)} %, wind force {force}, {dry_days} days without rain"
        f" → fire index {index} → {FIRE_LEVEL_NAMES[level][1]}",
        evidence={
            "max_temperature_c": temperature,
            "min_humidity_pct": humidity,
            "wind_beaufort": force,
            "days_since_rain": dry_days,
            "points": points,
            "index": index,
        },
        source=defaults.source,
        verified=defaults.verified,
    )
    return ForestFireResult(index, level, level_result.tier, (index_reason, *level_result.reasons))

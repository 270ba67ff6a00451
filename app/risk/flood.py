"""Rainstorm warning signal (standards.md §4.1), rainfall grades (§4.3) and flood black-spot tiers (defaults)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.risk.reasons import JsonReady, Reason, TierResult, fmt, reason, tier_labels
from app.risk.standards import (
    FLOOD_DEFAULTS,
    NATIONAL_RAINSTORM_SIGNAL,
    NO_RAIN,
    RAINFALL_GRADE_EN,
    RAINFALL_GRADES,
    FloodDefaults,
    RainstormSignal,
    at_least,
)
from app.risk.validation import RiskInputError, count, number
from layers.styles import WARNING_LABELS, WARNING_LEVELS, Tier
from layers.vocab import FLOOD_AFFECTS

WARNING_ORDER = ("none", *WARNING_LEVELS)


@dataclass(frozen=True)
class WarningResult(JsonReady):
    """A rainstorm warning level ("none" or a colour of layers.styles.WARNING_LEVELS) with its reasons."""

    level: str
    reasons: tuple[Reason, ...]


def rainfall_grade(amount_mm: float, window_h: int = 24) -> str:
    """GB/T 28592-2012 grade (小雨 … 特大暴雨) of a 12 h or 24 h total; below 0.1 mm is 无降水 (UNVERIFIED floor)."""
    if window_h not in RAINFALL_GRADES:
        raise RiskInputError("window_h", f"GB/T 28592 grades 12 h and 24 h totals, got {window_h!r}")
    return at_least(number("amount_mm", amount_mm), RAINFALL_GRADES[window_h], NO_RAIN)


def rainfall_warning(
    acc_1h: float,
    acc_3h: float,
    acc_6h: float,
    acc_12h: float,
    signal: RainstormSignal = NATIONAL_RAINSTORM_SIGNAL,
) -> WarningResult:
    """The gravest signal whose criterion is met by the rainfall (observed or forecast) in its window.

    National criteria: blue 12 h ≥ 50 mm, yellow 6 h ≥ 50, orange 3 h ≥ 50, red 3 h ≥ 100 (≥ includes the
    threshold). A province with its own signal set passes another `signal`.
    """
    amounts = {
        1: number("acc_1h", acc_1h),
        3: number("acc_3h", acc_3h),
        6: number("acc_6h", acc_6h),
        12: number("acc_12h", acc_12h),
    }
    for criterion in signal.criteria:
        if criterion.window_h not in amounts or criterion.level not in WARNING_LEVELS:
            raise RiskInputError("signal", f"criterion {criterion!r} needs a window of 1/3/6/12 h and a warning colour")
    grade_12h = rainfall_grade(amounts[12], 12)
    evidence = {f"acc_{h}h": mm for h, mm in amounts.items()} | {"grade_12h": grade_12h}
    met = [c for c in signal.criteria if amounts[c.window_h] >= c.threshold_mm]
    if not met:
        return WarningResult(
            "none",
            (
                reason(
                    "rainstorm.none",
                    None,
                    f"未达暴雨预警标准（12小时 {fmt(amounts[12])} mm，{grade_12h}）",
                    f"no rainstorm-warning criterion met (12 h {fmt(amounts[12])} mm, {RAINFALL_GRADE_EN[grade_12h]})",
                    evidence=evidence,
                    source=signal.source,
                    verified=signal.verified,
                ),
            ),
        )
    gravest = max(met, key=lambda c: WARNING_ORDER.index(c.level))
    label_zh, label_en = WARNING_LABELS[gravest.level]
    amount = fmt(amounts[gravest.window_h])
    return WarningResult(
        gravest.level,
        (
            reason(
                "rainstorm.signal",
                None,
                f"{gravest.window_h}小时降雨量 {amount} mm ≥ {fmt(gravest.threshold_mm)} mm → {label_zh}",
                f"{gravest.window_h} h rainfall {amount} mm ≥ {fmt(gravest.threshold_mm)} mm → {label_en}",
                evidence=evidence | {"window_h": gravest.window_h, "threshold_mm": gravest.threshold_mm},
                source=signal.source,
                verified=signal.verified,
            ),
        ),
    )


def tier_flood_spot(
    max_depth_m: float,
    affects: Sequence[str],
    residents_nearby: int,
    defaults: FloodDefaults = FLOOD_DEFAULTS,
) -> TierResult:
    """Base tier of a black-spot: from its historical max ponding depth, one step up if it floods an underpass
    (vehicles and people get trapped), one more if many residents live nearby. All thresholds are defaults.
    """
    depth = number("max_depth_m", max_depth_m)
    affected = [affects] if isinstance(affects, str) else list(affects)
    for i, code in enumerate(affected):
        if code not in FLOOD_AFFECTS:
            raise RiskInputError(f"affects[{i}]", f"expected one of {list(FLOOD_AFFECTS)}, got {code!r}")
    residents = count("residents_nearby", residents_nearby)
    tier = at_least(depth, defaults.depth_bands_m, Tier.BLUE)
    zh, en = tier_labels(tier)
    reasons = [
        reason(
            "flood.depth",
            tier,
            f"历史最大积水深度 {fmt(depth)} m → {zh}",
            f"historical max ponding depth {fmt(depth)} m → {en}",
            evidence={"max_depth_m": depth, "bands_m": defaults.depth_bands_m},
            source=defaults.source,
            verified=defaults.verified,
        )
    ]
    stepping = [code for code in dict.fromkeys(affected) if code in defaults.step_up_affects]
    if stepping:
        tier = tier.step_up()
        zh, en = tier_labels(tier)
        reasons.append(
            reason(
                "flood.affects",
                tier,
                f"影响{'、'.join(FLOOD_AFFECTS[c][0] for c in stepping)} → 上调一级 → {zh}",
                f"affects {', '.join(FLOOD_AFFECTS[c][1] for c in stepping)} → one step up → {en}",
                evidence={"affects": affected},
                source=defaults.source,
                verified=defaults.verified,
            )
        )
    if residents >= defaults.step_up_residents:
        tier = tier.step_up()
        zh, en = tier_labels(tier)
        reasons.append(
            reason(
                "flood.residents",
                tier,
                f"周边居民 {residents} 人 ≥ {defaults.step_up_residents} → 上调一级 → {zh}",
                f"{residents} residents nearby ≥ {defaults.step_up_residents} → one step up → {en}",
                evidence={"residents_nearby": residents, "threshold": defaults.step_up_residents},
                source=defaults.source,
                verified=defaults.verified,
            )
        )
    return TierResult(tier, tuple(reasons))


def live_flood_spot_tier(base_tier: str, warning_level: str, defaults: FloodDefaults = FLOOD_DEFAULTS) -> TierResult:
    """The base tier raised while a rainstorm warning is in force: none/blue +0, yellow/orange +1, red +2 steps.

    So under a red warning every black-spot of yellow or worse is red and a blue one is orange; the rule never
    lowers a tier, and a graver warning never gives a lower tier.
    """
    try:
        base = Tier(base_tier)
    except ValueError:
        raise RiskInputError("base_tier", f"expected one of {[t.value for t in Tier]}, got {base_tier!r}") from None
    if warning_level not in defaults.warning_steps:
        raise RiskInputError("warning_level", f"expected one of {list(defaults.warning_steps)}, got {warning_level!r}")
    steps = defaults.warning_steps[warning_level]
    tier = base
    for _ in range(steps):
        tier = tier.step_up()
    warning_zh, warning_en = WARNING_LABELS[warning_level]
    (base_zh, base_en), (zh, en) = tier_labels(base), tier_labels(tier)
    return TierResult(
        tier,
        (
            reason(
                "flood.live_warning",
                tier,
                f"{warning_zh}：基础等级 {base_zh} 上调{steps}级 → {zh}",
                f"{warning_en}: base {base_en} raised {steps} step(s) → {en}",
                evidence={"base_tier": base, "warning_level": warning_level, "steps": steps},
                source=defaults.source,
                verified=defaults.verified,
            ),
        ),
    )

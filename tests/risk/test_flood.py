"""Rainstorm warning (standards.md §4.1), GB/T 28592 grades (§4.3) and flood black-spot tiers (defaults)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.risk import (
    FloodDefaults,
    RainstormCriterion,
    RainstormSignal,
    RiskInputError,
    live_flood_spot_tier,
    rainfall_grade,
    rainfall_warning,
    tier_flood_spot,
)
from app.risk.flood import WARNING_ORDER
from layers.styles import Tier


@pytest.mark.parametrize(
    ("acc", "level"),
    [
        ((0, 0, 0, 0), "none"),
        ((0, 0, 0, 49.9), "none"),
        ((0, 0, 0, 50), "blue"),
        ((0, 0, 49.9, 80), "blue"),
        ((0, 0, 50, 50), "yellow"),
        ((0, 49.9, 90, 90), "yellow"),
        ((0, 50, 50, 50), "orange"),
        ((0, 99.9, 99.9, 99.9), "orange"),
        ((0, 100, 100, 100), "red"),
        ((100, 0, 0, 0), "none"),  # national criteria have no 1 h window
    ],
)
def test_national_signal_thresholds(acc: tuple[float, float, float, float], level: str) -> None:
    result = rainfall_warning(*acc)
    assert result.level == level
    assert result.reasons[0].rule == ("rainstorm.none" if level == "none" else "rainstorm.signal")
    assert result.reasons[0].verified


def test_signal_reason_names_window_and_grade() -> None:
    reason = rainfall_warning(10, 60, 70, 80).reasons[0]
    assert reason.message_zh == "3小时降雨量 60 mm ≥ 50 mm → 暴雨橙色预警"
    assert (reason.evidence["window_h"], reason.evidence["grade_12h"]) == (3, "大暴雨")


def test_provincial_signal_is_pluggable() -> None:
    local = RainstormSignal(
        criteria=(RainstormCriterion("yellow", 1, 30), RainstormCriterion("blue", 1, 20)),
        source="某省暴雨预警信号",
        verified=False,
    )
    result = rainfall_warning(30, 30, 30, 30, signal=local)
    assert result.level == "yellow" and not result.reasons[0].verified


def test_bad_signal_is_refused() -> None:
    with pytest.raises(RiskInputError):
        rainfall_warning(0, 0, 0, 0, signal=RainstormSignal((RainstormCriterion("red", 24, 250),), "x", False))


@pytest.mark.parametrize(
    ("acc", "field"),
    [
        ((-1, 0, 0, 0), "acc_1h"),
        ((0, math.nan, 0, 0), "acc_3h"),
        ((0, 0, None, 0), "acc_6h"),
        ((0, 0, 0, "9"), "acc_12h"),
    ],
)
def test_bad_rainfall_names_the_field(acc: tuple, field: str) -> None:
    with pytest.raises(RiskInputError) as caught:
        rainfall_warning(*acc)
    assert caught.value.field == field


rain = st.floats(min_value=0, max_value=500)


@given(st.tuples(rain, rain, rain, rain), st.tuples(rain, rain, rain, rain))
def test_more_rainfall_never_lowers_the_warning(a: tuple, b: tuple) -> None:
    low = rainfall_warning(*(min(x, y) for x, y in zip(a, b, strict=True)))
    high = rainfall_warning(*(max(x, y) for x, y in zip(a, b, strict=True)))
    assert WARNING_ORDER.index(high.level) >= WARNING_ORDER.index(low.level)


@pytest.mark.parametrize(
    ("amount", "window", "grade"),
    [
        (0, 24, "无降水"),
        (0.1, 24, "小雨"),
        (9.9, 24, "小雨"),
        (10, 24, "中雨"),
        (25, 24, "大雨"),
        (49.9, 24, "大雨"),
        (50, 24, "暴雨"),
        (100, 24, "大暴雨"),
        (250, 24, "特大暴雨"),
        (4.9, 12, "小雨"),
        (5, 12, "中雨"),
        (15, 12, "大雨"),
        (30, 12, "暴雨"),
        (70, 12, "大暴雨"),
        (139.9, 12, "大暴雨"),
        (140, 12, "特大暴雨"),
    ],
)
def test_rainfall_grades(amount: float, window: int, grade: str) -> None:
    assert rainfall_grade(amount, window) == grade


def test_rainfall_grade_window_must_be_12_or_24() -> None:
    with pytest.raises(RiskInputError) as caught:
        rainfall_grade(10, 6)
    assert caught.value.field == "window_h"


@pytest.mark.parametrize(
    ("depth", "affects", "residents", "tier"),
    [
        (0, ["road"], 0, Tier.BLUE),
        (0.149, ["road"], 0, Tier.BLUE),
        (0.15, ["road"], 0, Tier.YELLOW),
        (0.3, ["road"], 0, Tier.ORANGE),
        (0.5, ["road"], 0, Tier.RED),
        (0.2, ["underpass"], 0, Tier.ORANGE),
        (0.2, ["community"], 999, Tier.YELLOW),
        (0.2, ["community"], 1000, Tier.ORANGE),
        (0.2, ["road", "underpass"], 1000, Tier.RED),
        (0.1, "underpass", 0, Tier.YELLOW),
    ],
)
def test_black_spot_base_tier(depth: float, affects: list[str], residents: int, tier: Tier) -> None:
    result = tier_flood_spot(depth, affects, residents)
    assert result.tier is tier
    assert all(not r.verified for r in result.reasons)
    assert result.reasons[-1].tier is tier


def test_black_spot_defaults_are_configurable() -> None:
    assert tier_flood_spot(0.2, ["road"], 0, FloodDefaults(depth_bands_m=((0.1, Tier.RED),))).tier is Tier.RED


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((-0.1, ["road"], 0), "max_depth_m"),
        ((0.2, ["river"], 0), "affects[0]"),
        ((0.2, ["road"], -1), "residents_nearby"),
    ],
)
def test_bad_black_spot_input_names_the_field(args: tuple, field: str) -> None:
    with pytest.raises(RiskInputError) as caught:
        tier_flood_spot(*args)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("base", "warning", "tier"),
    [
        ("blue", "none", Tier.BLUE),
        ("yellow", "blue", Tier.YELLOW),
        ("blue", "yellow", Tier.YELLOW),
        ("yellow", "orange", Tier.ORANGE),
        ("orange", "orange", Tier.RED),
        ("blue", "red", Tier.ORANGE),
        ("yellow", "red", Tier.RED),
        ("red", "red", Tier.RED),
    ],
)
def test_live_tier_under_a_warning(base: str, warning: str, tier: Tier) -> None:
    assert live_flood_spot_tier(base, warning).tier is tier


@given(st.sampled_from(list(Tier)), st.sampled_from(WARNING_ORDER), st.sampled_from(WARNING_ORDER))
def test_graver_warning_never_lowers_the_live_tier(base: Tier, w1: str, w2: str) -> None:
    low, high = sorted((w1, w2), key=WARNING_ORDER.index)
    assert live_flood_spot_tier(base, high).tier.severity >= live_flood_spot_tier(base, low).tier.severity
    assert live_flood_spot_tier(base, low).tier.severity >= base.severity


@pytest.mark.parametrize(
    ("base", "warning", "field"), [("pink", "red", "base_tier"), ("red", "purple", "warning_level")]
)
def test_bad_live_input_names_the_field(base: str, warning: str, field: str) -> None:
    with pytest.raises(RiskInputError) as caught:
        live_flood_spot_tier(base, warning)
    assert caught.value.field == field

"""Forest fire danger: level → tier (standards.md §4.4) and the configurable fire-weather index."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.risk import ForestFireDefaults, RiskInputError, beaufort_force, fire_danger, tier_fire_level
from layers.styles import Tier


@pytest.mark.parametrize(
    ("level", "tier"), [(1, Tier.BLUE), (2, Tier.BLUE), (3, Tier.YELLOW), (4, Tier.ORANGE), (5, Tier.RED)]
)
def test_issued_level_to_tier(level: int, tier: Tier) -> None:
    result = tier_fire_level(level)
    assert result.tier is tier and result.reasons[0].verified


@pytest.mark.parametrize("level", [0, 6, 3.0, "3", True])
def test_bad_level_names_the_field(level: object) -> None:
    with pytest.raises(RiskInputError) as caught:
        tier_fire_level(level)  # type: ignore[arg-type]
    assert caught.value.field == "level"


@pytest.mark.parametrize(
    ("speed", "force"), [(0, 0), (0.29, 0), (0.3, 1), (5.4, 3), (5.5, 4), (7.9, 4), (8.0, 5), (32.7, 12), (60, 12)]
)
def test_beaufort_force(speed: float, force: int) -> None:
    assert beaufort_force(speed) == force


@pytest.mark.parametrize(
    ("weather", "index", "level"),
    [
        ((28, 25, 12), 100, 5),  # hot, dry, force 5, 12 days without rain
        ((20, 40, 7), 72, 3),  # 20 + 22 + 10 (force 3) + 20
        ((15, 60, 1), 33, 2),  # 15 + 8 + 5 (force 2) + 5
        ((4, 90, 0), 5, 1),  # cold, humid, rained today, force 2
    ],
)
def test_fire_index_examples(weather: tuple[float, float, int], index: int, level: int) -> None:
    wind = {100: 5, 72: 3, 33: 2, 5: 2}[index]
    result = fire_danger(*weather, wind_beaufort=wind)
    assert (result.index, result.level) == (index, level)
    assert result.tier is tier_fire_level(level).tier
    assert not result.reasons[0].verified and result.reasons[1].verified


def test_wind_in_ms_or_beaufort_agree() -> None:
    assert fire_danger(25, 35, 4, wind_ms=6.0).index == fire_danger(25, 35, 4, wind_beaufort=4).index


def test_level_breaks_are_configurable() -> None:
    strict = ForestFireDefaults(level_breaks=((40, 5), (30, 4), (20, 3), (10, 2)))
    assert fire_danger(15, 60, 1, wind_beaufort=2, defaults=strict).level == 4


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_humidity_pct": 101, "wind_ms": 1}, "min_humidity_pct"),
        ({"min_humidity_pct": math.nan, "wind_ms": 1}, "min_humidity_pct"),
        ({"min_humidity_pct": 50}, "wind_ms"),
        ({"min_humidity_pct": 50, "wind_ms": 1, "wind_beaufort": 1}, "wind_ms"),
        ({"min_humidity_pct": 50, "wind_beaufort": 18}, "wind_beaufort"),
        ({"min_humidity_pct": 50, "wind_ms": -2}, "wind_ms"),
        ({"min_humidity_pct": 50, "wind_ms": 1, "days_since_rain": -1}, "days_since_rain"),
    ],
)
def test_bad_weather_names_the_field(kwargs: dict, field: str) -> None:
    args = {"max_temperature_c": 20, "days_since_rain": 3} | kwargs
    with pytest.raises(RiskInputError) as caught:
        fire_danger(**args)
    assert caught.value.field == field


weather = st.tuples(st.floats(-30, 45), st.floats(0, 100), st.integers(0, 12), st.integers(0, 40))


@given(weather, weather)
def test_hotter_drier_windier_longer_dry_never_lowers_the_level(a: tuple, b: tuple) -> None:
    worse = (max(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
    better = (min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    high = fire_danger(worse[0], worse[1], worse[3], wind_beaufort=worse[2])
    low = fire_danger(better[0], better[1], better[3], wind_beaufort=better[2])
    assert (high.index, high.level) >= (low.index, low.level)
    assert high.tier.severity >= low.tier.severity

"""Geohazard 险情 grades (standards.md §3): either criterion is enough, exact bounds go to the graver grade."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.risk import RiskInputError, tier_geohazard
from layers.styles import Tier


@pytest.mark.parametrize(
    ("people", "grade", "tier"),
    [
        (0, "小型", Tier.BLUE),
        (99, "小型", Tier.BLUE),
        (100, "中型", Tier.YELLOW),
        (499, "中型", Tier.YELLOW),
        (500, "大型", Tier.ORANGE),
        (999, "大型", Tier.ORANGE),
        (1000, "特大型", Tier.RED),
    ],
)
def test_grade_by_people(people: int, grade: str, tier: Tier) -> None:
    result = tier_geohazard(threatened_people=people)
    assert (result.grade, result.tier) == (grade, tier)


@pytest.mark.parametrize(
    ("loss_wan", "grade"),
    [(499.99, "小型"), (500, "中型"), (4999.9, "中型"), (5000, "大型"), (9999.9, "大型"), (10000, "特大型")],
)
def test_grade_by_potential_loss_in_wan(loss_wan: float, grade: str) -> None:
    assert tier_geohazard(potential_loss_wan=loss_wan).grade == grade


@pytest.mark.parametrize(
    ("people", "loss_wan", "grade"), [(10, 6000, "大型"), (1200, 10, "特大型"), (150, 600, "中型")]
)
def test_the_graver_criterion_wins(people: int, loss_wan: float, grade: str) -> None:
    result = tier_geohazard(people, loss_wan)
    assert result.grade == grade
    evidence = result.reasons[0].evidence
    assert grade in (evidence["grade_by_people"], evidence["grade_by_loss"])


def test_unknown_criterion_is_said() -> None:
    reason = tier_geohazard(threatened_people=120).reasons[0]
    assert "潜在经济损失未知" in reason.message_zh and reason.evidence["grade_by_loss"] is None


@pytest.mark.parametrize(
    ("people", "loss", "field"),
    [
        (None, None, "threatened_people"),
        (-1, None, "threatened_people"),
        (10.5, None, "threatened_people"),
        (None, -5, "potential_loss_wan"),
        (None, math.nan, "potential_loss_wan"),
    ],
)
def test_bad_input_names_the_field(people: object, loss: object, field: str) -> None:
    with pytest.raises(RiskInputError) as caught:
        tier_geohazard(people, loss)  # type: ignore[arg-type]
    assert caught.value.field == field


@given(st.integers(0, 5000), st.integers(0, 5000), st.floats(0, 20000), st.floats(0, 20000))
def test_more_people_or_loss_never_lowers_the_tier(p1: int, p2: int, l1: float, l2: float) -> None:
    low = tier_geohazard(min(p1, p2), min(l1, l2))
    high = tier_geohazard(max(p1, p2), max(l1, l2))
    assert high.tier.severity >= low.tier.severity

"""Enterprise tier: 应急〔2018〕19号 (standards.md §2), GB 18218 floor and hidden-danger escalation."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.risk import (
    DirectRedFlags,
    EnterpriseDefaults,
    EnterpriseFacts,
    HazardUnit,
    HiddenDanger,
    RiskInputError,
    score_band,
    tier_enterprise,
)
from layers.styles import Tier

AS_OF = date(2025, 6, 1)
CHLORINE_GRADE_2 = HazardUnit([("氯", 31.25)], 100, "液氯库")  # R = 50 → 二级
CHLORINE_GRADE_3 = HazardUnit([("液氯", 8), ("液氨", 30)], 120, "罐区")  # R = 24.8 → 三级


def rules(facts: EnterpriseFacts) -> list[str]:
    return [r.rule for r in tier_enterprise(facts).reasons]


@pytest.mark.parametrize(
    ("score", "tier"),
    [
        (0, Tier.RED),
        (59.999, Tier.RED),
        (60, Tier.ORANGE),
        (74.999, Tier.ORANGE),
        (75, Tier.YELLOW),
        (89.999, Tier.YELLOW),
        (90, Tier.BLUE),
        (100, Tier.BLUE),
        (120, Tier.BLUE),
    ],
)
def test_score_bands_boundary_goes_to_less_risky_band(score: float, tier: Tier) -> None:
    assert score_band(score) is tier


@pytest.mark.parametrize("score", [-0.1, 120.1, math.nan, math.inf, "90", True])
def test_bad_score_names_the_field(score: object) -> None:
    with pytest.raises(RiskInputError) as caught:
        score_band(score)  # type: ignore[arg-type]
    assert caught.value.field == "score"


def test_score_above_100_is_accepted_but_flagged() -> None:
    (base,) = tier_enterprise(EnterpriseFacts(score=105)).reasons
    assert base.tier is Tier.BLUE and not base.verified and "UNVERIFIED" in base.message_en
    assert tier_enterprise(EnterpriseFacts(score=100)).reasons[0].verified


def test_score_ceiling_is_configurable() -> None:
    with pytest.raises(RiskInputError):
        score_band(105, EnterpriseDefaults(max_score=100))


@given(st.floats(min_value=0, max_value=120), st.floats(min_value=0, max_value=120))
def test_lower_score_never_gives_a_less_severe_band(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert score_band(low).severity >= score_band(high).severity


@pytest.mark.parametrize(
    ("flags", "rule"),
    [
        (DirectRedFlags(new_process_without_pilot_trials=True), "new_process_without_pilot_trials"),
        (DirectRedFlags(undesigned_plant_without_safety_diagnosis=True), "undesigned_plant_without_safety_diagnosis"),
        (DirectRedFlags(special_operators_unqualified=True), "special_operators_unqualified"),
        (DirectRedFlags(major_or_worse_accidents_3y=1), "accident_history"),
        (DirectRedFlags(larger_accidents_3y=2), "accident_history"),
        (DirectRedFlags(fatal_general_accidents_1y=2), "accident_history"),
    ],
)
def test_each_direct_red_condition_overrides_a_good_score(flags: DirectRedFlags, rule: str) -> None:
    result = tier_enterprise(EnterpriseFacts(score=98, direct_red=flags))
    assert result.tier is Tier.RED
    assert f"enterprise.direct_red.{rule}" in [r.rule for r in result.reasons]


@pytest.mark.parametrize(
    "flags", [DirectRedFlags(larger_accidents_3y=1), DirectRedFlags(fatal_general_accidents_1y=1), DirectRedFlags()]
)
def test_accident_history_below_thresholds_is_not_red(flags: DirectRedFlags) -> None:
    assert tier_enterprise(EnterpriseFacts(score=98, direct_red=flags)).tier is Tier.BLUE


@pytest.mark.parametrize(
    ("flags", "field"),
    [
        (DirectRedFlags(special_operators_unqualified="false"), "direct_red.special_operators_unqualified"),  # type: ignore[arg-type]
        (DirectRedFlags(larger_accidents_3y=-1), "direct_red.larger_accidents_3y"),
    ],
)
def test_bad_direct_red_flags_name_the_field(flags: DirectRedFlags, field: str) -> None:
    with pytest.raises(RiskInputError) as caught:
        tier_enterprise(EnterpriseFacts(score=98, direct_red=flags))
    assert caught.value.field == field


def test_grade_2_major_hazard_is_at_least_orange() -> None:
    result = tier_enterprise(EnterpriseFacts(score=95, units=[CHLORINE_GRADE_2]))
    assert result.tier is Tier.ORANGE
    assert rules(EnterpriseFacts(score=95, units=[CHLORINE_GRADE_2])) == [
        "enterprise.score_band",
        "gb18218.identify",
        "gb18218.grade",
        "enterprise.major_hazard_floor",
    ]


def test_grade_3_major_hazard_sets_no_floor() -> None:
    assert tier_enterprise(EnterpriseFacts(score=95, units=[CHLORINE_GRADE_3])).tier is Tier.BLUE


def test_floor_never_lowers_a_worse_score() -> None:
    assert tier_enterprise(EnterpriseFacts(score=50, units=[CHLORINE_GRADE_2])).tier is Tier.RED


def test_units_are_never_summed() -> None:
    # two units of 3 t chlorine each: S = 0.6 each, so neither is a major hazard even though 6 t > Q
    unit = HazardUnit([("氯", 3)], 100)
    result = tier_enterprise(EnterpriseFacts(score=95, units=[unit, unit]))
    assert [r.evidence["s"] for r in result.reasons if r.rule == "gb18218.identify"] == [0.6, 0.6]


@pytest.mark.parametrize(
    ("grade", "tier"), [(1, Tier.ORANGE), ("二级", Tier.ORANGE), (3, Tier.BLUE), ("四级", Tier.BLUE)]
)
def test_recorded_grades_apply_the_same_floor(grade: int | str, tier: Tier) -> None:
    assert tier_enterprise(EnterpriseFacts(score=95, recorded_major_hazard_grades=[grade])).tier is tier


def test_open_major_hidden_danger_is_red() -> None:
    facts = EnterpriseFacts(score=95, hidden_dangers=[HiddenDanger("major", "rectified")])
    assert tier_enterprise(facts).tier is Tier.RED


def test_verified_major_hidden_danger_no_longer_counts() -> None:
    facts = EnterpriseFacts(score=95, hidden_dangers=[HiddenDanger("major", "verified")])
    assert tier_enterprise(facts).tier is Tier.BLUE


@pytest.mark.parametrize(("score", "tier"), [(95, Tier.YELLOW), (80, Tier.ORANGE), (70, Tier.RED), (10, Tier.RED)])
def test_overdue_general_danger_steps_up_once(score: float, tier: Tier) -> None:
    overdue = [
        HiddenDanger("general", "assigned", date(2025, 5, 1)),
        HiddenDanger("general", "reported", date(2025, 1, 1)),
    ]
    result = tier_enterprise(EnterpriseFacts(score=score, hidden_dangers=overdue, as_of=AS_OF))
    assert result.tier is tier
    assert result.reasons[-1].rule == "enterprise.overdue_hidden_danger"
    assert result.reasons[-1].evidence["overdue_general"] == 2
    assert result.reasons[-1].evidence["earliest_due"] == "2025-01-01"


def test_overdue_steps_up_from_the_floor_not_the_score() -> None:
    danger = HiddenDanger("general", "assigned", date(2025, 5, 1))
    facts = EnterpriseFacts(score=95, units=[CHLORINE_GRADE_2], hidden_dangers=[danger], as_of=AS_OF)
    assert tier_enterprise(facts).tier is Tier.RED


@pytest.mark.parametrize(
    "danger",
    [
        HiddenDanger("general", "assigned", AS_OF),  # due today: not yet overdue
        HiddenDanger("general", "assigned", date(2025, 7, 1)),
        HiddenDanger("general", "verified", date(2025, 1, 1)),
        HiddenDanger("general", "assigned"),
    ],
)
def test_not_overdue(danger: HiddenDanger) -> None:
    assert tier_enterprise(EnterpriseFacts(score=95, hidden_dangers=[danger], as_of=AS_OF)).tier is Tier.BLUE


def test_overdue_needs_as_of() -> None:
    facts = EnterpriseFacts(score=95, hidden_dangers=[HiddenDanger("general", "assigned", date(2025, 1, 1))])
    with pytest.raises(RiskInputError) as caught:
        tier_enterprise(facts)
    assert caught.value.field == "as_of"


@pytest.mark.parametrize(
    ("danger", "field"),
    [
        (HiddenDanger("一般", "assigned"), "hidden_dangers[0].level"),
        (HiddenDanger("general", "open"), "hidden_dangers[0].status"),
        (HiddenDanger("general", "assigned", "2025-01-01"), "hidden_dangers[0].due"),  # type: ignore[arg-type]
    ],
)
def test_bad_hidden_danger_names_the_field(danger: HiddenDanger, field: str) -> None:
    with pytest.raises(RiskInputError) as caught:
        tier_enterprise(EnterpriseFacts(score=95, hidden_dangers=[danger], as_of=AS_OF))
    assert caught.value.field == field


def test_unscored_without_tags_takes_the_documented_default() -> None:
    (base,) = tier_enterprise(EnterpriseFacts()).reasons
    assert (base.rule, base.tier, base.verified) == ("enterprise.unscored_default", Tier.BLUE, False)


@pytest.mark.parametrize(
    ("tags", "tier"),
    [
        (["hazchem_storage"], Tier.YELLOW),
        (["confined_space"], Tier.BLUE),
        (["confined_space", "dust_explosion"], Tier.YELLOW),
    ],
)
def test_unscored_tier_from_hazard_tags(tags: list[str], tier: Tier) -> None:
    result = tier_enterprise(EnterpriseFacts(hazard_tags=tags))
    assert result.tier is tier
    assert {r.rule for r in result.reasons} == {"enterprise.hazard_tag"}
    assert all(not r.verified for r in result.reasons)


def test_score_outranks_tags() -> None:
    assert tier_enterprise(EnterpriseFacts(score=95, hazard_tags=["hazchem_storage"])).tier is Tier.BLUE


def test_unknown_tag_names_the_field() -> None:
    with pytest.raises(RiskInputError) as caught:
        tier_enterprise(EnterpriseFacts(hazard_tags=["hazchem_storage", "volcano"]))
    assert caught.value.field == "hazard_tags[1]"


def test_unit_errors_carry_the_full_path() -> None:
    facts = EnterpriseFacts(score=95, units=[CHLORINE_GRADE_3, HazardUnit([("氯", 1), ("氨", -3)], 0)])
    with pytest.raises(RiskInputError) as caught:
        tier_enterprise(facts)
    assert caught.value.field == "units[1].chemicals[1].quantity_t"


def test_every_fired_rule_is_listed_and_the_worst_wins() -> None:
    facts = EnterpriseFacts(
        score=80,
        direct_red=DirectRedFlags(larger_accidents_3y=2),
        units=[CHLORINE_GRADE_2],
        hidden_dangers=[HiddenDanger("major", "assigned")],
    )
    result = tier_enterprise(facts)
    assert result.tier is Tier.RED
    assert [r.rule for r in result.reasons] == [
        "enterprise.score_band",
        "enterprise.direct_red.accident_history",
        "gb18218.identify",
        "gb18218.grade",
        "enterprise.major_hazard_floor",
        "enterprise.major_hidden_danger",
    ]
    assert result.to_dict()["reasons"][1]["evidence"]["larger_accidents_3y"] == 2

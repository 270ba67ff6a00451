"""GB 18218-2018 identification and grading of one unit (standards.md §1)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.risk import ChemicalRef, RiskInputError, UnknownChemical, assess_unit, lookup_chemical, major_hazard_grade
from app.risk.reasons import UNVERIFIED_EN, UNVERIFIED_ZH

GRAVITY = {None: 0, "四级": 1, "三级": 2, "二级": 3, "一级": 4}


def test_chip_fab_exam_example() -> None:
    # standards.md §1.9 (1): A1 = H2S (Q 5, β 5), A2 = PH3 (Q 1, β 20), A3 = Cl2 (Q 5, β 4); 102 residents → α 2
    result = assess_unit([("硫化氢", 2), ("磷化氢", 2), ("氯", 1)], 102)
    assert (result.s, result.is_major, result.alpha, result.r, result.grade) == (2.6, True, 2.0, 85.6, "二级")
    assert result.reasons[-1].rule == "gb18218.grade"
    assert result.reasons[-1].message_zh == "R = 85.6 → 二级重大危险源 (GB 18218-2018 表6)"
    assert result.reasons[-1].verified


def test_chlorine_and_ammonia_example() -> None:
    # standards.md §1.9 (2)
    result = assess_unit([("液氯", 8), ("液氨", 30)], 120)
    assert (result.s, result.r, result.grade) == (4.6, 24.8, "三级")
    assert [(line.beta, line.beta_source) for line in result.lines] == [(4, "表3"), (2, "表3")]


@pytest.mark.parametrize(
    ("chlorine_t", "is_major"), [(5, True), (4.999, False), (0, False), (5.001, True)]
)  # Q of chlorine is 5 t, so S = q / 5
def test_s_exactly_one_is_major(chlorine_t: float, is_major: bool) -> None:
    assert assess_unit([("氯", chlorine_t)], 0).is_major is is_major


def test_s_exactly_one_from_several_chemicals() -> None:
    result = assess_unit([("氨", 7), ("氯", 1.5)], 0)  # 0.7 + 0.3
    assert (result.s, result.is_major) == (1, True)


@pytest.mark.parametrize(
    ("chlorine_t", "people", "r", "grade"),
    [
        (62.5, 100, 100, "一级"),  # 2 × 4 × 12.5
        (62.4, 100, 99.84, "二级"),
        (31.25, 100, 50, "二级"),
        (31.2, 100, 49.92, "三级"),
        (12.5, 10, 10, "三级"),  # α 1
        (12.4, 10, 9.92, "四级"),
        (5, 0, 2, "四级"),  # α 0.5
    ],
)
def test_grade_boundaries(chlorine_t: float, people: int, r: float, grade: str) -> None:
    result = assess_unit([("氯", chlorine_t)], people)
    assert (result.r, result.grade) == (r, grade)


def test_r_on_a_boundary_survives_float_error() -> None:
    # 2 × 5.6/10 + 4 × 11.1/5 is exactly 10 but sums to 9.999999999999998 in doubles (standards.md §1.10)
    result = assess_unit([("氨", 5.6), ("氯", 11.1)], 10)
    assert (result.r, result.grade) == (10, "三级")


@pytest.mark.parametrize(
    ("people", "alpha"), [(0, 0.5), (1, 1.0), (29, 1.0), (30, 1.2), (49, 1.2), (50, 1.5), (99, 1.5), (100, 2.0)]
)
def test_alpha_by_exposed_people(people: int, alpha: float) -> None:
    assert assess_unit([("氯", 5)], people).alpha == alpha


def test_below_threshold_has_no_r_or_grade() -> None:
    result = assess_unit([("氯", 1)], 500)
    assert (result.is_major, result.r, result.grade) == (False, None, None)
    assert [r.rule for r in result.reasons] == ["gb18218.identify"]


def test_empty_unit_is_not_major() -> None:
    assert assess_unit([], 0).s == 0


def test_chemical_outside_table_1_uses_its_category() -> None:
    line = assess_unit([(ChemicalRef("某溶剂", "w5.3"), 500)], 0).lines[0]
    assert (line.critical_t, line.critical_source, line.beta, line.beta_source) == (1000, "表2 W5.3", 1, "表4 W5.3")


def test_category_sets_beta_of_table_1_chemical_outside_table_3() -> None:
    line = assess_unit([(ChemicalRef("汽油", "W5.1"), 200)], 0).lines[0]
    assert (line.critical_t, line.beta, line.beta_verified) == (200, 1.5, True)


def test_table_3_beta_wins_over_a_given_category() -> None:
    assert assess_unit([(ChemicalRef("氯", "W2"), 5)], 0).lines[0].beta == 4


def test_assumed_beta_is_flagged_unverified() -> None:
    result = assess_unit([("甲醇", 600)], 0)
    assert result.lines[0].beta == 1 and not result.lines[0].beta_verified
    grade_reason = result.reasons[-1]
    assert not grade_reason.verified
    assert grade_reason.message_zh.endswith(UNVERIFIED_ZH) and grade_reason.message_en.endswith(UNVERIFIED_EN)


@pytest.mark.parametrize("key", ["液氨", "氨气", "7664-41-7", "Ammonia", " nh3 ", "ＮＨ₃"])
def test_lookup_by_alias_cas_english_and_width(key: str) -> None:
    assert lookup_chemical(key).row == 1


def test_lookup_ignores_full_width_parentheses() -> None:
    assert lookup_chemical("氯化氢（无水）").row == 11


def test_unknown_chemical_names_it() -> None:
    with pytest.raises(UnknownChemical, match="二甲基汞") as caught:
        assess_unit([("二甲基汞", 1)], 0)
    assert caught.value.field == "chemicals[0].name"


def test_shared_cas_is_ambiguous() -> None:
    with pytest.raises(UnknownChemical, match="several"):
        lookup_chemical("6484-52-2")


def test_missing_category_where_beta_is_ambiguous() -> None:
    with pytest.raises(RiskInputError) as caught:
        assess_unit([("氯", 1), ("汽油", 10)], 0)
    assert caught.value.field == "chemicals[1].category"


@pytest.mark.parametrize(
    ("chemicals", "people", "field"),
    [
        ([("氯", -1)], 0, "chemicals[0].quantity_t"),
        ([("氯", math.nan)], 0, "chemicals[0].quantity_t"),
        ([("氯", math.inf)], 0, "chemicals[0].quantity_t"),
        ([("氯", "8")], 0, "chemicals[0].quantity_t"),
        ([(ChemicalRef("某物", "W12"), 1)], 0, "chemicals[0].category"),
        ([("氯",)], 0, "chemicals[0]"),
        ([(None, 1)], 0, "chemicals[0].name"),
        ([("氯", 1)], -1, "exposed_people"),
        ([("氯", 1)], 10.5, "exposed_people"),
        ([("氯", 1)], True, "exposed_people"),
    ],
)
def test_bad_input_names_the_field(chemicals: list, people: object, field: str) -> None:
    with pytest.raises(RiskInputError) as caught:
        assess_unit(chemicals, people)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert str(caught.value).startswith(field)


@pytest.mark.parametrize(("value", "grade"), [(1, "一级"), (4, "四级"), ("二级", "二级")])
def test_major_hazard_grade_accepts_numbers_and_text(value: object, grade: str) -> None:
    assert major_hazard_grade(value) == grade


@pytest.mark.parametrize("value", [0, 5, "五级", True, None])
def test_major_hazard_grade_refuses_others(value: object) -> None:
    with pytest.raises(RiskInputError) as caught:
        major_hazard_grade(value)
    assert caught.value.field == "grade"


def test_result_is_json_ready() -> None:
    data = assess_unit([("液氯", 8), ("液氨", 30)], 120, unit_name="罐区").to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["grade"] == "三级" and data["reasons"][0]["evidence"]["unit"] == "罐区"


TOXIC_GASES = ["氯", "氨", "硫化氢", "磷化氢", "碳酰氯"]
quantities = st.floats(min_value=0, max_value=1e4, allow_nan=False)


@given(
    holdings=st.lists(st.tuples(st.sampled_from(TOXIC_GASES), quantities), min_size=1, max_size=5),
    which=st.integers(min_value=0, max_value=4),
    extra=quantities,
    people=st.integers(min_value=0, max_value=500),
    more_people=st.integers(min_value=0, max_value=500),
)
def test_more_quantity_or_people_never_lowers_the_grade(
    holdings: list[tuple[str, float]], which: int, extra: float, people: int, more_people: int
) -> None:
    before = assess_unit(holdings, people)
    i = which % len(holdings)
    more = [*holdings[:i], (holdings[i][0], holdings[i][1] + extra), *holdings[i + 1 :]]
    for after in (assess_unit(more, people), assess_unit(holdings, people + more_people)):
        assert after.s >= before.s
        assert GRAVITY[after.grade] >= GRAVITY[before.grade]

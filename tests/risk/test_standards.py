"""The tables in app.risk.standards against ../shared/standards.md, transcribed here independently."""

from __future__ import annotations

import pytest

from app.risk import lookup_chemical
from app.risk.standards import CHEMICALS, HAZARD_CATEGORIES, at_least, at_most

# standards.md §1.7: 表1 row → Q (t)
TABLE_1_Q = {
    1: 10, 3: 1, 4: 20, 5: 1, 6: 0.3, 7: 10, 8: 5, 9: 1, 10: 5, 11: 20, 12: 5, 13: 20, 17: 10, 20: 1, 23: 100,
    25: 1, 26: 75, 28: 20, 30: 0.75, 33: 0.5, 35: 5, 36: 1, 43: 5, 44: 50, 45: 200, 47: 5, 48: 50, 49: 50, 50: 50,
    51: 5, 52: 50, 53: 5, 54: 1, 55: 50, 56: 200, 57: 50, 58: 500, 59: 500, 60: 50, 61: 50, 62: 500, 63: 10,
    64: 500, 65: 500, 66: 200, 67: 500, 68: 10, 69: 500, 70: 500, 73: 50, 78: 100, 79: 100, 81: 100, 83: 100,
    84: 1, 85: 10,
}  # fmt: skip

# standards.md §1.3 表3
TABLE_3_BETA = {
    "一氧化碳": 2, "二氧化硫": 2, "氨": 2, "环氧乙烷": 2, "氯化氢": 3, "溴甲烷": 3, "氯": 4, "硫化氢": 5,
    "氟化氢": 5, "二氧化氮": 10, "氰化氢": 10, "碳酰氯": 20, "磷化氢": 20, "异氰酸甲酯": 20,
}  # fmt: skip

# standards.md §1.8 表2 (Q) and §1.4 表4 (β)
TABLE_2_4 = {
    "J1": (5, 4), "J2": (50, 1), "J3": (50, 2), "J4": (50, 2), "J5": (500, 1),
    "W1.1": (1, 2), "W1.2": (10, 2), "W1.3": (50, 2), "W2": (10, 1.5), "W3": (150, 1), "W4": (50, 1),
    "W5.1": (10, 1.5), "W5.2": (50, 1), "W5.3": (1000, 1), "W5.4": (5000, 1), "W6.1": (10, 1.5), "W6.2": (50, 1),
    "W7.1": (10, 1.5), "W7.2": (50, 1), "W8": (50, 1), "W9.1": (50, 1), "W9.2": (200, 1), "W10": (200, 1),
    "W11": (200, 1),
}  # fmt: skip


def test_table_1_rows_and_critical_quantities() -> None:
    assert {c.row: c.critical_t for c in CHEMICALS} == TABLE_1_Q
    assert len(CHEMICALS) == len(TABLE_1_Q)


@pytest.mark.parametrize(("name", "beta"), TABLE_3_BETA.items())
def test_table_3_toxic_gas_beta(name: str, beta: float) -> None:
    assert lookup_chemical(name).toxic_gas_beta == beta


def test_only_table_3_gases_carry_a_toxic_gas_beta() -> None:
    assert sum(c.toxic_gas_beta is not None for c in CHEMICALS) == len(TABLE_3_BETA)


def test_tables_2_and_4_by_category() -> None:
    assert {code: (c.critical_t, c.beta) for code, c in HAZARD_CATEGORIES.items()} == TABLE_2_4
    assert HAZARD_CATEGORIES["J2"].beta == 1  # one public seeder has 2: wrong


def test_table_3_gases_take_no_assumed_beta() -> None:
    assert all(c.assumed_beta is None for c in CHEMICALS if c.toxic_gas_beta is not None)


def cas_check_digit_ok(cas: str) -> bool:
    digits = cas.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    return sum(i * int(d) for i, d in enumerate(reversed(body), start=1)) % 10 == check


def test_cas_numbers_are_well_formed() -> None:
    for chemical in CHEMICALS:
        for cas in chemical.cas:
            assert cas_check_digit_ok(cas), (chemical.name_zh, cas)


def test_every_name_alias_and_cas_finds_its_row() -> None:
    shared_cas = {"6484-52-2"}  # 硝酸铵 rows 43 and 44 share it
    for chemical in CHEMICALS:
        for key in (chemical.name_zh, chemical.name_en, *chemical.aliases, *set(chemical.cas) - shared_cas):
            assert lookup_chemical(key) is chemical, key


@pytest.mark.parametrize(
    ("value", "expected"), [(100, "a"), (99.999, "b"), (50, "b"), (49.9, "none"), (-1, "none"), (1e9, "a")]
)
def test_at_least_includes_the_bound(value: float, expected: str) -> None:
    assert at_least(value, ((100, "a"), (50, "b")), "none") == expected


@pytest.mark.parametrize(("value", "expected"), [(30, "a"), (30.1, "b"), (40, "b"), (40.1, "none")])
def test_at_most_includes_the_bound(value: float, expected: str) -> None:
    assert at_most(value, ((30, "a"), (40, "b")), "none") == expected

"""GB 18218-2018 identification (S) and grading (R) of one production or storage unit (standards.md §1)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from app.risk.reasons import JsonReady, Reason, fmt, reason
from app.risk.standards import (
    ALPHA_BY_EXPOSED_PEOPLE,
    ALPHA_NOBODY_EXPOSED,
    CHEMICALS,
    GB18218,
    GRADE_BY_R,
    HAZARD_CATEGORIES,
    LOWEST_GRADE,
    MAJOR_HAZARD_GRADES,
    R_DECIMALS,
    Chemical,
    HazardCategory,
    at_least,
)
from app.risk.validation import RiskInputError, UnknownChemical, count, number

ASSUMED_BETA_SOURCE = "TwoMaps assumed β for 表1 chemicals outside 表3 (docs/risk-method.md §3.2)"


@dataclass(frozen=True)
class ChemicalRef:
    """A chemical as the caller names it (表1 name, alias or CAS number) and, optionally, its 表2/表4 category.

    The category sets β for 表1 chemicals outside 表3, and both Q and β for chemicals not in 表1.
    """

    name: str
    category: str | None = None


Holding = tuple[str | ChemicalRef, float]


@dataclass(frozen=True)
class ChemicalLine:
    """One chemical of a unit with the Q and β used for it and where each came from."""

    chemical: str
    table1_row: int | None
    quantity_t: float
    critical_t: float
    critical_source: str
    ratio: float
    beta: float
    beta_source: str
    beta_verified: bool


@dataclass(frozen=True)
class MajorHazardAssessment(JsonReady):
    """S, and for a major hazard (S ≥ 1) α, R and grade; `r` and `grade` are None below the threshold."""

    s: float
    is_major: bool
    alpha: float
    exposed_people: int
    r: float | None
    grade: str | None
    lines: tuple[ChemicalLine, ...]
    reasons: tuple[Reason, ...]


def _key(text: str) -> str:
    """Lookup key that ignores case, full/half width, subscripts (H₂S) and spacing."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _build_index() -> dict[str, tuple[Chemical, ...]]:
    index: dict[str, list[Chemical]] = {}
    for chemical in CHEMICALS:
        for key in {_key(name) for name in (chemical.name_zh, chemical.name_en, *chemical.aliases, *chemical.cas)}:
            index.setdefault(key, []).append(chemical)
    return {key: tuple(rows) for key, rows in index.items()}


_INDEX = _build_index()


def _matches(name_or_cas: object) -> tuple[Chemical, ...]:
    if not isinstance(name_or_cas, str) or not name_or_cas.strip():
        raise RiskInputError("name", f"expected a chemical name or CAS number, got {name_or_cas!r}")
    matches = _INDEX.get(_key(name_or_cas), ())
    if len(matches) > 1:
        rows = "、".join(c.name_zh for c in matches)
        raise UnknownChemical("name", f"{name_or_cas!r} matches several 表1 rows ({rows}): give the row's name")
    return matches


def lookup_chemical(name_or_cas: str) -> Chemical:
    """The GB 18218-2018 表1 row for a name, alias or CAS number; UnknownChemical if there is none."""
    matches = _matches(name_or_cas)
    if not matches:
        raise UnknownChemical("name", f"{name_or_cas!r} is not in GB 18218-2018 表1; give its 表2 category")
    return matches[0]


def major_hazard_grade(value: object, field: str = "grade") -> str:
    """A 表6 grade from its text (二级) or its number as the database stores it (2 = 二级, 1 is the gravest)."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= len(MAJOR_HAZARD_GRADES):
        return MAJOR_HAZARD_GRADES[value - 1]
    if value in MAJOR_HAZARD_GRADES:
        return str(value)
    raise RiskInputError(field, f"expected a grade 一级–四级 or 1–4, got {value!r}")


def _category(code: str | None) -> HazardCategory | None:
    if code is None:
        return None
    category = HAZARD_CATEGORIES.get(code.strip().upper()) if isinstance(code, str) else None
    if category is None:
        raise RiskInputError("category", f"{code!r} is not a 表2/表4 category (J1–J5, W1.1–W11)")
    return category


def _line(ref: str | ChemicalRef, quantity_t: object) -> ChemicalLine:
    """Q from 表1 else 表2; β from 表3, else the given 表4 category, else the assumed β (flagged unverified)."""
    ref = ref if isinstance(ref, ChemicalRef) else ChemicalRef(ref)
    quantity = number("quantity_t", quantity_t)
    category = _category(ref.category)
    matches = _matches(ref.name)
    if not matches:
        if category is None:
            raise UnknownChemical("name", f"{ref.name!r} is not in GB 18218-2018 表1; give its 表2 category")
        return ChemicalLine(
            chemical=ref.name,
            table1_row=None,
            quantity_t=quantity,
            critical_t=category.critical_t,
            critical_source=f"表2 {category.code}",
            ratio=quantity / category.critical_t,
            beta=category.beta,
            beta_source=f"表4 {category.code}",
            beta_verified=True,
        )
    chemical = matches[0]
    if chemical.toxic_gas_beta is not None:
        beta, beta_source, verified = chemical.toxic_gas_beta, "表3", True
    elif category is not None:
        beta, beta_source, verified = category.beta, f"表4 {category.code}", True
    elif chemical.assumed_beta is not None:
        beta, beta_source, verified = chemical.assumed_beta, ASSUMED_BETA_SOURCE, False
    else:
        raise RiskInputError("category", f"{chemical.name_zh} is outside 表3: give its 表4 category to choose β")
    return ChemicalLine(
        chemical=chemical.name_zh,
        table1_row=chemical.row,
        quantity_t=quantity,
        critical_t=chemical.critical_t,
        critical_source=f"表1 第{chemical.row}项",
        ratio=quantity / chemical.critical_t,
        beta=beta,
        beta_source=beta_source,
        beta_verified=verified,
    )


def _lines(chemicals: Iterable[Holding]) -> tuple[ChemicalLine, ...]:
    lines = []
    for i, holding in enumerate(chemicals):
        if not isinstance(holding, tuple | list) or len(holding) != 2:
            raise RiskInputError(f"chemicals[{i}]", f"expected (chemical, quantity_t), got {holding!r}")
        try:
            lines.append(_line(*holding))
        except RiskInputError as err:
            raise err.within(f"chemicals[{i}]") from None
    return tuple(lines)


def assess_unit(
    chemicals: Iterable[Holding], exposed_people: int, *, unit_name: str | None = None
) -> MajorHazardAssessment:
    """Identify and grade ONE unit: S = Σq/Q, major if S ≥ 1, then R = α·Σβq/Q and its grade (表6).

    Units are assessed separately: quantities are never summed across units (standards.md §1.10). S and R are
    rounded to 6 decimals before comparing, so values on a boundary (S = 1, R = 100, 50, 10) are not lost to
    1-ulp float error.
    """
    lines = _lines(chemicals)
    people = count("exposed_people", exposed_people)
    s = round(sum(line.ratio for line in lines), R_DECIMALS)
    is_major = s >= 1
    alpha = at_least(people, ALPHA_BY_EXPOSED_PEOPLE, ALPHA_NOBODY_EXPOSED)
    label_zh, label_en = (f"「{unit_name}」", f"[{unit_name}] ") if unit_name else ("", "")
    terms = [
        {"chemical": line.chemical, "q_t": line.quantity_t, "Q_t": line.critical_t, "Q_source": line.critical_source}
        for line in lines
    ]
    reasons = [
        reason(
            "gb18218.identify",
            None,
            f"{label_zh}S = {fmt(s)} {'≥' if is_major else '<'} 1，{'构成' if is_major else '不构成'}重大危险源"
            f" ({GB18218} 4.2)",
            f"{label_en}S = {fmt(s)} {'≥' if is_major else '<'} 1: {'a' if is_major else 'not a'}"
            f" major hazard installation ({GB18218} 4.2)",
            evidence={"unit": unit_name, "s": s, "terms": terms},
            source=f"{GB18218} 4.2, 表1, 表2 (standards.md §1.1, §1.7, §1.8)",
        )
    ]
    r = grade = None
    if is_major:
        r = round(alpha * sum(line.beta * line.ratio for line in lines), R_DECIMALS)
        grade = at_least(r, GRADE_BY_R, LOWEST_GRADE)
        betas = [{"chemical": line.chemical, "beta": line.beta, "beta_source": line.beta_source} for line in lines]
        reasons.append(
            reason(
                "gb18218.grade",
                None,
                f"{label_zh}R = {fmt(r)} → {grade}重大危险源 ({GB18218} 表6)",
                f"{label_en}R = {fmt(r)} → grade {grade} major hazard installation ({GB18218} Table 6)",
                evidence={
                    "unit": unit_name,
                    "r": r,
                    "grade": grade,
                    "alpha": alpha,
                    "exposed_people": people,
                    "betas": betas,
                },
                source=f"{GB18218} 4.3, 表3–表6 (standards.md §1.2–§1.6)",
                verified=all(line.beta_verified for line in lines),
            )
        )
    return MajorHazardAssessment(s, is_major, alpha, people, r, grade, lines, tuple(reasons))

"""Geohazard point tier from its 险情 grade (《国家突发地质灾害应急预案》, standards.md §3)."""

from __future__ import annotations

from app.risk.reasons import TierResult, fmt, reason, tier_labels
from app.risk.standards import (
    GEOHAZARD_GRADE_EN,
    GEOHAZARD_GRADE_TIERS,
    GEOHAZARD_LOWEST_GRADE,
    GEOHAZARD_PLAN,
    GEOHAZARD_THREAT_GRADES,
)
from app.risk.validation import RiskInputError, count, number

GRADE_ORDER = tuple(grade for _, _, grade in GEOHAZARD_THREAT_GRADES) + (GEOHAZARD_LOWEST_GRADE,)


def _grade_by(value: float | None, column: int) -> str | None:
    """Grade reached by one criterion (column 0 = people, 1 = loss); None when that criterion is unknown."""
    if value is None:
        return None
    return next((row[2] for row in GEOHAZARD_THREAT_GRADES if value >= row[column]), GEOHAZARD_LOWEST_GRADE)


def tier_geohazard(threatened_people: int | None = None, potential_loss_wan: float | None = None) -> TierResult:
    """险情 grade, the graver of the two criteria (either is enough): 特大型 red, 大型 orange, 中型 yellow, 小型 blue.

    Potential loss is in 万元 (1亿元 = 10000万元). A missing criterion is skipped and the reason says so, since the
    grade may then be understated.
    """
    if threatened_people is None and potential_loss_wan is None:
        raise RiskInputError("threatened_people", "give threatened_people or potential_loss_wan (or both)")
    people = None if threatened_people is None else count("threatened_people", threatened_people)
    loss = None if potential_loss_wan is None else number("potential_loss_wan", potential_loss_wan)
    by_people, by_loss = _grade_by(people, 0), _grade_by(loss, 1)
    grade = min((g for g in (by_people, by_loss) if g is not None), key=GRADE_ORDER.index)
    tier = GEOHAZARD_GRADE_TIERS[grade]
    tier_zh, tier_en = tier_labels(tier)
    people_zh = "威胁人数未知" if people is None else f"威胁 {people} 人"
    people_en = "people threatened unknown" if people is None else f"{people} people threatened"
    loss_zh = "潜在经济损失未知" if loss is None else f"潜在经济损失 {fmt(loss)} 万元"
    loss_en = "potential loss unknown" if loss is None else f"potential loss {fmt(loss)} × 10k CNY"
    return TierResult(
        tier,
        (
            reason(
                "geohazard.threat_grade",
                tier,
                f"{people_zh}，{loss_zh} → {grade}地质灾害险情 → {tier_zh}",
                f"{people_en}, {loss_en} → {GEOHAZARD_GRADE_EN[grade]} geohazard threat → {tier_en}",
                evidence={
                    "threatened_people": people,
                    "potential_loss_wan": loss,
                    "grade_by_people": by_people,
                    "grade_by_loss": by_loss,
                    "grade": grade,
                },
                source=f"{GEOHAZARD_PLAN} 险情分级 (standards.md §3; boundary 以上 inclusive, VERIFIED-MED)",
            ),
        ),
        grade=grade,
    )

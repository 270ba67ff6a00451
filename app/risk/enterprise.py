"""Enterprise tier: 应急〔2018〕19号 score bands and direct red, GB 18218 units, hidden-danger escalation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.risk.major_hazard import Holding, assess_unit, major_hazard_grade
from app.risk.reasons import Reason, TierResult, fmt, reason, tier_labels
from app.risk.standards import (
    DIRECT_RED_CONDITIONS,
    DIRECT_RED_FATAL_GENERAL_ACCIDENTS_1Y,
    DIRECT_RED_LARGER_ACCIDENTS_3Y,
    DIRECT_RED_MAJOR_ACCIDENTS_3Y,
    ENTERPRISE_DEFAULTS,
    GUIDE_2018_19,
    SCORE_BANDS,
    SCORE_BELOW_ALL_BANDS,
    SCORE_FULL_MARKS,
    EnterpriseDefaults,
    at_least,
)
from app.risk.validation import RiskInputError, count, flag, number
from layers.styles import Tier, most_severe
from layers.vocab import HAZARD_TAGS, HIDDEN_DANGER_LEVELS, HIDDEN_DANGER_STATUSES, OPEN_HIDDEN_DANGER_STATUSES

POLICY_SOURCE = "TwoMaps policy (docs/risk-method.md §2.4)"
GRADES_AT_LEAST_ORANGE = ("一级", "二级")
YES_NO_CONDITIONS = (
    "new_process_without_pilot_trials",
    "undesigned_plant_without_safety_diagnosis",
    "special_operators_unqualified",
)


@dataclass(frozen=True)
class DirectRedFlags:
    """The four conditions of 应急〔2018〕19号 (standards.md §2.2); any one makes the enterprise red."""

    new_process_without_pilot_trials: bool = False
    undesigned_plant_without_safety_diagnosis: bool = False
    special_operators_unqualified: bool = False
    major_or_worse_accidents_3y: int = 0
    larger_accidents_3y: int = 0
    fatal_general_accidents_1y: int = 0


@dataclass(frozen=True)
class HazardUnit:
    """A production or storage unit (生产/储存单元); GB 18218 assesses each one on its own."""

    chemicals: Sequence[Holding]
    exposed_people: int
    name: str | None = None


@dataclass(frozen=True)
class HiddenDanger:
    """A 隐患 found by inspection; codes from layers.vocab (level general/major, status reported … verified)."""

    level: str
    status: str
    due: date | None = None


@dataclass(frozen=True)
class EnterpriseFacts:
    """Everything the enterprise tier depends on, as plain data.

    `recorded_major_hazard_grades` are grades on file (1–4 or 一级–四级) for installations whose inventory is not
    given as `units`; `as_of` is the day against which hidden-danger due dates are judged.
    """

    score: float | None = None
    direct_red: DirectRedFlags = DirectRedFlags()
    units: Sequence[HazardUnit] = ()
    recorded_major_hazard_grades: Sequence[str | int] = ()
    hidden_dangers: Sequence[HiddenDanger] = ()
    as_of: date | None = None
    hazard_tags: Sequence[str] = ()


def score_band(score: float, defaults: EnterpriseDefaults = ENTERPRISE_DEFAULTS) -> Tier:
    """应急〔2018〕19号 band: red < 60 ≤ orange < 75 ≤ yellow < 90 ≤ blue (a boundary is the less risky band)."""
    value = number("score", score, maximum=defaults.max_score)
    return at_least(value, SCORE_BANDS, SCORE_BELOW_ALL_BANDS)


def _score_reason(score: float, defaults: EnterpriseDefaults) -> Reason:
    tier = score_band(score, defaults)
    zh, en = tier_labels(tier)
    if score <= SCORE_FULL_MARKS:
        return reason(
            "enterprise.score_band",
            tier,
            f"安全风险评估诊断得分 {fmt(score)} → {zh}",
            f"risk-assessment score {fmt(score)} → {en}",
            evidence={"score": score},
            source=f"{GUIDE_2018_19} (standards.md §2.1)",
        )
    return reason(
        "enterprise.score_band",
        tier,
        f"安全风险评估诊断得分 {fmt(score)}（含加分超过100分，接受至{fmt(defaults.max_score)}分）→ {zh}",
        f"risk-assessment score {fmt(score)} (above 100 with bonuses, accepted up to {fmt(defaults.max_score)}) → {en}",
        evidence={"score": score, "max_score": defaults.max_score},
        source=f"{GUIDE_2018_19} (standards.md §2.1, §2.3); {defaults.source}",
        verified=defaults.verified,
    )


def _unscored_reasons(tags: list[str], defaults: EnterpriseDefaults) -> list[Reason]:
    """Without a score the hazard tags set the base tier, or the documented default when there are none."""
    if not tags:
        zh, en = tier_labels(defaults.unscored_tier)
        return [
            reason(
                "enterprise.unscored_default",
                defaults.unscored_tier,
                f"未评分且无风险类别标签 → {zh}",
                f"not scored and no hazard tags → {en}",
                evidence={"score": None},
                source=defaults.source,
                verified=defaults.verified,
            )
        ]
    reasons = []
    for tag in dict.fromkeys(tags):
        tier = defaults.unscored_tag_tiers[tag]
        tag_zh, tag_en = HAZARD_TAGS.get(tag, (tag, tag))
        zh, en = tier_labels(tier)
        reasons.append(
            reason(
                "enterprise.hazard_tag",
                tier,
                f"未评分，风险类别“{tag_zh}” → {zh}",
                f"not scored, hazard tag “{tag_en}” → {en}",
                evidence={"score": None, "hazard_tag": tag},
                source=defaults.source,
                verified=defaults.verified,
            )
        )
    return reasons


def _direct_red_reasons(flags: DirectRedFlags) -> list[Reason]:
    fired = [code for code in YES_NO_CONDITIONS if flag(f"direct_red.{code}", getattr(flags, code))]
    accidents = {
        name: count(f"direct_red.{name}", getattr(flags, name))
        for name in ("major_or_worse_accidents_3y", "larger_accidents_3y", "fatal_general_accidents_1y")
    }
    if (
        accidents["major_or_worse_accidents_3y"] >= DIRECT_RED_MAJOR_ACCIDENTS_3Y
        or accidents["larger_accidents_3y"] >= DIRECT_RED_LARGER_ACCIDENTS_3Y
        or accidents["fatal_general_accidents_1y"] >= DIRECT_RED_FATAL_GENERAL_ACCIDENTS_1Y
    ):
        fired.append("accident_history")
    return [
        reason(
            f"enterprise.direct_red.{code}",
            Tier.RED,
            f"直接判定为红色：{DIRECT_RED_CONDITIONS[code][0]}",
            f"direct red: {DIRECT_RED_CONDITIONS[code][1]}",
            evidence=accidents if code == "accident_history" else {code: True},
            source=f"{GUIDE_2018_19} (standards.md §2.2)",
        )
        for code in fired
    ]


def _grade_floor_reason(grade: str, installation: str) -> Reason:
    """A 一级 or 二级 major hazard makes the enterprise at least orange."""
    zh, en = tier_labels(Tier.ORANGE)
    return reason(
        "enterprise.major_hazard_floor",
        Tier.ORANGE,
        f"{installation}为{grade}重大危险源 → 至少{zh}",
        f"{installation} is a grade {grade} major hazard installation → at least {en}",
        evidence={"installation": installation, "grade": grade},
        source=POLICY_SOURCE,
    )


def _major_hazard_reasons(facts: EnterpriseFacts) -> list[Reason]:
    """GB 18218 reasons per unit (never summed across units) and the orange floor for 一级/二级."""
    reasons: list[Reason] = []
    for i, unit in enumerate(facts.units):
        name = unit.name or f"#{i + 1}"
        try:
            assessment = assess_unit(unit.chemicals, unit.exposed_people, unit_name=name)
        except RiskInputError as err:
            raise err.within(f"units[{i}]") from None
        reasons += assessment.reasons
        if assessment.grade in GRADES_AT_LEAST_ORANGE:
            reasons.append(_grade_floor_reason(assessment.grade, f"「{name}」"))
    for i, value in enumerate(facts.recorded_major_hazard_grades):
        grade = major_hazard_grade(value, f"recorded_major_hazard_grades[{i}]")
        if grade in GRADES_AT_LEAST_ORANGE:
            reasons.append(_grade_floor_reason(grade, "备案重大危险源"))
    return reasons


def _checked_dangers(dangers: Sequence[HiddenDanger]) -> list[HiddenDanger]:
    for i, danger in enumerate(dangers):
        if danger.level not in HIDDEN_DANGER_LEVELS:
            raise RiskInputError(f"hidden_dangers[{i}].level", f"expected general or major, got {danger.level!r}")
        if danger.status not in HIDDEN_DANGER_STATUSES:
            raise RiskInputError(
                f"hidden_dangers[{i}].status", f"expected one of {list(HIDDEN_DANGER_STATUSES)}, got {danger.status!r}"
            )
        if danger.due is not None and not isinstance(danger.due, date):
            raise RiskInputError(f"hidden_dangers[{i}].due", f"expected a date, got {danger.due!r}")
    return [d for d in dangers if d.status in OPEN_HIDDEN_DANGER_STATUSES]


def _overdue_due_dates(open_dangers: list[HiddenDanger], as_of: date | None) -> list[date]:
    """Due dates of open 一般隐患 that have passed (due today is not yet overdue)."""
    due_dates = [d.due for d in open_dangers if d.level == "general" and d.due is not None]
    if not due_dates:
        return []
    if not isinstance(as_of, date):
        raise RiskInputError("as_of", "a date is needed to tell whether open hidden dangers are overdue")
    return [due for due in due_dates if due < as_of]


def tier_enterprise(facts: EnterpriseFacts, defaults: EnterpriseDefaults = ENTERPRISE_DEFAULTS) -> TierResult:
    """The most severe tier of every rule that fires, then one step up for overdue 一般隐患.

    Rules: score band (hazard tags or the default when unscored), direct red, GB 18218 units and recorded grades
    (一级/二级 → at least orange), open 重大隐患 → red. Every fired rule is a reason with its evidence.
    """
    tags = list(facts.hazard_tags)
    for i, tag in enumerate(tags):
        if tag not in defaults.unscored_tag_tiers:
            raise RiskInputError(
                f"hazard_tags[{i}]", f"unknown tag {tag!r}; known: {sorted(defaults.unscored_tag_tiers)}"
            )
    base = [_score_reason(facts.score, defaults)] if facts.score is not None else _unscored_reasons(tags, defaults)
    reasons = base + _direct_red_reasons(facts.direct_red) + _major_hazard_reasons(facts)
    open_dangers = _checked_dangers(facts.hidden_dangers)
    open_major = sum(d.level == "major" for d in open_dangers)
    if open_major:
        reasons.append(
            reason(
                "enterprise.major_hidden_danger",
                Tier.RED,
                f"存在{open_major}项未销号的重大事故隐患 → {tier_labels(Tier.RED)[0]}",
                f"{open_major} open major hidden danger(s) → {tier_labels(Tier.RED)[1]}",
                evidence={"open_major": open_major},
                source=POLICY_SOURCE,
            )
        )
    tier = most_severe([r.tier for r in reasons if r.tier is not None])
    overdue = _overdue_due_dates(open_dangers, facts.as_of)
    if overdue:
        stepped = tier.step_up()
        earliest = min(overdue).isoformat()
        (from_zh, from_en), (to_zh, to_en) = tier_labels(tier), tier_labels(stepped)
        reasons.append(
            reason(
                "enterprise.overdue_hidden_danger",
                stepped,
                f"{len(overdue)}项一般隐患逾期未整改（最早应于{earliest}完成）→ 上调一级：{from_zh} → {to_zh}",
                f"{len(overdue)} overdue general hidden danger(s), earliest due {earliest} → one step up: "
                f"{from_en} → {to_en}",
                evidence={"overdue_general": len(overdue), "earliest_due": earliest, "as_of": facts.as_of},
                source=POLICY_SOURCE,
            )
        )
        tier = stepped
    return TierResult(tier, tuple(reasons))

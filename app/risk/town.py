"""Composite town (镇街) risk index, relative to the towns assessed together (docs/risk-method.md §7).

index = 100 × hazard × modifier. Hazard is a weighted mean of four hazard loads, each scaled to the highest town;
the modifier (1 − span … 1) grows with exposure (population density) and vulnerability (vulnerable occupants'
share, vulnerable sites). This is the shape of FEMA's National Risk Index (expected loss scaled by social
vulnerability and resilience) with counts in place of dollar losses; all weights and breaks are TwoMaps defaults.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.risk.major_hazard import major_hazard_grade
from app.risk.reasons import JsonReady, Reason, fmt, reason, tier_labels
from app.risk.standards import TOWN_INDEX_DEFAULTS, TownIndexDefaults, at_least
from app.risk.validation import RiskInputError, count, number
from layers.styles import Tier

HAZARD_COMPONENTS: dict[str, tuple[str, str]] = {
    "enterprises": ("企业风险等级", "enterprise tiers"),
    "major_hazards": ("重大危险源", "major hazard installations"),
    "geohazard": ("地质灾害威胁人数", "people threatened by geohazards"),
    "flood": ("内涝黑点", "flood black-spots"),
}
TOP_CONTRIBUTORS = 3


@dataclass(frozen=True)
class TownFacts:
    """Counts for one town; tiers are keyed by tier code, major hazards by grade (一级–四级 or 1–4)."""

    code: str
    population: int
    area_km2: float
    enterprises_by_tier: Mapping[str, int] = field(default_factory=dict)
    major_hazards_by_grade: Mapping[str | int, int] = field(default_factory=dict)
    geohazard_threatened_people: int = 0
    flood_spots_by_tier: Mapping[str, int] = field(default_factory=dict)
    vulnerable_sites: int = 0
    vulnerable_occupants: int = 0


@dataclass(frozen=True)
class TownRisk(JsonReady):
    """A town's index (0–100) and tier with its sub-scores (0–1) and reasons."""

    code: str
    index: float
    tier: Tier
    hazard: float
    exposure: float
    vulnerability: float
    reasons: tuple[Reason, ...]


def _check_defaults(defaults: TownIndexDefaults) -> None:
    weights = defaults.hazard_weights
    if set(weights) != set(HAZARD_COMPONENTS) or min(weights.values()) < 0 or sum(weights.values()) <= 0:
        raise RiskInputError("defaults.hazard_weights", f"need non-negative weights for {list(HAZARD_COMPONENTS)}")
    number("defaults.modifier_span", defaults.modifier_span, maximum=1)
    number("defaults.exposure_share", defaults.exposure_share, maximum=1)


def _tier_load(name: str, counts: Mapping[str, int], weights: Mapping[Tier, float]) -> float:
    load = 0.0
    for key, n in counts.items():
        try:
            tier = Tier(key)
        except ValueError:
            raise RiskInputError(f"{name}.{key}", f"expected a tier code {[t.value for t in Tier]}") from None
        load += weights[tier] * count(f"{name}.{key}", n)
    return load


def _raw_components(town: TownFacts, defaults: TownIndexDefaults) -> dict[str, float]:
    population = count("population", town.population)
    area = number("area_km2", town.area_km2)
    if population == 0 or area == 0:
        raise RiskInputError("population" if population == 0 else "area_km2", "must be greater than 0")
    major_load = sum(
        defaults.grade_weights[major_hazard_grade(key, f"major_hazards_by_grade.{key}")]
        * count(f"major_hazards_by_grade.{key}", n)
        for key, n in town.major_hazards_by_grade.items()
    )
    return {
        "enterprises": _tier_load("enterprises_by_tier", town.enterprises_by_tier, defaults.tier_weights),
        "major_hazards": major_load,
        "geohazard": count("geohazard_threatened_people", town.geohazard_threatened_people),
        "flood": _tier_load("flood_spots_by_tier", town.flood_spots_by_tier, defaults.tier_weights),
        "population_density": population / area,
        "vulnerable_share": count("vulnerable_occupants", town.vulnerable_occupants) / population,
        "vulnerable_sites": count("vulnerable_sites", town.vulnerable_sites),
    }


def assess_towns(towns: Sequence[TownFacts], defaults: TownIndexDefaults = TOWN_INDEX_DEFAULTS) -> list[TownRisk]:
    """Index and tier of every town, in input order; assess all towns of a district together (the index is relative)."""
    _check_defaults(defaults)
    seen: set[str] = set()
    raws = []
    for i, town in enumerate(towns):
        if town.code in seen:
            raise RiskInputError(f"towns[{i}].code", f"duplicate town code {town.code!r}")
        seen.add(town.code)
        try:
            raws.append(_raw_components(town, defaults))
        except RiskInputError as err:
            raise err.within(f"towns[{i}]") from None
    peaks = {name: max(raw[name] for raw in raws) for name in raws[0]} if raws else {}
    return [_town_risk(town.code, raw, peaks, defaults) for town, raw in zip(towns, raws, strict=True)]


def _town_risk(code: str, raw: dict[str, float], peaks: dict[str, float], defaults: TownIndexDefaults) -> TownRisk:
    # Min-max with the floor fixed at 0: a town with none of something scores 0, the highest town scores 1.
    scaled = {name: raw[name] / peaks[name] if peaks[name] > 0 else 0.0 for name in raw}
    weight_total = sum(defaults.hazard_weights.values())
    contributions = {name: defaults.hazard_weights[name] * scaled[name] / weight_total for name in HAZARD_COMPONENTS}
    hazard = sum(contributions.values())
    exposure = scaled["population_density"]
    vulnerability = (scaled["vulnerable_share"] + scaled["vulnerable_sites"]) / 2
    blend = defaults.exposure_share * exposure + (1 - defaults.exposure_share) * vulnerability
    modifier = 1 - defaults.modifier_span + defaults.modifier_span * blend
    index = round(100 * hazard * modifier, 2)
    tier = at_least(index, defaults.tier_breaks, Tier.BLUE)
    tier_zh, tier_en = tier_labels(tier)
    top = sorted((n for n in HAZARD_COMPONENTS if contributions[n] > 0), key=contributions.__getitem__, reverse=True)
    shares = {name: contributions[name] / hazard for name in top[:TOP_CONTRIBUTORS]}
    drivers_zh = "、".join(f"{HAZARD_COMPONENTS[n][0]} {s:.0%}" for n, s in shares.items()) or "无登记的危险源"
    drivers_en = ", ".join(f"{HAZARD_COMPONENTS[n][1]} {s:.0%}" for n, s in shares.items()) or "no recorded hazards"
    reasons = (
        reason(
            "town.hazard",
            None,
            f"危险源得分 {hazard:.2f}（参评镇街最高为1），主要来自：{drivers_zh}",
            f"hazard score {hazard:.2f} (highest town = 1), mainly from: {drivers_en}",
            evidence={"raw": {n: raw[n] for n in HAZARD_COMPONENTS}, "scaled": scaled, "top_contributors": shares},
            source=defaults.source,
            verified=defaults.verified,
        ),
        reason(
            "town.modifier",
            None,
            f"人口密度 {raw['population_density']:.0f} 人/km²（暴露 {exposure:.2f}），脆弱人群占比"
            f" {raw['vulnerable_share']:.1%}、脆弱场所 {fmt(raw['vulnerable_sites'])} 处（脆弱性 {vulnerability:.2f}）"
            f" → 调节系数 {modifier:.2f}",
            f"density {raw['population_density']:.0f}/km² (exposure {exposure:.2f}), vulnerable share"
            f" {raw['vulnerable_share']:.1%}, {fmt(raw['vulnerable_sites'])} vulnerable sites (vulnerability"
            f" {vulnerability:.2f}) → modifier {modifier:.2f}",
            evidence={"exposure": exposure, "vulnerability": vulnerability, "modifier": modifier},
            source=defaults.source,
            verified=defaults.verified,
        ),
        reason(
            "town.index",
            tier,
            f"综合风险指数 100 × {hazard:.2f} × {modifier:.2f} = {fmt(index)} → {tier_zh}",
            f"composite index 100 × {hazard:.2f} × {modifier:.2f} = {fmt(index)} → {tier_en}",
            evidence={"index": index, "breaks": defaults.tier_breaks},
            source=defaults.source,
            verified=defaults.verified,
        ),
    )
    return TownRisk(code, index, tier, round(hazard, 4), round(exposure, 4), round(vulnerability, 4), reasons)

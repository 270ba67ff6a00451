"""Composite town index: hazard × exposure/vulnerability modifier, relative to the towns assessed together."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.risk import RiskInputError, TownFacts, TownIndexDefaults, assess_towns
from layers.styles import Tier

CHEMICAL_PARK = TownFacts(
    "441900101",
    population=60_000,
    area_km2=30,
    enterprises_by_tier={"red": 3, "orange": 5, "yellow": 20, "blue": 40},
    major_hazards_by_grade={"一级": 1, 2: 2},
    flood_spots_by_tier={"yellow": 2},
    vulnerable_sites=4,
    vulnerable_occupants=3_000,
)
HILLY_TOWN = TownFacts(
    "441900102",
    population=40_000,
    area_km2=80,
    enterprises_by_tier={"blue": 10},
    geohazard_threatened_people=900,
    vulnerable_sites=6,
    vulnerable_occupants=4_000,
)
QUIET_TOWN = TownFacts("441900103", population=20_000, area_km2=10, vulnerable_sites=2, vulnerable_occupants=800)


def by_code(towns: list[TownFacts], defaults: TownIndexDefaults | None = None) -> dict:
    results = assess_towns(towns, defaults) if defaults else assess_towns(towns)
    return {r.code: r for r in results}


def test_towns_are_ranked_and_tiered() -> None:
    results = by_code([CHEMICAL_PARK, HILLY_TOWN, QUIET_TOWN])
    park, hilly, quiet = (results[t.code] for t in (CHEMICAL_PARK, HILLY_TOWN, QUIET_TOWN))
    # by hand: park hazard 0.3 + 0.3 + 0.2 (flood) = 0.8, exposure 1, vulnerability (0.05/0.1 + 4/6) / 2 = 0.5833,
    # modifier 0.5 + 0.5 × (0.5 × 1 + 0.5 × 0.5833) = 0.8958 → 71.67; hilly hazard 0.3 × 10/226 + 0.2 = 0.2133,
    # exposure 500/2000 = 0.25, vulnerability 1, modifier 0.8125 → 17.33
    assert (park.index, park.tier) == (71.67, Tier.RED)
    assert (hilly.index, hilly.tier) == (17.33, Tier.BLUE)
    assert (quiet.index, quiet.tier) == (0, Tier.BLUE)
    assert all(0 <= v <= 1 for r in results.values() for v in (r.hazard, r.exposure, r.vulnerability))


def test_reasons_name_the_top_contributors() -> None:
    hilly = by_code([CHEMICAL_PARK, HILLY_TOWN])[HILLY_TOWN.code]
    hazard, modifier, index = hilly.reasons
    assert (hazard.rule, modifier.rule, index.rule) == ("town.hazard", "town.modifier", "town.index")
    assert list(hazard.evidence["top_contributors"])[0] == "geohazard"
    assert "地质灾害威胁人数" in hazard.message_zh
    assert index.tier is hilly.tier and not index.verified


def test_town_without_hazards_says_so() -> None:
    quiet = by_code([CHEMICAL_PARK, QUIET_TOWN])[QUIET_TOWN.code]
    assert "无登记的危险源" in quiet.reasons[0].message_zh


def test_modifier_scales_but_never_creates_risk() -> None:
    dense = replace(QUIET_TOWN, code="dense", area_km2=1)
    results = by_code([CHEMICAL_PARK, dense])
    assert results["dense"].exposure == 1 and results["dense"].index == 0


def test_weights_and_breaks_are_configurable() -> None:
    hazard_only = TownIndexDefaults(
        hazard_weights={"enterprises": 0, "major_hazards": 0, "geohazard": 1, "flood": 0},
        modifier_span=0,
        tier_breaks=((100, Tier.RED),),
    )
    results = by_code([CHEMICAL_PARK, HILLY_TOWN], hazard_only)
    assert (results[HILLY_TOWN.code].index, results[HILLY_TOWN.code].tier) == (100, Tier.RED)
    assert results[CHEMICAL_PARK.code].index == 0


def test_no_towns() -> None:
    assert assess_towns([]) == []


def test_result_is_json_ready() -> None:
    data = assess_towns([CHEMICAL_PARK, HILLY_TOWN])[0].to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


@pytest.mark.parametrize(
    ("town", "field"),
    [
        (replace(QUIET_TOWN, population=0), "towns[1].population"),
        (replace(QUIET_TOWN, area_km2=0), "towns[1].area_km2"),
        (replace(QUIET_TOWN, enterprises_by_tier={"purple": 1}), "towns[1].enterprises_by_tier.purple"),
        (replace(QUIET_TOWN, flood_spots_by_tier={"red": -1}), "towns[1].flood_spots_by_tier.red"),
        (replace(QUIET_TOWN, major_hazards_by_grade={"五级": 1}), "towns[1].major_hazards_by_grade.五级"),
        (replace(QUIET_TOWN, vulnerable_occupants=1.5), "towns[1].vulnerable_occupants"),
        (replace(QUIET_TOWN, code=CHEMICAL_PARK.code), "towns[1].code"),
    ],
)
def test_bad_town_names_the_field(town: TownFacts, field: str) -> None:
    with pytest.raises(RiskInputError) as caught:
        assess_towns([CHEMICAL_PARK, town])
    assert caught.value.field == field


def test_bad_weights_are_refused() -> None:
    with pytest.raises(RiskInputError) as caught:
        assess_towns([QUIET_TOWN], TownIndexDefaults(hazard_weights={"enterprises": 1}))
    assert caught.value.field == "defaults.hazard_weights"


@given(st.sampled_from(list(Tier)), st.integers(1, 50))
def test_more_risky_enterprises_never_lower_a_towns_own_index(tier: Tier, extra: int) -> None:
    counts = dict(HILLY_TOWN.enterprises_by_tier)
    counts[tier.value] = counts.get(tier.value, 0) + extra
    before = by_code([CHEMICAL_PARK, HILLY_TOWN])[HILLY_TOWN.code]
    after = by_code([CHEMICAL_PARK, replace(HILLY_TOWN, enterprises_by_tier=counts)])[HILLY_TOWN.code]
    assert after.index >= before.index and after.tier.severity >= before.tier.severity

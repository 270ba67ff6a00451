"""Impact of a hazard area: who and what is inside, per town and overall, and the minimum relief it calls for.

Enterprises come from one grouped scan (per town, tier and tag set) that the totals are sums of; only points in the
boundary cells of a coverage mask get a geometry test; the tests check the counts against a plain ST_Intersects count.
The list is capped at `list_limit` (all are counted): `total` and `truncated` say how much is left out.
People from the grid come per town and overall (GROUPING SETS) and are
apportioned to towns by largest remainder, so that rounded town figures still add up to the rounded total.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

import asyncpg
import shapely
from pydantic import BaseModel, Field

from app.analyses.impact.mask import coverage_mask
from layers.styles import TIER_ORDER
from layers.vocab import HAZCHEM_TAGS

SQL = {path.stem: path.read_text(encoding="utf-8") for path in (Path(__file__).parent / "sql").glob("*.sql")}
LISTED = {
    hazchem: SQL["enterprises_listed"].format(which=test)
    for hazchem, test in ((True, "e.hazard_tags && $9::text[]"), (False, "NOT (e.hazard_tags && $9::text[])"))
}
TIERS = [tier.value for tier in TIER_ORDER]
UNTIERED = "untiered"
TOWN_FIGURES = (
    "flood_spots",
    "flood_residents",
    "geohazards",
    "threatened_people",
    "enterprises",
    "hazchem_enterprises",
    "major_hazard_enterprises",
    "vulnerable_sites",
    "vulnerable_occupants",
    "population",
    "unusable_shelters",
    "unusable_capacity",
)


class ReliefNorms(BaseModel):
    """Per-person minimum relief for displaced people. No national table was found (standards.md lists none): these
    are TwoMaps defaults after common practice (drinking water 3 L/day as in the Sphere minimum, 0.5 kg of staple
    food/day as in China's 过渡期生活救助, one quilt each, a 12 m² relief tent for 4), UNVERIFIED and configurable."""

    days: int = Field(default=3, ge=1, le=90)
    water_l_per_person_day: float = Field(default=3.0, ge=0)
    food_kg_per_person_day: float = Field(default=0.5, ge=0)
    quilts_per_person: float = Field(default=1.0, ge=0)
    people_per_tent: float = Field(default=4.0, gt=0)


DisplacedBasis = Literal["threatened", "population"]


def relief_needs(people: int, norms: ReliefNorms) -> dict[str, object]:
    return {
        "people": people,
        "days": norms.days,
        "water_l": round(people * norms.water_l_per_person_day * norms.days, 1),
        "food_kg": round(people * norms.food_kg_per_person_day * norms.days, 1),
        "quilts": math.ceil(people * norms.quilts_per_person),
        "tents": math.ceil(people / norms.people_per_tent),
        "norms": norms.model_dump(),
        "verified": False,
        "source": "TwoMaps default relief norms (docs/storm.md §5)",
    }


def apportion(total: int, shares: dict[Any, float]) -> dict[Any, int]:
    """Whole numbers per key that add up to `total`, each its share rounded down plus one for the largest remainders."""
    floors = {key: math.floor(value) for key, value in shares.items()}
    left = total - sum(floors.values())
    by_remainder = sorted(shares, key=lambda key: (floors[key] - shares[key], str(key)))
    for key in by_remainder[: max(left, 0)]:
        floors[key] += 1
    return floors


async def _rows(conn: asyncpg.Connection, name: str, *args: object) -> list[dict[str, Any]]:
    return [dict(row) for row in await conn.fetch(SQL[name], *args)]


async def impact(
    conn: asyncpg.Connection,
    area: shapely.Geometry,
    norms: ReliefNorms,
    displaced: DisplacedBasis,
    list_limit: int,
) -> dict[str, Any]:
    wkb = shapely.to_wkb(area)
    mask = (wkb, *coverage_mask(area).sql_args(), list(HAZCHEM_TAGS))
    counts = [dict(row) for row in await conn.fetch(SQL["enterprises"], *mask)]
    listed = [dict(row) for row in await conn.fetch(LISTED[True], *mask, TIERS, list_limit)]
    if len(listed) < list_limit:
        listed += [dict(row) for row in await conn.fetch(LISTED[False], *mask, TIERS, list_limit - len(listed))]
    flood_spots = await _rows(conn, "flood_spots", wkb, TIERS)
    geohazards = await _rows(conn, "geohazards", wkb, TIERS)
    sites = await _rows(conn, "vulnerable_sites", wkb)
    shelters = await _rows(conn, "shelters", wkb)
    population = await _rows(conn, "population", wkb)
    towns = {row["code"]: row["name"] for row in await conn.fetch("SELECT code, name FROM admin_area")}

    exact_people = {row["town_code"]: float(row["people"] or 0) for row in population if not row["overall"]}
    overall_people = round(next((float(row["people"] or 0) for row in population if row["overall"]), 0.0))
    people_by_town = apportion(overall_people, exact_people)

    by_town: dict[str | None, dict[str, Any]] = {}

    def town(code: str | None) -> dict[str, Any]:
        if code not in by_town:
            by_town[code] = {"code": code, "name": towns.get(code)} | dict.fromkeys(TOWN_FIGURES, 0)
            by_town[code]["enterprises_by_tier"] = dict.fromkeys([*TIERS, UNTIERED], 0)
        return by_town[code]

    for row in flood_spots:
        town(row["town_code"])["flood_spots"] += 1
        town(row["town_code"])["flood_residents"] += row["residents_nearby"]
    for row in geohazards:
        town(row["town_code"])["geohazards"] += 1
        town(row["town_code"])["threatened_people"] += row["threatened_people"]
    for row in sites:
        town(row["town_code"])["vulnerable_sites"] += 1
        town(row["town_code"])["vulnerable_occupants"] += row["occupants"]
    for row in shelters:
        town(row["town_code"])["unusable_shelters"] += 1
        town(row["town_code"])["unusable_capacity"] += row["capacity"]
    for code, people in people_by_town.items():
        town(code)["population"] += people
    tags: dict[str, int] = {}
    for row in counts:
        entry = town(row["town_code"])
        entry["enterprises"] += row["enterprises"]
        entry["hazchem_enterprises"] += row["hazchem"]
        entry["major_hazard_enterprises"] += row["major_hazard"]
        entry["enterprises_by_tier"][row["tier"] or UNTIERED] += row["enterprises"]
        for tag in row["hazard_tags"]:
            tags[tag] = tags.get(tag, 0) + row["enterprises"]
    by_tier = dict.fromkeys([*TIERS, UNTIERED], 0)
    for row in counts:
        by_tier[row["tier"] or UNTIERED] += row["enterprises"]

    threatened = sum(r["threatened_people"] for r in geohazards) + sum(r["residents_nearby"] for r in flood_spots)
    totals = {
        "flood_spots": len(flood_spots),
        "flood_residents": sum(r["residents_nearby"] for r in flood_spots),
        "geohazards": len(geohazards),
        "threatened_people": sum(r["threatened_people"] for r in geohazards),
        "enterprises": sum(row["enterprises"] for row in counts),
        "enterprises_by_tier": by_tier,
        "hazchem_enterprises": sum(row["hazchem"] for row in counts),
        "major_hazard_enterprises": sum(row["major_hazard"] for row in counts),
        "vulnerable_sites": len(sites),
        "vulnerable_occupants": sum(r["occupants"] for r in sites),
        "population": overall_people,
        "unusable_shelters": len(shelters),
        "unusable_capacity": sum(r["capacity"] for r in shelters),
    }
    return {
        "totals": totals,
        "by_town": sorted(by_town.values(), key=lambda t: (t["code"] is None, t["code"] or "")),
        "flood_spots": flood_spots,
        "geohazards": geohazards,
        "enterprises": {
            "by_hazard_tag": dict(sorted(tags.items(), key=lambda kv: (kv[0] not in HAZCHEM_TAGS, kv[0]))),
            "listed": listed,
            "list_limit": list_limit,
            "total": totals["enterprises"],
            "truncated": len(listed) < totals["enterprises"],
        },
        "vulnerable_sites": sites,
        "shelters_inside": [row | {"usable": False} for row in shelters],
        "relief": relief_needs(threatened if displaced == "threatened" else overall_people, norms)
        | {"displaced_basis": displaced},
    }

"""Impact of a hazard area: the towns add up to the totals, the counts match plain SQL, the norms are shown."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from app.analyses.impact.service import apportion
from tests.storm.conftest import PEAK

HAZARDS = {
    "warning": {"kind": "warning", "level": "orange", "event": "demo-typhoon", "at": PEAK},
    "polygon": {
        "kind": "polygon",
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[113.68, 22.78], [113.86, 22.78], [113.86, 22.95], [113.68, 22.95], [113.68, 22.78]]],
        },
    },
    "buffer": {
        "kind": "buffer",
        "geometry": {"type": "LineString", "coordinates": [[113.6, 23.0], [114.1, 22.8]]},
        "distance_m": 1500,
    },
}
SUMMED = (
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


@pytest.fixture(scope="module", params=list(HAZARDS))
def impact(request, storm_client: TestClient, typhoon: dict) -> dict:
    response = storm_client.post("/api/analyses/impact", json={"hazard": HAZARDS[request.param]})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_towns_add_up_to_the_totals(impact: dict) -> None:
    totals, towns = impact["totals"], impact["by_town"]
    assert totals["enterprises"] > 0 and totals["population"] > 0
    for figure in SUMMED:
        assert sum(town[figure] for town in towns) == totals[figure], figure
    for tier, count in totals["enterprises_by_tier"].items():
        assert sum(town["enterprises_by_tier"][tier] for town in towns) == count, tier
    assert sum(totals["enterprises_by_tier"].values()) == totals["enterprises"]


def test_counts_match_a_direct_sql_query(impact: dict, db) -> None:
    area = impact["area"]
    enterprises, hazchem = db.execute(
        "SELECT count(*), count(*) FILTER (WHERE hazard_tags && ARRAY['hazchem_production','hazchem_storage',"
        "'hazchem_use','hazchem_trade']) FROM enterprise WHERE ST_Intersects(geom, ST_GeomFromGeoJSON(%s))",
        (json.dumps(area),),
    ).fetchone()
    assert (impact["totals"]["enterprises"], impact["totals"]["hazchem_enterprises"]) == (enterprises, hazchem)
    shelters = db.execute(
        "SELECT count(*) FROM shelter WHERE ST_Intersects(geom, ST_GeomFromGeoJSON(%s))", (json.dumps(area),)
    ).fetchone()[0]
    assert len(impact["shelters_inside"]) == shelters
    assert all(not s["usable"] for s in impact["shelters_inside"])


def test_hazchem_enterprises_are_listed_first(impact: dict) -> None:
    listed = impact["enterprises"]["listed"]
    flags = [any(tag.startswith("hazchem_") for tag in e["hazard_tags"]) for e in listed]
    assert flags == sorted(flags, reverse=True)
    tags = list(impact["enterprises"]["by_hazard_tag"])
    hazchem = [t.startswith("hazchem_") for t in tags]
    assert hazchem == sorted(hazchem, reverse=True)


def test_relief_follows_the_norms_given(storm_client: TestClient, typhoon: dict) -> None:
    norms = {"days": 2, "water_l_per_person_day": 5, "food_kg_per_person_day": 1, "people_per_tent": 10}
    body = {"hazard": HAZARDS["polygon"], "norms": norms, "displaced": "population"}
    result = storm_client.post("/api/analyses/impact", json=body).json()
    relief, people = result["relief"], result["totals"]["population"]
    assert relief["people"] == people and relief["norms"]["water_l_per_person_day"] == 5
    assert relief["water_l"] == people * 10 and relief["food_kg"] == people * 2
    assert relief["tents"] == -(-people // 10) and relief["verified"] is False


def test_apportion_keeps_the_total() -> None:
    shares = {"a": 10.3, "b": 20.5, "c": 5.2}
    assert apportion(36, shares) == {"a": 10, "b": 21, "c": 5}
    assert sum(apportion(round(sum(shares.values())), shares).values()) == 36


def test_the_enterprise_list_is_capped_with_exact_totals(storm_client: TestClient, typhoon: dict, db) -> None:
    body = {"hazard": HAZARDS["polygon"], "list_limit": 7}
    result = storm_client.post("/api/analyses/impact", json=body).json()
    enterprises = result["enterprises"]
    total = db.execute(
        "SELECT count(*) FROM enterprise WHERE ST_Intersects(geom, ST_GeomFromGeoJSON(%s))",
        (json.dumps(result["area"]),),
    ).fetchone()[0]
    assert enterprises["total"] == result["totals"]["enterprises"] == total > 7
    assert len(enterprises["listed"]) == 7 and enterprises["truncated"] is True and enterprises["list_limit"] == 7
    wide = storm_client.post("/api/analyses/impact", json={"hazard": HAZARDS["polygon"], "list_limit": 5000}).json()
    assert len(wide["enterprises"]["listed"]) == total and wide["enterprises"]["truncated"] is False


def test_per_town_tier_and_tag_counts_match_sql(impact: dict, db) -> None:
    """Town × tier and per-tag figures against a plain ST_Intersects query (the mask's inside, boundary and outside
    cells and the per-cell index probes must together count each point once)."""
    area = json.dumps(impact["area"])
    rows = db.execute(
        "SELECT town_code, coalesce(tier, 'untiered'), count(*) FROM enterprise "
        "WHERE ST_Intersects(geom, ST_GeomFromGeoJSON(%s)) GROUP BY 1, 2",
        (area,),
    ).fetchall()
    expected = {(town, tier): n for town, tier, n in rows}
    got = {
        (town["code"], tier): n for town in impact["by_town"] for tier, n in town["enterprises_by_tier"].items() if n
    }
    assert got == expected
    tags = dict(
        db.execute(
            "SELECT tag, count(*) FROM enterprise, unnest(hazard_tags) AS tag "
            "WHERE ST_Intersects(geom, ST_GeomFromGeoJSON(%s)) GROUP BY tag",
            (area,),
        ).fetchall()
    )
    assert impact["enterprises"]["by_hazard_tag"] == tags

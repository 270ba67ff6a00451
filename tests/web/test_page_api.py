"""The API behind the page: config tree, offline basemap, search, 一企一档, result list and dashboard, checked
against counts straight from PostGIS."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient

from layers.vocab import OPEN_HIDDEN_DANGER_STATUSES


@pytest.fixture
def db(demo_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(demo_db) as connection:
        yield connection


def test_the_tree_has_both_maps_with_derived_entries(client: TestClient) -> None:
    config = client.get("/config.json").json()
    groups = {group["id"]: [entry["id"] for entry in group["entries"]] for group in config["tree"]}
    assert list(groups) == ["supervision", "risk"]
    assert groups["supervision"] == ["enterprises", "major_hazards"]
    assert groups["risk"][0] == "town_risk"
    assert {
        "flood_spots",
        "geohazards",
        "forest_zones",
        "shelters",
        "depots",
        "rescue_teams",
        "vulnerable_sites",
    } <= set(groups["risk"])
    west, south, east, north = config["bounds"]
    assert 113 < west < east < 115 and 22 < south < north < 24
    assert config["strings"]["zh"].keys() == config["strings"]["en"].keys()


def test_the_basemap_has_the_city_and_labelled_towns(client: TestClient, db: psycopg.Connection) -> None:
    features = client.get("/api/basemap").json()["features"]
    towns = [f for f in features if f["properties"]["level"] == "town"]
    assert [f["properties"]["level"] for f in features].count("city") == 1
    assert len(towns) == db.execute("SELECT count(*) FROM admin_area WHERE level = 'town'").fetchone()[0]
    assert all(len(t["properties"]["label"]) == 2 and t["properties"]["name_en"] for t in towns)
    assert client.get("/api/basemap").content == client.get("/api/basemap").content


def test_search_finds_names_codes_and_towns(client: TestClient, db: psycopg.Connection) -> None:
    name, code = db.execute("SELECT name, credit_code FROM enterprise ORDER BY id LIMIT 1").fetchone()
    by_code = client.get("/api/search", params={"q": code[:12].lower()}).json()["enterprises"]
    assert by_code[0]["credit_code"].startswith(code[:12])
    by_name = client.get("/api/search", params={"q": name[2:6]}).json()["enterprises"]
    assert by_name and all(name[2:6] in firm["name"] for firm in by_name)
    towns = client.get("/api/search", params={"q": "长安"}).json()["towns"]
    assert towns[0]["name"] == "长安镇" and len(towns[0]["bbox"]) == 4
    assert client.get("/api/search", params={"q": "%_%"}).json() == {"towns": [], "enterprises": []}
    assert client.get("/api/search", params={"q": ""}).status_code == 422


def test_the_dossier_has_units_chemicals_and_flags_overdue_dangers(client: TestClient, db: psycopg.Connection) -> None:
    enterprise_id = db.execute(
        "SELECT e.id FROM enterprise AS e"
        " WHERE EXISTS (SELECT 1 FROM enterprise_unit AS u WHERE u.enterprise_id = e.id)"
        " AND EXISTS (SELECT 1 FROM hidden_danger AS h WHERE h.enterprise_id = e.id) ORDER BY e.id LIMIT 1"
    ).fetchone()[0]
    file = client.get(f"/api/enterprises/{enterprise_id}/dossier").json()
    units = db.execute("SELECT count(*) FROM enterprise_unit WHERE enterprise_id = %s", (enterprise_id,)).fetchone()
    assert len(file["units"]) == units[0]
    assert all("s_value" in unit and "r_value" in unit and "chemicals" in unit for unit in file["units"])
    overdue = db.execute(
        "SELECT count(*) FROM hidden_danger WHERE enterprise_id = %s AND status = ANY(%s) AND due_on < current_date",
        (enterprise_id, list(OPEN_HIDDEN_DANGER_STATUSES)),
    ).fetchone()[0]
    assert sum(d["overdue"] for d in file["hidden_dangers"]) == overdue
    assert [d["overdue"] for d in file["hidden_dangers"]] == sorted(
        (d["overdue"] for d in file["hidden_dangers"]), reverse=True
    )
    missing = client.get("/api/enterprises/999999999/dossier", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and missing.json()["title"] == "Not found"


@pytest.mark.parametrize(
    "sortby", ["name", "-name", "town", "industry", "tier", "-tier", "assessment_score", "-employees"]
)
def test_the_result_list_counts_and_sorts(client: TestClient, db: psycopg.Connection, sortby: str) -> None:
    body = client.get(
        "/api/enterprises", params={"hazard_tags": "dust_explosion", "sortby": sortby, "limit": 50}
    ).json()
    expected = db.execute(
        "SELECT coalesce(tier, 'none'), count(*) FROM enterprise WHERE hazard_tags && '{dust_explosion}' GROUP BY 1"
    ).fetchall()
    assert body["tiers"] == dict(expected) and body["total"] == sum(n for _, n in expected)
    assert len(body["rows"]) == min(50, body["total"])
    key = sortby.removeprefix("-")
    if key in ("name", "assessment_score", "employees"):
        values = [row[key] for row in body["rows"] if row[key] is not None]
        assert values == sorted(values, reverse=sortby.startswith("-"))
    assert client.get("/api/enterprises", params={"sortby": "geom"}).status_code == 400


def test_the_dashboard_adds_up(client: TestClient, db: psycopg.Connection) -> None:
    body = client.get("/api/dashboard").json()
    total, majors = db.execute("SELECT count(*), count(major_hazard_grade) FROM enterprise").fetchone()
    assert body["total"] == total and body["major_hazards"] == majors
    assert sum(body["tiers"].values()) == db.execute("SELECT count(tier) FROM enterprise").fetchone()[0]
    open_, overdue = db.execute(
        "SELECT count(*), count(*) FILTER (WHERE due_on < current_date) FROM hidden_danger WHERE status = ANY(%s)",
        (list(OPEN_HIDDEN_DANGER_STATUSES),),
    ).fetchone()
    assert (body["open_dangers"], body["overdue_dangers"]) == (open_, overdue)
    towns = body["towns"]
    assert [t["total"] for t in towns] == sorted((t["total"] for t in towns), reverse=True)
    assert sum(t["total"] for t in towns) <= total
    assert all(sum(t["tiers"].values()) <= t["total"] and len(t["bbox"]) == 4 for t in towns)

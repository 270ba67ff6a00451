"""Coverage through the API, checked against independent PostGIS queries on geography (metres on the spheroid).

The service measures in EPSG:4526 (Gauss–Krüger, central meridian 114°E), whose scale error over Dongguan is
below 4e-5: it must agree with the geodesic answer for every cell not within 10 cm of the radius.
"""

from __future__ import annotations

import csv
import io

import psycopg
import pytest
from fastapi.testclient import TestClient

COVERED_IN_TOWN = """
SELECT coalesce(sum(c.population), 0) FROM population_cell c
WHERE c.town_code = %(town)s AND EXISTS (
    SELECT 1 FROM shelter s
    WHERE s.status <> 'closed' AND s.shelter_class = ANY(%(classes)s)
      AND ST_DWithin(s.geom::geography, c.centroid::geography, %(radius)s))
"""
TOLERANCE_M = 0.1
ALL_CLASSES = ["emergency", "fixed", "central"]


def town_row(body: dict, code: str) -> dict:
    return next(row for row in body["towns"] if row["town_code"] == code)


def geodesic_bracket(conn: psycopg.Connection, town: str, classes: list[str], radius: float) -> tuple[int, int]:
    """People covered on the spheroid within radius − 10 cm and within radius + 10 cm."""
    low, high = (
        conn.execute(COVERED_IN_TOWN, {"town": town, "classes": classes, "radius": r}).fetchone()[0]
        for r in (radius - TOLERANCE_M, radius + TOLERANCE_M)
    )
    return low, high


@pytest.mark.parametrize(
    ("level", "classes", "radius"), [("emergency", ALL_CLASSES, 500), ("fixed", ["fixed", "central"], 2500)]
)
def test_covered_population_matches_postgis_geography(
    client: TestClient, conn: psycopg.Connection, town: str, level: str, classes: list[str], radius: float
) -> None:
    row = town_row(client.get("/api/planning/shelters/coverage").json(), town)
    low, high = geodesic_bracket(conn, town, classes, radius)
    assert low <= row[f"{level}_covered"] <= high and low > 0
    assert row[f"{level}_covered"] + row[f"{level}_uncovered"] == row["population"]


def test_a_custom_radius_is_honoured(client: TestClient, conn: psycopg.Connection, town: str) -> None:
    body = client.get("/api/planning/shelters/coverage", params={"emergency_radius_m": 1234}).json()
    low, high = geodesic_bracket(conn, town, ALL_CLASSES, 1234)
    assert low <= town_row(body, town)["emergency_covered"] <= high
    assert body["summary"]["radius_m"]["emergency"] == 1234


def test_town_populations_are_the_census_and_capacity_is_area_over_per_capita(
    client: TestClient, conn: psycopg.Connection
) -> None:
    body = client.get("/api/planning/shelters/coverage", params={"fixed_per_capita_m2": 2.5}).json()
    census = dict(conn.execute("SELECT code, population FROM admin_area WHERE level = 'town'").fetchall())
    assert {row["town_code"]: row["population"] for row in body["towns"]} == census
    fixed_capacity = conn.execute(
        "SELECT sum(floor(effective_area_m2 / 2.5)) FROM shelter "
        "WHERE status <> 'closed' AND shelter_class IN ('fixed', 'central')"
    ).fetchone()[0]
    assert body["summary"]["fixed_capacity"] == fixed_capacity
    assert body["summary"]["population"] == sum(census.values())
    area = conn.execute("SELECT sum(effective_area_m2) FROM shelter WHERE status <> 'closed'").fetchone()[0]
    assert body["summary"]["area_per_capita_m2"] == pytest.approx(area / sum(census.values()), abs=1e-4)


def test_coverage_table_as_csv_opens_in_excel(client: TestClient) -> None:
    response = client.get("/api/planning/shelters/coverage", params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 33 and {"town_name", "emergency_covered", "fixed_supply_ratio"} <= set(rows[0])


def test_uncovered_cells_layer_adds_up_to_the_uncovered_population(client: TestClient) -> None:
    summary = client.get("/api/planning/shelters/coverage").json()["summary"]
    response = client.get("/api/planning/shelters/coverage/cells", params={"level": "fixed", "uncovered_only": True})
    assert response.headers["content-type"] == "application/geo+json"
    features = response.json()["features"]
    assert features and all(
        not f["properties"]["covered"] and f["properties"]["nearest_m"] > 2500 - TOLERANCE_M for f in features
    )
    assert features[0]["geometry"]["type"] == "Polygon"
    assert sum(f["properties"]["population"] for f in features) == summary["fixed_uncovered"]


def test_depot_reach_matches_postgis_and_stock_adds_up(client: TestClient, conn: psycopg.Connection) -> None:
    params = {"town_hours": 0.2, "village_hours": 0.2, "city_hours": 0.3, "detour_factor": 1.3, "speed_kmh": 40}
    body = client.get("/api/planning/depots/coverage", params=params).json()
    low, high = (
        conn.execute(
            "SELECT coalesce(sum(c.population), 0) FROM population_cell c WHERE EXISTS (SELECT 1 FROM depot d "
            "WHERE ST_DWithin(d.geom::geography, c.centroid::geography, "
            "CASE d.level WHEN 'city' THEN 0.3 ELSE 0.2 END * 40000 / 1.3 + %s))",
            (margin,),
        ).fetchone()[0]
        for margin in (-TOLERANCE_M, TOLERANCE_M)
    )
    covered = body["summary"]["covered"]
    assert low <= covered <= high < body["summary"]["population"]
    assert sum(d["population_served"] for d in body["depots"]) == covered
    stock = dict(conn.execute("SELECT item, sum(quantity) FROM depot_stock GROUP BY item").fetchall())
    assert {s["item"]: s["quantity"] for s in body["summary"]["stock"]} == stock
    assert body["summary"]["travel"] == {"kind": "straight_line", "detour_factor": 1.3, "speed_kmh": 40.0, "unit": "h"}


def test_national_depot_hours_cover_the_whole_city(client: TestClient) -> None:
    summary = client.get("/api/planning/depots/coverage").json()["summary"]
    assert summary["hours"] == {"village": 6.0, "town": 6.0, "city": 8.0}
    assert summary["covered_pct"] == 100.0

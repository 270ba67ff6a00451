"""The schema round-trips real rows and its CHECK constraints refuse impossible values."""

from __future__ import annotations

import re
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors

TOWN = (
    "INSERT INTO admin_area (code, name, level, population, geom) VALUES "
    "('441900999', '测试镇', 'town', 1000, ST_Multi(ST_GeomFromText("
    "'POLYGON((113.7 22.9, 113.8 22.9, 113.8 23.0, 113.7 23.0, 113.7 22.9))', 4326)))"
)


@pytest.fixture
def db(empty_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(empty_db) as connection:
        connection.execute(TOWN)
        yield connection
        connection.rollback()


def insert_enterprise(db: psycopg.Connection, **overrides: object) -> int:
    row = {
        "name": "东莞市测试<script>alert(1)</script>有限公司",
        "credit_code": "91441900MA4UJ8TX2K",
        "town_code": "441900999",
        "industry": "chemical",
        "hazard_tags": ["hazchem_storage", "confined_space"],
        "employees": 120,
        "assessment_score": 82.5,
        "tier": "yellow",
        "geom": "SRID=4326;POINT(113.75 22.95)",
    }
    row.update(overrides)
    columns = ", ".join(row)
    values = ", ".join(["%s"] * len(row))
    return db.execute(
        f"INSERT INTO enterprise ({columns}) VALUES ({values}) RETURNING id", list(row.values())
    ).fetchone()[0]


def test_enterprise_round_trip_keeps_every_value(db: psycopg.Connection) -> None:
    enterprise_id = insert_enterprise(db)
    row = db.execute(
        "SELECT name, hazard_tags, assessment_score, ST_X(geom), ST_Y(geom), ST_SRID(geom), is_demo "
        "FROM enterprise WHERE id = %s",
        (enterprise_id,),
    ).fetchone()
    assert row == (
        "东莞市测试<script>alert(1)</script>有限公司",
        ["hazchem_storage", "confined_space"],
        82.5,
        113.75,
        22.95,
        4326,
        False,
    )


def test_chemical_inventory_belongs_to_a_unit(db: psycopg.Connection) -> None:
    enterprise_id = insert_enterprise(db)
    unit_id = db.execute(
        "INSERT INTO enterprise_unit (enterprise_id, name, kind) VALUES (%s, '罐区1', 'storage') RETURNING id",
        (enterprise_id,),
    ).fetchone()[0]
    db.execute(
        "INSERT INTO chemical_inventory (unit_id, chemical, cas, quantity_t) VALUES (%s, '液氨', '7664-41-7', 12.5)",
        (unit_id,),
    )
    db.execute("DELETE FROM enterprise WHERE id = %s", (enterprise_id,))
    assert db.execute("SELECT count(*) FROM chemical_inventory WHERE unit_id = %s", (unit_id,)).fetchone()[0] == 0


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"employees": -1}, "ck_enterprise_employees_nonnegative"),
        ({"assessment_score": 130}, "ck_enterprise_score_range"),
        ({"tier": "purple"}, "ck_enterprise_tier_valid"),
        ({"hazard_tags": ["not_a_tag"]}, "ck_enterprise_hazard_tags_valid"),
        ({"credit_code": "91441900MA4UJ8TX2"}, "ck_enterprise_credit_code_format"),
        ({"major_hazard_grade": 5}, "ck_enterprise_grade_range"),
    ],
)
def test_impossible_enterprise_values_are_refused(db: psycopg.Connection, overrides: dict, constraint: str) -> None:
    with pytest.raises(errors.CheckViolation) as refused:
        insert_enterprise(db, **overrides)
    assert refused.value.diag.constraint_name == constraint


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        (
            "INSERT INTO shelter (name, shelter_class, effective_area_m2, capacity, occupancy, geom) VALUES "
            "('s', 'emergency', 1000, 100, 101, 'SRID=4326;POINT(113.75 22.95)')",
            "ck_shelter_occupancy_within_capacity",
        ),
        (
            "INSERT INTO shelter (name, shelter_class, effective_area_m2, capacity, geom) VALUES "
            "('s', 'bunker', 1000, 100, 'SRID=4326;POINT(113.75 22.95)')",
            "ck_shelter_shelter_class_valid",
        ),
        (
            "INSERT INTO geohazard (name, kind, threatened_people, geom) VALUES "
            "('g', 'landslide', -5, 'SRID=4326;POINT(113.75 22.95)')",
            "ck_geohazard_people_nonnegative",
        ),
        (
            "INSERT INTO flood_spot (name, max_depth_m, geom) VALUES ('f', 25, 'SRID=4326;POINT(113.75 22.95)')",
            "ck_flood_spot_depth_range",
        ),
        (
            "INSERT INTO flood_spot (name, geom) VALUES ('f', 'SRID=4326;MULTIPOINT((113.75 22.95))')",
            "ck_flood_spot_geom_kind",
        ),
        (
            "INSERT INTO admin_area (code, name, level, geom) VALUES ('1', 'bowtie', 'town', ST_Multi("
            "'SRID=4326;POLYGON((113 22, 114 23, 114 22, 113 23, 113 22))'::geometry))",
            "ck_admin_area_geom_valid",
        ),
    ],
)
def test_impossible_layer_values_are_refused(db: psycopg.Connection, sql: str, constraint: str) -> None:
    with pytest.raises(errors.CheckViolation) as refused:
        db.execute(sql)
    assert refused.value.diag.constraint_name == constraint


def test_geometry_in_another_srid_is_refused(db: psycopg.Connection) -> None:
    with pytest.raises(psycopg.Error, match="SRID"):
        insert_enterprise(db, geom="SRID=3857;POINT(12660000 2620000)")


def test_hidden_danger_due_date_cannot_precede_discovery(db: psycopg.Connection) -> None:
    enterprise_id = insert_enterprise(db)
    with pytest.raises(errors.CheckViolation):
        db.execute(
            "INSERT INTO hidden_danger (enterprise_id, level, description, found_on, due_on) "
            "VALUES (%s, 'general', '消防通道堵塞', '2026-05-01', '2026-04-01')",
            (enterprise_id,),
        )


def test_every_geometry_column_is_4326_with_a_gist_index(empty_db: str) -> None:
    with psycopg.connect(empty_db) as db:
        columns = db.execute(
            "SELECT f_table_name, f_geometry_column, srid FROM geometry_columns WHERE f_table_schema = 'public'"
        ).fetchall()
        gist = {
            row[0]
            for row in db.execute(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '%USING gist%'"
            ).fetchall()
        }
    assert columns and all(srid == 4326 for _, _, srid in columns)
    for table, column, _ in columns:
        if (table, column) == ("admin_area", "label_point"):
            continue
        leading = re.compile(rf"ON public\.{table} USING gist \({column}[,)]")  # alone, or first (enterprise: + tier)
        assert any(leading.search(index) for index in gist), (table, column)

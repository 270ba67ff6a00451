"""The Dongguan demo: loaded once into a scratch database, its invariants checked in SQL.

The load itself proves the CHECK constraints, foreign keys and uniqueness; these tests check what the schema cannot:
census sums, every entity inside its town and the city, plausible counts, valid credit codes, determinism.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import shapely

from app.db.admin import drop_database, ensure_database
from app.db.migrate import upgrade
from app.settings import Settings
from geodata.demo.generate import APPROXIMATE, CHEMICALS, DEFAULT_SEED, DEFAULT_SIZE, TODAY, generate_demo
from geodata.demo.names import CREDIT_CHARSET, ORG_WEIGHTS, credit_check_digit
from geodata.load import demo_loaded, load_demo
from layers.vocab import HAZCHEM_TAGS

ROOT = Path(__file__).resolve().parents[2]
SCRATCH_DB = f"demo_scratch_{os.getpid()}"
POINT_TABLES = ("enterprise", "geohazard", "shelter", "depot", "rescue_team", "vulnerable_site", "rain_gauge")
GENERATED_TABLES = (*POINT_TABLES, "flood_spot", "forest_zone", "population_cell", "hidden_danger")
TIERED_TABLES = ("enterprise", "flood_spot", "geohazard", "forest_zone", "admin_area")


@pytest.fixture(scope="session")
def demo() -> Iterator[tuple[str, dict[str, int]]]:
    """A scratch database, migrated, with the default demo loaded; dropped afterwards."""
    settings = Settings()
    url = ensure_database(settings, SCRATCH_DB)
    try:
        upgrade(url)
        yield url, load_demo(url)
    finally:
        drop_database(settings, SCRATCH_DB)


@pytest.fixture
def db(demo: tuple[str, dict[str, int]]) -> Iterator[psycopg.Connection]:
    with psycopg.connect(demo[0]) as conn:
        yield conn
        conn.rollback()


def scalar(db: psycopg.Connection, query: str, *params: object) -> object:
    return db.execute(query, params).fetchone()[0]


def test_population_grid_adds_up_to_the_census_in_every_town(db: psycopg.Connection) -> None:
    rows = db.execute(
        "SELECT a.code, a.population, count(c.id), sum(c.population) FROM admin_area a "
        "LEFT JOIN population_cell c ON c.town_code = a.code WHERE a.level = 'town' GROUP BY a.code, a.population"
    ).fetchall()
    assert len(rows) == 33
    assert all(cells >= 1 and total == census for _, census, cells, total in rows), rows
    assert scalar(db, "SELECT population FROM admin_area WHERE code = '441900'") == 10_466_625
    assert scalar(db, "SELECT sum(population) FROM population_cell") == 10_466_625


@pytest.mark.parametrize("table", [*POINT_TABLES, "flood_spot", "forest_zone"])
def test_every_entity_lies_inside_its_town_and_the_city(db: psycopg.Connection, table: str) -> None:
    outside = scalar(
        db,
        f"SELECT count(*) FROM {table} t JOIN admin_area town ON town.code = t.town_code, admin_area city "
        "WHERE city.code = '441900' AND NOT (ST_Within(t.geom, town.geom) AND ST_Within(t.geom, city.geom))",
    )
    assert outside == 0
    assert scalar(db, f"SELECT count(*) FROM {table} WHERE town_code IS NULL OR NOT ST_IsValid(geom)") == 0


def test_population_cells_belong_to_the_town_holding_their_centroid(db: psycopg.Connection) -> None:
    assert scalar(
        db,
        "SELECT count(*) FROM population_cell c JOIN admin_area t ON t.code = c.town_code "
        "WHERE NOT ST_Within(c.centroid, t.geom) OR NOT ST_Intersects(c.centroid, c.geom)",
    ) == 0  # fmt: skip
    side_m = scalar(db, "SELECT avg(sqrt(ST_Area(ST_Transform(geom, 32649)))) FROM population_cell")
    assert side_m == pytest.approx(500, abs=1)


def test_counts_are_in_the_expected_ranges(db: psycopg.Connection, demo: tuple[str, dict[str, int]]) -> None:
    counts = demo[1]
    expected = {
        "admin_area": (34, 34), "enterprise": (DEFAULT_SIZE, DEFAULT_SIZE), "population_cell": (9000, 11000),
        "flood_spot": (140, 160), "geohazard": (380, 420), "forest_zone": (55, 65), "shelter": (570, 630),
        "depot": (34, 40), "rescue_team": (120, 180), "vulnerable_site": (1900, 2100), "rain_gauge": (120, 120),
    }  # fmt: skip
    for table, (low, high) in expected.items():
        assert low <= counts[table] == scalar(db, f"SELECT count(*) FROM {table}") <= high, table
    hazchem = scalar(db, "SELECT avg((hazard_tags && %s::text[])::int) FROM enterprise", list(HAZCHEM_TAGS))
    assert 0.03 <= hazchem <= 0.08
    with_dangers = scalar(db, "SELECT count(DISTINCT enterprise_id)::float / %s FROM hidden_danger", DEFAULT_SIZE)
    assert 0.07 <= with_dangers <= 0.15
    assert 0.005 <= scalar(db, "SELECT avg((level = 'major')::int) FROM hidden_danger") <= 0.03
    overdue = scalar(db, "SELECT count(*) FROM hidden_danger WHERE status <> 'verified' AND due_on < %s", TODAY)
    assert 50 <= overdue <= scalar(db, "SELECT count(*) FROM hidden_danger") * 0.2
    assert scalar(db, "SELECT count(*) FROM shelter WHERE shelter_class = 'central'") in (1, 2)
    assert scalar(db, "SELECT count(DISTINCT town_code) FROM depot WHERE level = 'town'") == 33
    assert scalar(db, "SELECT count(*) FROM depot WHERE level = 'city'") == 1
    assert scalar(db, "SELECT count(*) FROM depot_stock") == 9 * counts["depot"]


def test_about_a_tenth_of_hazchem_firms_are_major_hazards_and_a_few_grade_high(db: psycopg.Connection) -> None:
    """S = Σq/Q per unit (GB 18218 4.2); R with α = 2 (dense Dongguan) and β = 1 as a floor for 一级/二级."""
    critical = {name: q for name, (_, q, _) in CHEMICALS.items()}
    units = db.execute(
        "SELECT u.enterprise_id, u.id, array_agg(c.chemical), array_agg(c.quantity_t) "
        "FROM enterprise_unit u JOIN chemical_inventory c ON c.unit_id = u.id GROUP BY u.id"
    ).fetchall()
    s = {unit: sum(q / critical[c] for c, q in zip(chem, qty, strict=True)) for _, unit, chem, qty in units}
    holders = {firm for firm, *_ in units}
    majors = {firm for firm, unit, *_ in units if s[unit] >= 1}
    assert 0.06 <= len(majors) / len(holders) <= 0.15
    assert 1 <= sum(2 * v >= 50 for v in s.values()) <= 0.1 * len(majors)
    plants = "SELECT count(*) FROM enterprise WHERE external_id LIKE 'OSM-PLANT-%%' AND name LIKE '%%公司'"
    assert scalar(db, plants) == 10
    empty_units = (
        "SELECT count(*) FROM enterprise_unit u WHERE NOT EXISTS (SELECT FROM chemical_inventory WHERE unit_id = u.id)"
    )
    assert scalar(db, empty_units) == 0


def test_named_facts_are_real_names_at_approximate_places(db: psycopg.Connection) -> None:
    for table, named in (("flood_spot", 13), ("geohazard", 16), ("shelter", 8)):
        assert scalar(db, f"SELECT count(*) FROM {table} WHERE location_note LIKE %s", APPROXIMATE + "%") == named
    assert scalar(db, "SELECT max_depth_m FROM flood_spot WHERE name = '市桥河商业街片区'") == 1.5
    assert scalar(db, "SELECT town_code FROM shelter WHERE name = '石龙镇兴龙社区应急避护中心'") == "441900102"


def test_shelter_capacity_follows_gb_50413_per_capita_area(db: psycopg.Connection) -> None:
    assert scalar(
        db,
        "SELECT count(*) FROM shelter WHERE capacity <> floor(effective_area_m2 / "
        "CASE shelter_class WHEN 'emergency' THEN 1 ELSE 2 END) OR occupancy > capacity",
    ) == 0  # fmt: skip


def test_credit_codes_are_unique_with_valid_check_digits(db: psycopg.Connection) -> None:
    codes = [code for (code,) in db.execute("SELECT credit_code FROM enterprise")]
    assert len(set(codes)) == len(codes) == DEFAULT_SIZE
    for code in codes:
        assert code[:8] == "91441900" and code[17] == credit_check_digit(code[:17])
        org = [CREDIT_CHARSET.index(c) for c in code[8:16]]
        org_check = (11 - sum(v * w for v, w in zip(org, ORG_WEIGHTS, strict=True)) % 11) % 11
        assert code[16] == ("X" if org_check == 10 else str(org_check))  # GB 11714 organisation code


def test_generated_rows_are_demo_rows_and_untiered(db: psycopg.Connection) -> None:
    for table in GENERATED_TABLES:
        assert scalar(db, f"SELECT count(*) FROM {table} WHERE NOT is_demo") == 0, table
    for table in TIERED_TABLES:
        assert scalar(db, f"SELECT count(*) FROM {table} WHERE tier IS NOT NULL") == 0, table
    synthetic = scalar(
        db, "SELECT count(*) FROM enterprise WHERE external_id LIKE 'DEMO-%%' AND name NOT LIKE '%%（演示）'"
    )
    assert synthetic == 0


def test_demo_loaded_reports_what_was_loaded(demo: tuple[str, dict[str, int]]) -> None:
    info = demo_loaded(demo[0])
    assert info is not None
    assert info["seed"] == DEFAULT_SEED and info["size"] == DEFAULT_SIZE and info["synthetic"] is True
    assert info["counts"] == demo[1]


def test_sequences_continue_after_the_loaded_ids(db: psycopg.Connection) -> None:
    new_id = scalar(
        db,
        "INSERT INTO shelter (name, shelter_class, effective_area_m2, capacity, geom) "
        "VALUES ('测试', 'emergency', 100, 100, ST_SetSRID(ST_Point(113.75, 23.0), 4326)) RETURNING id",
    )
    assert new_id == scalar(db, "SELECT count(*) FROM shelter")


def test_a_failed_load_changes_nothing(demo: tuple[str, dict[str, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    import geodata.load

    def broken(size: int, seed: int) -> dict:
        tables = generate_demo(1000, seed)
        tables["shelter"].loc[0, "occupancy"] = tables["shelter"].loc[0, "capacity"] + 1
        return tables

    monkeypatch.setattr(geodata.load, "generate_demo", broken)
    with pytest.raises(psycopg.errors.CheckViolation):
        load_demo(demo[0], size=1000, seed=1)
    with psycopg.connect(demo[0]) as conn:
        assert scalar(conn, "SELECT count(*) FROM enterprise") == DEFAULT_SIZE
        assert scalar(conn, "SELECT value -> 'size' FROM dataset_info WHERE key = 'demo'") == DEFAULT_SIZE


def digest(tables: dict) -> str:
    """A fingerprint of every value of every table, geometries as WKB."""
    h = hashlib.sha256()
    for name, frame in tables.items():
        h.update(name.encode())
        for column in frame.columns:
            values = frame[column].to_numpy()
            is_geometry = len(values) and isinstance(values[0], shapely.Geometry)
            h.update(
                column.encode() + repr(shapely.to_wkb(values).tolist() if is_geometry else values.tolist()).encode()
            )
    return h.hexdigest()


def test_generation_is_deterministic_and_seed_dependent() -> None:
    first, again = generate_demo(500, 7), generate_demo(500, 7)
    assert digest(first) == digest(again)
    other = generate_demo(500, 8)
    assert digest(other) != digest(first)
    assert other["enterprise"]["credit_code"].tolist() != first["enterprise"]["credit_code"].tolist()
    assert other["admin_area"].equals(first["admin_area"])  # the real data does not depend on the seed


def test_generation_does_not_depend_on_the_interpreter_hash_seed() -> None:
    """Iterating a set of strings varies between processes; the demo must not."""
    script = "from geodata.demo.generate import generate_demo; from tests.geodata.test_demo import digest; "
    script += "print(digest(generate_demo(300, 3)))"
    runs = {
        subprocess.run(
            [sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": hash_seed}, cwd=ROOT,
            capture_output=True, text=True, check=True,
        ).stdout
        for hash_seed in ("1", "2")
    }  # fmt: skip
    assert len(runs) == 1

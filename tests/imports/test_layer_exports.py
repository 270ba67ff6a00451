"""Exports of any filtered layer: every format holds exactly the filtered rows, Chinese text survives, a
spreadsheet never runs a cell as a formula, and a zipped Shapefile carries its UTF-8 .cpg."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import psycopg
import pyogrio
import pytest
from fastapi.testclient import TestClient

from tests.auth.conftest import CHANGAN

FORMULA = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def formula_shelter(db: psycopg.Connection) -> int:
    row_id = db.execute(
        "INSERT INTO shelter (external_id, name, shelter_class, town_code, effective_area_m2, capacity, manager, geom) "
        "VALUES ('TEST-formula', %s, 'emergency', %s, 500, 500, '-1+2', ST_Point(113.756, 22.802, 4326)) RETURNING id",
        (FORMULA, CHANGAN),
    ).fetchone()[0]
    yield row_id
    db.execute("DELETE FROM shelter WHERE id = %s", (row_id,))


def count(db: psycopg.Connection, table: str, town: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table} WHERE town_code = %s", (town,)).fetchone()[0]


def test_geojson_csv_xlsx_hold_exactly_the_filtered_rows(
    people_client: TestClient, tokens: dict, db: psycopg.Connection
) -> None:
    expected = count(db, "shelter", CHANGAN)
    base = f"/api/exports/layers/shelters.{{}}?town_code={CHANGAN}"
    geojson = people_client.get(base.format("geojson"), headers=tokens["admin"])
    assert geojson.headers["content-type"] == "application/geo+json"
    assert len(json.loads(geojson.content)["features"]) == expected
    text = people_client.get(base.format("csv"), headers=tokens["admin"]).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["编号", "名称"] and rows[0][-2:] == ["经度", "纬度"]
    assert len(rows) - 1 == expected
    book = openpyxl.load_workbook(io.BytesIO(people_client.get(base.format("xlsx") + "&lang=en").content))
    sheet = book.active
    assert sheet.title == "Emergency shelters" and sheet.max_row - 1 == expected
    assert sheet.cell(1, 2).value == "Name"


def test_spreadsheets_never_run_a_cell(people_client: TestClient, formula_shelter: int) -> None:
    near = "bbox=113.7559,22.8019,113.7561,22.8021"
    text = people_client.get(f"/api/exports/layers/shelters.csv?{near}").text
    row = next(r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if r[0] == str(formula_shelter))
    assert "'" + FORMULA in row and "'-1+2" in row
    assert float(row[-2]) == pytest.approx(113.756)  # numbers stay numbers, unquoted
    content = people_client.get(f"/api/exports/layers/shelters.xlsx?{near}").content
    cells = [cell for line in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows() for cell in line]
    name = next(cell for cell in cells if cell.value == FORMULA)
    assert name.data_type == "s"  # stored as text, not as a formula


def test_geopackage_keeps_codes_types_and_chinese(people_client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "flood.gpkg"
    path.write_bytes(people_client.get("/api/exports/layers/flood_spots.gpkg?tier=red,orange").content)
    frame = pyogrio.read_dataframe(path)
    assert len(frame) > 0 and set(frame["tier"]) <= {"red", "orange"}
    assert frame.crs.to_epsg() == 4326
    assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(frame["name"]))


def test_zipped_shapefile_has_a_utf8_cpg_and_one_file_per_geometry_kind(
    people_client: TestClient, tmp_path: Path
) -> None:
    response = people_client.get("/api/exports/layers/flood_spots.shp")
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    cpgs = [n for n in names if n.endswith(".cpg")]
    assert cpgs and all(archive.read(n).decode().strip().upper() in ("UTF-8", "UTF8") for n in cpgs)
    assert "fields.csv" in names
    archive.extractall(tmp_path)
    frames = [pyogrio.read_dataframe(tmp_path / n) for n in names if n.endswith(".shp")]
    assert sum(len(f) for f in frames) == len(
        json.loads(people_client.get("/api/exports/layers/flood_spots.geojson").content)["features"]
    )
    assert all(len(set(f.geometry.geom_type.str.replace("Multi", ""))) == 1 for f in frames)
    assert any("\u4e00" <= ch <= "\u9fff" for f in frames for ch in "".join(f["name"]))
    assert all(len(column) <= 10 for f in frames for column in f.columns)


def test_bad_filters_are_refused_like_the_items_api(people_client: TestClient) -> None:
    response = people_client.get("/api/exports/layers/shelters.csv?capacity=many")
    assert response.status_code == 400 and response.json()["field"] == "capacity"
    assert people_client.get("/api/exports/layers/tanks.csv").status_code == 404
    assert people_client.get("/api/exports/layers/shelters.docx").status_code == 422

"""Exports of the filtered enterprises and the situation map, over the real demo database."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.exports.situation_map import MapLayer, SituationMap, build_situation_map, external_references

POLYGON = "S_INTERSECTS(geom,POLYGON((113.70 22.75,113.90 22.75,113.90 22.95,113.70 22.95,113.70 22.75)))"
FILTER_SETS = [
    {"tier": "red,orange"},
    {"hazard_tags": "hazchem_storage,dust_explosion", "industry": "chemical,metal"},
    {"filter": POLYGON, "filter-lang": "cql2-text", "tier": "yellow"},
]


def listed_total(client: TestClient, params: dict) -> int:
    return client.get("/api/enterprises", params={**params, "limit": 1}).json()["total"]


@pytest.mark.parametrize("params", FILTER_SETS)
def test_every_format_holds_exactly_the_filtered_set(client: TestClient, params: dict) -> None:
    total = listed_total(client, params)
    matched = client.get("/collections/enterprises/items", params={**params, "limit": 1, "count": "true"})
    assert 0 < total == matched.json()["numberMatched"]

    response = client.get("/api/exports/enterprises.csv", params=params)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) - 1 == total

    sheet = load_workbook(io.BytesIO(client.get("/api/exports/enterprises.xlsx", params=params).content)).active
    assert sheet.max_row - 1 == total and [c.value for c in sheet[1]] == rows[0]

    collection = client.get("/api/exports/enterprises.geojson", params=params).json()
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == [int(row[0]) for row in rows[1:]]


def test_labels_follow_the_language(client: TestClient) -> None:
    params = {"tier": "red", "industry": "chemical"}
    zh = list(csv.reader(io.StringIO(client.get("/api/exports/enterprises.csv", params=params).text.lstrip("\ufeff"))))
    en = list(csv.reader(io.StringIO(client.get("/api/exports/enterprises.csv", params={**params, "lang": "en"}).text)))
    tier_zh, tier_en = zh[0].index("风险等级"), en[0].index("Risk tier")
    assert {row[tier_zh] for row in zh[1:]} == {"重大风险（红）"}
    assert {row[tier_en] for row in en[1:]} == {"Major risk (red)"}
    assert {row[en[0].index("Industry")] for row in en[1:]} == {"Chemicals"}
    feature = client.get("/api/exports/enterprises.geojson", params=params).json()["features"][0]
    assert feature["properties"]["tier"] == "red" and feature["properties"]["industry"] == "chemical"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"industry": "mining"}, "industry"),
        ({"employees": "5"}, "employees"),
        ({"filter": "S_INTERSECTS(geom, POLYGON((1 2, 3"}, "filter"),
    ],
)
def test_a_bad_filter_is_a_problem_in_both_languages(client: TestClient, params: dict, field: str) -> None:
    zh = client.get("/api/exports/enterprises.csv", params=params)
    en = client.get("/api/exports/enterprises.csv", params=params, headers={"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 400
    assert zh.headers["content-type"] == "application/problem+json"
    assert (zh.json()["title"], en.json()["title"], zh.json()["field"]) == ("参数无效", "Invalid parameter", field)


def test_the_situation_map_has_the_view_layers_and_filters_and_no_external_url(client: TestClient) -> None:
    params = {
        "bbox": "113.6,22.7,114.0,23.0",
        "layers": "enterprises,shelters,town_risk,major_hazards",
        "tier": "red",
        "filter": POLYGON,
        "filter-lang": "cql2-text",
    }
    response = client.get("/api/exports/situation-map.html", params=params)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    document = response.text
    assert external_references(document) == []
    # The only URLs left are inside Leaflet's code: the SVG namespace and its (disabled) attribution link.
    assert set(re.findall(r"https?://[^\s\"'<>)]+", document)) <= {
        "http://www.w3.org/2000/svg",
        "https://leafletjs.com",
    }
    assert "风险等级 重大风险（红）" in document and "绘制范围" in document
    for title in ("企业（监管对象）", "应急避难场所", "镇街风险", "重大危险源"):
        assert title in document


def test_the_situation_map_needs_a_view_and_known_layers(client: TestClient) -> None:
    assert client.get("/api/exports/situation-map.html").status_code == 422
    unknown = client.get("/api/exports/situation-map.html", params={"bbox": "113.6,22.7,114,23", "layers": "roads"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "layers"


def test_names_stay_text_in_the_situation_map() -> None:
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [113.8, 22.9]},
        "properties": {"title": "<img src=x onerror=alert(1)>化工", "tier": "red"},
    }
    layer = MapLayer("企业", {"type": "FeatureCollection", "features": [feature]}, "tier", shown=1, total=1)
    basemap = {"type": "FeatureCollection", "features": []}
    document = build_situation_map(SituationMap("态势图", (113.7, 22.8, 113.9, 23.0), basemap, [layer]))
    # Escaped once for HTML (the tooltip writes innerHTML), then JSON-encoded into the script by folium.
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in document
    assert "<img src=x" not in document
    assert external_references(document) == []


def test_a_formula_in_a_name_is_exported_as_text(client: TestClient, demo_db: str) -> None:
    """CSV/formula injection: a name a spreadsheet would evaluate is exported with a leading quote."""
    import psycopg

    hostile = '=HYPERLINK("http://evil.example","点我")'
    with psycopg.connect(demo_db, autocommit=True) as conn:
        enterprise_id, town = conn.execute(
            "INSERT INTO enterprise (name, town_code, industry, geom) SELECT %s, code, 'chemical', label_point "
            "FROM admin_area WHERE code = '441900121' RETURNING id, town_code",
            (hostile,),
        ).fetchone()
    try:
        params = {"town_code": town, "filter": "name LIKE '%HYPERLINK%'"}
        rows = list(csv.reader(io.StringIO(client.get("/api/exports/enterprises.csv", params=params).text)))
        assert any("'" + hostile in row for row in rows)
        sheet = load_workbook(io.BytesIO(client.get("/api/exports/enterprises.xlsx", params=params).content)).active
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        assert "'" + hostile in values and hostile not in values
    finally:
        with psycopg.connect(demo_db, autocommit=True) as conn:
            conn.execute("DELETE FROM enterprise WHERE id = %s", (enterprise_id,))

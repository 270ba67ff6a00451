"""The features API over the test database, checked against the same rows read directly with SQL."""

from __future__ import annotations

import psycopg
import pytest
from fastapi.testclient import TestClient

from app.features.params import CGCS2000, CRS84, EPSG_4326
from app.features.service import published_properties
from layers.spec import registry

LAYERS = registry()
DONGGUAN_BBOX = "113.5,22.6,114.3,23.2"


def count(db: psycopg.Connection, table: str, where: str = "TRUE", *params: object) -> int:
    return db.execute(f"SELECT count(*) FROM {table} WHERE {where}", params or None).fetchone()[0]


def items(client: TestClient, layer: str, **params: object) -> dict:
    response = client.get(f"/collections/{layer}/items", params={"count": "true", **params})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geo+json"
    return response.json()


def rel(document: dict, name: str) -> str | None:
    return next((link["href"] for link in document["links"] if link["rel"] == name), None)


def test_landing_page_links_lead_to_the_api(client: TestClient) -> None:
    landing = client.get("/ogc").json()
    assert rel(landing, "data") == "http://testserver/collections"
    assert rel(landing, "service-desc") == "http://testserver/openapi.json"
    for name in ("self", "service-desc", "conformance", "data"):
        assert client.get(rel(landing, name)).status_code == 200, name


def test_conformance_declares_the_implemented_classes(client: TestClient) -> None:
    classes = client.get("/conformance").json()["conformsTo"]
    for suffix in (
        "features-1/1.0/conf/core",
        "features-1/1.0/conf/geojson",
        "features-1/1.0/conf/oas30",
        "features-2/1.0/conf/crs",
        "features-3/1.0/conf/filter",
        "features-3/1.0/conf/features-filter",
        "cql2/1.0/conf/cql2-text",
        "cql2/1.0/conf/basic-cql2",
    ):
        assert any(c.endswith(suffix) for c in classes), suffix


def test_collections_mirror_the_registry(client: TestClient, db: psycopg.Connection) -> None:
    collections = client.get("/collections").json()["collections"]
    assert [c["id"] for c in collections] == list(LAYERS)
    for collection in collections:
        spec = LAYERS[collection["id"]]
        assert collection["crs"] == [CRS84, EPSG_4326, CGCS2000]
        assert next(link for link in collection["links"] if link["rel"] == "items")["type"] == "application/geo+json"
        x1, y1, x2, y2 = collection["extent"]["spatial"]["bbox"][0]
        xmin, ymin, xmax, ymax = db.execute(
            f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM {spec.table}) x"
        ).fetchone()
        assert (x1, y1, x2, y2) == pytest.approx((xmin, ymin, xmax, ymax), abs=0.01), spec.id


def test_collection_and_queryables(client: TestClient) -> None:
    collection = client.get("/collections/enterprises", params={"lang": "en"}).json()
    assert collection["title"] == "Supervised enterprises"
    response = client.get(rel(collection, "http://www.opengis.net/def/rel/ogc/1.0/queryables"))
    assert response.headers["content-type"] == "application/schema+json"
    properties = response.json()["properties"]
    assert properties["geometry"] == {"format": "geometry-point", "title": "Geometry"}
    assert properties["industry"]["enum"][0] == "chemical"
    assert properties["hazard_tags"]["items"]["enum"][0] == "hazchem_production"
    assert "tier_reasons" not in properties  # JSON cannot be filtered


@pytest.mark.parametrize("layer", list(LAYERS))
def test_every_layer_publishes_exactly_its_registry_properties(
    client: TestClient, db: psycopg.Connection, layer: str
) -> None:
    spec = LAYERS[layer]
    page = items(client, layer, limit=5)
    assert page["numberMatched"] == count(db, spec.table)
    assert page["numberReturned"] == len(page["features"]) == min(5, page["numberMatched"])
    for feature in page["features"]:
        assert list(feature["properties"]) == list(published_properties(spec))
        assert feature["geometry"]["type"] in ("Point", "LineString", "Polygon", "MultiPolygon")
    if spec.demo_column:
        assert all(f["properties"][spec.demo_column] is not None for f in page["features"])


def test_paging_walks_every_feature_once_in_id_order(client: TestClient, db: psycopg.Connection) -> None:
    url, seen, pages = "/collections/enterprises/items?limit=700", [], 0
    while url:
        page = client.get(url).json()
        seen += [f["id"] for f in page["features"]]
        assert page["numberReturned"] == len(page["features"])
        if pages:
            assert rel(page, "prev") is not None
        url, pages = rel(page, "next"), pages + 1
    assert seen == [row[0] for row in db.execute("SELECT id FROM enterprise ORDER BY id")]
    assert pages == -(-len(seen) // 700)


def test_default_page_and_links(client: TestClient) -> None:
    page = client.get("/collections/enterprises/items").json()
    assert page["numberReturned"] == 100
    assert rel(page, "self") == "http://testserver/collections/enterprises/items"
    assert rel(page, "next") == "http://testserver/collections/enterprises/items?offset=100"
    assert rel(page, "collection") == "http://testserver/collections/enterprises"
    assert page["timeStamp"].endswith("Z")
    beyond = client.get("/collections/enterprises/items?offset=1000000").json()
    assert beyond["features"] == [] and rel(beyond, "next") is None


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"tier": "red,orange"}, "tier IN ('red', 'orange')"),
        ({"tier": ["red", "blue"]}, "tier IN ('red', 'blue')"),
        ({"hazard_tags": "dust_explosion,confined_space"}, "hazard_tags && ARRAY['dust_explosion','confined_space']"),
        (
            {"industry": "electronics,textile", "town_code": "441900119"},
            "industry IN ('electronics', 'textile') AND town_code = '441900119'",
        ),
        ({"major_hazard_grade": "1,2"}, "major_hazard_grade IN (1, 2)"),
        ({"bbox": DONGGUAN_BBOX.replace("114.3", "113.9")}, "geom && ST_MakeEnvelope(113.5, 22.6, 113.9, 23.2, 4326)"),
        ({"bbox": "22.6,113.5,23.2,113.9", "bbox-crs": EPSG_4326}, "ST_X(geom) <= 113.9"),
        ({"bbox": "22.6,113.5,23.2,113.9", "bbox-crs": "EPSG:4490"}, "ST_X(geom) <= 113.9"),
        ({"filter": "tier = 'red' AND employees > 100"}, "tier = 'red' AND employees > 100"),
        (
            {"filter": "NOT (tier IN ('red','orange')) OR major_hazard_grade IS NOT NULL"},
            "NOT (tier IN ('red','orange')) OR major_hazard_grade IS NOT NULL",
        ),
        ({"filter": "name LIKE '%新能源%'"}, "name LIKE '%新能源%'"),
        ({"filter": "assessment_score BETWEEN 60 AND 80.5"}, "assessment_score BETWEEN 60 AND 80.5"),
        (
            {"filter": "major_hazard_grade IS NULL AND NOT employees IS NULL"},
            "major_hazard_grade IS NULL AND employees IS NOT NULL",
        ),
        (
            {"filter": "A_CONTAINS(hazard_tags, ('hazchem_storage', 'confined_space'))"},
            "hazard_tags @> ARRAY['hazchem_storage','confined_space']",
        ),
        (
            {"filter": "S_INTERSECTS(geometry, POLYGON((113.5 22.6, 113.9 22.6, 113.9 23.0, 113.5 22.6)))"},
            "ST_Intersects(geom, 'SRID=4326;POLYGON((113.5 22.6,113.9 22.6,113.9 23.0,113.5 22.6))')",
        ),
        (
            {"filter": "S_INTERSECTS(geometry, BBOX(22.6, 113.5, 23.0, 113.9))", "filter-crs": EPSG_4326},
            "geom && ST_MakeEnvelope(113.5, 22.6, 113.9, 23.0, 4326)",
        ),
        (
            {"filter": "tier = 'red'", "filter-lang": "cql2-text", "tier": "red,orange", "bbox": DONGGUAN_BBOX},
            "tier = 'red'",
        ),
    ],
)
def test_filters_match_sql(client: TestClient, db: psycopg.Connection, params: dict, where: str) -> None:
    expected = count(db, "enterprise", where)
    page = items(client, "enterprises", limit=10_000, **params)
    assert page["numberMatched"] == expected > 0
    assert page["numberReturned"] == len(page["features"]) == min(expected, 10_000)


def test_output_crs_swaps_axes(client: TestClient) -> None:
    lon_lat = items(client, "enterprises", limit=3)["features"]
    for crs in (EPSG_4326, "EPSG:4490"):
        response = client.get("/collections/enterprises/items", params={"limit": 3, "crs": crs})
        assert response.headers["content-crs"].startswith("<http://www.opengis.net/def/crs/EPSG/0/")
        lat_lon = response.json()["features"]
        assert [f["geometry"]["coordinates"][::-1] for f in lat_lon] == [f["geometry"]["coordinates"] for f in lon_lat]
    default = client.get("/collections/enterprises/items?limit=1")
    assert default.headers["content-crs"] == f"<{CRS84}>"


def test_single_feature(client: TestClient, db: psycopg.Connection) -> None:
    code = db.execute("SELECT code FROM admin_area ORDER BY code LIMIT 1").fetchone()[0]
    town = client.get(f"/collections/towns/items/{code}")
    assert town.status_code == 200 and town.headers["content-type"] == "application/geo+json"
    assert town.json()["id"] == code and rel(town.json(), "collection") == "http://testserver/collections/towns"
    enterprise = client.get("/collections/enterprises/items/7", params={"crs": "EPSG:4326"})
    lon, lat = db.execute("SELECT ST_X(geom), ST_Y(geom) FROM enterprise WHERE id = 7").fetchone()
    assert enterprise.json()["geometry"]["coordinates"] == pytest.approx([lat, lon], abs=1e-7)
    assert enterprise.headers["content-crs"] == f"<{EPSG_4326}>"


def test_served_again_under_ogc_for_clients_that_append_paths(client: TestClient) -> None:
    assert client.get("/ogc/collections").json() == client.get("/collections").json()
    assert client.get("/ogc/conformance").status_code == 200
    assert client.get("/ogc/collections/towns/items?limit=1").json()["numberReturned"] == 1


BAD_INPUT = [
    ("/collections/nope", 404, "not_found", "collectionId", "unknown collection 'nope'"),
    ("/collections/nope/items", 404, "not_found", "collectionId", "unknown collection"),
    ("/collections/enterprises/items/999999999", 404, "not_found", "featureId", "has no feature '999999999'"),
    ("/collections/enterprises/items/abc", 404, "not_found", "featureId", "has no feature 'abc'"),
    ("/collections/enterprises/items/99999999999999999999", 404, "not_found", "featureId", "has no feature"),
    ("/collections/towns/items/nope", 404, "not_found", "featureId", "has no feature 'nope'"),
    ("/collections/enterprises/items?limit=10001", 400, "invalid_parameter", "limit", "above the maximum of 10000"),
    ("/collections/enterprises/items?limit=0", 400, "invalid_parameter", "limit", "out of range"),
    ("/collections/enterprises/items?limit=ten", 400, "invalid_parameter", "limit", "'ten' is not an integer"),
    ("/collections/enterprises/items?offset=-1", 400, "invalid_parameter", "offset", "out of range"),
    ("/collections/enterprises/items?limit=5&limit=6", 400, "invalid_parameter", "limit", "given more than once"),
    ("/collections/enterprises/items?bbox=1,2,3", 400, "invalid_parameter", "bbox", "needs 4 numbers"),
    ("/collections/enterprises/items?bbox=a,2,3,4", 400, "invalid_parameter", "bbox", "'a' is not a number"),
    ("/collections/enterprises/items?bbox=1,2,nan,4", 400, "invalid_parameter", "bbox", "'nan' is not a number"),
    (
        "/collections/enterprises/items?bbox=114,22,113,23",
        400,
        "invalid_parameter",
        "bbox",
        "minimum longitude is greater than the maximum",
    ),
    ("/collections/enterprises/items?bbox=113,-95,114,23", 400, "invalid_parameter", "bbox", "latitude outside ±90"),
    (
        "/collections/enterprises/items?bbox=22.9,113.7,23.1,114.0",
        400,
        "invalid_parameter",
        "bbox",
        "looks like the axes are swapped (lat/lon given)",
    ),
    (
        "/collections/enterprises/items?bbox=113.7,22.9,114.0,23.1&bbox-crs=EPSG:4326",
        400,
        "invalid_parameter",
        "bbox",
        "looks like the axes are swapped (lon/lat given)",
    ),
    ("/collections/enterprises/items?bbox=-200,22,114,23", 400, "invalid_parameter", "bbox", "longitude outside"),
    ("/collections/enterprises/items?crs=EPSG:3857", 400, "invalid_parameter", "crs", "unsupported CRS 'EPSG:3857'"),
    ("/collections/enterprises/items?bbox-crs=EPSG:2000", 400, "invalid_parameter", "bbox-crs", "unsupported CRS"),
    ("/collections/enterprises/items?nope=1", 400, "invalid_parameter", "nope", "unknown parameter 'nope'"),
    ("/collections/enterprises/items?employees=5", 400, "invalid_parameter", "employees", "can be filtered are"),
    ("/collections/enterprises/items?industry=mining", 400, "invalid_parameter", "industry", "'mining' is not one of"),
    (
        "/collections/enterprises/items?major_hazard_grade=x",
        400,
        "invalid_parameter",
        "major_hazard_grade",
        "'x' is not an integer",
    ),
    ("/collections/enterprises/items?count=maybe", 400, "invalid_parameter", "count", "not true or false"),
    ("/collections/enterprises/items?f=html", 400, "invalid_parameter", "f", "only json and geojson"),
    (
        "/collections/enterprises/items?filter-lang=cql2-json&filter={}",
        400,
        "invalid_parameter",
        "filter-lang",
        "only cql2-text",
    ),
    (
        "/collections/enterprises/items?filter=tier%20%3D",
        400,
        "invalid_parameter",
        "filter",
        "expected a property name or a literal, found the end of the filter (at position 6)",
    ),
    ("/collections/enterprises/items?filter=salary>1", 400, "invalid_parameter", "filter", "unknown property 'salary'"),
    ("/collections/enterprises/items/7?bbox=1,2,3,4", 400, "invalid_parameter", "bbox", "unknown parameter 'bbox'"),
]


@pytest.mark.parametrize(("url", "status", "code", "field", "detail"), BAD_INPUT)
def test_bad_input_is_a_problem_not_a_crash(
    client: TestClient, url: str, status: int, code: str, field: str | None, detail: str
) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["code"], problem.get("field")) == (code, field)
    assert detail in problem["detail"]


@pytest.mark.parametrize(
    "attack",
    [
        "tier = 'red'; DROP TABLE enterprise",
        "tier = 'red'; DROP TABLE enterprise; --",
        "tier = 'red' -- ' OR 1=1",
        "tier = 'red' /* */ OR TRUE",
        "name = '' OR '1'='1",
        "pg_sleep(5) IS NULL",
        "current_setting('twomaps.town_scope') = ''",
        '"tier"" = \'\' OR 1=1 --" = 1',
        "S_INTERSECTS(geometry, ST_MakeEnvelope(0, 0, 1, 1))",
    ],
)
def test_injection_attempts_are_refused_and_never_run(client: TestClient, db: psycopg.Connection, attack: str) -> None:
    before = count(db, "enterprise")
    response = client.get("/collections/enterprises/items", params={"filter": attack})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "filter" and "at position" in response.json()["detail"]
    assert count(db, "enterprise") == before


def test_a_quoted_injection_is_only_a_string(client: TestClient) -> None:
    page = items(client, "enterprises", filter="name = 'x''; DROP TABLE enterprise; --'")
    assert page["numberMatched"] == 0


def test_openapi_documents_every_operation(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operations = {op["operationId"]: (path, op) for path, item in document["paths"].items() for op in item.values()}
    for operation_id in (
        "getLandingPage",
        "getConformance",
        "getCollections",
        "describeCollection",
        "getQueryables",
        "getFeatures",
        "getFeature",
    ):
        assert operation_id in operations
    path, enterprises = operations["getFeatures_enterprises"]
    assert path == "/collections/enterprises/items"
    names = [p["name"] for p in enterprises["parameters"]]
    assert {"bbox", "bbox-crs", "crs", "limit", "offset", "filter", "filter-lang", "filter-crs", "count"} <= set(names)
    assert {"tier", "hazard_tags", "industry", "town_code", "major_hazard_grade"} <= set(names)
    assert not [path for path in document["paths"] if path.startswith("/ogc/")]  # aliases stay out of it

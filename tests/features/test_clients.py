"""Real clients against a real server: GDAL's OAPIF driver, OWSLib, and schemathesis fuzzing the OpenAPI document."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import psycopg
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from owslib.ogcapi.features import Features
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from app.features.service import published_properties
from layers.spec import registry

LAYERS = registry()


def table_count(db: psycopg.Connection, table: str, where: str = "TRUE") -> int:
    return db.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


def gdal(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, env={**os.environ, "CPL_DEBUG": "ON"})
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize("landing", ["/ogc", ""])
def test_gdal_lists_every_collection_with_its_count(live_url: str, db: psycopg.Connection, landing: str) -> None:
    output = gdal("ogrinfo", "-ro", "-so", "-al", f"OAPIF:{live_url}{landing}")
    counts = dict(re.findall(r"Layer name: (\w+).*?Feature Count: (\d+)", output, re.DOTALL))
    assert {layer: int(n) for layer, n in counts.items()} == {
        layer: table_count(db, spec.table) for layer, spec in LAYERS.items()
    }


def test_gdal_copies_a_collection_page_by_page(live_url: str, db: psycopg.Connection, tmp_path: Path) -> None:
    target = tmp_path / "enterprises.geojson"
    gdal("ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{live_url}/ogc", "enterprises", "-oo", "PAGE_SIZE=1000")
    features = json.loads(target.read_text(encoding="utf-8"))["features"]
    rows = db.execute("SELECT name, tier, ST_X(geom), ST_Y(geom) FROM enterprise ORDER BY id").fetchall()
    assert [(f["properties"]["name"], f["properties"]["tier"]) for f in features] == [row[:2] for row in rows]
    assert features[-1]["geometry"]["coordinates"] == pytest.approx(rows[-1][2:], abs=1e-7)
    assert list(features[0]["properties"]) == list(published_properties(LAYERS["enterprises"]))


def test_gdal_pushes_attribute_and_spatial_filters_to_the_server(live_url: str, db: psycopg.Connection) -> None:
    output = gdal(
        "ogrinfo",
        "-ro",
        "-so",
        f"OAPIF:{live_url}/ogc",
        "enterprises",
        "-where",
        "tier = 'red' AND industry = 'chemical'",
        "-spat",
        "113.6",
        "22.7",
        "114.0",
        "23.0",
    )
    assert "tier=red&industry=chemical" in output  # the per-collection OpenAPI parameters told GDAL
    expected = table_count(
        db,
        "enterprise",
        "tier = 'red' AND industry = 'chemical' AND geom && ST_MakeEnvelope(113.6, 22.7, 114, 23, 4326)",
    )
    assert f"Feature Count: {expected}\n" in output


def test_owslib_lists_collections_and_pages_through_items(live_url: str, db: psycopg.Connection) -> None:
    service = Features(f"{live_url}/ogc")
    assert [c["id"] for c in service.collections()["collections"]] == list(LAYERS)
    assert "geometry" in service.collection_queryables("enterprises")["properties"]
    ids, offset = [], 0
    while True:
        page = service.collection_items("enterprises", limit=900, offset=offset, tier="red,orange")
        ids += [feature["id"] for feature in page["features"]]
        if not any(link["rel"] == "next" for link in page["links"]):
            break
        offset += 900
    assert len(ids) == len(set(ids)) == table_count(db, "enterprise", "tier IN ('red', 'orange')")


def test_fuzzed_requests_get_documented_answers_never_server_errors(live_url: str) -> None:
    """schemathesis generates requests from the OpenAPI document (GET operations of this API, a few examples each)."""
    schema = schemathesis.openapi.from_url(f"{live_url}/openapi.json").include(
        method="GET", path_regex=r"^/(ogc|conformance|collections)"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7 + len(LAYERS)
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case) -> None:
            case.call_and_validate(
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ]
            )

        no_server_error()

"""Imports: the per-row report comes first, all or nothing, upsert by external id, CRS handling, tiers — and bad
input or attacks end in a clear problem+json with nothing written."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import psycopg
import pytest
import shapely
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from geodata.crs import wgs84_to_bd09, wgs84_to_gcj02
from tests.imports.conftest import PREFIX, confirm, upload

HEADER = ["外部编号", "企业名称", "镇街", "行业", "风险类别", "从业人数", "评估得分", "经度", "纬度"]
CHANGAN_POINT = (113.7560, 22.8020)  # inside 长安镇


def write_csv(path: Path, rows: list[list[object]], header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as file:
        out = csv.writer(file)
        out.writerow(header)
        out.writerows(rows)
    return path


def good_row(n: int, **changes: object) -> list[object]:
    row = {"id": f"{PREFIX}{n}", "name": f"测试导入企业{n}", "town": "", "industry": "化工",
           "tags": "粉尘涉爆、有限空间", "employees": 40 + n, "score": 75,
           "lon": CHANGAN_POINT[0] + n * 1e-4, "lat": CHANGAN_POINT[1]}  # fmt: skip
    row.update(changes)
    return list(row.values())


def stored(db: psycopg.Connection, external_id: str) -> dict | None:
    row = db.execute(
        "SELECT name, town_code, industry, hazard_tags, employees, tier, ST_X(geom), ST_Y(geom) "
        "FROM enterprise WHERE external_id = %s",
        (external_id,),
    ).fetchone()
    keys = ("name", "town_code", "industry", "hazard_tags", "employees", "tier", "lon", "lat")
    return dict(zip(keys, row, strict=True)) if row else None


def codes(job: dict) -> dict[tuple[int | None, str], str]:
    return {(p["row"], p["field"]): p["code"] for p in job["report"]["problems"] if p["severity"] == "error"}


def test_report_first_then_confirm_writes_tiers_and_audit(
    people_client: TestClient, tokens: dict, db: psycopg.Connection, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "ok.csv", [good_row(1), good_row(2, town="长安镇"), good_row(3, town="441900119")])
    job = upload(people_client, tokens["planner"], path)
    assert job["status"] == "validated", job
    assert job["report"]["summary"]["errors"] == 0 and job["report"]["written"] is False
    assert stored(db, f"{PREFIX}1") is None  # the report wrote nothing

    done = confirm(people_client, tokens["planner"], job)
    assert done["status"] == "done" and done["report"]["summary"]["inserted"] == 3
    first = stored(db, f"{PREFIX}1")
    assert first["town_code"] == "441900119"  # from the location
    assert stored(db, f"{PREFIX}2")["town_code"] == "441900119"  # from the town's name
    assert first["industry"] == "chemical" and first["hazard_tags"] == ["dust_explosion", "confined_space"]
    assert first["tier"] is not None  # tiered through app.risk_db in the same transaction
    actors = db.execute(
        "SELECT DISTINCT actor FROM audit_log WHERE table_name = 'enterprise' AND after->>'external_id' LIKE %s",
        (PREFIX + "%",),
    ).fetchall()
    assert actors == [("planner",)]


def test_upsert_by_external_id_updates_only_what_changed(
    people_client: TestClient, tokens: dict, db: psycopg.Connection, tmp_path: Path
) -> None:
    headers = tokens["planner"]
    confirm(
        people_client,
        headers,
        upload(people_client, headers, write_csv(tmp_path / "a.csv", [good_row(1), good_row(2)])),
    )
    second = write_csv(tmp_path / "b.csv", [good_row(1, employees=999), good_row(2), good_row(3)])
    done = confirm(people_client, headers, upload(people_client, headers, second))
    summary = done["report"]["summary"]
    assert (summary["inserted"], summary["updated"], summary["unchanged"]) == (1, 1, 1)
    assert stored(db, f"{PREFIX}1")["employees"] == 999
    assert db.execute("SELECT count(*) FROM enterprise WHERE external_id LIKE %s", (PREFIX + "%",)).fetchone()[0] == 3


def test_every_row_problem_is_reported_and_nothing_is_written(
    people_client: TestClient, tokens: dict, db: psycopg.Connection, tmp_path: Path
) -> None:
    rows = [
        good_row(1),
        good_row(2, name=""),  # required
        good_row(3, tags="粉尘涉爆、飞碟"),  # not in the vocabulary
        good_row(4, employees="很多"),  # not an integer
        good_row(5, score=150),  # CHECK assessment_score BETWEEN 0 AND 120
        good_row(6, lon=CHANGAN_POINT[1], lat=CHANGAN_POINT[0]),  # swapped
        good_row(7, lon=116.40, lat=39.90),  # Beijing: out of the region
        good_row(8, town="441900999"),  # no such town
        good_row(1, name="重复编号"),  # the external id of row 2 again
    ]
    job = upload(people_client, tokens["planner"], write_csv(tmp_path / "bad.csv", rows))
    found = codes(job)
    geometry = "geometry"
    assert found == {
        (3, "name"): "missing_required",
        (4, "hazard_tags"): "invalid_choice",
        (5, "employees"): "wrong_type",
        (6, "assessment_score"): "check_failed",
        (7, geometry): "swapped_lonlat",
        (8, geometry): "out_of_area",
        (9, "town_code"): "unknown_reference",
        (10, "external_id"): "duplicate_key",
    }
    assert people_client.post(f"/api/imports/{job['id']}/confirm", headers=tokens["planner"]).status_code == 409
    assert stored(db, f"{PREFIX}1") is None  # one good row, but all or nothing


def test_sql_and_script_in_values_are_stored_verbatim(
    people_client: TestClient, tokens: dict, db: psycopg.Connection, tmp_path: Path
) -> None:
    nasty = "x'); DROP TABLE enterprise; --"
    script = '<img src=x onerror="alert(1)">化工厂'
    path = write_csv(tmp_path / "nasty.csv", [good_row(1, name=nasty), good_row(2, name=script)])
    job = upload(people_client, tokens["planner"], path)
    assert {p["code"] for p in job["report"]["problems"]} == {"markup"}  # a warning: kept as text
    confirm(people_client, tokens["planner"], job)
    assert stored(db, f"{PREFIX}1")["name"] == nasty
    assert stored(db, f"{PREFIX}2")["name"] == script


@pytest.mark.parametrize(
    ("crs", "convert"),
    [("gcj02", wgs84_to_gcj02), ("bd09", wgs84_to_bd09), ("3857", None), ("4526", None)],
)
def test_coordinates_in_any_supported_crs_land_in_place(
    people_client: TestClient, tokens: dict, db: psycopg.Connection, tmp_path: Path, crs: str, convert
) -> None:
    lon, lat = CHANGAN_POINT
    if convert:
        x, y = convert(lon, lat)
    else:
        x, y = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(int(crs)).iloc[0].coords[0]
    path = write_csv(tmp_path / f"{crs}.csv", [good_row(1, lon=x, lat=y)], header=[*HEADER[:-2], "x", "y"])
    job = upload(people_client, tokens["planner"], path, crs=crs)
    assert job["report"]["summary"]["errors"] == 0, job["report"]["problems"]
    confirm(people_client, tokens["planner"], job)
    row = stored(db, f"{PREFIX}1")
    assert abs(row["lon"] - lon) < 2e-5 and abs(row["lat"] - lat) < 2e-5


def test_gbk_csv_and_utf8_geojson_read_alike(
    people_client: TestClient, tokens: dict, db: psycopg.Connection, tmp_path: Path
) -> None:
    gbk = write_csv(tmp_path / "gbk.csv", [good_row(1, name="长安五金制品厂")], encoding="gbk")
    confirm(people_client, tokens["planner"], upload(people_client, tokens["planner"], gbk))
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [CHANGAN_POINT[0], CHANGAN_POINT[1]]},
               "properties": {"external_id": f"{PREFIX}2", "name": "长安五金制品厂", "employees": 12}}  # fmt: skip
    geojson = tmp_path / "utf8.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False))
    confirm(people_client, tokens["planner"], upload(people_client, tokens["planner"], geojson))
    assert stored(db, f"{PREFIX}1")["name"] == stored(db, f"{PREFIX}2")["name"] == "长安五金制品厂"


def test_invalid_polygons_are_repaired_only_when_asked(
    people_client: TestClient, tokens: dict, db: psycopg.Connection, tmp_path: Path
) -> None:
    lon, lat = CHANGAN_POINT
    bowtie = shapely.Polygon([(lon, lat), (lon + 0.01, lat + 0.01), (lon + 0.01, lat), (lon, lat + 0.01), (lon, lat)])
    frame = gpd.GeoDataFrame({"external_id": [f"{PREFIX}1"], "name": ["测试林区"], "forest_type": ["桉树林"]},
                             geometry=[bowtie], crs=4326)  # fmt: skip
    path = tmp_path / "forest.gpkg"
    frame.to_file(path, driver="GPKG")
    refused = upload(people_client, tokens["planner"], path, layer="forest_zones")
    assert codes(refused) == {(1, "geometry"): "invalid_geometry"}
    repaired = upload(people_client, tokens["planner"], path, layer="forest_zones", repair="true")
    assert {p["code"] for p in repaired["report"]["problems"]} == {"repaired_geometry"}
    assert confirm(people_client, tokens["planner"], repaired)["status"] == "done"
    valid, kind, forest_type = db.execute(
        "SELECT ST_IsValid(geom), GeometryType(geom), forest_type FROM forest_zone WHERE external_id = %s",
        (f"{PREFIX}1",),
    ).fetchone()
    assert valid and kind == "MULTIPOLYGON" and forest_type == "eucalyptus"


def zip_with(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("bomb.zip", lambda p: zip_with(p, {"a.csv": b"0" * (600 * 2**20)}), "zip_bomb"),
        ("traversal.zip", lambda p: zip_with(p, {"../../etc/evil.csv": b"a,b\n1,2\n"}), "zip_path_traversal"),
        ("program.exe", lambda p: p.write_bytes(b"MZ\x90\x00" + bytes(100)) and p, "unsupported_format"),
        ("picture.csv", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100)) and p, "malformed_file"),
        ("nonsense.geojson", lambda p: p.write_text("{not json") and p, "malformed_file"),
    ],
)
def test_hostile_files_fail_clearly_and_write_nothing(
    people_client: TestClient, tokens: dict, db: psycopg.Connection, tmp_path: Path, name: str, make, code: str
) -> None:
    before = db.execute("SELECT count(*) FROM enterprise").fetchone()[0]
    job = upload(people_client, tokens["planner"], make(tmp_path / name))
    assert job["status"] == "failed"
    assert job["error"]["code"] == code, job["error"]
    assert job["error"]["message_zh"] and job["error"]["message_en"]
    assert db.execute("SELECT count(*) FROM enterprise").fetchone()[0] == before
    assert not (Path(people_client.app.state.settings.data_dir) / "imports" / job["id"]).exists()  # upload removed


def test_uploads_over_the_limit_are_refused(people_client: TestClient, tokens: dict) -> None:
    settings = people_client.app.state.settings
    limit = settings.max_upload_mb * 2**20
    declared = people_client.post(
        "/api/imports?layer=enterprises",
        content=b"",
        headers={
            **tokens["planner"],
            "Content-Length": str(limit + 1),
            "Content-Type": "multipart/form-data; boundary=x",
        },
    )
    assert declared.status_code == 413 and declared.headers["content-type"] == "application/problem+json"

    def endless():  # no Content-Length: the stream is cut at the limit
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
        chunk = b"0" * 2**20
        for _ in range(settings.max_upload_mb + 2):
            yield chunk

    streamed = people_client.post(
        "/api/imports?layer=enterprises", content=endless(),
        headers={**tokens["planner"], "Content-Type": "multipart/form-data; boundary=x"},
    )  # fmt: skip
    assert streamed.status_code == 413


def test_wrong_layer_and_missing_file_are_clear(people_client: TestClient, tokens: dict) -> None:
    unknown = people_client.post("/api/imports?layer=tanks", headers=tokens["planner"])
    assert unknown.status_code == 404 and "importable" in unknown.json()["detail"]
    no_file = people_client.post(
        "/api/imports?layer=enterprises", data={"x": "1"}, files={"other": ("a", b"")}, headers=tokens["planner"]
    )
    assert no_file.status_code == 400 and no_file.json()["field"] == "file"


def test_the_cli_dry_run_and_import(people_settings, db: psycopg.Connection, tmp_path: Path) -> None:
    from app.cli import cli

    env = {"TWOMAPS_DATABASE_URL": people_settings.dsn, "TWOMAPS_ENV": "test"}
    path = write_csv(tmp_path / "cli.csv", [good_row(1), good_row(2, score=500)])
    refused = CliRunner().invoke(cli, ["import", "enterprises", str(path)], env=env)
    assert refused.exit_code == 1 and "row 3 assessment_score" in refused.output
    fixed = write_csv(tmp_path / "cli.csv", [good_row(1), good_row(2)])
    dry = CliRunner().invoke(cli, ["import", "enterprises", str(fixed), "--dry-run"], env=env)
    assert dry.exit_code == 0 and "dry run" in dry.output and stored(db, f"{PREFIX}1") is None
    done = CliRunner().invoke(cli, ["import", "enterprises", str(fixed)], env=env)
    assert done.exit_code == 0 and "2 new" in done.output
    actor = db.execute(
        "SELECT actor FROM audit_log WHERE table_name = 'enterprise' AND after->>'external_id' = %s ORDER BY id DESC",
        (f"{PREFIX}1",),
    ).fetchone()[0]
    assert actor.startswith("cli:")


def test_only_importers_may_import(people_client: TestClient, tokens: dict, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [good_row(1)])
    for account in ("viewer", "inspector", "commander"):
        with path.open("rb") as file:
            response = people_client.post(
                "/api/imports?layer=enterprises", files={"file": ("x.csv", file)}, headers=tokens[account]
            )
        assert response.status_code == 403, account
    job = upload(people_client, tokens["admin"], path)
    assert people_client.get(f"/api/imports/{job['id']}", headers=tokens["planner"]).status_code == 404  # not theirs


def test_layers_describe_their_fields(people_client: TestClient, tokens: dict) -> None:
    described = people_client.get("/api/imports/layers", headers=tokens["planner"]).json()["layers"]
    layers = {layer["layer"]: layer for layer in described}
    assert {"enterprises", "shelters", "flood_spots", "geohazards", "forest_zones", "depots"} <= set(layers)
    shelter = {c["name"]: c for c in layers["shelters"]["columns"]}
    assert shelter["capacity"]["required"] and shelter["shelter_class"]["choices"] == ["central", "emergency", "fixed"]
    assert "tier" not in shelter and "tier" not in {c["name"] for c in layers["enterprises"]["columns"]}


def test_csv_text_reaches_the_report_as_is(tmp_path: Path) -> None:
    """The report keeps the file's text for the page to show as text (escaping is the page's job)."""
    from app.imports.service import ImportOptions, prepare

    path = write_csv(tmp_path / "t.csv", [good_row(1, industry="<b>化工</b>")])
    problems = prepare(path, ImportOptions("enterprises")).problems
    assert any("<b>化工</b>" in p.message_zh for p in problems if p.code == "invalid_choice")

import json

import geopandas as gpd
import pytest
import shapely

from geodata.readers import read_any
from geodata.validate import FieldSpec, RowProblem, load_region, validate

DONGGUAN_CENTRE = (113.752, 23.021)  # 东城街道
GUANGZHOU = (113.264, 23.129)
METRE_IN_LON = 1 / (111_320 * 0.92)  # degrees of longitude per metre at ~23°N


def frame_of(*geometries, **columns) -> gpd.GeoDataFrame:
    rows = list(range(2, 2 + len(geometries)))  # an int64 index, as a caller might pass
    return gpd.GeoDataFrame(columns or None, geometry=list(geometries), index=rows, crs=4326)


def codes(report) -> list[tuple]:
    return [(problem.row, problem.code) for problem in report.problems]


def test_dongguan_outline_is_the_default_region():
    region = load_region()
    assert region.contains(shapely.Point(DONGGUAN_CENTRE)) and not region.contains(shapely.Point(GUANGZHOU))
    area_km2 = gpd.GeoSeries([region], crs=4326).to_crs(32649).area.iloc[0] / 1e6
    assert 2300 < area_km2 < 2600  # official land area ≈ 2,460 km²


def test_clean_points_pass():
    report = validate(frame_of(shapely.Point(DONGGUAN_CENTRE), name=["东城"]), region=load_region())
    assert report.ok and report.problems == [] and report.ok_rows == [2]


def test_missing_and_empty_geometry():
    report = validate(frame_of(None, shapely.Point(), shapely.Point(DONGGUAN_CENTRE)))
    assert codes(report) == [(2, "missing_geometry"), (3, "missing_geometry")]
    assert report.ok_rows == [4]


def test_invalid_polygon_is_reported_and_repaired_only_when_asked():
    bowtie = shapely.Polygon([(113.70, 23.00), (113.72, 23.02), (113.72, 23.00), (113.70, 23.02)])
    report = validate(frame_of(bowtie))
    [problem] = report.problems
    assert problem.code == "invalid_geometry" and "Self-intersection" in problem.message_en
    assert report.frame.geometry.iloc[0].equals(bowtie)

    repaired = validate(frame_of(bowtie), repair=True)
    [problem] = repaired.problems
    assert (problem.code, problem.severity) == ("repaired_geometry", "warning")
    fixed = repaired.frame.geometry.iloc[0]
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon" and fixed.area == pytest.approx(0.0002)
    assert repaired.ok_rows == [2]


def test_swapped_lat_lon_is_recognised():
    lon, lat = DONGGUAN_CENTRE
    report = validate(frame_of(shapely.Point(lat, lon)), region=load_region())
    assert codes(report) == [(2, "swapped_lonlat")]
    assert "经纬度可能填反" in report.problems[0].message_zh


def test_out_of_area_uses_a_metric_tolerance():
    region = load_region()
    west_x, _, _, _ = region.bounds
    westmost = min(shapely.get_coordinates(region), key=lambda xy: xy[0])
    near = shapely.Point(west_x - 1000 * METRE_IN_LON, westmost[1])  # 1 km outside
    far = shapely.Point(west_x - 3000 * METRE_IN_LON, westmost[1])  # 3 km outside
    report = validate(frame_of(near, far, shapely.Point(GUANGZHOU)), region=region)
    assert codes(report) == [(3, "out_of_area"), (4, "out_of_area")]
    assert "2000" in report.problems[0].message_en
    assert codes(validate(frame_of(near), region=region, tolerance_m=500)) == [(2, "out_of_area")]


def test_projected_coordinates_declared_as_degrees(tmp_path):
    path = tmp_path / "gk.csv"
    path.write_text("名称,X,Y\n东城,38474360.2,2546988.1\n", encoding="utf-8")
    frame, _ = read_any(path)  # no CRS given: read as WGS-84, which these numbers cannot be
    report = validate(frame)
    assert codes(report) == [(2, "looks_projected")]
    assert "38474360.2" in report.problems[0].message_en


FIELDS = {
    "name": FieldSpec(required=True),
    "people": FieldSpec(type="int", min=0, max=100_000),
    "tier": FieldSpec(choices={"red", "orange", "yellow", "blue"}),
    "depth_m": FieldSpec(type="float", min=0),
}


def test_declared_fields():
    point = shapely.Point(DONGGUAN_CENTRE)
    report = validate(
        frame_of(
            point,
            point,
            point,
            point,
            name=["石龙镇", " ", "虎门镇", "厚街镇"],
            people=["1200", "12.5", -3, None],
            tier=["red", "purple", None, "blue"],
            depth_m=["0.4", "deep", 1.5, float("nan")],
        ),
        fields=FIELDS,
    )
    assert codes(report) == [
        (3, "missing_required"),
        (3, "wrong_type"),
        (3, "invalid_choice"),
        (3, "wrong_type"),
        (4, "out_of_range"),
    ]
    assert report.ok_rows == [2, 5]
    wrong_type = report.problems[1]
    assert wrong_type.field == "people" and "整数" in wrong_type.message_zh and "12.5" in wrong_type.message_en


def test_a_missing_required_column_fails_every_row():
    report = validate(frame_of(shapely.Point(DONGGUAN_CENTRE), other=["x"]), fields=FIELDS)
    assert codes(report) == [(None, "missing_column")]
    assert not report.ok and report.ok_rows == []


def test_hostile_strings_are_flagged_and_kept_verbatim():
    script = "<script>alert('x')</script>"
    report = validate(frame_of(*[shapely.Point(DONGGUAN_CENTRE)] * 3, note=[script, "a\x00b", "a\u202eb"]))
    assert [(p.row, p.code, p.severity) for p in report.problems] == [
        (2, "markup", "warning"),
        (3, "control_characters", "error"),
        (4, "control_characters", "error"),
    ]
    assert report.frame["note"].iloc[0] == script and report.ok_rows == [2]


def test_report_as_json():
    report = validate(frame_of(None, shapely.Point(GUANGZHOU), name=["a", "b"]), region=load_region())
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["summary"] == {
        "rows": 2,
        "ok_rows": 0,
        "errors": 2,
        "warnings": 0,
        "by_code": {"missing_geometry": 1, "out_of_area": 1},
    }
    assert RowProblem(**data["problems"][0]) == report.problems[0]


def test_read_then_validate_a_real_upload(tmp_path, dongguan):
    frame, _ = read_any(dongguan / "dongguan_towns_gcj02.geojson", crs="gcj02")
    report = validate(frame, region=load_region(), fields={"name": FieldSpec(required=True)})
    assert report.ok and len(report.ok_rows) == 33


def test_other_crs_is_refused():
    with pytest.raises(ValueError, match="EPSG:4326"):
        validate(frame_of(shapely.Point(0, 0)).set_crs(3857, allow_override=True))

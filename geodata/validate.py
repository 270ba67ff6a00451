"""Check every row before anything is written, so one upload yields one complete list of problems.

Problems are per row (the index labels `read_any` sets, i.e. the row a person sees in the source) and carry
zh-CN/en messages. Errors block a row; warnings are kept for the uploader to read.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

REGION_FILE = Path(__file__).parent / "data" / "dongguan_outline_wgs84.geojson"
# C0/C1 controls except tab and newlines, plus the bidi overrides used to disguise text.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!]|javascript:", re.IGNORECASE)
_TYPE_NAMES = {"str": ("文本", "text"), "int": ("整数", "an integer"), "float": ("数值", "a number")}
_MESSAGES = {
    "missing_geometry": ("缺少几何或坐标", "geometry or coordinates missing"),
    "invalid_geometry": ("几何无效：{reason}", "invalid geometry: {reason}"),
    "repaired_geometry": ("几何无效（{reason}），已自动修复", "invalid geometry ({reason}) was repaired"),
    "looks_projected": (
        "坐标 ({x}, {y}) 超出经纬度范围：像是投影坐标，请指定正确的坐标系",
        "coordinates ({x}, {y}) are outside longitude/latitude range: they look projected; declare the CRS",
    ),
    "swapped_lonlat": ("经纬度可能填反了：({x}, {y})", "longitude and latitude look swapped: ({x}, {y})"),
    "out_of_area": (
        "位置超出辖区范围（容差 {tolerance_m:.0f} 米）",
        "location is outside the area (tolerance {tolerance_m:.0f} m)",
    ),
    "missing_column": ("缺少必填字段“{field}”", "required column “{field}” is missing"),
    "missing_required": ("“{field}”为必填项", "“{field}” is required"),
    "wrong_type": ("“{field}”应为{type_zh}，实为“{value}”", "“{field}” should be {type_en}, got “{value}”"),
    "out_of_range": (
        "“{field}”的值 {value} 超出范围 [{min}, {max}]",
        "“{field}” value {value} is outside [{min}, {max}]",
    ),
    "invalid_choice": (
        "“{field}”的值“{value}”不在允许值内：{choices}",
        "“{field}” value “{value}” is not one of: {choices}",
    ),
    "control_characters": ("“{field}”含有控制字符", "“{field}” contains control characters"),
    "markup": (
        "“{field}”含有 HTML/脚本标记，将按纯文本保存",
        "“{field}” contains HTML/script markup; it is kept as plain text",
    ),
}


@dataclass(frozen=True)
class RowProblem:
    row: int | None  # None: the whole file (e.g. a missing column)
    field: str
    code: str
    message_zh: str
    message_en: str
    severity: Literal["error", "warning"] = "error"


@dataclass(frozen=True)
class FieldSpec:
    """What one attribute may hold; `min`/`max` apply to int/float, `choices` to the parsed value."""

    type: Literal["str", "int", "float"] = "str"
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: Collection | None = None


@dataclass
class ValidationReport:
    frame: gpd.GeoDataFrame  # the input, with geometries repaired when that was asked for
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(problem.severity == "error" for problem in self.problems)

    @property
    def ok_rows(self) -> list:
        """Rows without errors (warnings allowed), in frame order."""
        failed = {problem.row for problem in self.problems if problem.severity == "error"}
        if None in failed:  # a whole-file error, such as a missing required column
            return []
        return [row for row in self.frame.index.tolist() if row not in failed]

    @property
    def summary(self) -> dict:
        errors = [problem for problem in self.problems if problem.severity == "error"]
        return {
            "rows": len(self.frame),
            "ok_rows": len(self.ok_rows),
            "errors": len(errors),
            "warnings": len(self.problems) - len(errors),
            "by_code": dict(Counter(problem.code for problem in self.problems)),
        }

    def to_dict(self) -> dict:
        return {"summary": self.summary, "problems": [asdict(problem) for problem in self.problems]}


@functools.cache
def load_region(path: Path = REGION_FILE) -> BaseGeometry:
    """The area the data must fall in, as one WGS-84 geometry (by default Dongguan's city outline)."""
    frame = pyogrio.read_dataframe(path)
    return shapely.union_all(frame.to_crs(4326).geometry.values)


def validate(
    frame: gpd.GeoDataFrame,
    *,
    fields: Mapping[str, FieldSpec] | None = None,
    region: BaseGeometry | None = None,
    tolerance_m: float = 2000.0,
    repair: bool = False,
) -> ValidationReport:
    """Collect every problem of a WGS-84 frame (as `read_any` returns it); nothing is dropped or written."""
    if frame.crs is not None and not frame.crs.equals(4326):
        raise ValueError(f"validate expects EPSG:4326 data, got {frame.crs}")
    report = ValidationReport(frame=frame.copy())
    _check_geometry(report, repair)
    _check_coordinates(report, region, tolerance_m)
    for name, spec in (fields or {}).items():
        _check_field(report, name, spec)
    _check_text(report)
    report.problems.sort(key=lambda problem: (problem.row is not None, problem.row or 0))
    return report


def _add(report: ValidationReport, row, field: str, code: str, severity="error", **values) -> None:
    zh, en = _MESSAGES[code]
    row = row.item() if isinstance(row, np.generic) else row  # plain ints, so to_dict() is JSON
    values.setdefault("field", field)
    report.problems.append(RowProblem(row, field, code, zh.format(**values), en.format(**values), severity))


def _check_geometry(report: ValidationReport, repair: bool) -> None:
    frame = report.frame
    column = frame.geometry.name
    geometries = np.asarray(frame.geometry.array)
    missing = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    invalid = ~missing & ~shapely.is_valid(geometries)
    for position in np.flatnonzero(missing):
        _add(report, frame.index[position], column, "missing_geometry")
    for position in np.flatnonzero(invalid):
        row, reason = frame.index[position], shapely.is_valid_reason(geometries[position])
        # "structure" keeps the dimension (polygons stay polygons) and drops collapsed parts.
        fixed = shapely.make_valid(geometries[position], method="structure", keep_collapsed=False) if repair else None
        if fixed is not None and not fixed.is_empty:
            geometries[position] = fixed
            _add(report, row, column, "repaired_geometry", "warning", reason=reason)
        else:
            _add(report, row, column, "invalid_geometry", reason=reason)
    if repair and invalid.any():
        frame[column] = gpd.GeoSeries(geometries, index=frame.index, crs=frame.crs)


def _check_coordinates(report: ValidationReport, region: BaseGeometry | None, tolerance_m: float) -> None:
    """Projected-looking coordinates always; with a region also out-of-area points and swapped lon/lat."""
    frame = report.frame
    column = frame.geometry.name
    geometries = np.asarray(frame.geometry.array)
    present = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    bounds = shapely.bounds(geometries)
    projected = present & ((np.abs(bounds[:, [0, 2]]) > 180).any(1) | (np.abs(bounds[:, [1, 3]]) > 90).any(1))
    outside, swapped = np.zeros(len(frame), dtype=bool), np.zeros(len(frame), dtype=bool)
    x, y = np.full(len(frame), np.nan), np.full(len(frame), np.nan)  # only points can be "swapped"
    points = present & (shapely.get_type_id(geometries) == shapely.GeometryType.POINT)
    x[points], y[points] = shapely.get_x(geometries[points]), shapely.get_y(geometries[points])
    if region is not None:
        area = _buffered(region, tolerance_m)
        outside = present & ~shapely.intersects(area, geometries)
        swapped = outside & shapely.intersects(area, shapely.points(y, x))
    for position in np.flatnonzero(projected | outside):
        row = frame.index[position]
        if swapped[position]:
            _add(report, row, column, "swapped_lonlat", x=x[position], y=y[position])
        elif projected[position]:
            corner = bounds[position].round(3)
            _add(report, row, column, "looks_projected", x=corner[0], y=corner[1])
        else:
            _add(report, row, column, "out_of_area", tolerance_m=tolerance_m)


@functools.lru_cache(maxsize=8)
def _buffered(region: BaseGeometry, tolerance_m: float) -> BaseGeometry:
    """Grow the region by metres in its local UTM zone; prepared, because every row is tested against it."""
    series = gpd.GeoSeries([region], crs=4326)
    utm = series.estimate_utm_crs()
    area = series.to_crs(utm).buffer(tolerance_m).to_crs(4326).iloc[0]
    shapely.prepare(area)
    return area


def _check_field(report: ValidationReport, name: str, spec: FieldSpec) -> None:
    if name not in report.frame.columns:
        if spec.required:
            _add(report, None, name, "missing_column")
        return
    for row, value in report.frame[name].items():
        if _is_blank(value):
            if spec.required:
                _add(report, row, name, "missing_required")
            continue
        parsed = _parse(value, spec.type)
        if parsed is None:
            type_zh, type_en = _TYPE_NAMES[spec.type]
            _add(report, row, name, "wrong_type", type_zh=type_zh, type_en=type_en, value=_short(value))
        elif spec.type != "str" and (
            (spec.min is not None and parsed < spec.min) or (spec.max is not None and parsed > spec.max)
        ):
            _add(report, row, name, "out_of_range", value=parsed, min=spec.min, max=spec.max)
        elif spec.choices is not None and parsed not in spec.choices:
            choices = ", ".join(sorted(map(str, spec.choices)))
            _add(report, row, name, "invalid_choice", value=_short(value), choices=choices)


def _is_blank(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (not isinstance(value, list | tuple | dict) and bool(pd.isna(value)))


def _parse(value: object, kind: str) -> str | int | float | None:
    """The value as `kind`, accepting numeric text (CSV/XLSX cells arrive as text); None if it is not one."""
    if kind == "str":
        return value.strip() if isinstance(value, str) else str(value)
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if kind == "int":
        return int(number) if number.is_integer() else None
    return number


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _check_text(report: ValidationReport) -> None:
    """Flag control characters (they break COPY and hide text) and markup (kept: escaping is the UI's job)."""
    frame = report.frame
    for column in frame.columns.drop(frame.geometry.name):
        for row, value in frame[column].items():
            if not isinstance(value, str):
                continue
            if _CONTROL_CHARACTERS.search(value):
                _add(report, row, str(column), "control_characters")
            if _MARKUP.search(value):
                _add(report, row, str(column), "markup", "warning")

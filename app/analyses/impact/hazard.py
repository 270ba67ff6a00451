"""The hazard area an analysis runs on: a warning area by level, a drawn polygon, or a buffer in metres.

Client geometry is checked position by position before shapely sees it, so that every refusal names the problem
(a ring with too few points, a ring that is not closed, a coordinate out of range, a self-intersection) and comes
back as a 400 problem, never a 500.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Literal

import asyncpg
import shapely
from pydantic import BaseModel, Field

from app.errors import InvalidParameter, Unprocessable
from app.storm import live
from app.storm.grid import area_km2, shape_to_lonlat, shape_to_metric

MAX_POSITIONS = 100_000
MAX_BUFFER_M = 50_000.0


class WarningArea(BaseModel):
    """The area under a rainstorm warning of `level` or graver at one hour of an event."""

    kind: Literal["warning"]
    level: Literal["blue", "yellow", "orange", "red"] = "orange"
    event: str | None = Field(default=None, description="Default: the most recently ingested event")
    at: datetime | None = Field(default=None, description="Default: the event's last hour")


class DrawnPolygon(BaseModel):
    """A GeoJSON Polygon or MultiPolygon in WGS-84 lon/lat (a Feature is accepted too)."""

    kind: Literal["polygon"]
    geometry: dict[str, Any]


class Buffer(BaseModel):
    """Everything within `distance_m` metres of a GeoJSON Point, LineString or their Multi forms."""

    kind: Literal["buffer"]
    geometry: dict[str, Any]
    distance_m: float = Field(gt=0, le=MAX_BUFFER_M)


HazardSpec = Annotated[WarningArea | DrawnPolygon | Buffer, Field(discriminator="kind")]


def _refuse(problem: str) -> InvalidParameter:
    return InvalidParameter(problem, field="hazard.geometry")


def _position(value: object, where: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise _refuse(f"{where}: a position is [longitude, latitude], got {value!r}")
    try:
        lon, lat = float(value[0]), float(value[1])
    except (TypeError, ValueError):
        raise _refuse(f"{where}: coordinates must be numbers, got {value!r}") from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise _refuse(f"{where}: coordinate out of range ({value[0]}, {value[1]}); expected lon −180…180, lat −90…90")
    return lon, lat


def _positions(value: object, where: str) -> list[tuple[float, float]]:
    if not isinstance(value, list):
        raise _refuse(f"{where}: expected a list of positions")
    return [_position(p, f"{where}[{i}]") for i, p in enumerate(value)]


def _ring(value: object, where: str) -> list[tuple[float, float]]:
    ring = _positions(value, where)
    if len(ring) >= 2 and ring[0] != ring[-1]:
        raise _refuse(f"{where}: ring is not closed (the last position must repeat the first)")
    if len(set(ring)) < 3:
        raise _refuse(f"{where}: a ring needs at least 3 distinct points, got {len(set(ring))}")
    return ring


def _polygon(value: object, where: str) -> shapely.Polygon:
    if not isinstance(value, list) or not value:
        raise _refuse(f"{where}: empty polygon")
    shell, *holes = (_ring(ring, f"{where}[{i}]") for i, ring in enumerate(value))
    return shapely.Polygon(shell, holes)


def _build(geometry: dict[str, Any]) -> shapely.Geometry:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if coordinates is None or coordinates == []:
        raise _refuse("empty geometry: no coordinates")
    if kind == "Point":
        return shapely.Point(_position(coordinates, "coordinates"))
    if kind == "MultiPoint":
        return shapely.MultiPoint(_positions(coordinates, "coordinates"))
    if kind == "LineString":
        line = _positions(coordinates, "coordinates")
        if len(set(line)) < 2:
            raise _refuse("coordinates: a line needs at least 2 distinct points")
        return shapely.LineString(line)
    if kind == "MultiLineString":
        return shapely.MultiLineString([_positions(part, f"coordinates[{i}]") for i, part in enumerate(coordinates)])
    if kind == "Polygon":
        return _polygon(coordinates, "coordinates")
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list):
            raise _refuse("coordinates: expected a list of polygons")
        return shapely.MultiPolygon([_polygon(part, f"coordinates[{i}]") for i, part in enumerate(coordinates)])
    raise _refuse(f"unsupported geometry type {kind!r}")


def parse_geometry(geometry: dict[str, Any], allowed: tuple[str, ...]) -> shapely.Geometry:
    """A checked shapely geometry from client GeoJSON, or a 400 naming what is wrong with it."""
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    if geometry.get("type") not in allowed:
        raise _refuse(f"expected a GeoJSON {' or '.join(allowed)}, got {geometry.get('type')!r}")
    if len(str(geometry.get("coordinates"))) > MAX_POSITIONS * 40:
        raise _refuse(f"geometry too large: at most {MAX_POSITIONS} positions")
    shape = _build(geometry)
    if not shapely.is_valid(shape):
        reason = shapely.is_valid_reason(shape)
        raise _refuse(f"invalid {geometry['type']}: {reason.replace('Self-intersection', 'self-intersection at')}")
    if shape.geom_type in ("Polygon", "MultiPolygon") and shape.area == 0:
        raise _refuse("the polygon has no area")
    return shape


def buffer_metres(shape: shapely.Geometry, distance_m: float) -> shapely.Geometry:
    """Buffer in UTM 49N metres and come back to lon/lat."""
    return shape_to_lonlat(shapely.buffer(shape_to_metric(shape), distance_m, quad_segs=16))


def drawn_area(spec: DrawnPolygon | Buffer) -> shapely.Geometry:
    """The area of a drawn polygon or of a buffer (a warning area comes from app.storm.live)."""
    if isinstance(spec, DrawnPolygon):
        return parse_geometry(spec.geometry, ("Polygon", "MultiPolygon"))
    shape = parse_geometry(spec.geometry, ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon"))
    return buffer_metres(shape, spec.distance_m)


async def hazard_area(
    conn: asyncpg.Connection, state: live.StormState, spec: WarningArea | DrawnPolygon | Buffer
) -> tuple[shapely.Geometry, dict[str, object]]:
    """The area (EPSG:4326) and a description of it for the response."""
    if not isinstance(spec, WarningArea):
        area = drawn_area(spec)
        return area, spec.model_dump(exclude={"geometry"}) | {"area_km2": area_km2(area)}
    moment = await live.resolve(conn, spec.event, spec.at)
    area = (await live.surface_at(conn, state, moment.event, moment.at)).area_at_least(spec.level)
    if area.is_empty:
        raise Unprocessable(
            f"no {spec.level} (or graver) warning area in event {moment.event!r} at {moment.at.isoformat()}",
            field="hazard.level",
        )
    described = {"kind": "warning", "level": spec.level, "event": moment.event, "at": moment.at.isoformat()}
    return area, described | {"area_km2": area_km2(area)}

"""周边分析: what lies within rings around a point (an accident), counted per ring and listed nearest first.

Distances are on the WGS-84 spheroid (geography); a degree box a little larger than the outer ring lets every table
use its GiST index first, so the cost grows with what is near, not with the size of the tables. Counts are complete;
lists are capped at `limit` per kind (a commander cannot read 75 000 rows, and they would dominate the response), so
each kind says how many it lists and whether that is `truncated`. Enterprises are counted from a local metric
approximation of the distance, exact (geography) only near a ring's edge, and listed by the index's KNN order.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import asyncpg
import numpy as np
import orjson
import shapely

from app.storm.grid import shape_to_lonlat, shape_to_metric
from layers.styles import TIER_ORDER
from layers.vocab import HAZCHEM_TAGS

SQL = (Path(__file__).parent / "sql" / "nearby.sql").read_text(encoding="utf-8")
KINDS = ("enterprise", "vulnerable_site", "shelter", "depot", "rescue_team")
TIERS = [tier.value for tier in TIER_ORDER]
UNTIERED = "untiered"
METRES_PER_DEGREE_LAT = 110_574.0  # the smallest (at the equator): the box errs on the large side
METRES_PER_DEGREE_LON_EQUATOR = 111_320.0
BOX_MARGIN = 1.01
WGS84_A, WGS84_E2 = 6_378_137.0, 0.006_694_379_990_14
KNN_FACTOR, KNN_EXTRA = 2, 64  # candidates taken in degree order for `limit` items in metre order


def metres_per_degree(lat: float) -> tuple[float, float]:
    """Metres per degree of longitude (to multiply by the cosine of the latitude) and of latitude at `lat`."""
    sin2 = math.sin(math.radians(lat)) ** 2
    n = WGS84_A / math.sqrt(1 - WGS84_E2 * sin2)
    m = WGS84_A * (1 - WGS84_E2) / (1 - WGS84_E2 * sin2) ** 1.5
    return math.radians(n), math.radians(m)


def approximation_margin(lat: float, outer_m: float) -> float:
    """Metres around a radius within which the local approximation is not trusted (it is off by centimetres at
    5 km here; the margin is hundreds of times that). Far from the equator's middle latitudes: every point exact."""
    return 1.0 + outer_m * 1e-3 if abs(lat) <= 70 else 1e9


def search_box(lat: float, radius_m: float) -> tuple[float, float]:
    """Half-width and half-height in degrees of a box that surely holds the circle."""
    dlat = radius_m / METRES_PER_DEGREE_LAT * BOX_MARGIN
    widest = min(89.0, abs(lat) + dlat)
    return radius_m / (METRES_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(widest))) * BOX_MARGIN, dlat


def ring_polygons(lon: float, lat: float, radii_m: list[float]) -> dict[str, Any]:
    centre = shape_to_metric(shapely.Point(lon, lat))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ring": i + 1, "radius_km": radius / 1000},
                "geometry": orjson.loads(shapely.to_geojson(shape_to_lonlat(centre.buffer(radius, quad_segs=32)))),
            }
            for i, radius in enumerate(radii_m)
        ],
    }


async def nearby(conn: asyncpg.Connection, lon: float, lat: float, radii_m: list[float], limit: int) -> dict[str, Any]:
    dlon, dlat = search_box(lat, radii_m[-1])
    outer_in = [-radius for radius in reversed(radii_m)]
    kx, ky = metres_per_degree(lat)
    candidates = KNN_FACTOR * limit + KNN_EXTRA
    margin = approximation_margin(lat, radii_m[-1])
    args = (lon, lat, dlon, dlat, radii_m[-1], outer_in, limit, candidates, kx, ky, margin, list(HAZCHEM_TAGS))
    rows = await conn.fetch(SQL, *args)
    kinds: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        rings = [
            {"ring": i + 1, "radius_km": radius / 1000, "count": 0, "major_hazard": 0, "hazchem": 0}
            | ({"by_tier": dict.fromkeys([*TIERS, UNTIERED], 0)} if kind == "enterprise" else {})
            for i, radius in enumerate(radii_m)
        ]
        kinds[kind] = {"total": 0, "rings": rings, "items": []}
    for row in rows:
        entry = kinds[row["kind"]]
        if row["item"] is not None:
            entry["items"].append(row["item"])
            continue
        ring = entry["rings"][row["ring"] - 1]
        ring["count"] += row["n"]
        entry["total"] += row["n"]
        if row["kind"] == "enterprise":
            ring["by_tier"][row["tier"] or UNTIERED] += row["n"]
            ring["major_hazard"] += row["major_hazard"]
            ring["hazchem"] += row["hazchem"]
    for entry in kinds.values():
        entry["items"].sort(key=lambda item: (item["distance_m"], item["id"]))
        entry["listed"] = len(entry["items"])
        entry["truncated"] = entry["listed"] < entry["total"]
        cumulative = np.cumsum([ring["count"] for ring in entry["rings"]])
        for ring, within in zip(entry["rings"], cumulative.tolist(), strict=True):
            ring["within"] = within
            if "by_tier" not in ring:
                del ring["major_hazard"], ring["hazchem"]
    return {"kinds": kinds, "rings": ring_polygons(lon, lat, radii_m)}

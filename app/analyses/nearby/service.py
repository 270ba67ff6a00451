"""周边分析: what lies within rings around a point (an accident), counted per ring and listed nearest first.

Distances are on the WGS-84 spheroid (geography); a degree box a little larger than the outer ring lets every table
use its GiST index first, so the cost grows with what is near, not with the size of the tables.
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
    rows = await conn.fetch(SQL, lon, lat, dlon, dlat, radii_m[-1], outer_in, limit, list(HAZCHEM_TAGS))
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
        cumulative = np.cumsum([ring["count"] for ring in entry["rings"]])
        for ring, within in zip(entry["rings"], cumulative.tolist(), strict=True):
            ring["within"] = within
            if "by_tier" not in ring:
                del ring["major_hazard"], ring["hazchem"]
    return {"kinds": kinds, "rings": ring_polygons(lon, lat, radii_m)}

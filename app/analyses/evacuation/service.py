"""转移避险 plan: who moves (groups of people), to which open shelter outside the hazard area, how far, who organises.

Shelters inside the hazard area are never used; a shelter's room is its capacity minus its occupancy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import asyncpg
import numpy as np
import shapely

from app.analyses.evacuation.solver import TravelDistance, assign
from app.storm.grid import to_metric

SQL = {path.stem: path.read_text(encoding="utf-8") for path in (Path(__file__).parent / "sql").glob("*.sql")}
PeopleSource = Literal["threatened", "geohazard", "flood_spot", "population"]
ORIGIN_QUERIES: dict[str, tuple[str, ...]] = {
    "threatened": ("origins_geohazard", "origins_flood_spot"),
    "geohazard": ("origins_geohazard",),
    "flood_spot": ("origins_flood_spot",),
    "population": ("origins_population",),
}
REASONS = {
    "no_shelter_in_reach": ("{km} km 内没有尚有余位的开放避难场所", "no open shelter with room within {km} km"),
    "capacity_exhausted": (
        "{km} km 内的避难场所已被其他转移群众占满",
        "the shelters within {km} km are filled by other groups",
    ),
}


def _metres(rows: list[dict[str, Any]]) -> np.ndarray:
    if not rows:
        return np.zeros((0, 2))
    return np.column_stack(to_metric([r["lon"] for r in rows], [r["lat"] for r in rows]))


def _origin(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("origin_type", "id", "name", "town_code", "town", "organiser", "organiser_phone")
    return {("origin_id" if key == "id" else "origin_name" if key == "name" else key): row[key] for key in keys}


async def evacuation_plan(
    conn: asyncpg.Connection,
    area: shapely.Geometry,
    people: PeopleSource,
    max_km: float,
    travel: TravelDistance,
) -> dict[str, Any]:
    wkb = shapely.to_wkb(area)
    origins = [dict(row) for name in ORIGIN_QUERIES[people] for row in await conn.fetch(SQL[name], wkb)]
    shelters = [dict(row) for row in await conn.fetch(SQL["shelters"], wkb)]
    usable = [s for s in shelters if s["usable"]]
    rows, cols, km = travel.pairs(_metres(origins), _metres(usable), max_km)
    demand = np.array([o["people"] for o in origins], dtype=np.int64)
    room = np.array([s["free"] for s in usable], dtype=np.int64)
    plan = assign(demand, room, rows, cols, km)

    assignments, lines = [], []
    for i, j, moved, distance in zip(plan.origin, plan.shelter, plan.people, plan.km, strict=True):
        origin, shelter = origins[i], usable[j]
        row = _origin(origin) | {
            "people": int(moved),
            "shelter_id": shelter["id"],
            "shelter_name": shelter["name"],
            "shelter_town": shelter["town"],
            "shelter_manager": shelter["manager"],
            "shelter_phone": shelter["manager_phone"],
            "distance_km": round(float(distance), 2),
        }
        assignments.append(row)
        lines.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[origin["lon"], origin["lat"]], [shelter["lon"], shelter["lat"]]],
                },
                "properties": row,
            }
        )
    left_over = []
    for i in np.flatnonzero(plan.unassigned > 0):
        reason = "capacity_exhausted" if plan.in_reach[i] else "no_shelter_in_reach"
        zh, en = (text.format(km=f"{max_km:g}") for text in REASONS[reason])
        left_over.append(
            _origin(origins[i])
            | {"people": int(plan.unassigned[i]), "reason": reason, "reason_zh": zh, "reason_en": en}
            | {"lon": origins[i]["lon"], "lat": origins[i]["lat"]}
        )
    assigned = int(plan.people.sum())
    person_km = float(plan.people @ plan.km)
    return {
        "summary": {
            "groups": len(origins),
            "people": int(demand.sum()),
            "assigned": assigned,
            "unassigned": int(demand.sum()) - assigned,
            "person_km": round(person_km, 1),
            "mean_km": round(person_km / assigned, 2) if assigned else None,
            "max_km": round(float(plan.km.max()), 2) if len(plan.km) else None,
            "shelters_used": len(set(plan.shelter.tolist())),
            "shelters_available": len(usable),
            "shelters_inside_area": len(shelters) - len(usable),
            "room_available": int(room.sum()),
        },
        "assignments": assignments,
        "unassigned": left_over,
        "lines": {"type": "FeatureCollection", "features": lines},
    }

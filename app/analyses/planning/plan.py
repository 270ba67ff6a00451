"""One siting run from a request: gather demand, existing sites and candidates from PostGIS, refuse what cannot
be planned (422 with the reason), solve off the event loop, and report coverage before and after.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg
import numpy as np
import pandas as pd

from app.analyses.planning.data import SQL, frame
from app.analyses.planning.schemas import CandidateCollection, SitingRequest
from app.analyses.planning.siting import SitingProblem, solve
from app.analyses.planning.standards import CITY_CODE, MIN_SITE_AREA_M2, SHELTER_LEVELS
from app.analyses.planning.travel import StraightLine, to_metric
from app.errors import ServiceUnavailable, Unprocessable

SITE_COLUMNS = ["source", "source_id", "name", "area_m2", "lon", "lat"]
SITE_TABLE_COLUMNS = ["is_new", "source", "source_id", "name", "capacity", "covered_population", "lon", "lat"]
OBJECTIVE_UNITS = {"mclp": "people", "lscp": "new sites", "p_median": "people × {unit}", "p_center": "{unit}"}
# Grid-cell candidates are thinned to one per block a quarter of the reach wide: a site anywhere in such a block
# covers nearly the same people, and a depot's 7 km reach over 10k cells would otherwise mean millions of pairs.
GRID_BLOCK_SHARE_OF_REACH = 0.25


def percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 2) if whole else None


@dataclass(frozen=True)
class PlanResult:
    """The run's summary and its selected sites (existing kept and new), one row per site."""

    summary: dict[str, object]
    sites: pd.DataFrame  # SITE_TABLE_COLUMNS


async def plan_sites(conn: asyncpg.Connection, request: SitingRequest) -> PlanResult:
    travel, limit = request.travel(), request.limit()
    demand = await study_area_demand(conn, request)
    existing = await existing_sites(conn, request)
    candidates = await candidate_sites(conn, request, limit * travel.metres_per_unit)
    if request.k is not None and request.k > len(candidates):
        raise Unprocessable(f"k = {request.k} exceeds the {len(candidates)} candidate sites", field="k")

    demand_xy, existing_xy = to_metric(demand["lon"], demand["lat"]), to_metric(existing["lon"], existing["lat"])
    weights = demand["population"].to_numpy(float)
    serving = serves_study_area(travel, limit, demand_xy, existing_xy)
    kept = existing[serving] if request.keep_existing else existing.iloc[:0]
    sites = pd.concat([kept.assign(is_new=False), candidates.assign(is_new=True)], ignore_index=True)
    capacity = site_capacity(sites, request)
    problem = SitingProblem(
        demand=demand_xy,
        weights=weights,
        sites=to_metric(sites["lon"], sites["lat"]),
        fixed=~sites["is_new"].to_numpy(bool),
        limit=limit,
        travel=travel,
        k=request.k,
        capacity=capacity if request.capacity_aware else None,
    )
    solution = await asyncio.to_thread(solve, problem, request.model, request.engine, request.time_limit_s)

    population = float(weights.sum())
    covered_before = float(weights[travel.nearest(demand_xy, existing_xy)[0] <= limit].sum())
    covered_after = float(weights[problem.covered(solution.selected)].sum())
    chosen = sites[solution.selected].assign(
        capacity=[int(c) for c in capacity[solution.selected]] if capacity is not None else None,
        covered_population=(weights @ problem.cover)[solution.selected].astype(int),
    )
    objective_unit = OBJECTIVE_UNITS[request.model].format(unit=travel.unit)
    if request.capacity_aware and request.model == "mclp":
        objective_unit = "people served within capacity"
    summary: dict[str, object] = {
        "status": solution.status,
        "facility": request.facility,
        "model": request.model,
        "engine": solution.engine,
        "level": request.shelter_class if request.facility == "shelter" else request.depot_level,
        "limit": limit,
        "limit_unit": travel.unit,
        "travel": travel.describe(),
        "capacity_aware": request.capacity_aware,
        "town_codes": request.town_codes,
        "k": request.k,
        "candidates": len(candidates),
        "existing": len(existing),
        "existing_kept": len(kept),
        "new_sites": int(chosen["is_new"].sum()),
        "population": round(population),
        "covered_before": round(covered_before),
        "covered_after": round(covered_after),
        "covered_pct_before": percent(covered_before, population),
        "covered_pct_after": percent(covered_after, population),
        "unreachable_population": round(float(weights[~problem.coverable].sum())),
        "objective": round(solution.objective, 3),
        "objective_unit": objective_unit,
        "gap": solution.gap,
        "solve_seconds": round(solution.seconds, 3),
    }
    return PlanResult(summary, chosen[SITE_TABLE_COLUMNS].reset_index(drop=True))


async def study_area_demand(conn: asyncpg.Connection, request: SitingRequest) -> pd.DataFrame:
    """Populated cells of the study area (the towns named, or the city): empty cells need no cover."""
    if request.town_codes:
        known = set((await frame(conn, "towns"))["code"])
        unknown = sorted(set(request.town_codes) - known)
        if unknown:
            raise Unprocessable(f"unknown town codes: {', '.join(unknown)}", field="town_codes")
    cells = await frame(conn, "demand_cells", request.town_codes)
    demand = cells[cells["population"] > 0]
    if demand.empty:
        raise Unprocessable("nobody lives in the study area: there is no demand to cover", field="town_codes")
    return demand


async def existing_sites(conn: asyncpg.Connection, request: SitingRequest) -> pd.DataFrame:
    """Shelters of the requested class and above (they serve that level too), or all depots."""
    if request.facility == "depot":
        depots = await frame(conn, "depots")
        return depots.assign(source="depot", source_id=depots["id"].astype(str), area_m2=np.nan)[SITE_COLUMNS]
    shelters = await frame(conn, "shelters")
    shelters = shelters[
        shelters["shelter_class"].map(SHELTER_LEVELS.index) >= SHELTER_LEVELS.index(request.shelter_class)
    ]
    ids, areas = shelters["id"].astype(str), shelters["effective_area_m2"]
    return shelters.assign(source="shelter", source_id=ids, area_m2=areas)[SITE_COLUMNS]


async def candidate_sites(conn: asyncpg.Connection, request: SitingRequest, reach_m: float) -> pd.DataFrame:
    """Uploaded sites (which must lie in the city) and the sites proposed by `candidate_sources`."""
    uploaded = uploaded_sites(request.candidates)
    if len(uploaded):
        await refuse_sites_outside_city(conn, uploaded)
    proposed = await frame(conn, "candidate_sites", request.candidate_sources, request.town_codes)
    candidates = pd.concat([uploaded, thin_grid_cells(proposed, reach_m)[SITE_COLUMNS]], ignore_index=True)
    if candidates.empty:
        raise Unprocessable(
            "no candidate sites: upload candidates or name candidate_sources that hold sites in the study area",
            field="candidates",
        )
    return candidates


def uploaded_sites(collection: CandidateCollection | None) -> pd.DataFrame:
    rows = []
    for position, feature in enumerate(collection.features if collection else [], start=1):
        properties = feature.properties
        rows.append(
            {
                "source": "upload",
                "source_id": str(feature.id if feature.id is not None else position),
                "name": (properties and properties.name) or f"候选点 {position}",
                "area_m2": properties.effective_area_m2 if properties else None,
                "lon": feature.geometry.coordinates[0],
                "lat": feature.geometry.coordinates[1],
            }
        )
    return pd.DataFrame(rows, columns=SITE_COLUMNS)


async def refuse_sites_outside_city(conn: asyncpg.Connection, uploaded: pd.DataFrame) -> None:
    row = await conn.fetchrow(SQL["outside_city"], uploaded["lon"].tolist(), uploaded["lat"].tolist(), CITY_CODE)
    if not row["city_loaded"]:
        raise ServiceUnavailable(f"the city boundary (admin_area {CITY_CODE}) is not loaded")
    outside = row["outside"]
    if outside:
        positions = ", ".join(map(str, outside[:10])) + (" …" if len(outside) > 10 else "")
        raise Unprocessable(
            f"{len(outside)} candidate sites lie outside the city (admin_area {CITY_CODE}): features {positions}",
            field="candidates",
            outside=outside,
        )


def thin_grid_cells(proposed: pd.DataFrame, reach_m: float) -> pd.DataFrame:
    """Keep the most populous grid-cell candidate per block (see GRID_BLOCK_SHARE_OF_REACH); others pass as they are."""
    grid = proposed["source"] == "grid_cell"
    if not grid.any():
        return proposed
    cells = proposed[grid].sort_values("population", ascending=False)
    block = np.floor(to_metric(cells["lon"], cells["lat"]) / (reach_m * GRID_BLOCK_SHARE_OF_REACH)).astype(int)
    first_in_block = ~pd.DataFrame(block).duplicated().to_numpy()
    return pd.concat([proposed[~grid], cells[first_in_block].sort_index()])


def serves_study_area(travel: StraightLine, limit: float, demand_xy: np.ndarray, existing_xy: np.ndarray) -> np.ndarray:
    """Existing sites that matter to the study area: within reach of a demand point, or the nearest to one."""
    serving = np.zeros(len(existing_xy), dtype=bool)
    serving[travel.reach(demand_xy, existing_xy, limit).indices] = True
    nearest = travel.nearest(demand_xy, existing_xy)[1]
    serving[nearest[nearest >= 0]] = True
    return serving


def site_capacity(sites: pd.DataFrame, request: SitingRequest) -> np.ndarray | None:
    """People a shelter holds at the requested level: effective area ÷ per-capita area (GB 50413's minimum site
    area for a new site without one). Depots have no capacity in people."""
    if request.facility == "depot":
        return None
    area = sites["area_m2"].astype(float).fillna(request.new_site_area_m2 or MIN_SITE_AREA_M2[request.shelter_class])
    return np.floor(area.to_numpy() / request.shelter_per_capita_m2())

"""Who is covered today: population (grid-cell centroids) within a shelter's service radius or a depot's travel time,
and supply against demand per town. Reads PostGIS once, computes in metres (travel.py), answers in tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import numpy as np
import pandas as pd

from app.analyses.planning.data import frame
from app.analyses.planning.schemas import DepotCoverageParams, ShelterCoverageParams
from app.analyses.planning.standards import GB21734_MIN_PER_CAPITA_M2, SHELTER_LEVELS
from app.analyses.planning.travel import StraightLine, to_metric
from layers.vocab import DEPOT_ITEMS


@dataclass(frozen=True)
class Coverage:
    """City summary, one row per town (the CSV), per-cell flags (the map layer) and, for depots, one row per depot."""

    summary: dict[str, object]
    towns: pd.DataFrame
    cells: pd.DataFrame
    depots: pd.DataFrame | None = None


def ratio(numerator: float, denominator: float, digits: int = 4) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


async def shelter_coverage(conn: asyncpg.Connection, params: ShelterCoverageParams) -> Coverage:
    cells, shelters, towns = (
        await frame(conn, "demand_cells", None),
        await frame(conn, "shelters"),
        await frame(conn, "towns"),
    )
    return compute_shelter_coverage(cells, shelters, towns, params)


def compute_shelter_coverage(
    cells: pd.DataFrame, shelters: pd.DataFrame, towns: pd.DataFrame, params: ShelterCoverageParams
) -> Coverage:
    """A cell is covered at a level when a shelter of that class or above lies within the level's radius; capacity
    at a level is effective area ÷ the level's per-capita area, over the same shelters."""
    cell_xy, shelter_xy = to_metric(cells["lon"], cells["lat"]), to_metric(shelters["lon"], shelters["lat"])
    rank = shelters["shelter_class"].map(SHELTER_LEVELS.index).to_numpy()
    flags = cells[["id", "town_code", "population"]].copy()
    supply = shelters[["town_code", "effective_area_m2"]].assign(shelters=1)
    for level_rank, level in enumerate(SHELTER_LEVELS):
        serving = rank >= level_rank
        nearest_m, _ = StraightLine().nearest(cell_xy, shelter_xy[serving])
        flags[f"{level}_nearest_m"] = np.round(nearest_m, 1)
        flags[f"{level}_covered"] = nearest_m <= params.radius_m(level)
        capacity = np.floor(shelters["effective_area_m2"].to_numpy(float) / params.per_capita_m2(level))
        supply[f"{level}_capacity"] = np.where(serving, capacity, 0)

    covered = {f"{level}_covered": flags["population"] * flags[f"{level}_covered"] for level in SHELTER_LEVELS}
    people = flags[["town_code", "population"]].assign(**covered).groupby("town_code").sum()
    provision = supply.groupby("town_code").sum()
    names = towns.set_index("code")["name"].rename("town_name").rename_axis("town_code")
    town_rows = names.to_frame().join(people).join(provision).fillna(0).reset_index()
    city = pd.concat([people.sum(), provision.sum()]).to_frame().T
    summary = {
        "radius_m": {level: params.radius_m(level) for level in SHELTER_LEVELS},
        "per_capita_m2": {level: params.per_capita_m2(level) for level in SHELTER_LEVELS},
        "notes": [
            f"{level}: {params.per_capita_m2(level):g} m² per person is not above GB 21734's 1.5 m²"
            for level in ("fixed", "central")
            if params.per_capita_m2(level) <= GB21734_MIN_PER_CAPITA_M2
        ],
        **supply_and_demand(city).to_dict("records")[0],
    }
    return Coverage(summary, supply_and_demand(town_rows), flags)


def supply_and_demand(table: pd.DataFrame) -> pd.DataFrame:
    """People, shelters and capacity sums → the published columns: covered and uncovered people, percentages,
    area per person and capacity ÷ population per level."""
    population = table["population"].where(table["population"] > 0)
    out = table.filter(["town_code", "town_name"]).assign(
        population=table["population"].astype(int),
        shelters=table["shelters"].astype(int),
        effective_area_m2=table["effective_area_m2"].round().astype(int),
        area_per_capita_m2=(table["effective_area_m2"] / population).round(4),
    )
    for level in SHELTER_LEVELS:
        covered, capacity = table[f"{level}_covered"].astype(int), table[f"{level}_capacity"].astype(int)
        out[f"{level}_covered"] = covered
        out[f"{level}_uncovered"] = out["population"] - covered
        out[f"{level}_covered_pct"] = (100 * covered / population).round(2)
        out[f"{level}_capacity"] = capacity
        out[f"{level}_supply_ratio"] = (capacity / population).round(4)
    return out


async def depot_coverage(conn: asyncpg.Connection, params: DepotCoverageParams) -> Coverage:
    cells, depots, stock, towns = (
        await frame(conn, "demand_cells", None),
        await frame(conn, "depots"),
        await frame(conn, "depot_stock"),
        await frame(conn, "towns"),
    )
    return compute_depot_coverage(cells, depots, stock, towns, params)


def compute_depot_coverage(
    cells: pd.DataFrame, depots: pd.DataFrame, stock: pd.DataFrame, towns: pd.DataFrame, params: DepotCoverageParams
) -> Coverage:
    """A cell is covered when some depot reaches it within that depot's level limit, and served by the quickest of
    those: a depot's stock per capita is its stock over the people it serves. Depots are few: a dense matrix."""
    travel = params.travel()
    cell_xy, depot_xy = to_metric(cells["lon"], cells["lat"]), to_metric(depots["lon"], depots["lat"])
    population = cells["population"].to_numpy(float)
    limits = depots["level"].map(params.hours).to_numpy(float)
    hours = travel.costs(cell_xy, depot_xy)
    within = hours <= limits
    covered = within.any(axis=1)
    serving = np.where(within, hours, np.inf).argmin(axis=1) if len(depots) else np.zeros(len(cells), dtype=int)
    nearest_h = hours.min(axis=1) if len(depots) else np.full(len(cells), np.inf)
    flags = cells[["id", "town_code", "population"]].assign(covered=covered, nearest_h=np.round(nearest_h, 3))

    items = [item for item in DEPOT_ITEMS if item in set(stock["item"])]
    quantities = stock.pivot_table(index="depot_id", columns="item", values="quantity", aggfunc="sum")
    quantities = quantities.reindex(index=depots["id"], columns=items).fillna(0)
    depot_rows = depots[["id", "name", "level", "town_code"]].assign(
        hours_limit=limits,
        reach_km=np.round(limits * travel.metres_per_unit / 1000, 1),
        population_within_reach=(population @ within).astype(int),
        population_served=np.bincount(serving[covered], population[covered], minlength=len(depots)).astype(int),
    )
    for item in items:
        depot_rows[item] = quantities[item].to_numpy(int)
        served = depot_rows["population_served"]
        depot_rows[f"{item}_per_capita"] = (depot_rows[item] / served.where(served > 0)).round(6)

    weighted = flags.assign(covered=flags["population"] * covered, person_hours=flags["population"] * nearest_h)
    sums = {"population": "sum", "covered": "sum", "person_hours": "sum", "nearest_h": "max"}
    names = towns.set_index("code")["name"].rename("town_name").rename_axis("town_code")
    town_rows = names.to_frame().join(weighted.groupby("town_code").agg(sums)).reset_index()
    town_rows = town_rows.fillna({"population": 0, "covered": 0, "person_hours": 0})
    city = weighted.agg(sums).to_frame().T
    total_population = float(population.sum())
    summary = {
        "hours": {level: params.hours(level) for level in ("village", "town", "city")},
        "travel": travel.describe(),
        "depots": len(depots),
        **reach(city).to_dict("records")[0],
        "stock": [
            {
                "item": item,
                "label_zh": DEPOT_ITEMS[item][0],
                "label_en": DEPOT_ITEMS[item][1],
                "unit_zh": DEPOT_ITEMS[item][2],
                "quantity": int(depot_rows[item].sum()),
                "per_capita": ratio(float(depot_rows[item].sum()), total_population, 6),
            }
            for item in items
        ],
    }
    return Coverage(summary, reach(town_rows), flags, depot_rows)


def reach(table: pd.DataFrame) -> pd.DataFrame:
    """People and person-hours sums → covered and uncovered people, percentage, mean and worst hours to a depot."""
    population = table["population"].where(table["population"] > 0)
    return table.filter(["town_code", "town_name"]).assign(
        population=table["population"].astype(int),
        covered=table["covered"].astype(int),
        uncovered=(table["population"] - table["covered"]).astype(int),
        covered_pct=(100 * table["covered"] / population).round(2),
        mean_hours_to_nearest=(table["person_hours"] / population).round(3),
        max_hours_to_nearest=table["nearest_h"].round(3),
    )

"""Planning routes (/api/planning): shelter and depot coverage, siting (MCLP, LSCP, p-median, p-center) and saved
scenarios compared side by side. Tables come as JSON or CSV, map layers and sites as GeoJSON.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import asyncpg
import orjson
import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Response

from app.analyses.planning.coverage import Coverage, depot_coverage, shelter_coverage
from app.analyses.planning.data import SQL
from app.analyses.planning.export import GEOJSON, csv_response, sites_feature_collection
from app.analyses.planning.plan import plan_sites
from app.analyses.planning.scenarios import delete_scenario, save_scenario, scenario_rows, scenario_sites
from app.analyses.planning.schemas import DepotCoverageParams, ScenarioCreate, ShelterCoverageParams, SitingRequest
from app.analyses.planning.standards import ShelterLevel
from app.auth.roles import Role
from app.deps import PoolDep, require_role

router = APIRouter(prefix="/api/planning", tags=["planning"])

TableFormat = Annotated[Literal["json", "csv"], Query(alias="format")]
SitesFormat = Annotated[Literal["geojson", "csv"], Query(alias="format")]
ScenarioId = Annotated[int, Path(ge=1)]
PLANNERS = frozenset({Role.admin, Role.planner})  # who may save and delete scenarios; anyone may run a siting


def geojson_response(document: dict[str, object]) -> Response:
    return Response(orjson.dumps(document), media_type=GEOJSON)


async def cells_geojson(conn: asyncpg.Connection, cells: pd.DataFrame, nearest: str) -> Response:
    """The cells as a GeoJSON layer with their `covered` flag and the cost to the nearest site (column `nearest`)."""
    cost = [c if math.isfinite(c) else None for c in cells[nearest]]
    text = await conn.fetchval(SQL["coverage_cells"], cells["id"].tolist(), cells["covered"].tolist(), cost, nearest)
    return Response(text, media_type=GEOJSON)


async def scenario_document(conn: asyncpg.Connection, scenario_id: int) -> dict[str, object]:
    [scenario] = await scenario_rows(conn, [scenario_id], full=True)
    return scenario | {"sites": sites_feature_collection(await scenario_sites(conn, [scenario_id], new_only=False))}


def coverage_body(coverage: Coverage) -> dict[str, object]:
    body = {"summary": coverage.summary, "towns": coverage.towns.to_dict("records")}
    return body if coverage.depots is None else body | {"depots": coverage.depots.to_dict("records")}


@router.get("/shelters/coverage", operation_id="planningShelterCoverage")
async def get_shelter_coverage(
    pool: PoolDep, params: Annotated[ShelterCoverageParams, Query()], output: TableFormat = "json"
):
    """People within each shelter level's service radius, and capacity against population per town."""
    async with pool.acquire() as conn:
        coverage = await shelter_coverage(conn, params)
    return csv_response(coverage.towns, "shelter_coverage.csv") if output == "csv" else coverage_body(coverage)


@router.get("/shelters/coverage/cells", operation_id="planningShelterCoverageCells")
async def get_shelter_coverage_cells(
    pool: PoolDep,
    params: Annotated[ShelterCoverageParams, Query()],
    level: ShelterLevel = "emergency",
    uncovered_only: bool = False,
) -> Response:
    """The map layer: population cells with `covered` at one level and `nearest_m` to a shelter serving it."""
    async with pool.acquire() as conn:
        cells = (await shelter_coverage(conn, params)).cells
        cells = cells.rename(columns={f"{level}_covered": "covered", f"{level}_nearest_m": "nearest_m"})
        return await cells_geojson(conn, cells[~cells["covered"]] if uncovered_only else cells, "nearest_m")


@router.get("/depots/coverage", operation_id="planningDepotCoverage")
async def get_depot_coverage(
    pool: PoolDep,
    params: Annotated[DepotCoverageParams, Query()],
    output: TableFormat = "json",
    table: Annotated[Literal["towns", "depots"], Query(description="Which table the CSV holds")] = "towns",
):
    """People a depot reaches within its level's hours, and stock of the key items per person served."""
    async with pool.acquire() as conn:
        coverage = await depot_coverage(conn, params)
    if output == "csv":
        return csv_response(coverage.towns if table == "towns" else coverage.depots, f"depot_coverage_{table}.csv")
    return coverage_body(coverage)


@router.get("/depots/coverage/cells", operation_id="planningDepotCoverageCells")
async def get_depot_coverage_cells(
    pool: PoolDep, params: Annotated[DepotCoverageParams, Query()], uncovered_only: bool = False
) -> Response:
    """The map layer: population cells with `covered` and `nearest_h` to the nearest depot."""
    async with pool.acquire() as conn:
        cells = (await depot_coverage(conn, params)).cells
        return await cells_geojson(conn, cells[~cells["covered"]] if uncovered_only else cells, "nearest_h")


@router.post("/siting", operation_id="planningSiting")
async def post_siting(
    pool: PoolDep,
    request: SitingRequest,
    output: Annotated[Literal["json", "geojson", "csv"], Query(alias="format")] = "json",
):
    """Choose new sites; 200 with status "optimal", or "time_limit" and the best solution found in time."""
    async with pool.acquire() as conn:
        result = await plan_sites(conn, request)
    if output == "csv":
        return csv_response(result.sites, "planned_sites.csv")
    if output == "geojson":
        return geojson_response(sites_feature_collection(result.sites))
    return result.summary | {"sites": sites_feature_collection(result.sites)}


@router.post(
    "/scenarios",
    status_code=201,
    operation_id="planningScenarioCreate",
    dependencies=[Depends(require_role(PLANNERS))],
)
async def post_scenario(pool: PoolDep, body: ScenarioCreate, response: Response):
    """Run a siting request and save it with its sites as a named scenario."""
    async with pool.acquire() as conn:
        result = await plan_sites(conn, body.siting)
        scenario_id = await save_scenario(conn, body, result)
        document = await scenario_document(conn, scenario_id)
    response.headers["Location"] = f"{router.prefix}/scenarios/{scenario_id}"
    return document


@router.get("/scenarios", operation_id="planningScenarioList")
async def get_scenarios(pool: PoolDep):
    async with pool.acquire() as conn:
        return {"scenarios": await scenario_rows(conn, None, full=False)}


@router.get("/scenarios/compare", operation_id="planningScenarioCompare")
async def get_scenario_comparison(
    pool: PoolDep,
    ids: Annotated[list[int], Query(min_length=2, max_length=10, description="Scenario ids, in column order")],
    output: TableFormat = "json",
):
    """Scenarios side by side: covered population before and after, new sites, cost proxy, and the new sites."""
    async with pool.acquire() as conn:
        rows = await scenario_rows(conn, ids, full=False)
        sites = await scenario_sites(conn, ids, new_only=True)
    if output == "csv":
        return csv_response(pd.DataFrame(rows), "scenario_comparison.csv")
    by_scenario = dict(tuple(sites.groupby("scenario_id")))
    empty = sites.iloc[:0]
    return {
        "scenarios": [
            row | {"new_sites_geojson": sites_feature_collection(by_scenario.get(row["id"], empty))} for row in rows
        ]
    }


@router.get("/scenarios/{scenario_id}", operation_id="planningScenario")
async def get_scenario(pool: PoolDep, scenario_id: ScenarioId):
    async with pool.acquire() as conn:
        return await scenario_document(conn, scenario_id)


@router.get("/scenarios/{scenario_id}/sites", operation_id="planningScenarioSites")
async def get_scenario_sites(pool: PoolDep, scenario_id: ScenarioId, output: SitesFormat = "geojson"):
    """The selected sites for GIS (GeoJSON) or Excel (CSV); `is_new` tells the new from the kept."""
    async with pool.acquire() as conn:
        await scenario_rows(conn, [scenario_id], full=False)
        sites = await scenario_sites(conn, [scenario_id], new_only=False)
    if output == "csv":
        return csv_response(sites, f"scenario_{scenario_id}_sites.csv")
    return geojson_response(sites_feature_collection(sites))


@router.delete(
    "/scenarios/{scenario_id}",
    status_code=204,
    operation_id="planningScenarioDelete",
    dependencies=[Depends(require_role(PLANNERS))],
)
async def delete_scenario_route(pool: PoolDep, scenario_id: ScenarioId) -> Response:
    async with pool.acquire() as conn:
        await delete_scenario(conn, scenario_id)
    return Response(status_code=204)

"""POST /api/analyses/evacuation: the 转移避险 plan for a hazard area."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.analyses.evacuation.service import PeopleSource, evacuation_plan
from app.analyses.evacuation.solver import StraightLineDetour
from app.analyses.impact.hazard import HazardSpec, hazard_area
from app.deps import PoolDep
from app.responses import ORJSONResponse
from app.storm.router import StateDep

router = APIRouter(tags=["analyses"])


class EvacuationRequest(BaseModel):
    hazard: HazardSpec
    people: PeopleSource = Field(
        default="threatened",
        description="threatened = geohazard points' threatened people + residents near flood black-spots; "
        "population = everyone in the area from the population grid",
    )
    max_distance_km: float = Field(default=10.0, gt=0, le=100, description="Longest travel distance offered")
    detour_factor: float = Field(default=1.3, ge=1.0, le=3.0, description="Travel / straight-line distance")


@router.post("/api/analyses/evacuation", operation_id="evacuationPlan", summary="转移避险: people to shelters")
async def evacuation(pool: PoolDep, state: StateDep, body: EvacuationRequest) -> ORJSONResponse:
    travel = StraightLineDetour(body.detour_factor)
    async with pool.acquire() as conn:
        area, described = await hazard_area(conn, state, body.hazard)
        plan = await evacuation_plan(conn, area, body.people, body.max_distance_km, travel)
    parameters = {"people": body.people, "max_distance_km": body.max_distance_km, "travel": travel.describe()}
    return ORJSONResponse({"hazard": described, "parameters": parameters} | plan)

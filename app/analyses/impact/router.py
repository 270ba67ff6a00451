"""POST /api/analyses/impact: what a hazard area (warning, drawn polygon or buffer) holds, per town and overall."""

from __future__ import annotations

import orjson
import shapely
from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.analyses.impact.hazard import HazardSpec, hazard_area
from app.analyses.impact.service import DisplacedBasis, ReliefNorms, impact
from app.deps import PoolDep
from app.responses import ORJSONResponse
from app.storm.router import StateDep

router = APIRouter(tags=["analyses"])


class ImpactRequest(BaseModel):
    hazard: HazardSpec
    norms: ReliefNorms = Field(default_factory=ReliefNorms)
    displaced: DisplacedBasis = Field(
        default="threatened",
        description="Who needs relief: people threatened by geohazards and living by flood black-spots, "
        "or everyone in the area (population grid)",
    )
    list_limit: int = Field(default=200, ge=1, le=5000, description="Enterprises listed (all are counted)")


@router.post("/api/analyses/impact", operation_id="impactAnalysis", summary="Impact of a hazard area")
async def impact_analysis(pool: PoolDep, state: StateDep, body: ImpactRequest) -> ORJSONResponse:
    async with pool.acquire() as conn:
        area, described = await hazard_area(conn, state, body.hazard)
        result = await impact(conn, area, body.norms, body.displaced, body.list_limit)
    geometry = orjson.loads(shapely.to_geojson(area))
    return ORJSONResponse({"hazard": described, "area": geometry} | result)

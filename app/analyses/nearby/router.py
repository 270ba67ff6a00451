"""POST /api/analyses/nearby: 周边分析 around an accident point."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field, field_validator

from app.analyses.impact.hazard import parse_geometry
from app.analyses.nearby.service import nearby
from app.deps import PoolDep
from app.responses import ORJSONResponse

router = APIRouter(tags=["analyses"])


class NearbyRequest(BaseModel):
    point: dict[str, Any] = Field(description="GeoJSON Point (WGS-84 lon/lat), e.g. where an accident happened")
    radii_km: list[float] = Field(default=[1.0, 3.0, 5.0], min_length=1, max_length=6)
    limit: int = Field(default=100, ge=1, le=2000, description="Nearest items listed per kind (all are counted)")

    @field_validator("radii_km")
    @classmethod
    def ascending_and_positive(cls, radii: list[float]) -> list[float]:
        if any(r <= 0 or r > 50 for r in radii) or radii != sorted(set(radii)):
            raise ValueError("radii must be distinct, ascending, and each in (0, 50] km")
        return radii


@router.post("/api/analyses/nearby", operation_id="nearbyAnalysis", summary="周边分析: what lies around a point")
async def nearby_analysis(pool: PoolDep, body: NearbyRequest) -> ORJSONResponse:
    point = parse_geometry(body.point, ("Point",))
    started = time.perf_counter()
    async with pool.acquire() as conn:
        result = await nearby(conn, point.x, point.y, [r * 1000 for r in body.radii_km], body.limit)
    return ORJSONResponse(
        {"point": {"lon": point.x, "lat": point.y}, "radii_km": body.radii_km}
        | result
        | {"elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}
    )

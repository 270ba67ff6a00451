"""The dashboard strip (一屏观全域): city-wide counts by tier and by town, major hazards, hidden dangers."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from app.deps import PoolDep
from layers.vocab import OPEN_HIDDEN_DANGER_STATUSES

router = APIRouter(tags=["dashboard"])
OVERVIEW_SQL = (Path(__file__).resolve().parent / "sql" / "overview.sql").read_text(encoding="utf-8")


@router.get("/api/dashboard", operation_id="dashboard", summary="City-wide counts by tier and town, hidden dangers")
async def dashboard(pool: PoolDep) -> Response:
    async with pool.acquire() as conn:
        body = await conn.fetchval(OVERVIEW_SQL, list(OPEN_HIDDEN_DANGER_STATUSES))
    return Response(body, media_type="application/json")

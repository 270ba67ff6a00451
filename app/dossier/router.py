"""一企一档 (one file per enterprise), the search box (name, credit code, town) and the filtered result list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.deps import PoolDep
from app.errors import InvalidParameter, NotFound
from app.exports.filtered import EnterpriseSet, set_after
from layers.styles import TIER_ORDER
from layers.vocab import OPEN_HIDDEN_DANGER_STATUSES

router = APIRouter(tags=["dossier"])
SQL_DIR = Path(__file__).resolve().parent / "sql"
SEARCH_SQL = (SQL_DIR / "search.sql").read_text(encoding="utf-8")
DOSSIER_SQL = (SQL_DIR / "dossier.sql").read_text(encoding="utf-8")
RESULTS_SQL = (SQL_DIR / "results.sql").read_text(encoding="utf-8")
JSON = "application/json"
SEARCH_CANDIDATES = 200  # name matches taken before ranking: enough to rank well, few enough to stop early
# What the result table sorts by: a key of this table, `-key` for descending. Tier sorts by severity.
SORT_KEYS = {
    "name": "m.name",
    "town": "a.name",
    "industry": "m.industry",
    "tier": "array_position($2::text[], m.tier)",
    "assessment_score": "m.assessment_score",
    "employees": "m.employees",
}


def like_pattern(text: str) -> str:
    """`text` as a literal inside LIKE: the wildcards a user types (% _ \\) match only themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@router.get("/api/search", operation_id="search", summary="Enterprises by name or credit code, towns by name")
async def search(
    pool: PoolDep,
    q: Annotated[str, Query(min_length=1, max_length=100, description="part of a name, or a credit-code prefix")],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    text = like_pattern(q.strip())
    async with pool.acquire() as conn:
        body = await conn.fetchval(SEARCH_SQL, f"%{text}%", f"{text.upper()}%", limit, SEARCH_CANDIDATES)
    return Response(body, media_type=JSON)


@router.get(
    "/api/enterprises/{enterprise_id}/dossier",
    operation_id="enterpriseDossier",
    summary="一企一档: profile, units and chemicals, hidden dangers (tier reasons and history: /api/tiers)",
)
async def dossier(pool: PoolDep, enterprise_id: int) -> Response:
    async with pool.acquire() as conn:
        body = await conn.fetchval(DOSSIER_SQL, enterprise_id, list(OPEN_HIDDEN_DANGER_STATUSES))
    if body is None:
        raise NotFound(f"no enterprise with id {enterprise_id}", field="enterprise_id")
    return Response(body, media_type=JSON)


@router.get(
    "/api/enterprises",
    operation_id="listEnterprises",
    summary="The filtered enterprises: counts per tier and the first rows, sorted",
)
async def list_enterprises(
    pool: PoolDep,
    selection: Annotated[EnterpriseSet, set_after(2)],
    sortby: Annotated[str, Query(description=f"one of {', '.join(SORT_KEYS)}; prefix - to descend")] = "tier",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Response:
    key = sortby.removeprefix("-")
    if key not in SORT_KEYS:
        raise InvalidParameter(f"sortby: {sortby!r} is not one of {', '.join(SORT_KEYS)}", field="sortby")
    order = f"{SORT_KEYS[key]} {'DESC' if sortby.startswith('-') else 'ASC'} NULLS LAST"
    sql = RESULTS_SQL.format(where=selection.where, order=order)
    async with pool.acquire() as conn:
        body = await conn.fetchval(sql, limit, [t.value for t in TIER_ORDER], *selection.values)
    return Response(body, media_type=JSON)

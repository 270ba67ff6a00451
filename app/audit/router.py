"""`/api/audit`: who changed what, when, with the values before and after (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.auth.roles import Role
from app.deps import PoolDep, require_role

router = APIRouter(tags=["audit"])
AUDIT_SQL = """
SELECT id, at, actor, action, table_name, row_id, before, after FROM audit_log
WHERE ($1::text IS NULL OR table_name = $1) AND ($2::text IS NULL OR row_id = $2)
  AND ($3::text IS NULL OR actor = $3) AND ($4::bigint IS NULL OR id < $4)
ORDER BY id DESC LIMIT $5
"""


@router.get(
    "/api/audit",
    operation_id="listAudit",
    summary="Audit log, newest first; page with before_id",
    dependencies=[Depends(require_role({Role.admin}))],
)
async def list_audit(
    pool: PoolDep,
    table: Annotated[str | None, Query(max_length=63)] = None,
    row_id: Annotated[str | None, Query(max_length=100)] = None,
    actor: Annotated[str | None, Query(max_length=100)] = None,
    before_id: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict:
    async with pool.acquire() as conn:
        rows = await conn.fetch(AUDIT_SQL, table, row_id, actor, before_id, limit)
    entries = [dict(row) | {"at": row["at"].isoformat()} for row in rows]
    return {"entries": entries, "next_before_id": entries[-1]["id"] if len(entries) == limit else None}

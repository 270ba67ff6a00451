"""`/api/hidden-dangers`: report (with a photo), assign, rectify, verify or reject, list, overdue per town.

Inspectors act within their towns (row-level security); commanders and admins everywhere; planners and viewers
only read. After a step that moved the enterprise's tier, the towns are re-tiered city-wide on an unscoped
connection (the town index compares every town), still audited as the user.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.auth.roles import HIDDEN_DANGER_HANDLERS, HIDDEN_DANGER_REPORTERS
from app.auth.scope import ScopedPool, unscoped
from app.auth.users import CurrentUser
from app.deps import PoolDep, SettingsDep, require_role
from app.errors import NotFound
from app.hidden_dangers import service
from app.hidden_dangers.photos import discarded_on_error, photo_file, receive_with_photo
from app.risk_db import retier_towns
from layers.vocab import HIDDEN_DANGER_LEVELS, HIDDEN_DANGER_STATUSES

router = APIRouter(prefix="/api/hidden-dangers", tags=["hidden dangers"])
ReporterDep = Annotated[CurrentUser, Depends(require_role(HIDDEN_DANGER_REPORTERS))]
HandlerDep = Annotated[CurrentUser, Depends(require_role(HIDDEN_DANGER_HANDLERS))]
MULTIPART_WITH_PHOTO = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"photo": {"type": "string", "format": "binary"}}}
            }
        }
    }
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReportIn(Strict):
    enterprise_id: int = Field(ge=1)
    level: Literal[tuple(HIDDEN_DANGER_LEVELS)]  # type: ignore[valid-type]
    description: str = Field(min_length=2, max_length=2000)
    due_on: date
    found_on: date | None = None
    note: str | None = Field(default=None, max_length=2000)


class RectifyIn(Strict):
    note: str = Field(min_length=1, max_length=2000, description="What was done")
    rectified_on: date | None = None


class AssignIn(Strict):
    assignee: str = Field(min_length=1, max_length=200, description="Who rectifies: usually the enterprise contact")
    due_on: date | None = None
    note: str | None = Field(default=None, max_length=2000)


class VerifyIn(Strict):
    passed: bool
    note: str | None = Field(default=None, max_length=2000)


def form_model(model: type[Strict], fields: dict[str, str]) -> Strict:
    """Multipart text fields through the same validation (and 422 problem) as a JSON body."""
    try:
        return model.model_validate({key: value for key, value in fields.items() if value != ""})
    except ValidationError as exc:
        raise RequestValidationError([error | {"loc": ("body", *error["loc"])} for error in exc.errors()]) from None


async def after_step(request: Request, user: CurrentUser, pool: ScopedPool, danger_id: int, moved: bool) -> dict:
    if moved:
        async with unscoped(request.app.state.pool, user) as conn, conn.transaction():
            await retier_towns(conn, cause=f"hidden danger {danger_id}")
    async with pool.acquire() as conn:
        return await service.detail(conn, danger_id)


@router.get("", operation_id="listHiddenDangers", summary="Hidden dangers in the user's towns, newest first")
async def list_hidden_dangers(
    pool: PoolDep,
    status: Annotated[list[Literal[tuple(HIDDEN_DANGER_STATUSES)]] | None, Query()] = None,  # type: ignore[valid-type]
    town_code: Annotated[str | None, Query(max_length=12)] = None,
    enterprise_id: Annotated[int | None, Query(ge=1)] = None,
    overdue: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict:
    async with pool.acquire() as conn:
        rows = await conn.fetch(service.LIST_SQL, status, town_code, enterprise_id, overdue, limit, offset)
    return {"items": [service.jsonable(dict(row)) for row in rows]}


@router.get("/overdue", operation_id="overdueHiddenDangers", summary="Open hidden dangers past due, per town")
async def overdue_by_town(pool: PoolDep, town_code: Annotated[str | None, Query(max_length=12)] = None) -> dict:
    async with pool.acquire() as conn:
        rows = await conn.fetch(service.OVERDUE_SQL, town_code)
    return {"as_of": date.today().isoformat(), "towns": [dict(row) for row in rows]}


@router.get("/{danger_id}", operation_id="getHiddenDanger", summary="One hidden danger with its steps")
async def get_hidden_danger(pool: PoolDep, danger_id: int) -> dict:
    async with pool.acquire() as conn:
        return await service.detail(conn, danger_id)


@router.get(
    "/{danger_id}/photo",
    operation_id="getHiddenDangerPhoto",
    summary="The report's photo, or a step's with event_id",
    response_class=FileResponse,
)
async def get_photo(
    pool: PoolDep, settings: SettingsDep, danger_id: int, event_id: Annotated[int | None, Query(ge=1)] = None
) -> FileResponse:
    async with pool.acquire() as conn:
        relative = await service.photo_path(conn, danger_id, event_id)
    try:
        path, media_type = photo_file(settings, relative)
    except (FileNotFoundError, KeyError):
        raise NotFound(f"the photo of hidden danger {danger_id} is missing", field="id") from None
    return FileResponse(path, media_type=media_type, headers={"X-Content-Type-Options": "nosniff"})


@router.post(
    "",
    operation_id="reportHiddenDanger",
    summary="Report a hidden danger (multipart: fields and an optional photo)",
    status_code=201,
    openapi_extra=MULTIPART_WITH_PHOTO,
)
async def report_hidden_danger(request: Request, pool: PoolDep, settings: SettingsDep, user: ReporterDep) -> dict:
    fields, photo = await receive_with_photo(request, settings)
    with discarded_on_error(settings, photo):
        body = form_model(ReportIn, fields)
        assert isinstance(body, ReportIn)
        async with pool.acquire() as conn:
            danger_id, moved = await service.report(conn, user, **body.model_dump(), photo=photo)
    return await after_step(request, user, pool, danger_id, moved)


@router.post("/{danger_id}/assign", operation_id="assignHiddenDanger", summary="Assign for rectification")
async def assign(request: Request, pool: PoolDep, danger_id: int, body: AssignIn, user: HandlerDep) -> dict:
    async with pool.acquire() as conn:
        moved = await service.transition(
            conn, user, danger_id, "assign", note=body.note, assignee=body.assignee, on=body.due_on
        )
    return await after_step(request, user, pool, danger_id, moved)


@router.post(
    "/{danger_id}/rectify",
    operation_id="rectifyHiddenDanger",
    summary="Record the rectification (multipart: note, rectified_on, optional photo)",
    openapi_extra=MULTIPART_WITH_PHOTO,
)
async def rectify(request: Request, pool: PoolDep, settings: SettingsDep, danger_id: int, user: HandlerDep) -> dict:
    fields, photo = await receive_with_photo(request, settings)
    with discarded_on_error(settings, photo):
        body = form_model(RectifyIn, fields)
        assert isinstance(body, RectifyIn)
        async with pool.acquire() as conn:
            moved = await service.transition(
                conn, user, danger_id, "rectify", note=body.note, on=body.rectified_on, photo=photo
            )
    return await after_step(request, user, pool, danger_id, moved)


@router.post("/{danger_id}/verify", operation_id="verifyHiddenDanger", summary="Accept (close) or reject")
async def verify(request: Request, pool: PoolDep, danger_id: int, body: VerifyIn, user: HandlerDep) -> dict:
    action = "verify" if body.passed else "reject"
    async with pool.acquire() as conn:
        moved = await service.transition(conn, user, danger_id, action, note=body.note)
    return await after_step(request, user, pool, danger_id, moved)

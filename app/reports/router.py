"""GET /api/reports/briefing: the 值班快报 as a self-contained HTML page or a PDF."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import PoolDep
from app.reports.briefing import gather, render_html, render_pdf
from app.storm import live
from app.storm.router import AtQuery, EventQuery, StateDep
from app.web.router import basemap_cache

router = APIRouter(tags=["reports"])


@router.get("/api/reports/briefing", operation_id="dutyBriefing", summary="值班快报 (HTML or PDF)")
async def briefing(
    request: Request,
    pool: PoolDep,
    state: StateDep,
    event: EventQuery = None,
    at: AtQuery = None,
    format: Annotated[Literal["html", "pdf"], Query()] = "html",
    lang: Annotated[Literal["zh", "en"], Query()] = "zh",
) -> Response:
    async with pool.acquire() as conn:
        moment = await live.resolve(conn, event, at)
        brief = await gather(conn, state, moment, basemap_cache(request))
    document = render_html(brief, lang)
    if format == "html":
        return HTMLResponse(document)
    name = f"briefing-{moment.event}-{moment.at:%Y%m%d%H}.pdf"
    return Response(
        await render_pdf(document),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

"""Exports of the filtered enterprises (CSV, XLSX, GeoJSON) and the situation map 导出态势图 (HTML, PNG, PDF).

Every export takes the page's filters and applies them through the same parser and SQL as the result list, the
features API and the tiles, so a file holds exactly the filtered set.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from app.deps import PoolDep
from app.exports.filtered import EnterpriseSetDep
from app.exports.printing import render_situation_map
from app.exports.situation import collect_situation
from app.exports.situation_map import build_situation_map
from app.exports.tables import csv_chunks, geojson_chunks, xlsx_bytes
from app.web.router import demo_info

router = APIRouter(tags=["exports"])
LangQuery = Annotated[Literal["zh", "en"], Query(description="language of labels and headers")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"png": "image/png", "pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def attachment(stem: str, fmt: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="twomaps-{stem}-{date.today().isoformat()}.{fmt}"'}


@router.get(
    "/api/exports/enterprises.{fmt}",
    operation_id="exportEnterprises",
    summary="The filtered enterprises as CSV, XLSX or GeoJSON (same filters as the result list and the tiles)",
)
async def export_enterprises(
    fmt: Literal["csv", "xlsx", "geojson"], pool: PoolDep, selection: EnterpriseSetDep, lang: LangQuery = "zh"
) -> Response:
    headers = attachment("enterprises", fmt)
    pick = 1 if lang == "en" else 0
    if fmt == "csv":
        return StreamingResponse(
            csv_chunks(pool, selection, pick), media_type="text/csv; charset=utf-8", headers=headers
        )
    if fmt == "geojson":
        return StreamingResponse(geojson_chunks(pool, selection), media_type="application/geo+json", headers=headers)
    return Response(await xlsx_bytes(pool, selection, pick), media_type=XLSX, headers=headers)


@router.get(
    "/api/exports/situation-map.{fmt}",
    operation_id="exportSituationMap",
    summary="导出态势图: the view (bbox), its layers and filters as self-contained HTML, or PNG/PDF for printing",
)
async def export_situation_map(
    fmt: Literal["html", "png", "pdf"],
    request: Request,
    pool: PoolDep,
    bbox: Annotated[str, Query(description="west,south,east,north of the view")],
    layers: Annotated[str, Query(description="ids of the layer-tree entries that are on")] = "",
    lang: LangQuery = "zh",
) -> Response:
    demo = await demo_info(pool)
    async with pool.acquire() as conn:
        situation = await collect_situation(request, conn, lang, demo is not None)
    document = build_situation_map(situation)
    body = document.encode() if fmt == "html" else await render_situation_map(document, fmt)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=attachment("situation-map", fmt))

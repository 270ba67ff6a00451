"""`/api/exports/layers/{collection_id}.{fmt}`: any layer, filtered exactly like its features API items.

Filters: property filters (`tier=red,orange`, `town_code=…`), CQL2 `filter=`, `bbox=` — parsed by the features
API's own parsers. The connection is the user's scoped one, so an inspector's export holds only their towns.
(`/api/exports/enterprises.{fmt}` in app.exports remains the enterprise list's export with its extra columns.)
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from app.deps import LayerDep, PoolDep
from app.errors import PayloadTooLarge
from app.features.params import CRS84, parse_bbox, parse_cql
from app.layer_exports import writers
from app.query import parse_filters, where_clause
from layers.spec import LayerSpec

router = APIRouter(tags=["exports"])
NOT_PROPERTY_FILTERS = {"lang", "filter", "filter-lang", "filter-crs", "bbox"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Format = Literal["geojson", "csv", "xlsx", "gpkg", "shp"]


def layer_selection(spec: LayerDep, request: Request) -> writers.LayerSelection:
    params = request.query_params
    pairs = [(k, v) for k, v in params.multi_items() if k not in NOT_PROPERTY_FILTERS]
    bbox = parse_bbox(params["bbox"], CRS84) if "bbox" in params else None
    where, values = where_clause(
        spec, filters=parse_filters(spec, pairs), bbox=bbox, cql=parse_cql(spec, params), first_param=1
    )
    return writers.LayerSelection(spec, where, tuple(values))


def attachment(spec: LayerSpec, suffix: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="twomaps-{spec.id}-{date.today().isoformat()}.{suffix}"'}


@router.get(
    "/api/exports/layers/{collection_id}.{fmt}",
    operation_id="exportLayer",
    summary="A filtered layer as GeoJSON, CSV, XLSX, GeoPackage or zipped Shapefile (UTF-8 .cpg)",
)
async def export_layer(
    fmt: Format,
    pool: PoolDep,
    selection: Annotated[writers.LayerSelection, Depends(layer_selection)],
    lang: Annotated[Literal["zh", "en"], Query(description="language of CSV/XLSX headers and labels")] = "zh",
) -> Response:
    spec = selection.spec
    pick = 1 if lang == "en" else 0
    if fmt == "geojson":
        chunks = writers.geojson_chunks(pool, selection)
        return StreamingResponse(chunks, media_type="application/geo+json", headers=attachment(spec, fmt))
    if fmt == "csv":
        chunks = writers.csv_chunks(pool, selection, pick)
        return StreamingResponse(chunks, media_type="text/csv; charset=utf-8", headers=attachment(spec, fmt))
    records = await writers.fetch_rows(pool, selection)
    if fmt == "xlsx":
        try:
            body = await asyncio.to_thread(writers.xlsx_bytes, selection, records, pick)
        except ValueError as exc:
            raise PayloadTooLarge(f"{exc}; narrow the filters or export CSV") from None
        return Response(body, media_type=XLSX, headers=attachment(spec, fmt))
    folder = writers.scratch_folder()
    try:
        if fmt == "gpkg":
            path = await asyncio.to_thread(writers.gpkg_file, selection, records, folder)
            media_type = "application/geopackage+sqlite3"
        else:
            path = await asyncio.to_thread(writers.shapefile_zip, selection, records, folder)
            media_type = "application/zip"
    except BaseException:
        writers.remove_folder(folder)
        raise
    suffix = "gpkg" if fmt == "gpkg" else "shp.zip"
    cleanup = BackgroundTask(writers.remove_folder, folder)
    return FileResponse(path, media_type=media_type, headers=attachment(spec, suffix), background=cleanup)

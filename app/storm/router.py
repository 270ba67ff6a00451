"""Storm operations (三防指挥): rainfall in, the surface and warnings out, 临灾叫应, and the /storm page."""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import orjson
import shapely
from fastapi import APIRouter, Body, Depends, File, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from app.auth.roles import WRITERS, Role
from app.auth.users import CurrentUser
from app.deps import PoolDep, require_role
from app.errors import InvalidParameter
from app.responses import ORJSONResponse
from app.storm import callout, ingest, live
from app.storm.demo import load_demo_typhoon
from app.storm.grid import area_km2
from app.storm.surface import LEVELS, WINDOWS_H
from layers.styles import WARNING_LABELS

router = APIRouter(tags=["storm"])
PAGE = Path(__file__).resolve().parent.parent / "web" / "static" / "storm.html"
NO_VALUE = np.iinfo(np.uint16).max  # in the packed surface: outside the city or no gauge within reach
EVENT_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"


def storm_state(request: Request) -> live.StormState:
    if not hasattr(request.app.state, "storm"):
        request.app.state.storm = live.StormState()
    return request.app.state.storm


StateDep = Annotated[live.StormState, Depends(storm_state)]
# Rainfall comes from the duty room (三防指挥); a call-out confirmation may be recorded by anyone who may write.
OperatorDep = Annotated[CurrentUser, Depends(require_role({Role.admin, Role.commander}))]
WriterDep = Annotated[CurrentUser, Depends(require_role(WRITERS))]
EventQuery = Annotated[
    str | None, Query(pattern=EVENT_PATTERN, description="Event; default: the most recently ingested")
]
AtQuery = Annotated[datetime | None, Query(description="Replay time (end of an hour); default: the event's last")]
Partial = Annotated[bool, Query(description="Keep the good rows and report the rejected ones")]
IngestEvent = Annotated[str, Query(pattern=EVENT_PATTERN, description="Event the observations belong to")]


@router.get("/storm", include_in_schema=False)
async def storm_page() -> FileResponse:
    return FileResponse(PAGE, media_type="text/html; charset=utf-8")


async def _ingest(pool, state: live.StormState, rows: list[Any], event: str, source: str, partial: bool):
    async with pool.acquire() as conn:
        batch = ingest.validate(rows, await ingest.known_gauges(conn))
        if batch.rejected and not partial:
            raise InvalidParameter(
                f"{len(batch.rejected)} of {len(rows)} rows rejected (first: row {batch.rejected[0]['row']}, "
                f"{batch.rejected[0]['reasons'][0]['detail']}); nothing was stored. Fix them or send ?partial=true",
                field="rows",
                rejected=batch.rejected,
            )
        stored = await ingest.store(conn, event, source, batch.accepted, len(batch.rejected))
        changed = {}
        if batch.accepted:
            moment = await live.resolve(conn, event, None)
            changed = await live.apply_live_warnings(conn, state, moment)
    return ORJSONResponse(stored | {"rejected": batch.rejected, "warning_levels_changed": changed})


@router.post("/api/storm/observations", operation_id="ingestObservations", summary="Hourly rain amounts (JSON)")
async def post_observations(
    pool: PoolDep,
    state: StateDep,
    _: OperatorDep,
    rows: Annotated[list[Any], Body(description="[{gauge_code, observed_at, rain_mm}], hourly amounts in mm")],
    event: IngestEvent = "live",
    partial: Partial = False,
) -> ORJSONResponse:
    return await _ingest(pool, state, rows, event, "api", partial)


@router.post("/api/storm/observations/csv", operation_id="uploadObservations", summary="Hourly rain amounts (CSV)")
async def upload_observations(
    pool: PoolDep,
    state: StateDep,
    _: OperatorDep,
    file: Annotated[UploadFile, File(description="CSV with columns gauge_code, observed_at, rain_mm")],
    event: IngestEvent = "live",
    partial: Partial = False,
) -> ORJSONResponse:
    rows = ingest.read_csv(await file.read())
    return await _ingest(pool, state, rows, event, "csv", partial)


@router.post("/api/storm/demo", operation_id="loadDemoTyphoon", summary="Load the demo typhoon as demo-typhoon")
async def load_demo(pool: PoolDep, state: StateDep, _: OperatorDep) -> ORJSONResponse:
    async with pool.acquire() as conn:
        loaded = await load_demo_typhoon(conn)
        moment = await live.resolve(conn, loaded["event"], None)
        changed = await live.apply_live_warnings(conn, state, moment)
    return ORJSONResponse(loaded | {"warning_levels_changed": changed})


@router.get("/api/storm/status", operation_id="stormStatus", summary="Data version and events, for polling")
async def status(pool: PoolDep) -> ORJSONResponse:
    async with pool.acquire() as conn:
        return ORJSONResponse({"version": await live.data_version(conn), "events": await live.events(conn)})


def _moment_json(moment: live.Moment) -> dict[str, object]:
    return {"event": moment.event, "at": moment.at, "first": moment.first, "last": moment.last}


@router.get("/api/storm/surface", operation_id="rainfallSurface", summary="Rainfall accumulation on the 250 m grid")
async def rainfall_surface(
    pool: PoolDep,
    state: StateDep,
    event: EventQuery = None,
    at: AtQuery = None,
    window: Annotated[int, Query(description="Accumulation window in hours: 1, 3, 6, 12 or 24")] = 24,
) -> ORJSONResponse:
    """`values` packs the window's total of every cell (row-major from the south-west) as little-endian uint16
    tenths of a millimetre, 65535 where there is no value (outside the city, or no gauge within reach)."""
    if window not in WINDOWS_H:
        raise InvalidParameter(f"window must be one of {', '.join(map(str, WINDOWS_H))} hours", field="window")
    async with pool.acquire() as conn:
        moment = await live.resolve(conn, event, at)
        surface = await live.surface_at(conn, state, moment.event, moment.at)
        gauges = await live.gauge_totals(conn, moment.event, moment.at)
    amounts = surface.window(window)
    known = surface.grid.inside & np.isfinite(amounts)
    packed = np.full(surface.grid.size, NO_VALUE, dtype="<u2")
    packed[known] = np.clip(np.round(amounts[known] * 10), 0, NO_VALUE - 1)
    column = WINDOWS_H.index(window)
    return ORJSONResponse(
        _moment_json(moment)
        | {
            "window_h": window,
            "grid": surface.grid.describe(),
            "values": base64.b64encode(packed.tobytes()).decode(),
            "scale_mm": 0.1,
            "no_value": int(NO_VALUE),
            "max_mm": round(float(amounts[known].max()), 1) if known.any() else None,
            "gauges": [
                {"code": code, "lon": lon, "lat": lat, "mm": round(float(total), 1)}
                for code, lon, lat, total in zip(
                    gauges["code"].tolist(),
                    gauges["lon"].tolist(),
                    gauges["lat"].tolist(),
                    gauges["amounts"][:, column] if len(gauges["code"]) else [],
                    strict=True,
                )
            ],
        }
    )


@router.get("/api/storm/warnings", operation_id="rainstormWarnings", summary="Warning areas, towns and hazard points")
async def warnings(pool: PoolDep, state: StateDep, event: EventQuery = None, at: AtQuery = None) -> ORJSONResponse:
    """Warning areas are the cells at exactly each level, dissolved and clipped to the city; a town takes the gravest
    level of any of its cells."""
    async with pool.acquire() as conn:
        moment = await live.resolve(conn, event, at)
        surface = await live.surface_at(conn, state, moment.event, moment.at)
        points = await live.hazard_points(conn)
    features = [
        {
            "type": "Feature",
            "properties": {
                "level": level,
                "label_zh": WARNING_LABELS[level][0],
                "label_en": WARNING_LABELS[level][1],
                "area_km2": area_km2(area),
            },
            "geometry": orjson.loads(shapely.to_geojson(area)),
        }
        for level, area in surface.warning_areas.items()
        if not area.is_empty
    ]
    counts = {kind: {level: 0 for level in LEVELS[1:]} for kind in ("flood_spot", "geohazard")}
    if points:
        for kind, code in zip(points["entity_type"], surface.at(points["lon"], points["lat"])[1], strict=True):
            if code:
                counts[str(kind)][LEVELS[code]] += 1
    return ORJSONResponse(
        _moment_json(moment)
        | {
            "areas": {"type": "FeatureCollection", "features": features},
            "towns": surface.town_levels(),
            "counts": counts,
        }
    )


@router.get("/api/storm/changes", operation_id="turnedSevere", summary="What turned orange or red in the last hour")
async def changes(pool: PoolDep, state: StateDep, event: EventQuery = None, at: AtQuery = None) -> ORJSONResponse:
    async with pool.acquire() as conn:
        moment = await live.resolve(conn, event, at)
        turned = await live.turned_severe(conn, state, moment)
    return ORJSONResponse(_moment_json(moment) | {"turned": turned})


@router.get("/api/storm/callout", operation_id="calloutList", summary="临灾叫应: who to call, who confirmed")
async def callout_list(
    request: Request,
    pool: PoolDep,
    state: StateDep,
    event: EventQuery = None,
    at: AtQuery = None,
    pending: Annotated[bool, Query(description="Only those who have not confirmed")] = False,
    format: Annotated[Literal["json", "csv", "xlsx"], Query()] = "json",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    async with pool.acquire() as conn:
        moment = await live.resolve(conn, event, at)
        rows = await callout.callout_list(conn, state, moment)
    summary = callout.summarize(rows)
    if pending:
        rows = [row for row in rows if not row["acknowledged"]]
    if format == "json":
        return ORJSONResponse(
            _moment_json(moment) | {"summary": summary, "matched": len(rows), "items": rows[offset : offset + limit]}
        )
    lang = "en" if request.query_params.get("lang", "zh").startswith("en") else "zh"
    table = callout.export_table(rows, lang)
    name = f"callout-{moment.event}-{moment.at:%Y%m%d%H}"
    if format == "csv":
        content, media = callout.to_csv(table), "text/csv; charset=utf-8"
    else:
        content = callout.to_xlsx(table, "临灾叫应" if lang == "zh" else "Call-out")
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = f'attachment; filename="{name}.{format}"'
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})


class Acknowledgement(BaseModel):
    entity_type: Literal["flood_spot", "geohazard", "enterprise"]
    entity_id: int = Field(ge=1)
    acknowledged_by: str = Field(min_length=1, max_length=100, pattern=r"\S", description="Who confirmed the call")
    note: str | None = Field(default=None, max_length=500)


@router.post("/api/storm/callout/ack", operation_id="acknowledgeCallout", summary="Record a confirmed call")
async def acknowledge(
    pool: PoolDep,
    state: StateDep,
    _: WriterDep,
    body: Acknowledgement,
    event: EventQuery = None,
    at: AtQuery = None,
) -> ORJSONResponse:
    async with pool.acquire() as conn:
        moment = await live.resolve(conn, event, at)
        row = await callout.acknowledge(
            conn, state, moment, body.entity_type, body.entity_id, body.acknowledged_by, body.note
        )
    return ORJSONResponse(row, status_code=201 if row["created"] else 200)

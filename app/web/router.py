"""The page, `/config.json`, `/health`, `/api/layers` and locally served front-end assets (never a CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from app import __version__
from app.deps import PoolDep, SettingsDep
from app.responses import ORJSONResponse
from app.settings import PROJECT_ROOT
from app.web.basemap import BasemapCache, fetch_city_bounds
from app.web.config import build_config, layer_config

router = APIRouter(tags=["web"])
WEB = Path(__file__).resolve().parent
# npm packages the page may load, each from its folder under node_modules (installed by `make`).
VENDOR = {
    "leaflet": "leaflet/dist",
    "leaflet-draw": "leaflet-draw/dist",
    "vector-tile": "@mapbox/vector-tile",
    "point-geometry": "@mapbox/point-geometry",
    "pbf": "pbf",
}


async def demo_info(pool) -> dict | None:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT value FROM dataset_info WHERE key = 'demo'")


@router.get("/health", operation_id="health", summary="Database and PostGIS status")
async def health(request: Request, pool: PoolDep) -> ORJSONResponse:
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT version() AS pg, postgis_full_version() AS postgis")
    return ORJSONResponse(
        {
            "status": "ok",
            "version": __version__,
            "database": "ok",
            "postgresql": row["pg"].split(",")[0],
            "postgis": request.app.state.postgis_version,
            "postgis_full": row["postgis"],
        }
    )


@router.get("/api/layers", operation_id="listLayers", summary="The layer registry")
async def list_layers(request: Request) -> ORJSONResponse:
    return ORJSONResponse({"layers": [layer_config(spec) for spec in request.app.state.layers.values()]})


@router.get("/config.json", operation_id="uiConfig", summary="Everything the UI needs: layers, palette, strings")
async def ui_config(request: Request, pool: PoolDep, settings: SettingsDep) -> ORJSONResponse:
    async with pool.acquire() as conn:
        bounds = await fetch_city_bounds(conn)
    return ORJSONResponse(build_config(settings, request.app.state.layers, await demo_info(pool), bounds))


def basemap_cache(request: Request) -> BasemapCache:
    """One per app, made on first use (like the tile cache)."""
    state = request.app.state
    if not hasattr(state, "basemap_cache"):
        state.basemap_cache = BasemapCache()
    return state.basemap_cache


@router.get("/api/basemap", operation_id="basemap", summary="Offline basemap: city outline, towns with labels, roads")
async def basemap(request: Request, pool: PoolDep) -> Response:
    async with pool.acquire() as conn:
        body = await basemap_cache(request).get(conn)
    return Response(body, media_type="application/geo+json", headers={"Cache-Control": "max-age=300"})


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(WEB / "static" / "index.html", media_type="text/html; charset=utf-8")


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    for name, subdir in VENDOR.items():
        directory = PROJECT_ROOT / "node_modules" / subdir
        if directory.is_dir():
            app.mount(f"/vendor/{name}", StaticFiles(directory=directory), name=f"vendor-{name}")

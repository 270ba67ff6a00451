"""The FastAPI application factory: nothing connects at import; the lifespan opens the pool and checks the registry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import ORJSONResponse

from app import __version__
from app.db.admin import check_postgis
from app.db.catalog import check_registry
from app.db.pool import create_pool
from app.errors import install_error_handlers
from app.settings import Settings, get_settings
from layers.spec import registry


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.postgis_version = check_postgis(settings.dsn)
        app.state.pool = await create_pool(
            settings.dsn, min_size=settings.pool_min, max_size=settings.pool_max
        )
        try:
            async with app.state.pool.acquire() as conn:
                await check_registry(conn, app.state.layers)
            yield
        finally:
            await app.state.pool.close()

    app = FastAPI(
        title="TwoMaps 应急管理“两张图”",
        version=__version__,
        description="Supervised entities and safety-risk layers for emergency-management bureaus. "
        "OGC API – Features, vector tiles and analyses over PostGIS.",
        lifespan=lifespan,
        default_response_class=ORJSONResponse,
    )
    app.state.settings = settings
    app.state.layers = registry()
    install_error_handlers(app)

    from app.features.router import router as features_router
    from app.tiles.router import router as tiles_router
    from app.web.router import mount_static
    from app.web.router import router as web_router

    app.include_router(web_router)
    app.include_router(features_router)
    app.include_router(tiles_router)
    mount_static(app)
    return app

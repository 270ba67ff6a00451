"""The FastAPI application factory: nothing connects at import; the lifespan opens the pool and checks the registry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import __version__
from app.db.admin import check_postgis
from app.db.catalog import check_registry
from app.db.pool import create_pool
from app.errors import install_error_handlers
from app.responses import ORJSONResponse
from app.settings import Settings, get_settings
from layers.spec import registry


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.postgis_version = check_postgis(settings.dsn)
        app.state.pool = await create_pool(settings.dsn, min_size=settings.pool_min, max_size=settings.pool_max)
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

    from app.analyses.evacuation.router import router as evacuation_router
    from app.analyses.impact.router import router as impact_router
    from app.analyses.nearby.router import router as nearby_router
    from app.analyses.planning.router import router as planning_router
    from app.audit.router import router as audit_router
    from app.auth.router import install_auth
    from app.dashboard.router import router as dashboard_router
    from app.dossier.router import router as dossier_router
    from app.exports.router import router as exports_router
    from app.features.router import router as features_router
    from app.hidden_dangers.router import router as hidden_dangers_router
    from app.imports.router import router as imports_router
    from app.layer_exports.router import router as layer_exports_router
    from app.reports.router import router as reports_router
    from app.risk_db.router import router as risk_router
    from app.storm.router import router as storm_router
    from app.tiles.router import router as tiles_router
    from app.web.router import mount_static
    from app.web.router import router as web_router

    app.include_router(web_router)
    app.include_router(features_router)
    app.include_router(risk_router)
    app.include_router(tiles_router)
    app.include_router(dossier_router)
    app.include_router(dashboard_router)
    app.include_router(exports_router)
    app.include_router(storm_router)
    app.include_router(impact_router)
    app.include_router(evacuation_router)
    app.include_router(nearby_router)
    app.include_router(reports_router)
    app.include_router(planning_router)
    install_auth(app)  # /api/auth, /api/users, the production login redirect and demo-password refusal
    app.include_router(audit_router)
    app.include_router(imports_router)
    app.include_router(hidden_dangers_router)
    app.include_router(layer_exports_router)
    mount_static(app)
    return app

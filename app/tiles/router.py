"""`/tiles/{layer}/{z}/{x}/{y}.mvt` (WebMercatorQuad) and `/tiles/{layer}/tilejson.json`.

Caching: every tile carries a weak ETag over (layer, z/x/y, compiled filters, the user's towns, table version) and
`Cache-Control: private, no-cache`, so browsers keep tiles but revalidate each time (shared caches keep nothing: a
tile depends on who asks); a revalidation whose ETag is current costs one index lookup and is a 304 without
rendering. An empty tile is 204; a tile outside the layer's zoom range or the tile matrix is 404, a coordinate
that is not an integer 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from app.deps import LayerDep, PoolDep
from app.errors import preferred_language
from app.features import cql2
from app.features.params import check_single, parse_cql
from app.query import Filters, parse_filters, where_clause
from app.tiles.service import (
    MVT_MEDIA_TYPE,
    Tile,
    TileFilter,
    VersionedCache,
    check_zoom,
    first_filter_param,
    get_tile,
)
from app.tiles.tilejson import fetch_bounds, tilejson
from layers.spec import LayerSpec

router = APIRouter(tags=["tiles"])
CACHE_CONTROL = "private, no-cache"  # per user (row-level security); revalidate every time
TILE_CACHE_BYTES = 64 * 2**20
TILE_PARAMETERS = ("filter", "filter-lang", "filter-crs", "lang")  # the rest are property filters


async def get_tile_cache(request: Request) -> VersionedCache:
    """One in-process cache per app, made on first use (async: FastAPI runs a plain `def` in a thread)."""
    state = request.app.state
    if not hasattr(state, "tile_cache"):
        state.tile_cache = VersionedCache(TILE_CACHE_BYTES)
    return state.tile_cache


@dataclass(frozen=True)
class TileQuery:
    """The items API's filters: properties (`tier=red,orange`, `town_code=…`, `hazard_tags=…`) and CQL2 `filter`."""

    filters: Filters
    cql: cql2.Node | None

    def where(self, spec: LayerSpec, tile: Tile) -> TileFilter:
        first = first_filter_param(spec, tile)
        sql, values = where_clause(spec, filters=self.filters, cql=self.cql, first_param=first)
        return TileFilter(sql, tuple(values))


async def get_tile_query(spec: LayerDep, request: Request) -> TileQuery:
    """Parsed by the items API's own functions, so both read a filter the same way."""
    params = request.query_params
    check_single(params, TILE_PARAMETERS)
    pairs = [(k, v) for k, v in params.multi_items() if k not in TILE_PARAMETERS]
    return TileQuery(parse_filters(spec, pairs), parse_cql(spec, params))


TileCacheDep = Annotated[VersionedCache, Depends(get_tile_cache)]
TileQueryDep = Annotated[TileQuery, Depends(get_tile_query)]


@router.get(
    "/tiles/{collection_id}/{z}/{x}/{y}.mvt",
    operation_id="getTile",
    response_class=Response,
    responses={
        200: {"content": {MVT_MEDIA_TYPE: {}}, "description": "Mapbox Vector Tile"},
        204: {"description": "No feature in this tile"},
        304: {"description": "The client's copy (If-None-Match) is current"},
    },
)
async def get_vector_tile(
    spec: LayerDep,
    z: str,
    x: str,
    y: str,
    query: TileQueryDep,
    pool: PoolDep,
    cache: TileCacheDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """A vector tile of the layer; below the layer's `aggregate_below` zoom, grid counts per tier."""
    tile = Tile.parse(z, x, y)
    check_zoom(spec, tile)
    result = await get_tile(pool, cache, spec, tile, query.where(spec, tile), if_none_match)
    headers = {"ETag": result.etag, "Cache-Control": CACHE_CONTROL}
    if result.body is None:
        return Response(status_code=304, headers=headers)
    if not result.body:
        return Response(status_code=204, headers=headers)
    return Response(result.body, media_type=MVT_MEDIA_TYPE, headers=headers)


@router.get("/tiles/{collection_id}/tilejson.json", operation_id="getTileJSON", dependencies=[Depends(get_tile_query)])
async def get_tilejson(spec: LayerDep, request: Request, pool: PoolDep, cache: TileCacheDep) -> dict:
    """TileJSON 3.0.0; its tiles URL keeps this request's filters (checked here, so a bad one fails early)."""
    query = f"?{request.url.query}" if request.url.query else ""
    tiles_url = f"{request.base_url}tiles/{spec.id}/{{z}}/{{x}}/{{y}}.mvt{query}"
    bounds = await fetch_bounds(pool, cache, spec)
    return tilejson(spec, tiles_url, bounds, preferred_language(request))

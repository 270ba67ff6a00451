"""OGC API – Features (Part 1 core, Part 2 CRS, Part 3 CQL2-text filters) over the layer registry.

The OGC landing page is `/ogc` because `/` is the map. Everything else is served at the top level and again under
`/ogc` (hidden from the OpenAPI document): GDAL's OAPIF driver (≤ 3.6) and OWSLib append `/collections` to the URL
they are given instead of following the landing page's `data` link.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.deps import LayerDep, PoolDep, SettingsDep
from app.errors import NotFound, preferred_language
from app.features import documents
from app.features.documents import GEOJSON, SCHEMA_JSON
from app.features.openapi import (
    ERRORS,
    FEATURE_PARAMETER_DOCS,
    FEATURE_RESPONSES,
    ITEMS_PARAMETER_DOCS,
    ITEMS_RESPONSES,
    PROPERTY_FILTERS_NOTE,
    filter_parameters,
)
from app.features.params import LAT_LON_CRS, parse_feature_query, parse_items_query
from app.features.service import fetch_extents, fetch_id_types, fetch_item, fetch_items
from app.responses import ORJSONResponse
from layers.spec import LayerSpec, registry

router = APIRouter(tags=["OGC API – Features"])
ogc = APIRouter()


class GeoJSONResponse(Response):
    media_type = GEOJSON


class SchemaJSONResponse(ORJSONResponse):
    media_type = SCHEMA_JSON


def base_url(request: Request) -> str:
    return str(request.base_url)


async def id_types(request: Request, pool: PoolDep) -> dict[str, str]:
    """Layer id → SQL type of its id column, read on first use: the schema does not change while the app runs."""
    state = request.app.state
    if getattr(state, "feature_id_types", None) is None:
        state.feature_id_types = await fetch_id_types(pool, state.layers)
    return state.feature_id_types


@router.get("/ogc", operation_id="getLandingPage", summary="OGC API landing page")
async def landing_page(request: Request) -> ORJSONResponse:
    return ORJSONResponse(documents.landing_page(base_url(request), request.app.openapi_version))


@ogc.get("/conformance", operation_id="getConformance", summary="Conformance classes")
async def conformance() -> ORJSONResponse:
    return ORJSONResponse(documents.conformance())


@ogc.get("/collections", operation_id="getCollections", summary="The layers as collections")
async def get_collections(request: Request, pool: PoolDep) -> ORJSONResponse:
    specs = list(request.app.state.layers.values())
    extents = await fetch_extents(pool, specs)
    return ORJSONResponse(documents.collections(specs, base_url(request), extents, preferred_language(request)))


@ogc.get("/collections/{collection_id}", operation_id="describeCollection", summary="One collection", responses=ERRORS)
async def describe_collection(request: Request, layer: LayerDep, pool: PoolDep) -> ORJSONResponse:
    extent = (await fetch_extents(pool, [layer])).get(layer.id)
    return ORJSONResponse(documents.collection(layer, base_url(request), extent, preferred_language(request)))


@ogc.get(
    "/collections/{collection_id}/queryables",
    operation_id="getQueryables",
    summary="What the collection's features can be filtered by (JSON Schema)",
    response_class=SchemaJSONResponse,
    responses=ERRORS,
)
async def get_queryables(request: Request, layer: LayerDep) -> SchemaJSONResponse:
    return SchemaJSONResponse(documents.queryables(layer, base_url(request), preferred_language(request)))


async def items_response(request: Request, pool: PoolDep, settings: SettingsDep, spec: LayerSpec) -> Response:
    query = parse_items_query(spec, request.query_params, settings.max_items_limit)
    links, next_link = documents.items_links(
        f"{base_url(request)}collections/{spec.id}",
        str(request.url),
        request.query_params.multi_items(),
        query.offset,
        query.limit,
    )
    body = await fetch_items(pool, spec, query, links, next_link)
    return GeoJSONResponse(body, headers={"Content-Crs": f"<{query.crs}>"})


def add_layer_items_route(spec: LayerSpec) -> None:
    """`/collections/<id>/items` documented with the layer's own filter parameters, which GDAL reads to decide
    which `-where` clauses it can send to the server; the generic route below serves the same requests."""

    async def get_layer_features(request: Request, pool: PoolDep, settings: SettingsDep) -> Response:
        return await items_response(request, pool, settings, request.app.state.layers[spec.id])

    ogc.add_api_route(
        f"/collections/{spec.id}/items",
        get_layer_features,
        methods=["GET"],
        operation_id=f"getFeatures_{spec.id}",
        summary=f"Features of {spec.id} ({spec.title_zh})",
        response_class=GeoJSONResponse,
        responses=ITEMS_RESPONSES,
        openapi_extra={"parameters": ITEMS_PARAMETER_DOCS + filter_parameters(spec)},
    )


for layer in registry().values():
    add_layer_items_route(layer)


@ogc.get(
    "/collections/{collection_id}/items",
    operation_id="getFeatures",
    summary="Features of a collection, paged",
    description=PROPERTY_FILTERS_NOTE,
    response_class=GeoJSONResponse,
    responses=ITEMS_RESPONSES,
    openapi_extra={"parameters": ITEMS_PARAMETER_DOCS},
)
async def get_features(request: Request, layer: LayerDep, pool: PoolDep, settings: SettingsDep) -> Response:
    return await items_response(request, pool, settings, layer)


@ogc.get(
    "/collections/{collection_id}/items/{feature_id}",
    operation_id="getFeature",
    summary="One feature",
    response_class=GeoJSONResponse,
    responses=FEATURE_RESPONSES,
    openapi_extra={"parameters": FEATURE_PARAMETER_DOCS},
)
async def get_feature(request: Request, layer: LayerDep, feature_id: str, pool: PoolDep) -> Response:
    crs = parse_feature_query(request.query_params)
    collection_url = f"{base_url(request)}collections/{layer.id}"
    links = documents.feature_links(collection_url, str(request.url))
    id_type = (await id_types(request, pool))[layer.id]
    body = await fetch_item(pool, layer, id_type, feature_id, crs in LAT_LON_CRS, links)
    if body is None:
        raise NotFound(f"collection {layer.id} has no feature {feature_id!r}", field="featureId")
    return GeoJSONResponse(body, headers={"Content-Crs": f"<{crs}>"})


router.include_router(ogc)
router.include_router(ogc, prefix="/ogc", include_in_schema=False)

"""The OpenAPI description of the features API: parameters FastAPI cannot infer, because the query string is
parsed by hand (strictly, with 400s naming the parameter) and each layer has its own filter parameters."""

from __future__ import annotations

from typing import Any

from app.features import documents
from app.features.params import CRS84, SUPPORTED_CRS
from layers.spec import LayerSpec

PROBLEM: dict[str, Any] = {
    "description": "Problem details (RFC 9457) with a stable `code` and the offending `field`",
    "content": {"application/problem+json": {"schema": {"type": "object"}}},
}
ERRORS: dict[int | str, dict[str, Any]] = {400: PROBLEM, 404: PROBLEM}
LINKS = {"type": "array", "items": {"type": "object", "required": ["href", "rel"]}}
FEATURE = {
    "type": "object",
    "required": ["type", "id", "geometry", "properties"],
    "properties": {
        "type": {"enum": ["Feature"]},
        "id": {"type": ["integer", "string"]},
        "geometry": {"type": "object", "required": ["type", "coordinates"]},
        "properties": {"type": "object"},
        "links": LINKS,
    },
}
FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features", "numberReturned", "timeStamp", "links"],
    "properties": {
        "type": {"enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": FEATURE},
        "numberReturned": {"type": "integer", "minimum": 0},
        "numberMatched": {"type": "integer", "minimum": 0},
        "timeStamp": {"type": "string", "format": "date-time"},
        "links": LINKS,
    },
}


def geojson(description: str, schema: dict) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {"application/geo+json": {"schema": schema}}}, **ERRORS}


ITEMS_RESPONSES = geojson("A page of features (GeoJSON FeatureCollection), with next/prev links", FEATURE_COLLECTION)
FEATURE_RESPONSES = geojson("One feature (GeoJSON Feature)", FEATURE)
CRS_SCHEMA = {"type": "string", "enum": list(SUPPORTED_CRS), "default": CRS84}


def query_parameter(name: str, description: str, schema: dict, **extra: object) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema, **extra}


ITEMS_PARAMETER_DOCS = [
    query_parameter(
        "bbox",
        "min lon, min lat, max lon, max lat in `bbox-crs` axis order (lat/lon for EPSG:4326 and EPSG:4490)",
        {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
        style="form",
        explode=False,
    ),
    query_parameter("bbox-crs", "CRS of `bbox`", CRS_SCHEMA),
    query_parameter("crs", "CRS of the response geometries (Content-Crs header)", CRS_SCHEMA),
    query_parameter(
        "limit", "Features per page, at most the server's TWOMAPS_MAX_ITEMS_LIMIT", {"type": "integer", "minimum": 1}
    ),
    query_parameter("offset", "Features to skip (see the next/prev links)", {"type": "integer", "minimum": 0}),
    query_parameter(
        "filter",
        "CQL2-text over the collection's queryables, e.g. `tier IN ('red','orange') AND employees > 100`",
        {"type": "string"},
    ),
    query_parameter("filter-lang", "Language of `filter`", {"type": "string", "enum": ["cql2-text"]}),
    query_parameter("filter-crs", "CRS of the geometry literals in `filter`", CRS_SCHEMA),
    query_parameter(
        "count",
        "numberMatched: always count (true), only when known without counting (false), or when cheap (absent)",
        {"type": "boolean"},
    ),
]
FEATURE_PARAMETER_DOCS = [query_parameter("crs", "CRS of the geometry (Content-Crs header)", CRS_SCHEMA)]
PROPERTY_FILTERS_NOTE = (
    "Filterable properties of the collection are further query parameters, comma-separated values meaning any-of "
    "(e.g. `tier=red,orange`); they are listed on each `/collections/<id>/items` path."
)


def filter_parameters(spec: LayerSpec) -> list[dict]:
    """The layer's filterable properties as documented query parameters (GDAL reads these to push filters)."""
    parameters = []
    for prop in spec.properties:
        if prop.filterable:
            values = documents.value_schema(spec, prop.name, prop.type)
            items = values.get("items", values)
            parameters.append(
                query_parameter(
                    prop.name,
                    f"{prop.label_zh} / {prop.label_en}: "
                    + ("any of the tags" if prop.type.endswith("[]") else "any of the values"),
                    {"type": "array", "items": items},
                    style="form",
                    explode=False,
                )
            )
    return parameters

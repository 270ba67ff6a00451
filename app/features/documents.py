"""The JSON documents of OGC API – Features (landing page, conformance, collections, queryables) and links.

Pure functions of the registry and the base URL: no database, no request object, so they are cheap and testable.
"""

from __future__ import annotations

from urllib.parse import urlencode

from app.features import cql2
from app.features.params import CRS84, SUPPORTED_CRS
from layers.spec import LayerSpec

JSON = "application/json"
GEOJSON = "application/geo+json"
SCHEMA_JSON = "application/schema+json"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/array-functions",
)
# Registry property type → JSON Schema of its values (queryables and OpenAPI filter parameters).
JSON_SCHEMA_TYPES: dict[str, dict[str, str]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "string[]": {"type": "array"},
}
GEOMETRY_FORMATS = {
    "Point": "geometry-point",
    "LineString": "geometry-linestring",
    "Polygon": "geometry-polygon",
    "MultiPolygon": "geometry-multipolygon",
    "Geometry": "geometry-any",
}


def link(href: str, rel: str, media_type: str, title: str | None = None) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, **({"title": title} if title else {})}


def landing_page(base: str, openapi_version: str) -> dict:
    major_minor = ".".join(openapi_version.split(".")[:2])
    return {
        "title": "TwoMaps 应急管理“两张图” – OGC API Features",
        "description": "Supervised enterprises and safety-risk layers (企业、隐患、风险图层) as OGC API – Features.",
        "links": [
            link(f"{base}ogc", "self", JSON, "This document"),
            link(
                f"{base}openapi.json",
                "service-desc",
                f"application/vnd.oai.openapi+json;version={major_minor}",
                "The API definition",
            ),
            link(f"{base}docs", "service-doc", "text/html", "The API documentation"),
            link(f"{base}conformance", "conformance", JSON, "Conformance classes"),
            link(f"{base}collections", "data", JSON, "The layers (collections)"),
        ],
    }


def conformance() -> dict:
    return {"conformsTo": list(CONFORMANCE)}


def collection(spec: LayerSpec, base: str, extent: list[float] | None, lang: str) -> dict:
    url = f"{base}collections/{spec.id}"
    titles = (spec.title_en, spec.title_zh) if lang == "en" else (spec.title_zh, spec.title_en)
    document: dict[str, object] = {
        "id": spec.id,
        "title": titles[0],
        "description": titles[1],
        "itemType": "feature",
        "crs": list(SUPPORTED_CRS),
        "storageCrs": CRS84,
        "links": [
            link(url, "self", JSON, "This collection"),
            link(f"{url}/items", "items", GEOJSON, "Its features"),
            link(f"{url}/queryables", QUERYABLES_REL, SCHEMA_JSON, "What its features can be filtered by"),
        ],
    }
    if extent is not None:
        document["extent"] = {"spatial": {"bbox": [extent], "crs": CRS84}}
    return document


def collections(specs: list[LayerSpec], base: str, extents: dict[str, list[float]], lang: str) -> dict:
    return {
        "links": [link(f"{base}collections", "self", JSON, "The layers")],
        "collections": [collection(spec, base, extents.get(spec.id), lang) for spec in specs],
    }


def value_schema(spec: LayerSpec, name: str, kind: str) -> dict:
    """JSON Schema of one property's values; vocabularies become enums."""
    prop = spec.prop(name)
    choices = list(prop.choices() or ()) if prop else []
    schema: dict[str, object] = dict(JSON_SCHEMA_TYPES[kind])
    if kind == "string[]":
        schema["items"] = {"type": "string", **({"enum": choices} if choices else {})}
    elif choices:
        schema["enum"] = choices
    return schema


def queryables(spec: LayerSpec, base: str, lang: str) -> dict:
    properties = {}
    for name, kind in cql2.queryable_types(spec).items():
        prop = spec.prop(name)
        title = (prop.label_en if lang == "en" else prop.label_zh) if prop else None
        if kind == "geometry":
            properties[name] = {"format": GEOMETRY_FORMATS[spec.geometry_type], "title": "Geometry"}
        else:
            properties[name] = {**value_schema(spec, name, kind), **({"title": title} if title else {})}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base}collections/{spec.id}/queryables",
        "type": "object",
        "title": spec.title_en if lang == "en" else spec.title_zh,
        "properties": properties,
        "additionalProperties": False,
    }


def items_links(
    collection_url: str, request_url: str, params: list[tuple[str, str]], offset: int, limit: int
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """(links of every page, the next link): the SQL adds the next link only when there is a next page."""
    kept = [(k, v) for k, v in params if k != "offset"]

    def page(new_offset: int) -> str:
        return f"{collection_url}/items?{urlencode([*kept, ('offset', str(new_offset))])}"

    links = [
        link(request_url, "self", GEOJSON, "This page"),
        link(collection_url, "collection", JSON, "The collection"),
    ]
    if offset > 0:
        links.append(link(page(max(offset - limit, 0)), "prev", GEOJSON, "Previous page"))
    return links, link(page(offset + limit), "next", GEOJSON, "Next page")


def feature_links(collection_url: str, request_url: str) -> list[dict[str, str]]:
    return [link(request_url, "self", GEOJSON, "This feature"), link(collection_url, "collection", JSON)]

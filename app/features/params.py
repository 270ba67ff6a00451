"""Query parameters of the features API, parsed strictly: anything unknown or malformed is a 400 naming it.

CRSs (OGC API – Features Part 2): storage is EPSG:4326 in lon/lat order, which is CRS84. EPSG:4326 and CGCS2000
(EPSG:4490) are served by flipping the axes to their lat/lon order; the two datums agree to a few centimetres, so
no datum transformation is made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from starlette.datastructures import QueryParams

from app.errors import InvalidParameter
from app.features import cql2
from app.query import INT8_RANGE, INTEGER, NUMBER, BBox, Filters, parse_filters
from layers.spec import LayerSpec

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
CGCS2000 = "http://www.opengis.net/def/crs/EPSG/0/4490"
SUPPORTED_CRS = (CRS84, EPSG_4326, CGCS2000)
LAT_LON_CRS = (EPSG_4326, CGCS2000)
CRS_ALIASES = {
    **{uri.lower(): uri for uri in SUPPORTED_CRS},
    "crs84": CRS84,
    "ogc:crs84": CRS84,
    "[ogc:crs84]": CRS84,
    "epsg:4326": EPSG_4326,
    "[epsg:4326]": EPSG_4326,
    "epsg:4490": CGCS2000,
    "[epsg:4490]": CGCS2000,
}
DEFAULT_LIMIT = 100
ITEMS_PARAMETERS = ("bbox", "bbox-crs", "crs", "limit", "offset", "filter", "filter-lang", "filter-crs", "count")
# Accepted anywhere: output format (JSON is the only one) and the language of error titles.
COMMON_PARAMETERS = ("f", "lang")
FORMATS = ("json", "geojson")


@dataclass(frozen=True)
class ItemsQuery:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: BBox | None = None
    filters: Filters = field(default_factory=dict)
    cql: cql2.Node | None = None
    crs: str = CRS84
    count: bool | None = None  # None: count when the table is small

    @property
    def lat_lon(self) -> bool:
        return self.crs in LAT_LON_CRS


def parse_items_query(spec: LayerSpec, params: QueryParams, max_limit: int) -> ItemsQuery:
    """The `/items` query string: paging, bbox, CRSs, CQL2 filter, and the layer's property filters."""
    check_single(params, (*ITEMS_PARAMETERS, *COMMON_PARAMETERS))
    check_format(params)
    reserved = {*ITEMS_PARAMETERS, *COMMON_PARAMETERS}
    filters = parse_filters(spec, [(k, v) for k, v in params.multi_items() if k not in reserved])
    limit = parse_integer(params.get("limit"), "limit", DEFAULT_LIMIT)
    if limit > max_limit:
        raise InvalidParameter(f"limit {limit} is above the maximum of {max_limit}", field="limit", maximum=max_limit)
    bbox_crs = parse_crs(params.get("bbox-crs"), "bbox-crs")
    return ItemsQuery(
        limit=limit,
        offset=parse_integer(params.get("offset"), "offset", 0, minimum=0),
        bbox=parse_bbox(params["bbox"], bbox_crs) if "bbox" in params else None,
        filters=filters,
        cql=parse_cql(spec, params),
        crs=parse_crs(params.get("crs"), "crs"),
        count=parse_boolean(params.get("count"), "count"),
    )


def parse_feature_query(params: QueryParams) -> str:
    """The single-feature query string: only `crs` (and the common parameters); returns the CRS."""
    allowed = ("crs", *COMMON_PARAMETERS)
    for name in params:
        if name not in allowed:
            raise InvalidParameter(f"unknown parameter {name!r}; allowed here: {', '.join(allowed)}", field=name)
    check_single(params, allowed)
    check_format(params)
    return parse_crs(params.get("crs"), "crs")


def check_single(params: QueryParams, names: tuple[str, ...]) -> None:
    for name in names:
        if len(params.getlist(name)) > 1:
            raise InvalidParameter(f"{name} given more than once", field=name)


def check_format(params: QueryParams) -> None:
    if params.get("f", "json").lower() not in FORMATS:
        raise InvalidParameter(f"f: only {' and '.join(FORMATS)} are served", field="f")


def parse_integer(text: str | None, name: str, default: int, minimum: int = 1) -> int:
    if text is None:
        return default
    if not INTEGER.fullmatch(text.strip()):
        raise InvalidParameter(f"{name}: {text!r} is not an integer", field=name)
    value = int(text)
    if value < minimum or value not in INT8_RANGE:
        raise InvalidParameter(f"{name}: {value} is out of range (minimum {minimum})", field=name)
    return value


def parse_boolean(text: str | None, name: str) -> bool | None:
    if text is None:
        return None
    if text.lower() not in ("true", "false"):
        raise InvalidParameter(f"{name}: {text!r} is not true or false", field=name)
    return text.lower() == "true"


def parse_crs(text: str | None, name: str) -> str:
    if text is None:
        return CRS84
    uri = CRS_ALIASES.get(text.strip().lower())
    if uri is None:
        raise InvalidParameter(
            f"{name}: unsupported CRS {text!r}; supported: {', '.join(SUPPORTED_CRS)}",
            field=name,
            supported=list(SUPPORTED_CRS),
        )
    return uri


def parse_bbox(text: str, crs: str) -> BBox:
    """bbox in `crs` axis order → (min lon, min lat, max lon, max lat), refusing what cannot be a valid box."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) not in (4, 6):
        raise InvalidParameter(
            f"bbox needs 4 numbers (or 6 with heights), comma-separated; got {len(parts)}", field="bbox"
        )
    for part in parts:
        if not NUMBER.fullmatch(part) or not math.isfinite(float(part)):
            raise InvalidParameter(f"bbox: {part!r} is not a number", field="bbox")
    numbers = [float(part) for part in parts]
    a1, b1, a2, b2 = numbers[:2] + numbers[len(numbers) // 2 : len(numbers) // 2 + 2]
    lat_lon = crs in LAT_LON_CRS
    lon1, lat1, lon2, lat2 = (b1, a1, b2, a2) if lat_lon else (a1, b1, a2, b2)
    order = "lat,lon (minlat,minlon,maxlat,maxlon)" if lat_lon else "lon,lat (minlon,minlat,maxlon,maxlat)"
    if max(abs(lat1), abs(lat2)) > 90:
        looks_swapped = max(abs(lon1), abs(lon2)) <= 90 and max(abs(lat1), abs(lat2)) <= 180
        hint = f"; it looks like the axes are swapped ({'lon/lat' if lat_lon else 'lat/lon'} given)"
        raise InvalidParameter(
            f"bbox latitude outside ±90{hint if looks_swapped else ''}: {crs} takes {order}"
            + ("" if lat_lon else "; for lat,lon order add bbox-crs=EPSG:4326"),
            field="bbox",
        )
    if max(abs(lon1), abs(lon2)) > 180:
        raise InvalidParameter(f"bbox longitude outside ±180: {crs} takes {order}", field="bbox")
    if lon1 > lon2 or lat1 > lat2:
        axis = "longitude" if lon1 > lon2 else "latitude"
        raise InvalidParameter(f"bbox minimum {axis} is greater than the maximum: {crs} takes {order}", field="bbox")
    return lon1, lat1, lon2, lat2


def parse_cql(spec: LayerSpec, params: QueryParams) -> cql2.Node | None:
    language = params.get("filter-lang", "cql2-text")
    if language != "cql2-text":
        raise InvalidParameter(f"filter-lang: only cql2-text is supported, not {language!r}", field="filter-lang")
    text = params.get("filter")
    if text is None:
        return None
    filter_crs = parse_crs(params.get("filter-crs"), "filter-crs")
    try:
        return cql2.parse(text, spec, lat_lon=filter_crs in LAT_LON_CRS)
    except cql2.CQLError as exc:
        raise InvalidParameter(
            f"filter: {exc.message} (at position {exc.position})", field="filter", position=exc.position
        ) from None

"""The filtered enterprise set that the result list, the exports and the situation map all share.

The filters are those of the features API and the tiles (`tier=red,orange`, `town_code=…`, `industry=…`,
`hazard_tags=…`, `major_hazard_grade=…`, CQL2 `filter=` such as `S_INTERSECTS(geom, POLYGON(…))`), parsed and
compiled by `app.query` and the features API's parameter parsers, so that an export holds exactly what the map
and the list show. `bbox` (west,south,east,north) narrows the set to a view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.features import cql2
from app.features.params import CRS84, parse_bbox, parse_cql
from app.query import Filters, parse_filters, where_clause
from layers.spec import LayerSpec, PropertySpec
from layers.styles import TIER_STYLES

ENTERPRISES = "enterprises"
# Query parameters that are not property filters: the CQL2 filter itself and what the endpoints take besides.
NOT_PROPERTY_FILTERS = {"lang", "filter", "filter-lang", "filter-crs", "sortby", "limit", "bbox", "layers"}
TIER_LABELS = {tier.value: (style.label_zh, style.label_en) for tier, style in TIER_STYLES.items()}


@dataclass(frozen=True)
class EnterpriseSet:
    """The parsed filters and their WHERE fragment over the enterprise table (unqualified columns) with its values."""

    spec: LayerSpec
    filters: Filters
    cql: cql2.Node | None
    where: str
    values: tuple[object, ...]


def enterprise_spec(request: Request) -> LayerSpec:
    return request.app.state.layers[ENTERPRISES]


def enterprise_set(request: Request, first_param: int, fixed: Iterable[tuple[str, str]] = ()) -> EnterpriseSet:
    """Parse the request's filters (and `bbox`) for a statement whose own parameters take `$1`..`$first_param-1`;
    `fixed` filters are added to the user's (a layer-tree entry such as 重大危险源)."""
    spec = enterprise_spec(request)
    params = request.query_params
    pairs = [(k, v) for k, v in params.multi_items() if k not in NOT_PROPERTY_FILTERS]
    filters = parse_filters(spec, [*pairs, *fixed])
    cql = parse_cql(spec, params)
    bbox = parse_bbox(params["bbox"], CRS84) if "bbox" in params else None
    where, values = where_clause(spec, filters=filters, bbox=bbox, cql=cql, first_param=first_param)
    return EnterpriseSet(spec, filters, cql, where, tuple(values))


def set_after(count: int):
    """A dependency: the filtered set for a statement with `count` parameters of its own."""

    def dependency(request: Request) -> EnterpriseSet:
        return enterprise_set(request, count + 1)

    return Depends(dependency)


EnterpriseSetDep = Annotated[EnterpriseSet, set_after(0)]


def has_labels(prop: PropertySpec) -> bool:
    return prop.name == "tier" or prop.vocabulary is not None


def code_label(prop: PropertySpec, code: object, pick: int) -> str:
    """A tier or vocabulary code as a person reads it (`pick`: 0 for zh, 1 for en); anything else as text."""
    choices = TIER_LABELS if prop.name == "tier" else prop.choices() or {}
    labels = choices.get(code) if isinstance(code, str) else None
    return labels[pick] if labels else str(code)

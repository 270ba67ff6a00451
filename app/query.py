"""Registry-driven SQL fragments shared by the features API and the vector tiles.

Every user value becomes a bound parameter (`$n`, asyncpg numbering); identifiers come only from the layer registry
and pass through `quote_ident`. Typical use, with the statement's own parameters taking `$1`..`$4`:

    filters = parse_filters(spec, [("tier", "red,orange"), ("hazard_tags", "dust_explosion")])
    where, params = where_clause(spec, filters=filters, bbox=(113.5, 22.6, 114.3, 23.2), first_param=5)
    await conn.fetch(f"SELECT ... FROM {quote_ident(spec.table)} WHERE {where} ...", a, b, c, d, *params)

Column names in the fragment are unqualified, so it fits any single-table FROM.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime

from app.errors import InvalidParameter
from app.features import cql2
from layers.spec import LayerSpec, PropertySpec

# Registry property type → the PostgreSQL type its bound values are cast to.
SQL_TYPES = {
    "string": "text",
    "integer": "int8",
    "number": "float8",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamptz",
    "string[]": "text",
}
INT8_RANGE = range(-(2**63), 2**63)
# Up to this many values, an any-of filter is written as `=` comparisons joined by OR: each one can be an index
# condition of a GiST index that holds the column beside the geometry (`ix_enterprise_geom_tier`), which `= ANY`
# cannot, so "orange in this box" reads only the orange features of the box, also in a prepared generic plan.
OR_EXPANDED_VALUES = 8
INTEGER = re.compile(r"[+-]?[0-9]+")
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")

Filters = dict[str, tuple[object, ...]]
BBox = tuple[float, float, float, float]


def quote_ident(name: str) -> str:
    """The one way an identifier enters SQL text: double-quoted, inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def parse_filters(spec: LayerSpec, pairs: Iterable[tuple[str, str]]) -> Filters:
    """Query-string property filters → {property: typed values}; repeated or comma-separated values are any-of.

    Raises InvalidParameter naming the parameter for an unknown or non-filterable property, a value of the wrong
    type, or a value outside the property's vocabulary.
    """
    filters: dict[str, list[object]] = {}
    for name, raw in pairs:
        prop = spec.prop(name)
        if prop is None or not prop.filterable or prop.type == "json":
            filterable = ", ".join(p.name for p in spec.properties if p.filterable) or "none"
            raise InvalidParameter(
                f"unknown parameter {name!r}; the properties of {spec.id} that can be filtered are: {filterable}",
                field=name,
            )
        filters.setdefault(name, []).extend(_filter_value(prop, part.strip()) for part in raw.split(","))
    return {name: tuple(dict.fromkeys(values)) for name, values in filters.items()}


def _filter_value(prop: PropertySpec, text: str) -> object:
    try:
        value = typed_value(prop.type.removesuffix("[]"), text)
    except ValueError as exc:
        raise InvalidParameter(f"{prop.name}: {exc}", field=prop.name) from None
    choices = prop.choices()
    if choices is not None and value not in choices:
        raise InvalidParameter(
            f"{prop.name}: {text!r} is not one of {', '.join(choices)}", field=prop.name, allowed=list(choices)
        )
    return value


def typed_value(kind: str, text: str) -> object:
    """A query-string value as the Python value asyncpg binds for a property of type `kind`."""
    if text == "" or "\x00" in text:
        raise ValueError("empty value" if text == "" else "NUL characters are not allowed")
    if kind == "string":
        return text
    if kind == "integer":
        if not INTEGER.fullmatch(text) or int(text) not in INT8_RANGE:
            raise ValueError(f"{text!r} is not an integer")
        return int(text)
    if kind == "number":
        if not NUMBER.fullmatch(text) or not math.isfinite(float(text)):
            raise ValueError(f"{text!r} is not a number")
        return float(text)
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return text.lower() == "true"
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "datetime":
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    raise ValueError(f"values of type {kind} cannot be filtered")


class Params:
    """Bound values collected while writing SQL; `add` returns the typed `$n` placeholder for the next one."""

    def __init__(self, first: int = 1):
        self.first = first
        self.values: list[object] = []

    def add(self, value: object, sql_type: str) -> str:
        self.values.append(value)
        return f"${self.first + len(self.values) - 1}::{sql_type}"


def where_clause(
    spec: LayerSpec,
    *,
    filters: Filters | None = None,
    bbox: BBox | None = None,
    cql: cql2.Node | None = None,
    first_param: int = 1,
) -> tuple[str, list[object]]:
    """(SQL boolean expression, its bound values numbered from `$first_param`); "TRUE" when nothing filters.

    `filters` come from `parse_filters`, `bbox` is (min lon, min lat, max lon, max lat) in EPSG:4326, `cql` is a
    tree from `cql2.parse` (already checked against the registry).
    """
    params = Params(first_param)
    terms = []
    if bbox is not None:
        terms.append(bbox_predicate(spec, bbox, params))
    for name, values in (filters or {}).items():
        prop = spec.prop(name)
        assert prop is not None, name
        column, sql_type = quote_ident(name), SQL_TYPES[prop.type]
        if prop.type.endswith("[]"):
            terms.append(f"{column} && {params.add(list(values), sql_type + '[]')}")
        elif len(values) <= OR_EXPANDED_VALUES:
            equalities = [f"{column} = {params.add(value, sql_type)}" for value in values]
            terms.append(equalities[0] if len(equalities) == 1 else "(" + " OR ".join(equalities) + ")")
        else:
            terms.append(f"{column} = ANY({params.add(list(values), sql_type + '[]')})")
    if cql is not None:
        terms.append(compile_cql(cql, spec, params))
    return (" AND ".join(terms) or "TRUE"), params.values


def bbox_predicate(spec: LayerSpec, bbox: BBox, params: Params) -> str:
    """Index-friendly bbox test: `&&` alone is exact for points; other shapes must really intersect the box."""
    envelope = f"ST_MakeEnvelope({', '.join(params.add(v, 'float8') for v in bbox)}, 4326)"
    geom = quote_ident(spec.geometry_column)
    return f"{geom} && {envelope}" if spec.geometry_type == "Point" else f"ST_Intersects({geom}, {envelope})"


def compile_cql(node: cql2.Node, spec: LayerSpec, params: Params) -> str:
    """A CQL2 tree as SQL: property names quoted, every literal bound."""
    match node:
        case cql2.Logical(op, operands):
            return "(" + f" {op} ".join(compile_cql(o, spec, params) for o in operands) + ")"
        case cql2.Not(operand):
            return f"NOT {compile_cql(operand, spec, params)}"
        case cql2.Comparison(op, left, right):
            return f"({_scalar(left, params)} {op} {_scalar(right, params)})"
        case cql2.Like(prop, pattern, negated):
            return f"({quote_ident(prop.name)} {_not(negated)}LIKE {params.add(pattern, 'text')})"
        case cql2.Between(prop, low, high, negated):
            low_sql, high_sql = _scalar(low, params), _scalar(high, params)
            return f"({quote_ident(prop.name)} {_not(negated)}BETWEEN {low_sql} AND {high_sql})"
        case cql2.In(prop, values, negated):
            array = params.add([v.value for v in values], cql2.LITERAL_SQL_TYPES[values[0].type] + "[]")
            return f"({_not(negated)}({quote_ident(prop.name)} = ANY({array})))"
        case cql2.IsNull(prop, negated):
            return f"({quote_ident(prop.name)} IS {_not(negated)}NULL)"
        case cql2.ArrayPredicate(operator, prop, values):
            return f"({quote_ident(prop.name)} {operator} {params.add(list(values), 'text[]')})"
        case cql2.SpatialPredicate(function, geometry):
            return f"{function}({quote_ident(spec.geometry_column)}, {_geometry(geometry, params)})"
        case cql2.Literal(value, "boolean"):
            return "TRUE" if value else "FALSE"
    raise TypeError(f"not a CQL2 predicate: {node!r}")


def _scalar(node: cql2.Property | cql2.Literal, params: Params) -> str:
    if isinstance(node, cql2.Property):
        return quote_ident(node.name)
    return params.add(node.value, cql2.LITERAL_SQL_TYPES[node.type])


def _geometry(geometry: cql2.Envelope | cql2.Shape, params: Params) -> str:
    if isinstance(geometry, cql2.Envelope):
        return f"ST_MakeEnvelope({', '.join(params.add(v, 'float8') for v in geometry.bounds)}, 4326)"
    return f"ST_GeomFromText({params.add(geometry.wkt, 'text')}, 4326)"


def _not(negated: bool) -> str:
    return "NOT " if negated else ""

"""Features from PostGIS: each request is one statement whose single value is the response body (UTF-8 bytes).

The SQL lives in `sql/`; identifiers come from the registry through `quote_ident`, values are bound. Rendered
statements are cached per layer, axis order and filter shape, so asyncpg's statement cache sees a handful of
distinct texts and re-uses their prepared plans.
"""

from __future__ import annotations

import re
from contextlib import AbstractAsyncContextManager
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

import asyncpg
import orjson

from app.features.params import ItemsQuery
from app.query import quote_ident, where_clause
from layers.spec import LayerSpec

SQL_DIR = Path(__file__).resolve().parent / "sql"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
INTEGER_TYPES = ("smallint", "integer", "bigint")
ITEMS_FIXED_PARAMETERS = 6  # $1..$6 of items.sql; the filter's parameters follow


class Pool(Protocol):
    """An asyncpg pool, or the request's ScopedPool that runs each connection as the current user."""

    def acquire(self) -> AbstractAsyncContextManager[asyncpg.Connection]: ...


@cache
def template(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def render(name: str, **parts: str) -> str:
    """Fill the `{name}` slots of a SQL template (JSON braces in string literals are not slots)."""
    return PLACEHOLDER.sub(lambda match: parts[match.group(1)], template(name))


def published_properties(spec: LayerSpec) -> tuple[str, ...]:
    """The registry's properties, plus the demo flag (演示数据) so the API labels synthetic rows."""
    names = tuple(p.name for p in spec.properties)
    return (*names, spec.demo_column) if spec.demo_column and spec.demo_column not in names else names


def feature_sql(spec: LayerSpec, lat_lon: bool) -> str:
    geometry = quote_ident(spec.geometry_column)
    return render(
        "feature.sql",
        id=quote_ident(spec.id_column),
        geometry=f"ST_FlipCoordinates({geometry})" if lat_lon else geometry,
        properties=", ".join(f"t.{quote_ident(name)}" for name in published_properties(spec)),
    )


@lru_cache(maxsize=512)
def items_sql(spec: LayerSpec, lat_lon: bool, where: str) -> str:
    return render(
        "items.sql",
        feature=feature_sql(spec, lat_lon),
        id=quote_ident(spec.id_column),
        table=quote_ident(spec.table),
        where=where,
    )


@lru_cache(maxsize=128)
def item_sql(spec: LayerSpec, lat_lon: bool, id_type: str) -> str:
    return render(
        "item.sql",
        feature=feature_sql(spec, lat_lon),
        id=quote_ident(spec.id_column),
        table=quote_ident(spec.table),
        id_type=id_type,
    )


def links_json(links: list[dict[str, str]]) -> str:
    return orjson.dumps(links).decode()[1:-1]


async def fetch_items(
    pool: Pool, spec: LayerSpec, query: ItemsQuery, links: list[dict[str, str]], next_link: dict[str, str]
) -> bytes:
    """The FeatureCollection; `next_link` is added by the SQL only when a further page exists."""
    where, values = where_clause(
        spec, filters=query.filters, bbox=query.bbox, cql=query.cql, first_param=ITEMS_FIXED_PARAMETERS + 1
    )
    async with pool.acquire() as conn:
        return await conn.fetchval(
            items_sql(spec, query.lat_lon, where),
            query.limit,
            query.offset,
            query.count,
            quote_ident(spec.table),
            links_json(links),
            orjson.dumps(next_link).decode(),
            *values,
        )


async def fetch_item(
    pool: Pool, spec: LayerSpec, id_type: str, feature_id: str, lat_lon: bool, links: list[dict[str, str]]
) -> bytes | None:
    """The Feature, or None when no feature has this id (including ids that cannot be of the id's type)."""
    if id_type in INTEGER_TYPES:
        if not feature_id.isascii() or not feature_id.isdigit() or int(feature_id) >= 2**63:
            return None
        value: int | str = int(feature_id)
    elif "\x00" in feature_id:
        return None
    else:
        value = feature_id
    async with pool.acquire() as conn:
        return await conn.fetchval(item_sql(spec, lat_lon, id_type), value, orjson.dumps(links).decode())


async def fetch_id_types(pool: Pool, layers: dict[str, LayerSpec]) -> dict[str, str]:
    """Layer id → SQL type of its id column (e.g. bigint, character varying), read once from the catalog."""
    specs = list(layers.values())
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            template("id_types.sql"),
            [s.id for s in specs],
            [s.table for s in specs],
            [s.id_column for s in specs],
        )
    return {row["id"]: row["id_type"] for row in rows}


async def fetch_extents(pool: Pool, specs: list[LayerSpec]) -> dict[str, list[float]]:
    """Layer id → [min lon, min lat, max lon, max lat]: planner statistics, or an exact scan for a table not
    analysed yet; a layer without rows has no extent."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            template("estimated_extents.sql"),
            [s.id for s in specs],
            [s.table for s in specs],
            [s.geometry_column for s in specs],
        )
        extents = {row["id"]: [row["xmin"], row["ymin"], row["xmax"], row["ymax"]] for row in rows}
        for spec in specs:
            if extents[spec.id][0] is None:
                sql = render(
                    "exact_extent.sql", geometry=quote_ident(spec.geometry_column), table=quote_ident(spec.table)
                )
                extents[spec.id] = list(await conn.fetchrow(sql))
    return {layer: [round(v, 7) for v in box] for layer, box in extents.items() if box[0] is not None}

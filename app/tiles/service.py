"""Vector tiles rendered by PostGIS and versioned by `layer_change`, so that a tile is never served stale.

Each tile is one statement: it reads the layer's version and renders the tile only when the version the caller
already holds (the client's ETag, or our cache) is not the current one. The statement text depends only on the
layer, the kind of tile and the filter shape, so asyncpg prepares it once per connection.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cache, lru_cache
from hashlib import blake2b
from pathlib import Path
from typing import Any

import asyncpg

from app.auth.scope import ScopedPool
from app.errors import InvalidParameter, NotFound
from app.query import quote_ident
from layers.spec import LayerSpec
from layers.styles import TIER_ORDER

SQL_DIR = Path(__file__).resolve().parent / "sql"
MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
MAX_ZOOM = 22
WORLD_SPAN_M = 2 * 20037508.342789244  # width of the WebMercatorQuad z0 tile
GRID_CELLS = 64  # aggregated tiles: 64 × 64 cells per tile
# tile_grid (migration 0007) keeps the cells of quadtree level 17: the grid of zoom 11 tiles (64 = 2^6 cells a side).
GRID_LEVEL = 17
GRID_ZOOMS_KEPT = GRID_LEVEL - 6  # grid tiles up to this zoom can be summed from tile_grid
SIMPLIFY_BELOW_ZOOM = 14  # below it, `simplify: true` layers drop detail finer than a pixel of a 512 px tile
COORDINATE = re.compile(r"^-?\d{1,10}$")
OUR_ETAG = re.compile(r'W/"(\d+)-[0-9a-f]{16}"')
TIERS = tuple(t.value for t in TIER_ORDER)  # most severe first


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    @classmethod
    def parse(cls, z: str, x: str, y: str) -> Tile:
        """Path segments → a WebMercatorQuad tile: 400 for a non-integer, 404 outside the tile matrix set."""
        for name, text in (("z", z), ("x", x), ("y", y)):
            if not COORDINATE.match(text):
                raise InvalidParameter(f"tile {name} must be an integer, not {text!r}", field=name)
        tile = cls(int(z), int(x), int(y))
        if not 0 <= tile.z <= MAX_ZOOM:
            raise NotFound(f"zoom {tile.z} is outside 0..{MAX_ZOOM}", field="z")
        last = 2**tile.z - 1
        for name, value in (("x", tile.x), ("y", tile.y)):
            if not 0 <= value <= last:
                raise NotFound(f"tile {name}={value} is outside 0..{last} at zoom {tile.z}", field=name)
        return tile

    @property
    def span_m(self) -> float:
        return WORLD_SPAN_M / 2**self.z


@dataclass(frozen=True)
class TileFilter:
    """A WHERE fragment from `app.query.where_clause` and its values, numbered after the statement's own."""

    sql: str
    values: tuple[Any, ...]


def check_zoom(spec: LayerSpec, tile: Tile) -> None:
    """Outside the layer's zoom range the tile does not exist (404), as its TileJSON says."""
    if not spec.tiles.minzoom <= tile.z <= spec.tiles.maxzoom:
        raise NotFound(f"{spec.id} has tiles at zoom {spec.tiles.minzoom}..{spec.tiles.maxzoom}", field="z")


def is_grid(spec: LayerSpec, z: int) -> bool:
    return spec.tiles.aggregate_below is not None and z < spec.tiles.aggregate_below


def uses_tile_grid(spec: LayerSpec, tile: Tile, where: TileFilter) -> bool:
    """An unfiltered grid tile of a layer kept in tile_grid (every `aggregate_below` layer, checked at start-up)
    is summed from its cells; a filtered one groups the layer's own points."""
    return is_grid(spec, tile.z) and tile.z <= GRID_ZOOMS_KEPT and where.sql == "TRUE"


def is_simplified(spec: LayerSpec, z: int) -> bool:
    return spec.tiles.simplify and z < SIMPLIFY_BELOW_ZOOM


def grid_layer_name(spec: LayerSpec) -> str:
    return f"{spec.id}_grid"


def statement_params(spec: LayerSpec, tile: Tile, held_version: int | None) -> list[Any]:
    """The values of $1.. before the filters, as documented at the top of the .sql files."""
    head = [tile.z, tile.x, tile.y, spec.table, held_version]
    if is_grid(spec, tile.z):
        return [*head, grid_layer_name(spec), tile.span_m / GRID_CELLS]
    tolerance = [tile.span_m / 512] if is_simplified(spec, tile.z) else []
    return [*head, spec.id, spec.tiles.feature_cap, *tolerance]


def tile_grid_params(spec: LayerSpec, tile: Tile, held_version: int | None) -> list[Any]:
    """The values of grid_cells.sql: the tile's range of finest-level cells (rows counted from the south)."""
    per_tile = 2 ** (GRID_LEVEL - tile.z)
    half = 2 ** (GRID_LEVEL - 1)
    west, south = tile.x * per_tile - half, half - (tile.y + 1) * per_tile
    return [
        tile.z, tile.x, tile.y, spec.table, held_version, grid_layer_name(spec), per_tile // GRID_CELLS,
        west, west + per_tile, south, south + per_tile,
    ]  # fmt: skip


def first_filter_param(spec: LayerSpec, tile: Tile) -> int:
    return len(statement_params(spec, tile, None)) + 1


@cache
def template(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def tile_column(name: str, kind: str) -> str:
    """MVT values are scalars: arrays travel comma-joined, dates as ISO text."""
    column, alias = f"t.{quote_ident(name)}", quote_ident(name)
    if kind == "string[]":
        return f"array_to_string({column}, ',') AS {alias}"
    return f"{column}::text AS {alias}" if kind in ("date", "datetime") else column


def filter_sql(where: str) -> str:
    return "" if where == "TRUE" else f" AND ({where})"


@lru_cache(maxsize=256)
def features_sql(spec: LayerSpec, simplified: bool, where: str) -> str:
    """features.sql for a layer and filter shape; the same text each time, so asyncpg prepares it once."""
    geom = quote_ident(spec.geometry_column)
    columns = [tile_column(p.name, p.type) for p in spec.properties if p.in_tiles]
    # A layer whose id is a published property (towns: the NBS code) keeps it there; others get an MVT feature id.
    id_is_property = spec.prop(spec.id_column) is not None
    if not id_is_property:
        columns.insert(0, f"t.{quote_ident(spec.id_column)}")
    geometry = f"ST_Transform(t.{geom}, 3857)"
    return template("features.sql").format(
        table=quote_ident(spec.table), geom=geom, filters=filter_sql(where), columns=", ".join(columns),
        feature_id="" if id_is_property else f", '{spec.id_column}'",
        geometry=f"ST_Simplify({geometry}, $8, true)" if simplified else geometry,
    )  # fmt: skip


def tier_summary(spec: LayerSpec) -> str:
    """The per-tier counts and the dominant tier of a grid cell, when the layer has tiers."""
    if not spec.has_tier:
        return ""
    names = ", ".join(TIERS)
    most_frequent = " ".join(f"WHEN {t} THEN '{t}'" for t in TIERS)  # the first, most severe, wins a tie
    return f", {names}, CASE greatest({names}) WHEN 0 THEN NULL {most_frequent} END AS tier"


@lru_cache(maxsize=256)
def grid_sql(spec: LayerSpec, where: str) -> str:
    """grid.sql for a layer and filter shape; per-tier counts and the dominant tier when the layer has tiers."""
    tier_counts = "".join(f", count(*) FILTER (WHERE p.tier = '{t}') AS {t}" for t in TIERS) if spec.has_tier else ""
    return template("grid.sql").format(
        table=quote_ident(spec.table), geom=quote_ident(spec.geometry_column), filters=filter_sql(where),
        tier_counts=tier_counts, tier_summary=tier_summary(spec),
    )  # fmt: skip


@cache
def grid_cells_sql(spec: LayerSpec) -> str:
    """grid_cells.sql for a layer kept in tile_grid."""
    tier_counts = "".join(f", sum(g.{t}) AS {t}" for t in TIERS) if spec.has_tier else ""
    return template("grid_cells.sql").format(tier_counts=tier_counts, tier_summary=tier_summary(spec))


def tile_statement(spec: LayerSpec, tile: Tile, where: TileFilter, held_version: int | None) -> tuple[str, list]:
    """The statement for a tile and its values: sums of tile_grid cells, grouped points, or plain features."""
    if uses_tile_grid(spec, tile, where):
        return grid_cells_sql(spec), tile_grid_params(spec, tile, held_version)
    if is_grid(spec, tile.z):
        sql = grid_sql(spec, where.sql)
    else:
        sql = features_sql(spec, is_simplified(spec, tile.z), where.sql)
    return sql, [*statement_params(spec, tile, held_version), *where.values]


async def fetch_tile(
    pool: ScopedPool | asyncpg.Connection, spec: LayerSpec, tile: Tile, where: TileFilter, held_version: int | None
) -> tuple[int, bytes | None]:
    """(current version, tile); the tile is None when `held_version` is current, so nothing was rendered."""
    sql, values = tile_statement(spec, tile, where, held_version)
    row = await pool.fetchrow(sql, *values)
    assert row is not None, "the statement always returns one row"
    return row["version"], row["tile"]


def request_key(spec: LayerSpec, tile: Tile, where: TileFilter, scope: str) -> str:
    """What a tile depends on besides the data: compiled filters (the normalised query string) and the towns the
    user may see (row-level security), so that no user is ever served another's tile."""
    return repr((spec.id, tile.z, tile.x, tile.y, where.sql, where.values, scope))


def etag(key: str, version: int) -> str:
    """Weak, because the same data may come back with its features in another order."""
    return f'W/"{version}-{blake2b(f"{key}|{version}".encode(), digest_size=8).hexdigest()}"'


def held_version(if_none_match: str | None, key: str) -> int | None:
    """The version of the client's copy, when If-None-Match carries one of our ETags for this very request."""
    for match in OUR_ETAG.finditer(if_none_match or ""):
        version = int(match.group(1))
        if etag(key, version) == match.group(0):
            return version
    return None


@dataclass
class Fetch:
    """One trip to the database for a tile, under way; `result` is the whole tile at its version once known."""

    started: int  # the cache's clock when it was sent
    done: asyncio.Event = field(default_factory=asyncio.Event)
    result: tuple[int, bytes] | None = None


class VersionedCache:
    """Results by request key with the version they were made at; least recently used out beyond `max_bytes`.

    The database says on every request whether an entry's version is still current, so edits invalidate it.
    `fetches` holds the trips under way, one per key, so that a tile is rendered once per change however many
    screens ask for it at the same moment (a command centre's, right after a storm re-tiered the layer).
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.used = 0
        self.entries: OrderedDict[str, tuple[int, Any, int]] = OrderedDict()
        self.fetches: dict[str, Fetch] = {}
        self.clock = itertools.count()

    def get(self, key: str) -> tuple[int, Any] | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        self.entries.move_to_end(key)
        return entry[0], entry[1]

    def put(self, key: str, version: int, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return
        old = self.entries.pop(key, None)
        self.used += size - (old[2] if old else 0)
        self.entries[key] = (version, value, size)
        while self.used > self.max_bytes:
            _, (_, _, evicted) = self.entries.popitem(last=False)
            self.used -= evicted


@dataclass(frozen=True)
class TileResult:
    etag: str
    body: bytes | None  # None: the client's copy is current (304); b"": no feature (204)


async def get_tile(
    pool: ScopedPool, tile_cache: VersionedCache, spec: LayerSpec, tile: Tile, where: TileFilter,
    if_none_match: str | None,
) -> TileResult:  # fmt: skip
    """The tile from our cache or from PostGIS, rendered only when neither we nor the client have it current.

    Requests for a tile whose trip to the database is under way wait for it, and take its answer only if it was
    sent after they arrived (an answer from before might predate an edit they followed); otherwise the first of
    them sends the next trip and the rest take its answer. So a burst of requests costs at most two trips per tile,
    and renders at most once.
    """
    key = request_key(spec, tile, where, pool.scope_key)
    client_version = held_version(if_none_match, key)

    def answer(version: int, body: bytes | None) -> TileResult:
        return TileResult(etag(key, version), None if client_version == version else body)

    if not tile_cache.max_bytes:
        return answer(*await fetch_tile(pool, spec, tile, where, client_version))
    arrived = next(tile_cache.clock)
    while (under_way := tile_cache.fetches.get(key)) is not None:
        await under_way.done.wait()
        if under_way.started > arrived and under_way.result is not None:
            return answer(*under_way.result)
    fetch = tile_cache.fetches[key] = Fetch(next(tile_cache.clock))
    try:
        cached = tile_cache.get(key)
        version, body = await fetch_tile(pool, spec, tile, where, cached[0] if cached else client_version)
        if body is not None:
            tile_cache.put(key, version, body, len(body) + len(key))
        elif cached and cached[0] == version:
            body = cached[1]
        if body is not None:
            fetch.result = (version, body)
    finally:
        del tile_cache.fetches[key]
        fetch.done.set()
    return answer(version, body)

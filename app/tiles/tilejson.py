"""TileJSON 3.0.0 for one layer, from the registry; the bounds come from the data, once per data version."""

from __future__ import annotations

from typing import Any

from app.auth.scope import ScopedPool
from app.query import quote_ident
from app.tiles.service import VersionedCache, grid_layer_name, template
from layers.spec import LayerSpec
from layers.styles import TIER_ORDER, TIER_STYLES

WORLD_BOUNDS = [-180.0, -85.0511287798066, 180.0, 85.0511287798066]


async def fetch_bounds(pool: ScopedPool, tile_cache: VersionedCache, spec: LayerSpec) -> list[float]:
    """[west, south, east, north] of the rows the user sees: ST_Extent again only after the data changed."""
    key = f"bounds {spec.table}.{spec.geometry_column} {pool.scope_key}"
    cached = tile_cache.get(key)
    sql = template("bounds.sql").format(table=quote_ident(spec.table), geom=quote_ident(spec.geometry_column))
    row = await pool.fetchrow(sql, spec.table, cached[0] if cached else None)
    assert row is not None, "the statement always returns one row"
    if row["bounds"] is None and cached and cached[0] == row["version"]:
        return cached[1]
    bounds = list(row["bounds"] or WORLD_BOUNDS)
    tile_cache.put(key, row["version"], bounds, len(key) + 64)
    return bounds


def tilejson(spec: LayerSpec, tiles_url: str, bounds: list[float], lang: str) -> dict[str, Any]:
    """The `fields` values are descriptions, as TileJSON says: the registry's labels in the caller's language."""

    def label(zh: str, en: str) -> str:
        return en if lang == "en" else zh

    minzoom, maxzoom, below = spec.tiles.minzoom, spec.tiles.maxzoom, spec.tiles.aggregate_below
    features = {
        "id": spec.id,
        "description": label(spec.title_zh, spec.title_en),
        "fields": {p.name: label(p.label_zh, p.label_en) for p in spec.properties if p.in_tiles},
        "minzoom": minzoom if below is None else max(minzoom, min(below, maxzoom)),
        "maxzoom": maxzoom,
    }
    vector_layers = [features]
    if below is not None and below > minzoom:
        grid_fields = {"count": label("数量", "Count")}
        if spec.has_tier:
            grid_fields |= {t.value: label(TIER_STYLES[t].label_zh, TIER_STYLES[t].label_en) for t in TIER_ORDER}
            grid_fields["tier"] = label("数量最多的风险等级", "Most frequent tier")
        grid = {
            "id": grid_layer_name(spec),
            "description": label(f"{spec.title_zh}（网格汇总）", f"{spec.title_en} (grid counts)"),
            "fields": grid_fields,
            "minzoom": minzoom,
            "maxzoom": min(below, maxzoom + 1) - 1,
        }
        vector_layers.insert(0, grid)
    return {
        "tilejson": "3.0.0",
        "name": label(spec.title_zh, spec.title_en),
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": bounds,
        "vector_layers": vector_layers,
    }

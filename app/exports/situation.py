"""What goes into an exported situation map: the view's features of each layer-tree entry that is on, with the
enterprise filters applied exactly as on the page (same parsers, same SQL fragment)."""

from __future__ import annotations

import json
from pathlib import Path

import asyncpg
from fastapi import Request

from app.errors import InvalidParameter
from app.exports.filtered import EnterpriseSet, code_label, enterprise_set
from app.exports.situation_map import MapLayer, SituationMap
from app.features.params import CRS84, parse_bbox
from app.query import quote_ident, where_clause
from app.web.config import layer_tree
from app.web.router import basemap_cache
from layers.spec import LayerSpec
from layers.styles import NEUTRAL_COLORS, TIER_ORDER

LAYER_SQL = (Path(__file__).resolve().parent / "sql" / "layer_in_view.sql").read_text(encoding="utf-8")
FEATURE_CAP = 5000  # per layer: the HTML stays a few MB; the legend says when there are more
OWN_PARAMS = 2  # $1 cap, $2 tiers from most to least severe
TITLES = ("应急管理“两张图”态势图", "TwoMaps situation map")
DEMO_NOTE = ("演示数据：企业与风险点为模拟数据", "Demo data: enterprises and hazards are synthetic")
FILTER_NOTE = ("企业筛选", "Enterprise filters")
AREA_NOTE = ("绘制范围", "drawn area")


def layer_sql(spec: LayerSpec, where: str) -> str:
    tier = quote_ident("tier") if spec.has_tier else "NULL::text"
    return LAYER_SQL.format(
        table=quote_ident(spec.table),
        geom=quote_ident(spec.geometry_column),
        title=quote_ident(spec.title_property),
        tier=tier,
        order=f"array_position($2::text[], {tier}) NULLS LAST, {quote_ident(spec.id_column)}",
        where=where,
    )


async def layer_in_view(conn: asyncpg.Connection, spec: LayerSpec, where: str, values: tuple) -> tuple[int, dict]:
    row = await conn.fetchrow(layer_sql(spec, where), FEATURE_CAP, [t.value for t in TIER_ORDER], *values)
    return row["total"], json.loads(row["features"])


def describe(selection: EnterpriseSet, town_names: dict[str, str], pick: int) -> str | None:
    """The user's filters in words for the legend: 风险等级 重大风险（红）、较大风险（橙）；镇街 长安镇；绘制范围."""
    parts = []
    for name, values in selection.filters.items():
        prop = selection.spec.prop(name)
        assert prop is not None, name  # parse_filters accepts registry properties only
        words = [town_names.get(str(v), str(v)) if name == "town_code" else code_label(prop, v, pick) for v in values]
        parts.append(f"{(prop.label_zh, prop.label_en)[pick]} {('、', ', ')[pick].join(words)}")
    if selection.cql is not None:
        parts.append(AREA_NOTE[pick])
    return f"{FILTER_NOTE[pick]}：{('；', '; ')[pick].join(parts)}" if parts else None


async def collect_situation(request: Request, conn: asyncpg.Connection, lang: str, demo: bool) -> SituationMap:
    """The view (`bbox`), the entries that are on (`layers`: the layer tree's ids) and the enterprise filters."""
    if "bbox" not in request.query_params:
        raise InvalidParameter("bbox (west,south,east,north of the view) is required", field="bbox")
    bounds = parse_bbox(request.query_params["bbox"], CRS84)
    pick = 1 if lang == "en" else 0
    layers: dict[str, LayerSpec] = request.app.state.layers
    entries = {entry["id"]: entry for group in layer_tree(layers) for entry in group["entries"]}
    wanted = [name for name in request.query_params.get("layers", "").split(",") if name]
    for name in wanted:
        if name not in entries:
            raise InvalidParameter(f"layers: unknown entry {name!r}; known: {', '.join(entries)}", field="layers")
    selection = enterprise_set(request, OWN_PARAMS + 1)
    basemap = json.loads(await basemap_cache(request).get(conn))
    towns = [f for f in basemap["features"] if f["properties"]["level"] == "town"]
    town_names = {f["properties"]["code"]: f["properties"]["name_en" if pick else "name"] for f in towns}
    map_layers = []
    for name in wanted:
        entry, spec = entries[name], layers[entries[name]["layer"]]
        title = (entry.get("title") or {"zh": spec.title_zh, "en": spec.title_en})[("zh", "en")[pick]]
        if name == "town_risk":
            features = [
                {**f, "properties": {"title": town_names[f["properties"]["code"]], "tier": f["properties"]["tier"]}}
                for f in towns
            ]
            collection = {"type": "FeatureCollection", "features": features}
            map_layers.append(MapLayer(title, collection, "tier", shown=len(towns), total=len(towns)))
            continue
        if spec.id == selection.spec.id:
            chosen = enterprise_set(request, OWN_PARAMS + 1, fixed=entry.get("filters", {}).items())
            where, values = chosen.where, chosen.values
        else:
            where, bound_values = where_clause(spec, bbox=bounds, first_param=OWN_PARAMS + 1)
            values = tuple(bound_values)
        total, collection = await layer_in_view(conn, spec, where, values)
        ring = bool(entry.get("filters"))
        style = "ring" if ring else "tier" if spec.style.kind == "tier" else "color"
        map_layers.append(
            MapLayer(
                title,
                collection,
                style,
                NEUTRAL_COLORS.get(spec.style.neutral or ""),
                7 if ring else spec.style.radius,
                len(collection["features"]),
                total,
            )
        )
    notes = [note for note in (describe(selection, town_names, pick), DEMO_NOTE[pick] if demo else None) if note]
    return SituationMap(TITLES[pick], bounds, basemap, map_layers, notes, lang)
